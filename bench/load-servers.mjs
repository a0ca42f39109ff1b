// Servers of `bench/server-load.ts`, plain JavaScript on the built package (no TypeScript loader,
// nothing else imported), so that a process's resident memory is what the server itself costs.
// Usage: node bench/load-servers.mjs <bare|toolwire|toolwire-production|toolwire-web> [jwt,rate,log,metrics];
// prints the URL (and, for toolwire-production, a bearer token after it), then serves until its
// standard input ends. The list after toolwire-production turns on only those production options.
import { createServer } from 'node:http'

const kind = process.argv[2]

async function bare() {
  // The limit: node:http answering a fixed JSON-RPC result; only the request's id is copied
  // into the answer, read from the first bytes of the body with a regular expression.
  const prefix = '{"jsonrpc":"2.0","id":'
  const suffix = `,"result":${JSON.stringify({ content: [{ type: 'text', text: 'hello' }] })}}`
  const server = createServer((req, res) => {
    let head = ''
    req.on('data', (chunk) => {
      if (head.length < 64) head += chunk.toString('latin1', 0, 64)
    })
    req.on('end', () => {
      const body = `${prefix}${/"id":("[^"]*"|-?\d+)/.exec(head)?.[1] ?? 'null'}${suffix}`
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
      res.end(body)
    })
  })
  server.keepAliveTimeout = 65_000
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${server.address().port}/mcp`
}

async function echoServer() {
  const { ToolServer } = await import('../dist/server/index.js')
  const { z } = await import('zod')
  return new ToolServer({ name: 'bench', version: '1.0.0' })
    .tool(
      'echo',
      { description: 'Echo text back', input: z.object({ text: z.string() }) },
      ({ text }) => text,
    )
    .tool(
      'echo_progress',
      {
        description: 'Echo text back after one progress notification',
        input: z.object({ text: z.string() }),
      },
      ({ text }, ctx) => {
        ctx.progress(1, { total: 1 })
        return text
      },
    )
}

async function toolwire() {
  const { serve } = await import('../dist/server/index.js')
  return (await serve(await echoServer(), { port: 0, env: false, maxSessions: 100_000 })).url
}

/** The same tools declared with plain JSON Schema: a server that does not load zod. */
async function toolwireJsonSchema() {
  const { serve, ToolServer } = await import('../dist/server/index.js')
  const input = {
    type: 'object',
    properties: { text: { type: 'string' } },
    required: ['text'],
    additionalProperties: false,
  }
  const tools = new ToolServer({ name: 'bench', version: '1.0.0' })
    .tool('echo', { description: 'Echo text back', input }, ({ text }) => text)
    .tool(
      'echo_progress',
      { description: 'Echo after one progress notification', input },
      ({ text }, ctx) => {
        ctx.progress(1, { total: 1 })
        return text
      },
    )
  return (await serve(tools, { port: 0, env: false, maxSessions: 100_000 })).url
}

/**
 * toolwire with production options on: JWT auth (ES256), a rate limit, request logs, metrics;
 * `only` names a subset (`jwt`, `rate`, `log`, `metrics`) to measure what each one costs.
 */
async function toolwireProduction(only = ['jwt', 'rate', 'log', 'metrics']) {
  const { createServerLogger, serve } = await import('../dist/server/index.js')
  const { exportSPKI, generateKeyPair, SignJWT } = await import('jose')
  const keys = await generateKeyPair('ES256', { extractable: true })
  const issuer = 'https://auth.bench.test'
  const audience = 'https://bench.test/mcp'
  const on = new Set(only)
  const running = await serve(await echoServer(), {
    port: 0,
    env: false,
    maxSessions: 100_000,
    ...(on.has('jwt')
      ? {
          auth: {
            jwt: { publicKey: await exportSPKI(keys.publicKey), issuer, audience, algorithms: ['ES256'] },
          },
        }
      : {}),
    ...(on.has('rate') ? { rateLimit: { points: 10_000_000, durationSeconds: 60 } } : {}),
    ...(on.has('log')
      ? { logger: createServerLogger({ level: 'info', name: 'bench', destination: '/dev/null' }) }
      : {}),
    ...(on.has('metrics') ? { metrics: true } : {}),
  })
  const token = await new SignJWT({ scope: 'bench' })
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject('bench-client')
    .setIssuer(issuer)
    .setAudience(audience)
    .setExpirationTime('1h')
    .sign(keys.privateKey)
  return `${running.url} ${token}`
}

/** toolwire's web handler (createFetchHandler) behind @hono/node-server, as Hono users run it on node. */
async function toolwireWeb() {
  const { createFetchHandler } = await import('../dist/server/web/index.js')
  const { serve } = await import('@hono/node-server')
  const mcp = createFetchHandler(await echoServer(), { path: '/mcp', maxSessions: 100_000 })
  const server = serve({ fetch: mcp, port: 0, hostname: '127.0.0.1' })
  server.keepAliveTimeout = 65_000
  await new Promise((resolve) => server.once('listening', resolve))
  return `http://127.0.0.1:${server.address().port}/mcp`
}

const starters = {
  bare,
  toolwire,
  'toolwire-json-schema': toolwireJsonSchema,
  'toolwire-production': () => toolwireProduction(process.argv[3]?.split(',')),
  'toolwire-web': toolwireWeb,
}
const start = starters[kind]
if (!start) {
  console.error(`usage: load-servers.mjs <${Object.keys(starters).join('|')}>`)
  process.exit(2)
}
console.log(await start())
process.stdin.resume()
process.stdin.on('end', () => process.exit(0))
