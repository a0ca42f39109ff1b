/**
 * A Next.js App Router route handler: save as `app/mcp/route.ts` (the endpoint is then `/mcp`).
 * Next.js calls the exported functions with a web `Request` and sends the `Response` they return,
 * streams included.
 */
import { createFetchHandler } from 'toolwire/web'
import { server } from '../echo-tools.js'

// Built once per server process; Next.js keeps the module loaded between requests.
const mcp = createFetchHandler(server, {
  // On a public deployment, name the host names clients use (DNS-rebinding protection).
  allowedHosts: process.env.MCP_ALLOWED_HOSTS?.split(',') ?? ['*'],
})

/** Every MCP call. */
export const POST = (request: Request) => mcp(request)
/** 2025-era notification streams. */
export const GET = (request: Request) => mcp(request)
/** Ends a 2025-era session. */
export const DELETE = (request: Request) => mcp(request)

// Answers are per request and may stream: never cache or pre-render this route.
export const dynamic = 'force-dynamic'
