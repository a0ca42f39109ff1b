/**
 * `toolwire/fastify` in a real Fastify app: the plugin's route reads the raw body itself (the
 * naive `reply.hijack(); handler(request.raw, reply.raw)` waits for a body Fastify already
 * consumed), the app's other routes keep Fastify's JSON parsing, and closing Fastify drains.
 */
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { fastifyMcp } from '../../src/integrations/fastify/index.js'
import { ToolwireConfigError } from '../../src/server/index.js'
import { echoServer } from '../support/echo-server.js'
import { modern, send, sseMessages } from '../support/raw.js'

async function fastifyApp(register: (app: ReturnType<typeof Fastify>) => Promise<unknown>) {
  const app = Fastify()
  app.post('/echo-json', async (request) => ({ got: request.body }))
  await register(app)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, base: address, [Symbol.asyncDispose]: () => app.close() }
}

describe('fastifyMcp', () => {
  it('serves both eras to toolwire clients; other routes keep Fastify body parsing', async () => {
    await using http = await fastifyApp((app) => app.register(fastifyMcp, { server: echoServer() }))
    for (const protocolEra of ['modern', 'legacy'] as const) {
      await using client = await new MCPServerStreamableHttp({
        params: { url: `${http.base}/mcp`, timeout: 5 },
        protocolEra,
      }).connect()
      expect((await client.callTool('echo', { text: protocolEra })).content).toEqual([
        { type: 'text', text: protocolEra },
      ])
    }
    const other = await send(`${http.base}/echo-json`, {
      headers: { 'content-type': 'application/json' },
      body: { a: 1 },
    })
    expect(other.json).toEqual({ got: { a: 1 } })
  })

  it('answers SSE, size limits and parse errors as the node handler does', async () => {
    await using http = await fastifyApp((app) =>
      app.register(fastifyMcp, { server: echoServer(), path: '/tools', maxBodyBytes: 1024 }),
    )
    const url = `${http.base}/tools`
    const call = modern('tools/call', { name: 'progress', arguments: { steps: 2 } })
    const streamed = await send(url, {
      headers: call.headers,
      body: {
        ...call.body,
        params: { ...call.body.params, _meta: { ...call.body.params._meta, progressToken: 1 } },
      },
    })
    expect(streamed.headers['content-type']).toBe('text/event-stream')
    expect(sseMessages(streamed.text).at(-1)).toMatchObject({ result: { content: [{ text: 'did 2' }] } })
    const big = await send(url, { headers: call.headers, body: { pad: 'x'.repeat(4096) } })
    expect(big.status).toBe(413)
    expect(big.json.error?.message).toContain('maxBodyBytes')
    const broken = await send(url, { headers: call.headers, body: '{"jsonrpc": ' })
    expect(broken.status).toBe(400)
    expect(broken.json.error?.code).toBe(-32700)
    const text = await send(url, { headers: { ...call.headers, 'content-type': 'text/plain' }, body: 'hi' })
    expect(text.status).toBe(415)
    const put = await send(url, { method: 'PUT', headers: call.headers, body: '{}' })
    expect(put.status).toBe(405)
  })

  it('takes a handler built beforehand, and drains it when Fastify closes', async () => {
    const probe = { aborted: [] as string[], started: [] as string[] }
    const handler = echoServer(probe).handler()
    const http = await fastifyApp((app) => app.register(fastifyMcp, { handler, path: '/mcp' }))
    await using client = await new MCPServerStreamableHttp({
      params: { url: `${http.base}/mcp`, timeout: 5 },
    }).connect()
    const call = client.callTool('wait', { id: 'late', ms: 300 })
    while (!probe.started.includes('late')) await new Promise((resolve) => setTimeout(resolve, 10))
    const closed = http.app.close()
    expect((await call).content).toEqual([{ type: 'text', text: 'waited late' }])
    await closed
    expect(probe.aborted).toEqual([])
    expect(handler.inFlightCount).toBe(0)
  })

  it('refuses a missing server with a clear error', async () => {
    const app = Fastify()
    await expect(app.register(fastifyMcp, {} as never).ready()).rejects.toThrow(ToolwireConfigError)
    await app.close()
  })
})
