/**
 * Benchmark servers, one per child process so client and server do not share an event loop.
 * Usage: node --import tsx bench/servers.ts <bare|toolwire|toolwire-production|sdk-v2|sdk-v1>; prints
 * the URL (and, for toolwire-production, a bearer token after it).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import { startSdkV1StatefulServer, startSdkV2Server } from '../test/support/sdk-servers.js'

// The compiled package (built by `npm run bench`), typed by its sources.
const DIST_SERVER = '../dist/server/index.js'
const { createServerLogger, serve, ToolServer } = (await import(
  DIST_SERVER
)) as typeof import('../src/server/index.js')

const kind = process.argv[2]

async function bare(): Promise<string> {
  // The limit: node:http answering a fixed JSON-RPC result, no parsing, no validation; only the
  // request's id is copied into the answer (clients refuse an answer for another request), read
  // from the first bytes of the body with a regular expression.
  const prefix = '{"jsonrpc":"2.0","id":'
  const suffix = `,"result":${JSON.stringify({ content: [{ type: 'text', text: 'hello' }] })}}`
  const server = createServer((req, res) => {
    let head = ''
    req.on('data', (chunk: Buffer) => {
      if (head.length < 64) head += chunk.toString('latin1', 0, 64)
    })
    req.on('end', () => {
      const body = `${prefix}${/"id":("[^"]*"|-?\d+)/.exec(head)?.[1] ?? 'null'}${suffix}`
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
      res.end(body)
    })
  })
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`
}

async function toolwire(): Promise<string> {
  const server = new ToolServer({ name: 'bench', version: '1.0.0' }).tool(
    'echo',
    { description: 'Echo text back', input: z.object({ text: z.string() }) },
    ({ text }) => text,
  )
  return (await serve(server, { port: 0 })).url
}

/** toolwire with the production options on: JWT auth (ES256), a rate limit, request logs, metrics. */
async function toolwireProduction(): Promise<string> {
  const { exportSPKI, generateKeyPair, SignJWT } = await import('jose')
  const keys = await generateKeyPair('ES256', { extractable: true })
  const issuer = 'https://auth.bench.test'
  const audience = 'https://bench.test/mcp'
  const server = new ToolServer({ name: 'bench', version: '1.0.0' }).tool(
    'echo',
    { description: 'Echo text back', input: z.object({ text: z.string() }) },
    ({ text }) => text,
  )
  const running = await serve(server, {
    port: 0,
    auth: { jwt: { publicKey: await exportSPKI(keys.publicKey), issuer, audience, algorithms: ['ES256'] } },
    rateLimit: { points: 10_000_000, durationSeconds: 60 },
    // The logger serve({ logLevel }) makes (buffered JSON lines), writing to a sink: the cost of
    // logging without flooding the terminal.
    logger: createServerLogger({ level: 'info', name: 'bench', destination: '/dev/null' }),
    metrics: true,
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

const starters: Record<string, () => Promise<string>> = {
  bare,
  toolwire,
  'toolwire-production': toolwireProduction,
  'sdk-v2': async () => (await startSdkV2Server()).url,
  'sdk-v1': async () => (await startSdkV1StatefulServer({ json: false })).url,
  'sdk-v1-json': async () => (await startSdkV1StatefulServer({ json: true })).url,
}

const start = kind ? starters[kind] : undefined
if (!start) {
  console.error(`usage: servers.ts <${Object.keys(starters).join('|')}>`)
  process.exit(2)
}
console.log(await start())
// The parent ends us; never outlive it.
process.stdin.resume()
process.stdin.on('end', () => process.exit(0))
