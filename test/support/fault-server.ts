/**
 * A real HTTP server that misbehaves on purpose, for client fault tests. Each behaviour is
 * chosen per request by the test; `hits` counts requests by JSON-RPC method.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { listen, type TestHttpServer } from './sdk-servers.js'

export type Fault =
  | { kind: 'html' }
  | { kind: 'malformed-json' }
  | { kind: 'malformed-sse' }
  | { kind: 'oversized'; bytes: number }
  | { kind: 'delay-headers'; ms: number }
  | { kind: 'stall-sse'; ms: number }
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  | { kind: 'reset' }

export interface FaultServer extends TestHttpServer {
  /** Decides the fault for the next requests of a method (`undefined`: behave). */
  faults: Map<string, Fault>
  hits: Map<string, number>
}

function answer(res: ServerResponse, id: unknown, method: string): void {
  const result =
    method === 'server/discover'
      ? {
          supportedVersions: ['2026-07-28'],
          capabilities: { tools: {} },
          resultType: 'complete',
          _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'fault', version: '1' } },
        }
      : method === 'tools/list'
        ? {
            tools: [{ name: 'echo', inputSchema: { type: 'object' } }],
            ttlMs: 0,
            cacheScope: 'private',
            resultType: 'complete',
          }
        : { content: [{ type: 'text', text: 'ok' }], resultType: 'complete' }
  const body = JSON.stringify({ jsonrpc: '2.0', id, result })
  res.writeHead(200, { 'content-type': 'application/json' }).end(body)
}

export async function startFaultServer(): Promise<FaultServer> {
  const faults = new Map<string, Fault>()
  const hits = new Map<string, number>()
  const timers = new Set<NodeJS.Timeout>()
  const later = (ms: number, run: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t)
      run()
    }, ms)
    timers.add(t)
  }
  const server = await listen(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
    const message = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { id?: unknown; method?: string }
    const method = message.method ?? 'none'
    hits.set(method, (hits.get(method) ?? 0) + 1)
    const fault = faults.get(method)
    switch (fault?.kind) {
      case undefined:
        return answer(res, message.id, method)
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
        return later(fault.ms, () => answer(res, message.id, method))
      case 'stall-sse':
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        res.write(
          `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'x', progress: 1 } })}\n\n`,
        )
        return later(fault.ms, () => res.end())
      case 'status':
        return void res
          .writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers })
          .end('unavailable')
      case 'reset':
        return void req.socket.destroy()
    }
  })
  const close = server.close
  const stop = async () => {
    for (const t of timers) clearTimeout(t)
    await close()
  }
  return Object.assign(server, { faults, hits, close: stop, [Symbol.asyncDispose]: stop })
}
