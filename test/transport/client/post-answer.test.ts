import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { McpConnectionError, McpProtocolError } from '../../../src/protocol/errors.js'
import type { JsonRpcMessage } from '../../../src/protocol/jsonrpc.js'
import { CallSignal } from '../../../src/transport/client/call-signal.js'
import { HttpWire } from '../../../src/transport/client/http-wire.js'

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void

/** A loopback HTTP server answering each POST with `handler`, and an HttpWire on it. */
async function wireOn(handler: Handler, maxResponseBytes = 1_000_000) {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => {
      body += chunk
    })
    req.on('end', () => handler(req, res, body))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`)
  const agent = new Agent()
  const wire = new HttpWire({
    url,
    dispatcher: agent,
    site: { serverName: 'test', url: url.href },
    headersTimeoutMs: 5_000,
    bodyTimeoutMs: 5_000,
    maxResponseBytes,
    timeoutsSeconds: { connect: 5, headers: 5, sseRead: 5 },
  })
  opened.push({ server, agent })
  return wire
}

const opened: { server: Server; agent: Agent }[] = []
afterEach(async () => {
  for (const { server, agent } of opened.splice(0)) {
    server.closeAllConnections()
    server.close()
    await agent.destroy()
  }
})

const request = (id: number, extra: Partial<Parameters<HttpWire['post']>[0]> = {}) => ({
  body: { jsonrpc: '2.0' as const, id, method: 'tools/call', params: { name: 'echo' } },
  headers: { 'content-type': 'application/json' },
  ...extra,
})
const result = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, result: { content: [] } })

describe('HttpWire POST answers (read from the dispatch callbacks)', () => {
  it('reads a JSON body that comes in several chunks without a length', async () => {
    const wire = await wireOn((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      const text = result(1)
      res.write(text.slice(0, 10))
      setTimeout(() => res.end(text.slice(10)), 5)
    })
    const outcome = await wire.post(request(1), 1)
    expect(outcome.status).toBe(200)
    expect(outcome.response).toEqual({ jsonrpc: '2.0', id: 1, result: { content: [] } })
    expect(outcome.headers['content-type']).toBe('application/json')
  })

  it('hands back every header when read (repeated ones as lists), as undici parses them', async () => {
    const wire = await wireOn((_req, res) => {
      res.setHeader('retry-after', '3')
      res.setHeader('x-many', ['a', 'b'])
      res.writeHead(429, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'slow down' } }))
    })
    const outcome = await wire.post(request(1), 1)
    expect(outcome.status).toBe(429)
    expect(outcome.response).toMatchObject({ id: 1, error: { message: 'slow down' } })
    expect(outcome.headers['retry-after']).toBe('3')
    expect(outcome.headers['x-many']).toEqual(['a', 'b'])
    expect(outcome.headers['content-type']).toBe('application/json')
  })

  it('refuses a body over maxResponseBytes, declared or not', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { text: 'x'.repeat(5_000) } })
    const chunked = await wireOn((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write(big.slice(0, 3_000))
      res.end(big.slice(3_000))
    }, 1_000)
    await expect(chunked.post(request(1), 1)).rejects.toThrow(/exceeds maxResponseBytes \(1000 bytes\)/)
    const declared = await wireOn((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) })
      res.end(big)
    }, 1_000)
    await expect(declared.post(request(1), 1)).rejects.toBeInstanceOf(McpProtocolError)
  })

  it('answers an SSE stream at its response, passing notifications on, while the stream stays open', async () => {
    let stream: ServerResponse | undefined
    const wire = await wireOn((_req, res) => {
      stream = res
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(
        `id: e1\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: 1 } })}\n\n`,
      )
      res.write(`id: e2\nretry: 250\ndata: ${result(4)}\n\n`)
    })
    const heard: JsonRpcMessage[] = []
    const outcome = await wire.post(request(4, { onMessage: (m) => heard.push(m) }), 4)
    expect(outcome.response).toMatchObject({ id: 4, result: { content: [] } })
    expect(outcome).toMatchObject({ status: 200, lastEventId: 'e2', retryMs: 250 })
    expect(outcome.broken).toBeUndefined()
    expect(heard).toEqual([
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: 1 } },
    ])
    stream?.end()
  })

  it('reports an SSE stream that ends before the response as broken, possibly delivered', async () => {
    const wire = await wireOn((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end('id: only\ndata: \n\n')
    })
    const outcome = await wire.post(request(2), 2)
    expect(outcome.response).toBeUndefined()
    expect(outcome.lastEventId).toBe('only')
    expect(outcome.broken).toBeInstanceOf(McpConnectionError)
    expect(outcome.broken).toMatchObject({ maybeDelivered: true })
  })

  it('refuses a 2xx that is neither JSON nor SSE, and hands back the status of a non-2xx one', async () => {
    const wire = await wireOn((req, res) => {
      res.writeHead(req.headers['x-status'] === '404' ? 404 : 200, { 'content-type': 'text/html' })
      res.end('<html>not here</html>')
    })
    await expect(wire.post(request(1), 1)).rejects.toThrow(
      /got "text\/html" \(HTTP 200\): is the URL an MCP endpoint/,
    )
    const outcome = await wire.post(request(1, { headers: { 'x-status': '404' } }), 1)
    expect(outcome).toMatchObject({ status: 404, response: undefined })
  })

  it('refuses a JSON answer for another request id', async () => {
    const wire = await wireOn((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(result(99))
    })
    await expect(wire.post(request(1), 1)).rejects.toThrow(/carries another JSON-RPC id \(99, expected 1\)/)
  })

  it('drains the answer to a notification (202, or any status) without reading it', async () => {
    const wire = await wireOn((_req, res) => {
      res.writeHead(202, { 'content-type': 'application/json' })
      res.end('x'.repeat(10_000))
    })
    const outcome = await wire.post(
      { body: { jsonrpc: '2.0', method: 'notifications/initialized' }, headers: {} },
      undefined,
    )
    expect(outcome).toMatchObject({ status: 202, response: undefined })
  })

  it("rejects with the caller's reason when its signal aborts, before or during the answer", async () => {
    const wire = await wireOn((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(': waiting\n\n')
    })
    const during = new CallSignal()
    const reason = new Error('stop')
    const pending = wire.post(request(3, { signal: during }), 3)
    setTimeout(() => during.abort(reason), 30)
    await expect(pending).rejects.toBe(reason)
    const before = new AbortController()
    before.abort(reason)
    await expect(wire.post(request(3, { signal: before.signal }), 3)).rejects.toBe(reason)
  })
})
