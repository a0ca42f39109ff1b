/**
 * The echo tools on Bun's own HTTP server: `bun examples/web/bun-server.ts [port]`.
 * `Bun.serve` hands the request and the server to `fetch`; the handler takes the client's
 * address from `server.requestIP()` (rate limits, request logs).
 */
import { createFetchHandler } from 'toolwire/web'
import { server } from '../echo-tools.js'

/** The part of Bun's API this example uses (install `@types/bun` for all of it). */
declare const Bun: {
  serve(options: {
    port: number
    hostname: string
    fetch: (
      request: Request,
      server: { requestIP(request: Request): { address: string } | null },
    ) => Promise<Response>
  }): { port: number; stop(closeActiveConnections?: boolean): Promise<void> }
}

// TOOLWIRE-style log level from the environment: LOG_LEVEL=info logs one line per request.
const mcp = createFetchHandler(server, {
  path: '/mcp',
  logLevel: process.env.LOG_LEVEL === 'info' ? 'info' : 'silent',
})
const port = Number(process.argv[2] ?? process.env.PORT ?? 3000)
const bun = Bun.serve({ port, hostname: '127.0.0.1', fetch: mcp })
console.log(`MCP server listening on http://127.0.0.1:${bun.port}/mcp`)

// SIGTERM: /ready turns 503, calls in flight finish, then the server stops.
process.once('SIGTERM', async () => {
  await mcp.drain()
  mcp.close()
  await bun.stop(true)
  process.exit(0)
})
