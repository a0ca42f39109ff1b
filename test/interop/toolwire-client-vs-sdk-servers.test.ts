import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import {
  startSdkV1StatefulServer,
  startSdkV1StatelessServer,
  startSdkV2Server,
  type TestHttpServer,
} from '../support/sdk-servers.js'

const servers: Record<string, TestHttpServer> = {}

beforeAll(async () => {
  servers['SDK v2 createMcpHandler'] = await startSdkV2Server()
  servers['SDK v1 stateless, JSON answers'] = await startSdkV1StatelessServer({ json: true })
  servers['SDK v1 stateless, SSE answers'] = await startSdkV1StatelessServer({ json: false })
  servers['SDK v1 stateful, SSE answers'] = await startSdkV1StatefulServer({ json: false })
  servers['SDK v1 stateful, JSON answers'] = await startSdkV1StatefulServer({ json: true })
})
afterAll(async () => {
  for (const server of Object.values(servers)) await server.close()
})

const expected: Record<string, { version: string; progress: boolean }> = {
  'SDK v2 createMcpHandler': { version: '2026-07-28', progress: true },
  'SDK v1 stateless, JSON answers': { version: '2025-11-25', progress: false },
  'SDK v1 stateless, SSE answers': { version: '2025-11-25', progress: true },
  'SDK v1 stateful, SSE answers': { version: '2025-11-25', progress: true },
  'SDK v1 stateful, JSON answers': { version: '2025-11-25', progress: false },
}

describe.each(Object.keys(expected))('toolwire client → %s', (name) => {
  it('negotiates the era, lists and calls tools, receives progress', async () => {
    const server = servers[name]!
    await using client = await new MCPServerStreamableHttp({ name, params: { url: server.url } }).connect()
    expect(client.protocolVersion).toBe(expected[name]!.version)
    const names = (await client.listTools()).map((t) => t.name).sort()
    expect(names.filter((n) => n !== 'greet')).toEqual(['echo', 'slow_progress'])
    expect((await client.callTool('echo', { text: 'héllo' })).content).toEqual([
      { type: 'text', text: 'héllo' },
    ])
    const seen: number[] = []
    const result = await client.callTool(
      'slow_progress',
      { steps: 3 },
      { onProgress: (p) => seen.push(p.progress) },
    )
    expect(result.content).toEqual([{ type: 'text', text: 'done 3' }])
    expect(seen).toEqual(expected[name]!.progress ? [1, 2, 3] : [])
  })
})

describe('2025-era session lifecycle against SDK v1 stateful', () => {
  it('keeps one session for all calls and DELETEs it on close', async () => {
    const server = (await startSdkV1StatefulServer({ json: false })) as TestHttpServer & {
      sessions: Map<string, unknown>
    }
    try {
      await using client = await new MCPServerStreamableHttp({ params: { url: server.url } }).connect()
      await client.callTool('echo', { text: 'a' })
      await client.callTool('echo', { text: 'b' })
      expect(server.sessions.size).toBe(1)
      await client.close()
      await expect.poll(() => server.sessions.size).toBe(0)
    } finally {
      await server.close()
    }
  })
})

describe('toolwire client answering an SDK v2 server that asks for input', () => {
  // (Its 2025-era fallback serves each request without a session, so it cannot ask there.)
  it.each([['2026-07-28: input_required, answered and retried', 'modern']] as const)(
    '%s',
    async (_case, era) => {
      const seen: string[] = []
      await using client = await new MCPServerStreamableHttp({
        params: { url: servers['SDK v2 createMcpHandler']!.url },
        protocolEra: era,
        handlers: {
          elicitation: (params) => {
            seen.push(params.message)
            return { action: 'accept', content: { name: 'Ada' } }
          },
        },
      }).connect()
      expect((await client.callTool('greet')).content).toEqual([{ type: 'text', text: 'hello Ada' }])
      expect(seen).toEqual(['Your name?'])
    },
  )
})
