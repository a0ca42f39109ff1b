/**
 * The echo tools in a Hono app: `npx tsx examples/web/hono-app.ts [port]` (node, through
 * @hono/node-server). The same `app` runs unchanged on Bun (`export default app`), Deno
 * (`Deno.serve(app.fetch)`) and Cloudflare Workers (`export default app`).
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createFetchHandler } from 'toolwire/web'
import { server } from '../echo-tools.js'

// Built once, at module load: per-request work stays proportional to the request.
const mcp = createFetchHandler(server)

export const app = new Hono()
app.get('/', (c) => c.text('The MCP endpoint is /mcp'))
// GET (2025-era notification streams), POST (every call) and DELETE (ending a 2025-era session).
app.on(['GET', 'POST', 'DELETE'], '/mcp', (c) => mcp(c.req.raw))

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 3000)
  const running = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
    console.log(`MCP server listening on http://127.0.0.1:${info.port}/mcp`)
  })
  process.once('SIGTERM', async () => {
    await mcp.drain()
    mcp.close()
    running.close(() => process.exit(0))
  })
}
