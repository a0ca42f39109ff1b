import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { ToolwireConfigError } from '../../src/server/index.js'
import { echoServer } from '../support/echo-server.js'
import { serve } from '../support/mount.js'

async function get(url: string, method: 'GET' | 'POST' = 'GET') {
  const res = await request(url, { method })
  const text = await res.body.text()
  return { status: res.statusCode, body: text ? JSON.parse(text) : undefined, headers: res.headers }
}

describe('health and readiness', () => {
  it('/health answers liveness with name, version and uptime, bypassing MCP validation', async () => {
    await using running = await serve(echoServer(), { port: 0 })
    const base = running.url.replace('/mcp', '')
    const health = await get(`${base}/health`)
    expect(health.status).toBe(200)
    expect(health.body).toMatchObject({ status: 'ok', name: 'echo-server', version: '1.2.3' })
    expect(typeof health.body.uptimeSeconds).toBe('number')
    expect(health.headers['cache-control']).toBe('no-store')
    expect((await get(`${base}/ready`)).body).toEqual({ status: 'ready', checks: {} })
    expect((await get(`${base}/health`, 'POST')).status).toBe(405)
  })

  it('/ready runs the checks with a timeout and names the failing ones', async () => {
    let dbUp = false
    await using running = await serve(echoServer(), {
      port: 0,
      health: {
        checkTimeoutSeconds: 0.2,
        checks: {
          db: () => {
            if (!dbUp) throw new Error('connection refused')
          },
          cache: async () => 'PONG',
          slow: (signal) => new Promise((resolve) => signal.addEventListener('abort', resolve)),
        },
      },
    })
    const ready = running.url.replace('/mcp', '/ready')
    const failing = await get(ready)
    expect(failing.status).toBe(503)
    expect(failing.body).toEqual({
      status: 'not ready',
      failing: ['db', 'slow'],
      checks: { db: 'connection refused', cache: 'ok', slow: 'timed out after 0.2 s' },
    })
    dbUp = true
    expect((await get(ready)).body.failing).toEqual(['slow'])
  })

  it("/ready runs the server's own readinessCheck too: a server without its dependency is not ready", async () => {
    let connected = false
    const server = echoServer().readinessCheck('database', () => {
      if (!connected) throw new Error('the CRM database is not connected')
    })
    await using running = await serve(server, { port: 0, env: false })
    const ready = running.url.replace('/mcp', '/ready')
    expect(await get(ready)).toMatchObject({
      status: 503,
      body: {
        status: 'not ready',
        failing: ['database'],
        checks: { database: 'the CRM database is not connected' },
      },
    })
    connected = true
    expect(await get(ready)).toMatchObject({ status: 200, body: { status: 'ready' } })
  })

  it('turns /ready to 503 "draining" for drainDelaySeconds before the listener stops', async () => {
    const running = await serve(echoServer(), { port: 0, drainDelaySeconds: 0.3 })
    const ready = running.url.replace('/mcp', '/ready')
    expect((await get(ready)).status).toBe(200)
    const closed = running.close()
    const draining = await get(ready)
    expect(draining).toMatchObject({ status: 503, body: { status: 'draining' } })
    await closed
    await expect(get(ready)).rejects.toThrow()
  })

  it('rejects invalid health options', async () => {
    await expect(serve(echoServer(), { port: 0, health: { checkTimeoutSeconds: 0 } })).rejects.toThrow(
      ToolwireConfigError,
    )
    await expect(
      serve(echoServer(), { port: 0, health: { checks: { db: 'yes' as never } } }),
    ).rejects.toThrow('readiness check "db" in health.checks must be a function')
    await expect(serve(echoServer(), { port: 0, drainDelaySeconds: -1 })).rejects.toThrow(
      'option "drainDelaySeconds"',
    )
  })
})

describe('shutdownOnSignals', () => {
  it('on SIGTERM finishes the call in flight, then exits 0', async () => {
    const server = spawn(process.execPath, ['--import', 'tsx', 'examples/echo-server.ts', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const [line] = (await once(createInterface({ input: server.stdout! }), 'line')) as [string]
    const url = line.replace('MCP server listening on ', '')
    const client = await new MCPServerStreamableHttp({
      params: { url },
      clientSessionTimeoutSeconds: 20,
      maxRetryAttempts: 0,
    }).connect()
    const progress: number[] = []
    // count_to 40 takes ~400 ms; SIGTERM arrives after the first progress report.
    const call = client.callTool('count_to', { n: 40 }, { onProgress: (p) => progress.push(p.progress) })
    await expect.poll(() => progress.length).toBeGreaterThan(0)
    server.kill('SIGTERM')
    const result = await call
    expect(result.content).toEqual([{ type: 'text', text: 'counted to 40' }])
    const [code] = (await once(server, 'exit')) as [number | null]
    expect(code).toBe(0)
    await client.close()
  })
})
