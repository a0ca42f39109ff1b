/** server/utilities: logging, pagination, caching and completion (server side, raw HTTP). */
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { z } from 'zod'
import type { RunningServer, ToolServer } from '../../src/server/index.js'
import { complianceServer, start } from './fixture.js'
import { call, frame, type Json, LOG_LEVEL, openStream, spec } from './suite.js'

let tools: ToolServer
let server: RunningServer
beforeAll(async () => {
  tools = complianceServer()
  server = await start({}, tools)
})
afterAll(() => server.close())

/** `work` with a progress token (so the answer is SSE and could carry log messages) and `meta`. */
const work = (meta: Json = {}) =>
  call(
    server.url,
    'tools/call',
    { name: 'work', arguments: { steps: 1 } },
    { meta: { progressToken: 'p', ...meta } },
  )
const logLines = (events: Json[]) =>
  events.filter((m) => m.method === 'notifications/message').map((m) => (m.params as Json).level)

describe('server/utilities/logging', () => {
  spec(
    'server/utilities/logging: servers that emit log messages MUST declare the logging capability',
    async () => {
      const caps = (await call(server.url, 'server/discover')).json.result?.capabilities as Json
      expect(
        (await work({ [LOG_LEVEL]: 'debug' })).events.some((m) => m.method === 'notifications/message'),
      ).toBe(true)
      expect(caps.logging).toBeTypeOf('object')
    },
  )

  spec(
    'server/utilities/logging: server MUST NOT emit notifications/message for a request without logLevel',
    async () => {
      const res = await work()
      expect(res.json.result?.content).toEqual([{ type: 'text', text: 'worked 1' }])
      expect(logLines(res.events)).toEqual([])
    },
  )

  spec(
    'server/utilities/logging: server sends log messages only at or above the requested level',
    async () => {
      expect(logLines((await work({ [LOG_LEVEL]: 'warning' })).events)).toEqual(['warning'])
      expect(logLines((await work({ [LOG_LEVEL]: 'debug' })).events)).toEqual(['debug', 'info', 'warning'])
    },
  )

  spec('server/utilities/logging: an unrecognized logLevel SHOULD be rejected with -32602', async () => {
    const res = await work({ [LOG_LEVEL]: 'verbose' })
    expect(res.json.error?.code).toBe(-32602)
  })

  spec(
    'server/utilities/logging: server MUST NOT deliver notifications/message on a listen stream',
    async () => {
      await using stream = await openStream(
        server.url,
        frame('subscriptions/listen', { notifications: { toolsListChanged: true } }),
      )
      await stream.next()
      await work({ [LOG_LEVEL]: 'debug' })
      tools.tool('logging_page_late', { input: z.object({}) }, () => 'x')
      expect((await stream.next())?.method).toBe('notifications/tools/list_changed')
    },
  )
})

describe('server/utilities/pagination and caching', () => {
  let paged: RunningServer
  beforeAll(async () => {
    paged = await start({}, complianceServer({ pageSize: 3 }))
  })
  afterAll(() => paged.close())

  const pages = async (method: string, key: string) => {
    const results: Json[] = []
    let cursor: unknown
    do {
      const res = await call(paged.url, method, cursor === undefined ? {} : { cursor })
      results.push(res.json.result!)
      cursor = res.json.result?.nextCursor
      expect(results.length).toBeLessThan(20)
    } while (cursor !== undefined)
    expect(results.flatMap((r) => r[key] as unknown[]).length).toBeGreaterThan(3)
    return results
  }

  spec('server/utilities/pagination: an invalid cursor SHOULD be error -32602', async () => {
    expect((await call(paged.url, 'tools/list', { cursor: 'not-a-cursor!' })).json.error?.code).toBe(-32602)
  })

  spec('server/utilities/pagination: servers SHOULD provide stable cursors', async () => {
    const cursor = (await call(paged.url, 'tools/list')).json.result?.nextCursor
    const again = (await call(paged.url, 'tools/list')).json.result?.nextCursor
    expect(again).toBe(cursor)
    const a = await call(paged.url, 'tools/list', { cursor })
    const b = await call(paged.url, 'tools/list', { cursor })
    expect(b.json.result?.tools).toEqual(a.json.result?.tools)
  })

  spec(
    'server/utilities/caching: servers MUST include ttlMs and cacheScope on complete results of cacheable operations',
    async () => {
      const cacheable: Array<[string, Json]> = [
        ['server/discover', {}],
        ['tools/list', {}],
        ['prompts/list', {}],
        ['resources/list', {}],
        ['resources/templates/list', {}],
        ['resources/read', { uri: 'mem://text' }],
      ]
      for (const [method, params] of cacheable) {
        const result = (await call(server.url, method, params)).json.result
        expect({ method, ttl: typeof result?.ttlMs, scope: result?.cacheScope }).toEqual({
          method,
          ttl: 'number',
          scope: expect.stringMatching(/^(public|private)$/),
        })
      }
    },
  )

  spec('server/utilities/caching: servers MUST provide a ttlMs that is an integer >= 0', async () => {
    for (const method of ['server/discover', 'tools/list', 'resources/list']) {
      const ttl = (await call(server.url, method)).json.result?.ttlMs
      expect(Number.isInteger(ttl) && (ttl as number) >= 0).toBe(true)
    }
  })

  spec(
    'server/utilities/caching: input_required results are not cacheable and carry no caching hints',
    async () => {
      const res = await call(
        server.url,
        'resources/read',
        { uri: 'vault://note' },
        { caps: { elicitation: {} } },
      )
      expect(res.json.result?.resultType).toBe('input_required')
      expect(res.json.result).not.toHaveProperty('ttlMs')
      expect(res.json.result).not.toHaveProperty('cacheScope')
    },
  )

  spec(
    'server/utilities/caching: servers MUST apply the same cacheScope to every page of a list',
    async () => {
      for (const [method, key] of [
        ['tools/list', 'tools'],
        ['resources/list', 'resources'],
      ]) {
        const scopes = new Set((await pages(method!, key!)).map((page) => page.cacheScope))
        expect(scopes.size).toBe(1)
      }
    },
  )
})

describe('server/utilities/completion', () => {
  const complete = (ref: Json, argument: Json) => call(server.url, 'completion/complete', { ref, argument })

  spec(
    'server/utilities/completion: servers that support completions MUST declare the completions capability',
    async () => {
      const caps = (await call(server.url, 'server/discover')).json.result?.capabilities as Json
      expect(caps.completions).toBeTypeOf('object')
    },
  )

  spec('server/utilities/completion: a completion answer MUST NOT exceed 100 values', async () => {
    const res = await complete({ type: 'ref/prompt', name: 'greet' }, { name: 'name', value: 'n' })
    const completion = res.json.result?.completion as { values: string[]; hasMore?: boolean }
    expect(completion.values.length).toBeLessThanOrEqual(100)
    expect(completion.hasMore).toBe(true)
  })

  spec('server/utilities/completion: an invalid prompt name SHOULD be error -32602', async () => {
    const res = await complete({ type: 'ref/prompt', name: 'no_such_prompt' }, { name: 'name', value: 'n' })
    expect(res.json.error?.code).toBe(-32602)
  })

  spec('server/utilities/completion: missing required arguments SHOULD be error -32602', async () => {
    const res = await call(server.url, 'completion/complete', { ref: { type: 'ref/prompt', name: 'greet' } })
    expect(res.json.error?.code).toBe(-32602)
  })
})
