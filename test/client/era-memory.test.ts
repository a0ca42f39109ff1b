/**
 * The client says who it is (`User-Agent`) and remembers a 2025-only endpoint for the process:
 * only the first connect probes it with `server/discover`.
 */
import type { IncomingMessage } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { type RunningServer, serve, ToolServer } from '../../src/server/index.js'
import { startSdkV1StatelessServer, type TestHttpServer } from '../support/sdk-servers.js'

let legacyOnly: TestHttpServer
let modern: RunningServer
const seen: Array<{ method: string | undefined; userAgent: string | undefined }> = []

const record = (req: IncomingMessage) => {
  const method = req.headers['mcp-method']
  seen.push({ method: typeof method === 'string' ? method : undefined, userAgent: req.headers['user-agent'] })
}

beforeAll(async () => {
  legacyOnly = await startSdkV1StatelessServer({ json: true })
  legacyOnly.server.on('request', record)
  modern = await serve(new ToolServer({ name: 'modern', version: '1.0.0' }), { port: 0, env: false })
  modern.httpServer.on('request', record)
})
afterAll(async () => {
  await legacyOnly.close()
  await modern.close()
})

const probes = () => seen.filter((r) => r.method === 'server/discover').length

describe('User-Agent and the era remembered per endpoint', () => {
  it('only the first connect to a 2025-only server probes it; every request says toolwire/<version> node/<version>', async () => {
    seen.length = 0
    for (let i = 0; i < 3; i++) {
      await using client = await new MCPServerStreamableHttp({ params: { url: legacyOnly.url } }).connect()
      expect(client.protocolVersion).toMatch(/^2025-/)
      expect((await client.listTools()).length).toBeGreaterThan(0)
    }
    expect(probes()).toBe(1)
    expect(seen.length).toBeGreaterThan(6)
    for (const request of seen)
      expect(request.userAgent).toMatch(/^toolwire\/\d+\.\d+\.\d+\S* node\/\d+\.\d+\.\d+$/)
    // Another path on the same origin is another endpoint: it is probed.
    const other = new URL(legacyOnly.url)
    other.pathname = '/other/mcp'
    await using elsewhere = new MCPServerStreamableHttp({ params: { url: other }, maxRetryAttempts: 0 })
    await elsewhere.connect().catch(() => {})
    expect(probes()).toBe(2)
  })

  it('a 2026-07-28 server is probed on every connect (that probe is the handshake); User-Agent can be replaced', async () => {
    seen.length = 0
    for (let i = 0; i < 2; i++) {
      await using client = await new MCPServerStreamableHttp({
        params: { url: modern.url, headers: { 'User-Agent': 'crm-sync/2.1' } },
      }).connect()
      expect(client.protocolVersion).toBe('2026-07-28')
    }
    expect(probes()).toBe(2)
    expect(new Set(seen.map((r) => r.userAgent))).toEqual(new Set(['crm-sync/2.1']))
  })

  it('protocolEra: "legacy" seeds it: no probe at all', async () => {
    seen.length = 0
    await using client = await new MCPServerStreamableHttp({
      params: { url: modern.url },
      protocolEra: 'legacy',
    }).connect()
    expect(client.protocolVersion).toBe('2025-11-25')
    expect(probes()).toBe(0)
  })
})
