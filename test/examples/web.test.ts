/**
 * examples/web/: the web handler where users mount it — a Hono app, a Next.js route file, and
 * Bun's own server (the npm `bun` package, run as a child process) — called by toolwire's client
 * in both eras, with a streamed (SSE) answer.
 */
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type RequestListener } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { getRequestListener, serve } from '@hono/node-server'
import { describe, expect, it } from 'vitest'
import * as hono from '../../examples/web/hono-app.js'
import * as nextRoute from '../../examples/web/next-route.js'
import { MCPServerStreamableHttp } from '../../src/client/index.js'

const BUN = fileURLToPath(new URL('../../node_modules/.bin/bun', import.meta.url))
const bunVersion = spawnSync(BUN, ['--version'], { encoding: 'utf8', timeout: 10_000 })
const bunRuns = bunVersion.status === 0
if (!bunRuns) {
  console.warn(
    `examples/web: Bun test skipped: node_modules/.bin/bun cannot run here (${bunVersion.error?.message ?? bunVersion.stderr})`,
  )
}

/** What a user checks first: both eras answer, and a call that reports progress streams it. */
async function exercise(url: string): Promise<void> {
  for (const protocolEra of ['modern', 'legacy'] as const) {
    await using echo = await new MCPServerStreamableHttp({
      params: { url, timeout: 10 },
      protocolEra,
    }).connect()
    expect((await echo.listTools()).map((tool) => tool.name)).toContain('count_to')
    expect((await echo.callTool('add', { a: 2, b: 40 })).structuredContent).toEqual({ sum: 42 })
    const progress: number[] = []
    const counted = await echo.callTool(
      'count_to',
      { n: 3 },
      { onProgress: (p) => progress.push(p.progress) },
    )
    expect(counted.content).toEqual([{ type: 'text', text: 'counted to 3' }])
    expect(progress).toEqual([1, 2, 3])
  }
}

async function listen(listener: RequestListener) {
  const server = createServer(listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

describe('examples/web', () => {
  it('hono-app.ts: the Hono app serves MCP at /mcp beside its own routes', async () => {
    expect(await (await hono.app.request('/')).text()).toBe('The MCP endpoint is /mcp')
    const server = serve({ fetch: hono.app.fetch, port: 0, hostname: '127.0.0.1' })
    await once(server, 'listening')
    try {
      await exercise(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`)
    } finally {
      await new Promise((resolve) => {
        server.close(resolve)
        ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
      })
    }
  })

  it('next-route.ts: the route file answers as Next.js calls it (Request in, Response out)', async () => {
    const exports: Record<string, ((request: Request) => Promise<Response>) | undefined> = {
      GET: nextRoute.GET,
      POST: nextRoute.POST,
      DELETE: nextRoute.DELETE,
    }
    // Next.js's part: the method's export answers, a method without one gets 405.
    const router = getRequestListener(
      (request) => exports[request.method]?.(request) ?? new Response(null, { status: 405 }),
      {
        overrideGlobalObjects: false,
      },
    )
    await using http = await listen(router)
    await exercise(`http://127.0.0.1:${http.port}/mcp`)
    expect(nextRoute.dynamic).toBe('force-dynamic')
  })

  it.skipIf(!bunRuns)('bun-server.ts runs on Bun (npm `bun` package) and serves the client', async () => {
    const child = spawn(BUN, ['examples/web/bun-server.ts', '0'], {
      env: { ...process.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    await using _child = {
      [Symbol.asyncDispose]: async () => {
        if (child.exitCode === null) child.kill('SIGKILL')
      },
    }
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    const lines = createInterface({ input: child.stdout })
    const logged: string[] = []
    const url = await new Promise<string>((resolve, reject) => {
      lines.on('line', (line) => {
        if (line.startsWith('MCP server listening on '))
          resolve(line.slice('MCP server listening on '.length))
        else logged.push(line)
      })
      child.once('exit', (code) => reject(new Error(`bun exited with ${code}: ${stderr}`)))
    })
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/)
    await exercise(url)
    const closed = once(lines, 'close')
    child.kill('SIGTERM')
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(0)
    await closed
    // Request log lines (flushed at exit) carry the client address Bun's server.requestIP() gave.
    const calls = logged.map((line) => JSON.parse(line)).filter((line) => line.tool === 'add')
    expect(calls).toHaveLength(2)
    expect(calls[0]).toMatchObject({ outcome: 'ok', status: 200, remote: '127.0.0.1' })
  })
})
