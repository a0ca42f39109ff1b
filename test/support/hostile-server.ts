/**
 * A malicious (or broken) MCP resource server for the client's hostile-server suite: it speaks
 * either era well enough to be connected to, and each JSON-RPC method (or the 2025 GET stream)
 * can be given a behaviour of the test's own that writes whatever it likes. It counts requests
 * per method, keeps the JSON-RPC responses clients POST back, and the bytes it wrote.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { listen, type TestHttpServer } from './sdk-servers.js'

export interface Exchange {
  req: IncomingMessage
  res: ServerResponse
  /** The JSON-RPC message (for GET: `{}`). */
  message: { id?: unknown; method?: string; params?: Record<string, unknown> }
  era: 'modern' | 'legacy'
  /** The result envelope of the era (`resultType` on 2026-07-28). */
  result(body: Record<string, unknown>): Record<string, unknown>
  /** Answers with one JSON-RPC result as `application/json`. */
  json(result: Record<string, unknown>): void
}

export type Behaviour = (exchange: Exchange) => unknown

export interface HostileServer extends TestHttpServer {
  /** Behaviours by JSON-RPC method, or `GET` for the 2025-era notification stream. */
  behave: Map<string, Behaviour>
  /** Requests per JSON-RPC method (`GET`, and `response` for JSON-RPC responses POSTed back). */
  hits: Map<string, number>
  /** JSON-RPC responses clients POSTed back. */
  responses: unknown[]
  /** Headers of every request, in order. */
  requests: Array<{ method: string; headers: IncomingMessage['headers']; url: string }>
  /** Bytes written to every connection so far. */
  bytesWritten(): number
  tools: unknown[]
}

const SERVER_INFO = { name: 'hostile', version: '6.6.6' }

export async function startHostileServer(
  options: { era?: 'modern' | 'legacy'; tools?: unknown[]; path?: string } = {},
): Promise<HostileServer> {
  const era = options.era ?? 'modern'
  const behave = new Map<string, Behaviour>()
  const hits = new Map<string, number>()
  const responses: unknown[] = []
  const requests: HostileServer['requests'] = []
  const sockets = new Set<Socket>()
  let closedBytes = 0
  const state = { tools: options.tools ?? [{ name: 'echo', inputSchema: { type: 'object' } }] }
  const count = (key: string) => hits.set(key, (hits.get(key) ?? 0) + 1)

  const server = await listen(
    async (req, res) => {
      const chunks: Buffer[] = []
      for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
      const text = Buffer.concat(chunks).toString()
      let message: Exchange['message'] = {}
      try {
        message = text ? JSON.parse(text) : {}
      } catch {
        return void res.writeHead(400).end()
      }
      const method =
        req.method === 'GET' ? 'GET' : req.method === 'DELETE' ? 'DELETE' : (message.method ?? 'response')
      count(method)
      requests.push({ method, headers: req.headers, url: req.url ?? '' })
      if (method === 'response') {
        responses.push(message)
        return void res.writeHead(202).end()
      }
      const exchange: Exchange = {
        req,
        res,
        message,
        era,
        result: (body) => (era === 'modern' ? { resultType: 'complete', ...body } : body),
        json: (result) =>
          void res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result })),
      }
      const custom = behave.get(method)
      if (custom) return void (await custom(exchange))
      if (method === 'DELETE') return void res.writeHead(200).end()
      if (method === 'GET') {
        if (era === 'modern') return void res.writeHead(405).end()
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        return void res.flushHeaders()
      }
      if (message.id === undefined) return void res.writeHead(202).end()
      switch (method) {
        case 'server/discover':
          if (era === 'legacy')
            return void res.writeHead(400, { 'content-type': 'text/plain' }).end('not initialized')
          return exchange.json(
            exchange.result({
              supportedVersions: ['2026-07-28'],
              capabilities: { tools: {} },
              _meta: { 'io.modelcontextprotocol/serverInfo': SERVER_INFO },
            }),
          )
        case 'initialize':
          return void res
            .writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': randomUUID() })
            .end(
              JSON.stringify({
                jsonrpc: '2.0',
                id: message.id,
                result: {
                  protocolVersion: '2025-11-25',
                  capabilities: { tools: {} },
                  serverInfo: SERVER_INFO,
                },
              }),
            )
        case 'tools/list':
          return exchange.json(exchange.result({ tools: state.tools }))
        default:
          return exchange.json(
            exchange.result({ content: [{ type: 'text', text: `ok ${String(message.params?.name)}` }] }),
          )
      }
    },
    options.path === undefined ? {} : { path: options.path },
  )
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => {
      closedBytes += socket.bytesWritten
      sockets.delete(socket)
    })
  })
  const hostile = Object.assign(server, {
    behave,
    hits,
    responses,
    requests,
    bytesWritten: () => closedBytes + [...sockets].reduce((sum, s) => sum + s.bytesWritten, 0),
  })
  // A property, not a copied value: tests replace the tool list.
  return Object.defineProperty(hostile, 'tools', {
    get: () => state.tools,
    set: (value: unknown[]) => {
      state.tools = value
    },
  }) as HostileServer
}

/** One SSE event carrying a JSON-RPC message. */
export function sseEvent(message: unknown): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`
}

/** Writes `chunk` again and again while the peer reads, up to `maxBytes`; resolves when done or the peer left. */
export async function flood(res: ServerResponse, chunk: () => string, maxBytes: number): Promise<number> {
  let written = 0
  while (written < maxBytes && !res.destroyed && !res.writableEnded) {
    const data = chunk()
    written += Buffer.byteLength(data)
    if (!res.write(data)) {
      // Each wait removes the listener it did not need: a long flood must not pile them up.
      const drained = await new Promise<boolean>((resolve) => {
        const onDrain = () => {
          res.off('close', onClose)
          resolve(true)
        }
        const onClose = () => {
          res.off('drain', onDrain)
          resolve(false)
        }
        res.once('drain', onDrain)
        res.once('close', onClose)
      })
      if (!drained) break
    }
  }
  return written
}
