/**
 * A real HTTP server that misbehaves on purpose, for client fault tests. It speaks either
 * protocol era (2026-07-28, or the 2025 handshake with sessions); each fault is chosen per
 * JSON-RPC method by the test and can be limited to the next N requests. It counts requests
 * per method, tool executions, and records request headers.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { listen, type TestHttpServer } from './sdk-servers.js'

export type Fault = (
  | { kind: 'html' }
  | { kind: 'malformed-json' }
  | { kind: 'malformed-sse' }
  | { kind: 'oversized'; bytes: number }
  | { kind: 'delay-headers'; ms: number }
  | { kind: 'stall-sse'; ms: number }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Drop the connection before answering (the request was read, nothing executed). */
  | { kind: 'reset' }
  /** Execute the tool, start the answer, then drop the connection. */
  | { kind: 'reset-mid-response' }
  /** Execute the tool, prime an SSE stream with an event id, then end it without the result. */
  | { kind: 'cut-sse' }
) & {
  /** Apply to this many requests, then behave. @default every request */
  times?: number
}

export interface FaultServer extends TestHttpServer {
  /** The fault for requests of a method (`undefined`: behave). */
  faults: Map<string, Fault>
  /** Requests per JSON-RPC method. */
  hits: Map<string, number>
  /** Tool executions per tool name (a tool "executes" when the server runs it, faulty or not). */
  executions: Map<string, number>
  /** Headers of every request, in order. */
  requests: Array<{ method: string; headers: IncomingHttpHeaders }>
  /** 2025 era: forget every session (as a restart would). */
  forgetSessions(): void
  /** 2025 era: open GET notification streams. */
  readonly openStreams: number
  /** 2025 era: end every GET notification stream (as a proxy timeout would). */
  endStreams(): void
}

const SERVER_INFO = { name: 'fault', version: '1.0.0' }
const TOOLS = [
  { name: 'echo', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } },
  { name: 'create_order', inputSchema: { type: 'object' }, annotations: { idempotentHint: false } },
]

export async function startFaultServer(
  options: { era?: 'modern' | 'legacy'; port?: number } = {},
): Promise<FaultServer> {
  const era = options.era ?? 'modern'
  const faults = new Map<string, Fault>()
  const hits = new Map<string, number>()
  const executions = new Map<string, number>()
  const requests: FaultServer['requests'] = []
  const sessions = new Set<string>()
  /** 2025 era: what a cut stream still owes, by the id of its last event. */
  const resumable = new Map<
    string,
    { id: unknown; method: string; params: Record<string, unknown> | undefined }
  >()
  let nextEvent = 1
  /** 2025 era: open GET notification streams. */
  const streams = new Set<ServerResponse>()
  const timers = new Set<NodeJS.Timeout>()
  const later = (ms: number, run: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t)
      run()
    }, ms)
    timers.add(t)
  }

  const result = (method: string, params: Record<string, unknown> | undefined): Record<string, unknown> => {
    const modern = era === 'modern' ? { resultType: 'complete' } : {}
    switch (method) {
      case 'server/discover':
        return {
          supportedVersions: ['2026-07-28'],
          capabilities: { tools: {} },
          _meta: { 'io.modelcontextprotocol/serverInfo': SERVER_INFO },
          ...modern,
        }
      case 'initialize':
        return { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: SERVER_INFO }
      case 'tools/list':
        return { tools: TOOLS, ...(era === 'modern' ? { ttlMs: 0, cacheScope: 'private' } : {}), ...modern }
      default:
        return { content: [{ type: 'text', text: `ok ${String(params?.name ?? '')}` }], ...modern }
    }
  }

  const server = await listen(
    async (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = []
      for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
      const text = Buffer.concat(chunks).toString()
      const message = (text ? JSON.parse(text) : {}) as {
        id?: unknown
        method?: string
        params?: Record<string, unknown>
      }
      const method = req.method === 'DELETE' ? 'DELETE' : (message.method ?? req.method ?? 'none')
      hits.set(method, (hits.get(method) ?? 0) + 1)
      requests.push({ method, headers: req.headers })

      if (era === 'legacy') {
        if (method === 'server/discover')
          return void res
            .writeHead(400, { 'content-type': 'text/plain' })
            .end('Bad Request: Server not initialized')
        if (method === 'DELETE') {
          sessions.delete(String(req.headers['mcp-session-id']))
          return void res.writeHead(200).end()
        }
        if (method !== 'initialize') {
          const sid = req.headers['mcp-session-id']
          if (typeof sid !== 'string' || !sessions.has(sid)) {
            return void res.writeHead(404, { 'content-type': 'application/json' }).end(
              JSON.stringify({
                jsonrpc: '2.0',
                id: message.id ?? null,
                error: { code: -32001, message: 'Session not found' },
              }),
            )
          }
        }
      }
      if (era === 'legacy' && req.method === 'GET' && req.headers['last-event-id'] === undefined) {
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.flushHeaders()
        streams.add(res)
        res.on('close', () => streams.delete(res))
        return
      }
      if (era === 'legacy' && req.method === 'GET') {
        const owed = resumable.get(String(req.headers['last-event-id']))
        if (!owed) return void res.writeHead(405).end()
        resumable.delete(String(req.headers['last-event-id']))
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        const response = { jsonrpc: '2.0', id: owed.id, result: result(owed.method, owed.params) }
        return void res.end(`id: ev-${nextEvent++}\nevent: message\ndata: ${JSON.stringify(response)}\n\n`)
      }
      if (message.id === undefined) return void res.writeHead(202).end()

      const fault = faults.get(method)
      if (fault?.times !== undefined) {
        fault.times--
        if (fault.times <= 0) faults.delete(method)
      }
      const execute = () => {
        if (method === 'tools/call') {
          const name = String(message.params?.name)
          executions.set(name, (executions.get(name) ?? 0) + 1)
        }
      }
      const answer = () => {
        execute()
        const headers: Record<string, string> = { 'content-type': 'application/json' }
        if (era === 'legacy' && method === 'initialize') {
          const sid = randomUUID()
          sessions.add(sid)
          headers['mcp-session-id'] = sid
        }
        res
          .writeHead(200, headers)
          .end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: result(method, message.params) }))
      }
      switch (fault?.kind) {
        case undefined:
          return answer()
        case 'html':
          return void res
            .writeHead(200, { 'content-type': 'text/html' })
            .end('<html><body>Welcome to nginx!</body></html>')
        case 'malformed-json':
          return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":')
        case 'malformed-sse':
          return void res
            .writeHead(200, { 'content-type': 'text/event-stream' })
            .end('event: message\ndata: {not json}\n\n')
        case 'oversized':
          return void res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              jsonrpc: '2.0',
              id: message.id,
              result: { content: [{ type: 'text', text: 'x'.repeat(fault.bytes) }] },
            }),
          )
        case 'delay-headers':
          return later(fault.ms, answer)
        case 'stall-sse':
          execute()
          res.writeHead(200, { 'content-type': 'text/event-stream' })
          res.write(
            `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'x', progress: 1 } })}\n\n`,
          )
          return later(fault.ms, () => res.end())
        case 'cut-sse': {
          execute()
          const eventId = `ev-${nextEvent++}`
          resumable.set(eventId, { id: message.id, method, params: message.params })
          res.writeHead(200, { 'content-type': 'text/event-stream' })
          const progress = {
            jsonrpc: '2.0',
            method: 'notifications/progress',
            params: { progressToken: 'x', progress: 1 },
          }
          res.write(`id: ${eventId}\nretry: 10\nevent: message\ndata: ${JSON.stringify(progress)}\n\n`)
          return void later(5, () => res.destroy())
        }
        case 'status':
          return void res
            .writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers })
            .end(fault.body ?? 'unavailable')
        case 'reset':
          return void req.socket.destroy()
        case 'reset-mid-response':
          execute()
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' })
          res.write('{"jsonrpc":"2.0",')
          return void later(5, () => req.socket.destroy())
      }
    },
    options.port === undefined ? {} : { port: options.port },
  )
  const close = server.close
  const stop = async () => {
    for (const t of timers) clearTimeout(t)
    await close()
  }
  const extended = Object.assign(server, {
    faults,
    hits,
    executions,
    requests,
    forgetSessions: () => sessions.clear(),
    endStreams: () => {
      for (const stream of streams) stream.end()
    },
    close: stop,
    [Symbol.asyncDispose]: stop,
  })
  // A getter: Object.assign would copy its value once.
  return Object.defineProperty(extended, 'openStreams', { get: () => streams.size }) as unknown as FaultServer
}
