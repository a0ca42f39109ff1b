/**
 * The fleet store goes away: a Redis of the test's own (a real redis-server on a free port) is
 * frozen, then killed, then started again. Session-bound requests get a clear 503, stateless
 * ones keep working, nothing hangs, /ready says so, and the fleet recovers.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningServer, serve } from '../../src/server/index.js'
import { createFetchHandler, type FetchHandler } from '../../src/server/web/index.js'
import { freePort, stop } from '../support/fleet-processes.js'
import { fleetServer, testKeyPrefix } from '../support/fleet-server.js'
import { modern, send } from '../support/raw.js'
import { openSession, rpc, toolCall } from '../support/sessions.js'

let port: number
let redis: ChildProcess | undefined
let a: RunningServer
let b: RunningServer
/** A web-standard handler of the same fleet: its /ready must follow the store too. */
let web: FetchHandler
const keyPrefix = testKeyPrefix()

async function startRedis(): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  )
  await new Promise<void>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('Ready to accept connections')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)))
  })
  return child
}

/** Every request of this test gives up after 5 s: a hang fails the test instead of stalling it. */
const within = () => AbortSignal.timeout(5000)

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const readyStatus = async (server: RunningServer) =>
  await send(server.url.replace(/\/mcp$/, '/ready'), { method: 'GET', headers: {}, signal: within() })

beforeAll(async () => {
  port = await freePort()
  redis = await startRedis()
  const store = { redisUrl: `redis://127.0.0.1:${port}`, keyPrefix }
  a = await serve(fleetServer({ keyPrefix, replica: 'a' }), { port: 0, store, env: false })
  b = await serve(fleetServer({ keyPrefix, replica: 'b' }), { port: 0, store, env: false })
  web = createFetchHandler(fleetServer({ keyPrefix, replica: 'w' }), { path: '/mcp', store })
})
afterAll(async () => {
  web?.close()
  await a?.close()
  await b?.close()
  if (redis) {
    redis.kill('SIGCONT')
    await stop(redis, 'SIGKILL')
  }
})

describe('when Redis goes away', () => {
  it('frozen Redis: requests that need it fail with 503 store_unavailable after the command timeout, none hangs', async () => {
    const session = await openSession(a.url)
    redis?.kill('SIGSTOP')
    try {
      // b has never seen the session: loading it times out.
      const elsewhere = await send(b.url, {
        headers: session.headers,
        body: toolCall(1, 'whoami'),
        signal: within(),
      })
      expect(elsewhere.status).toBe(503)
      expect(elsewhere.headers['retry-after']).toBe('2')
      expect(elsewhere.json.error?.data).toMatchObject({ reason: 'store_unavailable' })
      const init = await send(a.url, {
        body: rpc(0, 'initialize', {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'x', version: '1' },
        }),
        signal: within(),
      })
      expect(init.status).toBe(503)
      // Stateless requests need nothing shared.
      const stateless = await send(b.url, {
        ...modern('tools/call', { name: 'whoami', arguments: {} }),
        signal: within(),
      })
      expect(stateless.status).toBe(200)
    } finally {
      redis?.kill('SIGCONT')
    }
  })

  it('killed Redis: 503 at once for session requests, stateless calls work, /ready is 503; all recover when it is back', async () => {
    const session = await openSession(a.url)
    await stop(redis!, 'SIGKILL')
    await until(async () => (await readyStatus(a)).status === 503, '/ready to turn 503')
    const ready = await readyStatus(a)
    expect(ready.json).toMatchObject({ status: 'not ready', failing: ['store'] })
    await until(
      async () => (await web(new Request('http://w.test/ready'))).status === 503,
      'web /ready to turn 503',
    )
    expect(await (await web(new Request('http://w.test/ready'))).json()).toMatchObject({ failing: ['store'] })
    const health = await send(a.url.replace(/\/mcp$/, '/health'), {
      method: 'GET',
      headers: {},
      signal: within(),
    })
    expect(health.status).toBe(200)

    const call = await send(a.url, {
      headers: session.headers,
      body: toolCall(2, 'whoami'),
      signal: within(),
    })
    expect(call.status).toBe(503)
    expect(call.json.error?.data).toMatchObject({ reason: 'store_unavailable' })
    const stream = await send(b.url, {
      method: 'GET',
      headers: { ...session.headers, accept: 'text/event-stream' },
      signal: within(),
    })
    expect(stream.status).toBe(503)
    const stateless = await send(a.url, {
      ...modern('tools/call', { name: 'whoami', arguments: {} }),
      signal: within(),
    })
    expect(stateless.json.result).toMatchObject({ content: [{ text: 'a' }] })

    redis = await startRedis()
    await until(
      async () =>
        (await readyStatus(a)).status === 200 &&
        (await readyStatus(b)).status === 200 &&
        (await web(new Request('http://w.test/ready'))).status === 200,
      'ready',
    )
    // The restarted Redis kept nothing (no persistence): the old session is gone, a new one works everywhere.
    const lost = await send(b.url, {
      headers: session.headers,
      body: toolCall(3, 'whoami'),
      signal: within(),
    })
    expect(lost.status).toBe(404)
    const fresh = await openSession(b.url)
    const onA = await send(a.url, { headers: fresh.headers, body: toolCall(4, 'whoami'), signal: within() })
    expect(onA.json.result).toMatchObject({ content: [{ text: 'a' }] })
  })
})
