/**
 * The web handler called as web runtimes call it: a `Request` in, a `Response` out, no HTTP
 * server in between. (The node handler's suites also run through it: vitest's `web` project.)
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ToolwireConfigError } from '../../../src/server/index.js'
import { createFetchHandler } from '../../../src/server/web/index.js'
import { echoServer } from '../../support/echo-server.js'
import { modern, sseMessages } from '../../support/raw.js'

const ORIGIN = 'http://127.0.0.1:8787'

function post(
  method: string,
  params: Record<string, unknown>,
  init: { path?: string; signal?: AbortSignal } = {},
): Request {
  const req = modern(method, params)
  // Progress notifications (and so an SSE answer) need a progress token.
  const body = {
    ...req.body,
    params: { ...req.body.params, _meta: { ...req.body.params._meta, progressToken: 'p1' } },
  }
  return new Request(`${ORIGIN}${init.path ?? '/mcp'}`, {
    method: 'POST',
    headers: req.headers,
    body: JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  })
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
}

describe('createFetchHandler', () => {
  it('answers a call with a JSON Response', async () => {
    const mcp = createFetchHandler(echoServer())
    const res = await mcp(post('tools/call', { name: 'echo', arguments: { text: 'hi' } }))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(await res.json()).toMatchObject({ id: 1, result: { content: [{ type: 'text', text: 'hi' }] } })
    mcp.close()
  })

  it('streams a call that reports progress as SSE in a ReadableStream', async () => {
    const mcp = createFetchHandler(echoServer())
    const res = await mcp(post('tools/call', { name: 'progress', arguments: { steps: 3 } }))
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    expect(res.body).toBeInstanceOf(ReadableStream)
    const messages = sseMessages(await res.text())
    expect(messages.filter((m) => m.method === 'notifications/progress')).toHaveLength(3)
    expect(messages.at(-1)).toMatchObject({ id: 1, result: { content: [{ text: 'did 3' }] } })
    mcp.close()
  })

  it('aborts the call when the request is aborted', async () => {
    const probe = { aborted: [] as string[], started: [] as string[] }
    const mcp = createFetchHandler(echoServer(probe))
    const controller = new AbortController()
    const pending = mcp(post('tools/call', { name: 'wait', arguments: { id: 'a', ms: 10_000 } }, controller))
    await until(() => probe.started.includes('a'))
    controller.abort()
    await until(() => probe.aborted.includes('a'))
    expect(probe.aborted).toContain('a')
    expect(mcp.handler.inFlightCount).toBe(0)
    // Nobody reads it, but the runtime's promise settles.
    expect((await pending).status).toBe(499)
    mcp.close()
  })

  it('aborts a streamed call when the reader cancels the stream', async () => {
    const probe = { aborted: [] as string[], started: [] as string[] }
    const server = echoServer(probe).tool('tick', { input: z.object({}) }, async (_args, ctx) => {
      ctx.progress(1, { message: 'started' })
      probe.started.push('tick')
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve))
      probe.aborted.push('tick')
      return 'never read'
    })
    const mcp = createFetchHandler(server)
    const res = await mcp(post('tools/call', { name: 'tick', arguments: {} }))
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const reader = res.body!.getReader()
    await reader.read()
    await reader.cancel()
    await until(() => probe.aborted.includes('tick'))
    expect(probe.aborted).toEqual(['tick'])
    expect(mcp.handler.inFlightCount).toBe(0)
    mcp.close()
  })

  it('applies the body limit to a streamed body without Content-Length (413)', async () => {
    const mcp = createFetchHandler(echoServer(), { maxBodyBytes: 1024 })
    const chunk = new TextEncoder().encode(`{"pad":"${'x'.repeat(4096)}"}`)
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk)
        controller.close()
      },
    })
    const req = modern('ping')
    const res = await mcp(
      new Request(`${ORIGIN}/mcp`, {
        method: 'POST',
        headers: req.headers,
        body,
        duplex: 'half',
      } as RequestInit),
    )
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: { message: expect.stringContaining('maxBodyBytes') } })
    mcp.close()
  })

  it('answers health and readiness, HEAD without a body, other paths 404 with `path`', async () => {
    const mcp = createFetchHandler(echoServer(), { path: '/mcp' })
    const health = await mcp(new Request(`${ORIGIN}/health`))
    expect(await health.json()).toMatchObject({ status: 'ok', name: 'echo-server', version: '1.2.3' })
    const head = await mcp(new Request(`${ORIGIN}/health`, { method: 'HEAD' }))
    expect(head.status).toBe(200)
    expect(head.body).toBeNull()
    const missing = await mcp(post('ping', {}, { path: '/elsewhere' }))
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: { message: expect.stringContaining('/mcp') } })
    mcp.close()
  })

  it('drains: /ready turns 503, new calls get 503 shutting_down', async () => {
    const mcp = createFetchHandler(echoServer())
    await mcp.drain()
    expect((await mcp(new Request(`${ORIGIN}/ready`))).status).toBe(503)
    const refused = await mcp(post('tools/call', { name: 'echo', arguments: { text: 'late' } }))
    expect(refused.status).toBe(503)
    expect(await refused.json()).toMatchObject({ error: { data: { reason: 'shutting_down' } } })
    mcp.close()
  })

  it('takes the client address from Bun, Deno or the caller, for logs and rate limits', async () => {
    const lines: Array<Record<string, unknown>> = []
    const logger = {
      info: (fields: object) => void lines.push(fields as Record<string, unknown>),
      warn() {},
      error() {},
      debug() {},
    }
    const mcp = createFetchHandler(echoServer(), { logger })
    const call = () => post('tools/call', { name: 'echo', arguments: { text: 'x' } })
    const bun = { requestIP: (_req: Request) => ({ address: '203.0.113.1' }) }
    await mcp(call(), bun)
    await mcp(call(), { remoteAddr: { hostname: '203.0.113.2' } })
    await mcp(call(), { clientAddress: '203.0.113.3' })
    await mcp(call())
    expect(lines.map((line) => line.remote)).toEqual(['203.0.113.1', '203.0.113.2', '203.0.113.3', undefined])
    mcp.close()
  })

  it('answers Prometheus metrics at /metrics with `metrics: true`', async () => {
    const mcp = createFetchHandler(echoServer(), { metrics: true })
    await (await mcp(post('tools/call', { name: 'echo', arguments: { text: 'x' } }))).text()
    const metrics = await mcp(new Request(`${ORIGIN}/metrics`))
    expect(metrics.status).toBe(200)
    expect(await metrics.text()).toMatch(/tool="echo"/)
    expect(mcp.metrics).toBeDefined()
    mcp.close()
  })

  it('rejects a path that does not start with "/"', () => {
    expect(() => createFetchHandler(echoServer(), { path: 'mcp' })).toThrow(ToolwireConfigError)
  })
})
