/**
 * Sessions and notification streams are capped: past a cap, a 503 with `Retry-After` whose
 * JSON-RPC error names the option; idle sessions are reaped.
 */
import { request } from 'undici'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { SessionStore } from '../../src/transport/server/legacy-sessions.js'
import { echoServer } from '../support/echo-server.js'
import { serve } from '../support/mount.js'
import { modern, send } from '../support/raw.js'
import { openSession, toolCall } from '../support/sessions.js'

function expectTryLater(res: Awaited<ReturnType<typeof send>>, limit: string) {
  expect(res.status).toBe(503)
  expect(res.headers['retry-after']).toBe('1')
  expect(res.json.error).toMatchObject({
    code: -31000,
    message: expect.stringContaining(`(${limit})`),
    data: { reason: 'overloaded', limit, retryAfterSeconds: 1 },
  })
}

/** Opens an SSE stream and returns a function that closes it. */
async function openStream(
  url: string,
  options: { headers: Record<string, string>; method?: 'GET' | 'POST'; body?: object },
) {
  const res = await request(url, {
    method: options.method ?? 'GET',
    headers: options.headers,
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
  })
  expect(res.statusCode).toBe(200)
  return () => res.body.destroy()
}

const listen = () => {
  const req = modern('subscriptions/listen', { notifications: { toolsListChanged: true } })
  return { method: 'POST' as const, headers: req.headers, body: req.body }
}

describe('caps', () => {
  it('maxSessions: initialize past the cap is 503 naming it; ending a session makes room', async () => {
    await using running = await serve(echoServer(), { port: 0, maxSessions: 3 })
    const sessions = [
      await openSession(running.url),
      await openSession(running.url),
      await openSession(running.url),
    ]
    const refused = await send(running.url, {
      body: {
        jsonrpc: '2.0',
        id: 9,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {} },
      },
    })
    expectTryLater(refused, 'maxSessions')
    expect(refused.json.id).toBe(9)
    await send(running.url, { method: 'DELETE', headers: sessions[0]!.headers })
    await expect(openSession(running.url)).resolves.toMatchObject({ sessionId: expect.any(String) })
  })

  it('maxStreams counts GET and subscriptions/listen streams together', async () => {
    await using running = await serve(echoServer(), { port: 0, maxStreams: 2 })
    const session = await openSession(running.url)
    const closeGet = await openStream(running.url, {
      headers: { ...session.headers, accept: 'text/event-stream' },
    })
    const closeListen = await openStream(running.url, listen())
    expect(running.handler.listenerCount).toBe(2)
    expectTryLater(await send(running.url, listen()), 'maxStreams')
    const other = await openSession(running.url)
    expectTryLater(
      await send(running.url, { method: 'GET', headers: { ...other.headers, accept: 'text/event-stream' } }),
      'maxStreams',
    )
    closeListen()
    await expect.poll(() => running.handler.listenerCount).toBe(1)
    const again = await openStream(running.url, listen())
    again()
    closeGet()
  })

  it('maxStreamsPerSession bounds one session’s GET connections (stream and resumed answers)', async () => {
    let release = () => {}
    const server = echoServer().tool('hold', { input: z.object({}) }, async (_a, ctx) => {
      ctx.progress(1)
      await new Promise<void>((resolve) => {
        release = resolve
      })
      return 'held'
    })
    await using running = await serve(server, { port: 0, maxStreamsPerSession: 1 })
    const session = await openSession(running.url)
    const held = await request(running.url, {
      method: 'POST',
      headers: session.headers,
      body: JSON.stringify(toolCall(1, 'hold', {}, { progressToken: 1 })),
    })
    const reader = held.body[Symbol.asyncIterator]()
    const primed = String((await reader.next()).value)
    const streamId = /^id: (.+)_0$/m.exec(primed)![1]!
    const close = await openStream(running.url, {
      headers: { ...session.headers, accept: 'text/event-stream' },
    })
    const refused = await send(running.url, {
      method: 'GET',
      headers: { ...session.headers, accept: 'text/event-stream', 'last-event-id': `${streamId}_0` },
    })
    expectTryLater(refused, 'maxStreamsPerSession')
    close()
    release()
    await reader.return?.()
  })

  it('refuses invalid caps, naming the option', () => {
    expect(() => echoServer().handler({ maxSessions: 0 })).toThrow(
      'option "maxSessions" must be a whole number ≥ 1, got 0',
    )
    expect(() => echoServer().handler({ maxStreams: 1.5 })).toThrow('option "maxStreams"')
    expect(() => echoServer().handler({ resumableBufferBytes: -1 })).toThrow('option "resumableBufferBytes"')
  })
})

describe('idle sessions', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('are reaped after sessionIdleTimeoutSeconds, unless a stream or a call keeps them in use', () => {
    vi.useFakeTimers()
    const store = new SessionStore({ idleTimeoutSeconds: 600, keepAliveSeconds: 15 })
    const init = { owner: '', protocolVersion: '2025-11-25', clientInfo: undefined, clientCapabilities: {} }
    const idle = store.create(init)
    const streaming = store.create(init)
    streaming.openStreams = 1
    const busy = store.create(init)
    busy.inFlight.set(1, { abort() {} })
    vi.advanceTimersByTime(599_000)
    expect(store.size).toBe(3)
    vi.advanceTimersByTime(61_000)
    expect(store.get(idle.id, '')).toBeUndefined()
    expect(store.get(streaming.id, '')).toBeDefined()
    expect(store.get(busy.id, '')).toBeDefined()
    store.close()
  })
})
