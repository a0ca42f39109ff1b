/** server/tools, server/resources and server/prompts (server side, raw HTTP). */
import { Pool, request } from 'undici'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { z } from 'zod'
import type { RunningServer, ToolServer } from '../../src/server/index.js'
import { complianceServer, start } from './fixture.js'
import { call, frame, type Json, openStream, spec } from './suite.js'

let tools: ToolServer
let server: RunningServer
beforeAll(async () => {
  tools = complianceServer()
  server = await start({}, tools)
})
afterAll(() => server.close())

const capabilities = async () => (await call(server.url, 'server/discover')).json.result?.capabilities as Json
const names = (result: Json | undefined, key: string) =>
  ((result?.[key] ?? []) as Array<{ name?: string; uri?: string }>).map((item) => item.name ?? item.uri)

/** Opens a listen stream for `filter`, runs `change`, and returns the first notification after the ack. */
async function notifiedAfter(filter: Json, change: () => void) {
  await using stream = await openStream(server.url, frame('subscriptions/listen', { notifications: filter }))
  await stream.next()
  change()
  return (await stream.next())?.method
}

describe('server/tools', () => {
  spec('server/tools: servers that support tools MUST declare the tools capability', async () => {
    expect((await capabilities()).tools).toBeTypeOf('object')
  })

  spec(
    'server/tools: tools/list MUST NOT vary per connection or as a side effect of other requests',
    async () => {
      const before = names((await call(server.url, 'tools/list')).json.result, 'tools')
      await call(server.url, 'tools/call', { name: 'echo', arguments: { text: 'side effect?' } })
      const pool = new Pool(new URL(server.url).origin, { connections: 1 })
      try {
        const { headers, body } = frame('tools/list')
        const res = await request(server.url, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          dispatcher: pool,
        })
        expect(names(((await res.body.json()) as { result: Json }).result, 'tools')).toEqual(before)
      } finally {
        await pool.close()
      }
    },
  )

  spec('server/tools: servers SHOULD return tools in a deterministic order', async () => {
    const first = names((await call(server.url, 'tools/list')).json.result, 'tools')
    expect(names((await call(server.url, 'tools/list')).json.result, 'tools')).toEqual(first)
  })

  spec('server/tools: tool names SHOULD be 1-128 characters of A-Z a-z 0-9 _ - .', async () => {
    for (const name of names((await call(server.url, 'tools/list')).json.result, 'tools')) {
      expect(name).toMatch(/^[A-Za-z0-9_.-]{1,128}$/)
    }
  })

  spec('server/tools: tool names SHOULD be treated as case-sensitive', async () => {
    const res = await call(server.url, 'tools/call', { name: 'ECHO', arguments: { text: 'x' } })
    expect(res.json.error?.code).toBe(-32602)
  })

  spec('server/tools: tool names SHOULD be unique within a server', async () => {
    const listed = names((await call(server.url, 'tools/list')).json.result, 'tools')
    expect(new Set(listed).size).toBe(listed.length)
  })

  spec(
    'server/tools: inputSchema MUST be a valid JSON Schema object, also for tools without parameters',
    async () => {
      const listed = (await call(server.url, 'tools/list')).json.result?.tools as Array<{
        name: string
        inputSchema: Json
      }>
      for (const tool of listed) expect(tool.inputSchema).toMatchObject({ type: 'object' })
      expect(listed.find((t) => t.name === 'nothing')?.inputSchema).toBeTypeOf('object')
    },
  )

  spec('server/tools: an unknown tool MUST be reported as a JSON-RPC protocol error', async () => {
    const res = await call(server.url, 'tools/call', { name: 'no_such_tool', arguments: {} })
    expect(res.json.error?.code).toBe(-32602)
  })

  spec(
    'server/tools: a request failing the CallToolRequest schema MUST be a JSON-RPC protocol error',
    async () => {
      const res = await call(server.url, 'tools/call', { name: 'echo', arguments: 'not an object' })
      expect(res.json.error?.code).toBe(-32602)
    },
  )

  spec(
    'server/tools: servers MUST validate tool inputs and report failures as tool execution errors',
    async () => {
      const res = await call(server.url, 'tools/call', { name: 'sum', arguments: { a: 'two', b: 3 } })
      expect(res.json.result).toMatchObject({ resultType: 'complete', isError: true })
    },
  )

  spec(
    'server/tools: with an outputSchema, servers MUST provide structured results that conform to it',
    async () => {
      const res = await call(server.url, 'tools/call', { name: 'sum', arguments: { a: 2, b: 3 } })
      expect(res.json.result?.structuredContent).toEqual({ sum: 5 })
      const bad = await call(server.url, 'tools/call', { name: 'bad_output', arguments: {} })
      expect(bad.json.result?.isError === true || bad.json.error !== undefined).toBe(true)
      expect((bad.json.result?.structuredContent as Json | undefined)?.sum).not.toBe('five')
    },
  )

  spec(
    'server/tools: a tool returning structured content SHOULD also return it serialized as text',
    async () => {
      const res = await call(server.url, 'tools/call', { name: 'sum', arguments: { a: 2, b: 3 } })
      const text = ((res.json.result?.content ?? []) as Array<{ type: string; text: string }>).find(
        (c) => c.type === 'text',
      )
      expect(JSON.parse(text!.text)).toEqual({ sum: 5 })
    },
  )

  spec('server/tools: servers MUST rate limit tool invocations (when configured)', async () => {
    await using limited = await start({
      rateLimit: { points: 100, durationSeconds: 60, perTool: { echo: { points: 1, durationSeconds: 60 } } },
    })
    await call(limited.url, 'tools/call', { name: 'echo', arguments: { text: '1' } })
    expect((await call(limited.url, 'tools/call', { name: 'echo', arguments: { text: '2' } })).status).toBe(
      429,
    )
  })

  spec(
    'server/tools: servers declaring listChanged SHOULD notify listeners when the tool list changes',
    async () => {
      expect(
        await notifiedAfter({ toolsListChanged: true }, () =>
          tools.tool('tools_page_late', { input: z.object({}) }, () => 'x'),
        ),
      ).toBe('notifications/tools/list_changed')
    },
  )
})

describe('server/resources', () => {
  spec('server/resources: servers that support resources MUST declare the resources capability', async () => {
    expect((await capabilities()).resources).toBeTypeOf('object')
  })

  spec('server/resources: resources/list MUST respond with the resources currently available', async () => {
    const listed = names((await call(server.url, 'resources/list')).json.result, 'resources')
    expect(listed).toEqual(expect.arrayContaining(['mem://text', 'mem://bytes']))
  })

  spec(
    'server/resources: a non-existent resource MUST be error -32602, never an empty contents array',
    async () => {
      const res = await call(server.url, 'resources/read', { uri: 'mem://nowhere' })
      expect(res.json.error?.code).toBe(-32602)
      expect(res.json.result).toBeUndefined()
    },
  )

  spec('server/resources: servers SHOULD return -32603 for internal errors', async () => {
    const res = await call(server.url, 'resources/read', { uri: 'mem://broken' })
    expect(res.json.error?.code).toBe(-32603)
    expect(res.text).not.toContain('disk on fire')
  })

  spec('server/resources: binary data MUST be properly encoded (base64 blob)', async () => {
    const res = await call(server.url, 'resources/read', { uri: 'mem://bytes' })
    expect(res.json.result?.contents).toEqual([
      expect.objectContaining({ uri: 'mem://bytes', blob: 'AAH+/w==' }),
    ])
  })

  spec(
    'server/resources: servers declaring listChanged SHOULD notify listeners when the resource list changes',
    async () => {
      expect(
        await notifiedAfter({ resourcesListChanged: true }, () =>
          tools.resource('mem://resources-page-late', {}, () => 'x'),
        ),
      ).toBe('notifications/resources/list_changed')
    },
  )
})

describe('server/prompts', () => {
  spec(
    'server/prompts: servers that support prompts MUST declare the prompts capability in DiscoverResult',
    async () => {
      expect((await capabilities()).prompts).toBeTypeOf('object')
    },
  )

  spec('server/prompts: prompts/list MUST respond with the prompts currently available', async () => {
    expect(names((await call(server.url, 'prompts/list')).json.result, 'prompts')).toEqual(
      expect.arrayContaining(['greet', 'ask_prompt']),
    )
  })

  spec('server/prompts: an invalid prompt name SHOULD be error -32602', async () => {
    expect((await call(server.url, 'prompts/get', { name: 'no_such_prompt' })).json.error?.code).toBe(-32602)
  })

  spec('server/prompts: missing required arguments SHOULD be error -32602', async () => {
    expect((await call(server.url, 'prompts/get', { name: 'greet', arguments: {} })).json.error?.code).toBe(
      -32602,
    )
  })

  spec('server/prompts: internal errors SHOULD be error -32603', async () => {
    const res = await call(server.url, 'prompts/get', { name: 'broken' })
    expect(res.json.error?.code).toBe(-32603)
  })

  spec(
    'server/prompts: servers declaring listChanged SHOULD notify listeners when the prompt list changes',
    async () => {
      expect(
        await notifiedAfter({ promptsListChanged: true }, () =>
          tools.prompt('prompts_page_late', {}, () => 'x'),
        ),
      ).toBe('notifications/prompts/list_changed')
    },
  )
})
