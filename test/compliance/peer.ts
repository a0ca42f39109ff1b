/**
 * A hand-written 2026-07-28 server (node:http on port 0) for the client-side compliance tests.
 * It answers per JSON-RPC method with a route the test chooses (JSON, an error, SSE events, or
 * anything written by hand), records every HTTP request, and can hold `subscriptions/listen`
 * streams open to push notifications. No toolwire code on this side.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MCPServerStreamableHttp, type MCPServerStreamableHttpOptions } from '../../src/client/index.js'
import type { Json } from './suite.js'

export interface Seen {
  httpMethod: string
  url: string
  headers: IncomingHttpHeaders
  /** The parsed JSON body (undefined when there was none). */
  body: (Json & { id?: string | number; method?: string; params?: Json }) | undefined
  /** Becomes true when the client closed the connection before the peer answered. */
  closedEarly: boolean
}

export type Reply =
  | { result: Json }
  | { error: { code: number; message: string; data?: unknown }; status?: number }
  | { status: number; body?: string }
  /** SSE: JSON-RPC messages, or raw strings (comment lines, partial frames) written as is; `result` last. */
  | { sse: Array<Json | string>; result?: Json }
  /** Write the answer yourself (or never: a hanging answer). */
  | { custom: (res: ServerResponse, seen: Seen) => void }

export type Route = (seen: Seen, peer: Peer) => Reply | Promise<Reply>

export interface Peer extends AsyncDisposable {
  url: string
  /** Every HTTP request, in arrival order. */
  seen: Seen[]
  /** JSON-RPC requests of a method. */
  calls(method: string): Seen[]
  /** Open `subscriptions/listen` answers. */
  listens: Array<{ res: ServerResponse; id: string | number }>
  /** Sends a notification (stamped with the subscription id) on every open listen stream. */
  push(method: string, params?: Json): void
  routes: Record<string, Route>
  close(): Promise<void>
}

export const PEER_INFO = { name: 'peer', version: '9.9.9' }
const META = { 'io.modelcontextprotocol/serverInfo': PEER_INFO }

export function listResult(tools: Json[], extra: Json = {}): Json {
  return { resultType: 'complete', tools, ttlMs: 0, cacheScope: 'private', _meta: META, ...extra }
}

const DEFAULT_ROUTES: Record<string, Route> = {
  'server/discover': () => ({
    result: {
      resultType: 'complete',
      supportedVersions: ['2026-07-28'],
      capabilities: { tools: {} },
      ttlMs: 0,
      cacheScope: 'public',
      _meta: META,
    },
  }),
  'tools/list': () => ({ result: listResult([{ name: 'echo', inputSchema: { type: 'object' } }]) }),
  'tools/call': (seen) => ({
    result: {
      resultType: 'complete',
      content: [{ type: 'text', text: `called ${String(seen.body?.params?.name)}` }],
      _meta: META,
    },
  }),
  'subscriptions/listen': (seen, peer) => ({
    custom: (res) => {
      const id = seen.body!.id!
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(
        event({
          jsonrpc: '2.0',
          method: 'notifications/subscriptions/acknowledged',
          params: {
            notifications: seen.body?.params?.notifications ?? {},
            _meta: { 'io.modelcontextprotocol/subscriptionId': id },
          },
        }),
      )
      peer.listens.push({ res, id })
      res.on('close', () => {
        const index = peer.listens.findIndex((l) => l.res === res)
        if (index >= 0) peer.listens.splice(index, 1)
      })
    },
  }),
}

export function event(message: Json | string): string {
  return typeof message === 'string' ? message : `event: message\ndata: ${JSON.stringify(message)}\n\n`
}

export async function startPeer(routes: Record<string, Route> = {}): Promise<Peer> {
  const seen: Seen[] = []
  const peer = { seen, listens: [], routes: { ...DEFAULT_ROUTES, ...routes } } as unknown as Peer
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', async () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const record: Seen = {
        httpMethod: req.method!,
        url: req.url!,
        headers: req.headers,
        body: undefined,
        closedEarly: false,
      }
      try {
        record.body = text ? JSON.parse(text) : undefined
      } catch {
        // Recorded without a body.
      }
      seen.push(record)
      res.on('close', () => {
        if (!res.writableEnded) record.closedEarly = true
      })
      const body = record.body
      if (req.method !== 'POST' || !body) return void res.writeHead(405).end()
      if (!('method' in body) || !('id' in body)) return void res.writeHead(202).end()
      const route = peer.routes[body.method as string]
      const reply: Reply = route
        ? await route(record, peer)
        : { error: { code: -32601, message: `Method not found: ${body.method}` }, status: 404 }
      write(res, body.id!, reply, record)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  Object.assign(peer, {
    url: `http://127.0.0.1:${port}/mcp`,
    calls: (method: string) => seen.filter((s) => s.body?.method === method && 'id' in (s.body ?? {})),
    push(method: string, params: Json = {}) {
      for (const { res, id } of peer.listens) {
        res.write(
          event({
            jsonrpc: '2.0',
            method,
            params: { ...params, _meta: { 'io.modelcontextprotocol/subscriptionId': id } },
          }),
        )
      }
    },
    close: async () => {
      for (const { res } of peer.listens) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
    [Symbol.asyncDispose]: () => peer.close(),
  })
  return peer
}

function write(res: ServerResponse, id: string | number, reply: Reply, seen: Seen): void {
  if ('custom' in reply) {
    reply.custom(res, seen)
    return
  }
  if ('sse' in reply) {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    for (const message of reply.sse) res.write(event(message))
    if (reply.result) res.write(event({ jsonrpc: '2.0', id, result: reply.result }))
    res.end()
    return
  }
  if ('result' in reply) json(res, 200, { jsonrpc: '2.0', id, result: reply.result })
  else if ('error' in reply) json(res, reply.status ?? 200, { jsonrpc: '2.0', id, error: reply.error })
  else
    res
      .writeHead(reply.status, reply.body ? { 'content-type': 'application/json' } : {})
      .end(reply.body ?? '')
}

function json(res: ServerResponse, status: number, body: Json): void {
  const text = JSON.stringify(body)
  res
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    .end(text)
}

/** A toolwire client for the peer: no retries, no breaker, warnings collected. */
export function clientFor(
  peer: Peer,
  options: Partial<MCPServerStreamableHttpOptions> = {},
): { client: MCPServerStreamableHttp; warnings: string[] } {
  const warnings: string[] = []
  const client = new MCPServerStreamableHttp({
    params: { url: peer.url },
    maxRetryAttempts: 0,
    circuitBreaker: false,
    onWarning: (message) => warnings.push(message),
    ...options,
  })
  return { client, warnings }
}
