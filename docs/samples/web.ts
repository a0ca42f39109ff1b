/** docs/web.md: a ToolServer on web-standard runtimes and in Fastify. */
import Fastify from 'fastify'
import { Hono } from 'hono'
import { fastifyMcp } from 'toolwire/fastify'
import { ToolServer } from 'toolwire/server'
import { createFetchHandler, type FetchHandler } from 'toolwire/web'
import { z } from 'zod'

/** The parts of the runtimes' APIs these samples use (their own type packages declare them). */
declare const Bun: {
  serve(options: {
    port: number
    fetch: (
      request: Request,
      server: { requestIP(request: Request): { address: string } | null },
    ) => Promise<Response>
  }): unknown
}
declare const Deno: {
  serve(handler: (request: Request, info: { remoteAddr: { hostname: string } }) => Promise<Response>): unknown
  env: { get(name: string): string | undefined }
}

export const server = new ToolServer({ name: 'crm', version: '1.0.0' }).tool(
  'search_contacts',
  { description: 'Find contacts by company', input: z.object({ company: z.string() }) },
  ({ company }) => `No contacts at ${company} yet`,
)

export function handler() {
  // #region handler
  const mcp = createFetchHandler(server, {
    path: '/mcp', // other paths: /health, /ready, then a JSON 404
    auth: { apiKeys: [{ id: 'ci', sha256: process.env.MCP_KEY_SHA256 ?? '' }] },
    rateLimit: { points: 600, durationSeconds: 60 },
    logLevel: 'info',
  })
  const response = mcp(new Request('http://localhost/health'))
  // #endregion handler
  return { mcp, response }
}

export function hono() {
  // #region hono
  const mcp = createFetchHandler(server)
  const app = new Hono()
  app.on(['GET', 'POST', 'DELETE'], '/mcp', (c) => mcp(c.req.raw))
  // node: serve({ fetch: app.fetch }) from @hono/node-server; Bun and Workers: export default app
  // #endregion hono
  return app
}

export function bun() {
  // #region bun
  const mcp = createFetchHandler(server, { path: '/mcp' })
  // Bun passes its server as the second argument: the client's address comes from requestIP().
  Bun.serve({ port: 3000, fetch: mcp })
  // #endregion bun
}

export function deno() {
  // #region deno
  const mcp = createFetchHandler(server, {
    path: '/mcp',
    allowedHosts: [Deno.env.get('MCP_HOST') ?? 'localhost'],
  })
  // Deno passes its handler info as the second argument: the client's address is remoteAddr.
  Deno.serve(mcp)
  // #endregion deno
}

// #region workers
// Built on the first request: Workers allow no timers at global scope (the handler keeps one).
let mcp: FetchHandler | undefined

export default {
  fetch(request: Request): Promise<Response> {
    mcp ??= createFetchHandler(server, {
      path: '/mcp',
      allowedHosts: ['mcp.example.com'],
      legacySessions: false, // isolates share no memory: every request self-contained
    })
    return mcp(request, { clientAddress: request.headers.get('cf-connecting-ip') ?? undefined })
  },
}
// #endregion workers

export async function fastify() {
  // #region fastify
  const app = Fastify({ logger: true })
  await app.register(fastifyMcp, { server, path: '/mcp', maxBodyBytes: 1024 * 1024 })
  await app.listen({ port: 3000 })
  // app.close() drains: calls in flight finish (up to shutdownTimeoutSeconds), then sessions end.
  // #endregion fastify
  return app
}
