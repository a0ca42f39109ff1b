import { Registry } from 'prom-client'
import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { hashApiKey, ServerMetrics, ToolServer } from '../../src/server/index.js'
import { serve } from '../support/mount.js'
import { modern, send } from '../support/raw.js'

const KEY = 'metrics-test-key'

function server(gate: { open: Promise<void> }) {
  return new ToolServer({ name: 'metered', version: '1.0.0' })
    .tool('echo', { input: z.object({ text: z.string() }) }, ({ text }) => text)
    .tool('fail', { input: z.object({}) }, () => {
      throw new Error('nope')
    })
    .tool('slow', { input: z.object({}) }, async () => {
      await gate.open
      return 'done'
    })
}

async function scrape(url: string): Promise<{ contentType: string; text: string }> {
  const res = await request(url)
  expect(res.statusCode).toBe(200)
  return { contentType: String(res.headers['content-type']), text: await res.body.text() }
}

/** The value of one sample, e.g. `toolwire_tool_calls_total{tool="echo",outcome="ok"}`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`)
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue
    const labelText = line.slice(name.length).split(' ')[0]!
    if (wanted.every((w) => labelText.includes(w))) return Number(line.split(' ').at(-1))
  }
  return undefined
}

describe('Prometheus metrics', () => {
  it('counts requests, tool calls by outcome, refusals, in-flight calls and sessions', async () => {
    let release!: () => void
    const gate = { open: new Promise<void>((resolve) => (release = resolve)) }
    await using running = await serve(server(gate), {
      port: 0,
      metrics: true,
      auth: { apiKeys: [{ id: 'ci', sha256: hashApiKey(KEY) }] },
      rateLimit: { points: 100, durationSeconds: 60, perTool: { echo: { points: 3, durationSeconds: 60 } } },
    })
    const metricsUrl = running.url.replace('/mcp', '/metrics')
    const headers = { Authorization: `Bearer ${KEY}` }
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url, headers },
      maxRetryAttempts: 0,
    }).connect()
    await client.callTool('echo', { text: 'a' })
    await client.callTool('echo', { text: 'b' })
    await client.callTool('fail')
    await client.callTool('missing').catch(() => {})
    await client.callTool('echo', { text: 'c' })
    const limited = await client.callTool('echo', { text: 'd' }).catch((e: unknown) => e)
    expect(limited).toBeInstanceOf(Error)
    const unauthenticated = await send(running.url, modern('ping'))
    expect(unauthenticated.status).toBe(401)
    const unknownMethod = await send(running.url, modern('no/such-method', {}, headers))
    expect(unknownMethod.status).toBe(404)
    await using _legacySession = await new MCPServerStreamableHttp({
      params: { url: running.url, headers },
      protocolEra: 'legacy',
    }).connect()
    const slow = client.callTool('slow')
    await expect.poll(() => running.handler.inFlightCount).toBe(1)

    // /metrics needs no credentials, like the health endpoints.
    const { contentType, text } = await scrape(metricsUrl)
    expect(contentType).toContain('text/plain')
    expect(sample(text, 'toolwire_tool_calls_total', { tool: 'echo', outcome: 'ok' })).toBe(3)
    expect(sample(text, 'toolwire_tool_calls_total', { tool: 'fail', outcome: 'tool_error' })).toBe(1)
    expect(text).not.toContain('tool="missing"')
    expect(sample(text, 'toolwire_requests_total', { rpc_method: 'tools/call', status: '200' })).toBe(5)
    expect(sample(text, 'toolwire_requests_total', { rpc_method: 'other', status: '404' })).toBe(1)
    expect(text).not.toContain('no/such-method')
    expect(sample(text, 'toolwire_rejected_requests_total', { status: '401' })).toBe(1)
    expect(sample(text, 'toolwire_rejected_requests_total', { status: '429' })).toBe(1)
    expect(sample(text, 'toolwire_rate_limited_total', { tool: 'echo' })).toBe(1)
    expect(sample(text, 'toolwire_tool_call_duration_seconds_count', { tool: 'echo', outcome: 'ok' })).toBe(3)
    expect(
      sample(text, 'toolwire_request_duration_seconds_bucket', { rpc_method: 'tools/call', le: '+Inf' }),
    ).toBe(5)
    expect(sample(text, 'toolwire_requests_in_flight')).toBe(1)
    expect(sample(text, 'toolwire_sessions')).toBe(1)
    expect(sample(text, 'toolwire_process_resident_memory_bytes')).toBeGreaterThan(0)

    release()
    await slow
    const after = await scrape(metricsUrl)
    expect(sample(after.text, 'toolwire_requests_in_flight')).toBe(0)
    expect(sample(after.text, 'toolwire_tool_calls_total', { tool: 'slow', outcome: 'ok' })).toBe(1)
    expect((await request(metricsUrl, { method: 'POST' })).statusCode).not.toBe(200)
  })

  it("records into the app's registry with its prefix, and mounts with a plain handler", async () => {
    const registry = new Registry()
    const metrics = new ServerMetrics({ registry, prefix: 'crm_', processMetrics: false })
    const toolServer = server({ open: Promise.resolve() })
    await using running = await serve(toolServer, { port: 0, metrics })
    await using client = await new MCPServerStreamableHttp({ params: { url: running.url } }).connect()
    await client.callTool('echo', { text: 'x' })
    const text = await registry.metrics()
    expect(sample(text, 'crm_tool_calls_total', { tool: 'echo', outcome: 'ok' })).toBe(1)
    expect(text).not.toContain('toolwire_')
    expect(text).not.toContain('process_cpu')
    expect((await scrape(running.url.replace('/mcp', '/metrics'))).text).toContain('crm_requests_total')
  })

  it('refuses bad options naming the option', () => {
    expect(() => new ServerMetrics({ prefix: 'bad-prefix' })).toThrow(/"prefix"/)
    expect(() => new ServerMetrics({ path: 'metrics' })).toThrow(/"path"/)
    expect(() => new ServerMetrics({ buckets: [] })).toThrow(/"buckets"/)
  })

  it('is off unless asked for', async () => {
    await using running = await serve(server({ open: Promise.resolve() }), { port: 0 })
    const res = await request(running.url.replace('/mcp', '/metrics'))
    await res.body.dump()
    expect(res.statusCode).toBe(404)
  })
})
