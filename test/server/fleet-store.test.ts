/**
 * Two replicas sharing one Redis (a unique key prefix), each a real HTTP server: a 2025-era
 * session created on one answers on the other, and everything that crosses replicas does.
 */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashApiKey, type RunningServer, serve } from '../../src/server/index.js'
import { fleetServer, REDIS_URL, testKeyPrefix } from '../support/fleet-server.js'
import { JSON_HEADERS, send } from '../support/raw.js'
import { openSession, rpc, toolCall } from '../support/sessions.js'
import { openSse } from '../support/sse-reader.js'

const keyPrefix = testKeyPrefix()
const store = { redisUrl: REDIS_URL, keyPrefix }
let a: RunningServer
let b: RunningServer
const redis = new Redis(REDIS_URL)

beforeAll(async () => {
  a = await serve(fleetServer({ keyPrefix, replica: 'a', redis }), { port: 0, store, env: false })
  b = await serve(fleetServer({ keyPrefix, replica: 'b', redis }), { port: 0, store, env: false })
})
afterAll(async () => {
  await a.close()
  await b.close()
  const keys = await redis.keys(`${keyPrefix}*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
})

describe('a fleet of two replicas sharing Redis', () => {
  it('a session opened on one replica answers on the other, and DELETE ends it everywhere', async () => {
    const session = await openSession(a.url)
    const onB = await send(b.url, { headers: session.headers, body: toolCall(1, 'echo', { text: 'hi' }) })
    expect(onB.status).toBe(200)
    expect(onB.json.result).toMatchObject({ content: [{ type: 'text', text: 'hi (from b)' }] })
    expect(await redis.pttl(`${keyPrefix}session:${session.sessionId}`)).toBeGreaterThan(0)

    const ended = await send(b.url, { method: 'DELETE', headers: session.headers })
    expect(ended.status).toBe(200)
    const afterDelete = await send(a.url, {
      headers: session.headers,
      body: toolCall(2, 'echo', { text: 'x' }),
    })
    expect(afterDelete.status).toBe(404)
  })

  it('an unknown session is 404 on every replica', async () => {
    const headers = {
      ...JSON_HEADERS,
      'mcp-session-id': 'no-such-session',
      'mcp-protocol-version': '2025-11-25',
    }
    expect((await send(b.url, { headers, body: rpc(1, 'ping') })).status).toBe(404)
  })

  it("a client's answer POSTed to the other replica reaches the elicitation waiting on the first", async () => {
    const session = await openSession(a.url, { capabilities: { elicitation: { form: {} } } })
    await using call = await openSse(a.url, {
      method: 'POST',
      headers: session.headers,
      body: toolCall(7, 'ask', { question: 'Your name?' }),
    })
    const asked = await call.next()
    expect(asked?.data).toMatchObject({ method: 'elicitation/create' })
    const answer = await send(b.url, {
      headers: session.headers,
      body: { jsonrpc: '2.0', id: asked?.data?.id, result: { action: 'accept', content: { name: 'Ada' } } },
    })
    expect(answer.status).toBe(202)
    const result = await call.next()
    expect(result?.data).toMatchObject({
      id: 7,
      result: { content: [{ type: 'text', text: 'asked on a: accept {"name":"Ada"}' }] },
    })
  })

  it('Last-Event-ID resumes on the other replica: the missed events, then the rest, then the answer', async () => {
    const session = await openSession(a.url)
    const call = await openSse(a.url, {
      method: 'POST',
      headers: session.headers,
      body: toolCall(9, 'slow', { steps: 6, stepMs: 100 }, { progressToken: 'p' }),
    })
    const first = await call.next()
    expect(first?.data).toMatchObject({ method: 'notifications/progress', params: { progress: 1 } })
    const lastEventId = call.lastEventId
    call.abort()
    await new Promise((resolve) => setTimeout(resolve, 250)) // events written while away
    await using resumed = await openSse(b.url, {
      method: 'GET',
      headers: { ...session.headers, accept: 'text/event-stream', 'last-event-id': String(lastEventId) },
    })
    expect(resumed.status).toBe(200)
    const seen: Array<Record<string, unknown> | undefined> = []
    for (let event = await resumed.next(); event; event = await resumed.next()) seen.push(event.data)
    const progress = seen.flatMap((m) =>
      m?.method === 'notifications/progress' ? [(m.params as { progress: number }).progress] : [],
    )
    expect(progress).toEqual([2, 3, 4, 5, 6])
    expect(seen.at(-1)).toMatchObject({ id: 9, result: { content: [{ text: 'slow done on a' }] } })
  })

  it('notifications/cancelled sent to the other replica cancels the call', async () => {
    const session = await openSession(a.url)
    const running = send(a.url, {
      headers: session.headers,
      body: toolCall('long', 'slow', { steps: 50, stepMs: 200 }),
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const cancel = await send(b.url, {
      headers: session.headers,
      body: { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'long' } },
    })
    expect(cancel.status).toBe(202)
    const answered = await running
    expect(answered.text).not.toContain('slow done')
  })

  it('a broadcast on one replica reaches GET streams held by the other', async () => {
    const session = await openSession(a.url)
    await using stream = await openSse(b.url, {
      method: 'GET',
      headers: { ...session.headers, accept: 'text/event-stream' },
    })
    expect(stream.status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 100))
    a.handler.broadcast({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' })
    expect((await stream.next())?.data).toMatchObject({ method: 'notifications/tools/list_changed' })
  })

  it('resources/subscribe on one replica: resources/updated from another reaches the GET stream on a third', async () => {
    const c = await serve(fleetServer({ keyPrefix, replica: 'c', redis }), { port: 0, store, env: false })
    try {
      const session = await openSession(a.url)
      const subscribed = await send(a.url, {
        headers: session.headers,
        body: rpc(2, 'resources/subscribe', { uri: 'fleet://status' }),
      })
      expect(subscribed.status).toBe(200)
      await using stream = await openSse(c.url, {
        method: 'GET',
        headers: { ...session.headers, accept: 'text/event-stream' },
      })
      expect(stream.status).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, 100))
      b.handler.resourceUpdated('fleet://other')
      b.handler.resourceUpdated('fleet://status')
      expect((await stream.next())?.data).toMatchObject({
        method: 'notifications/resources/updated',
        params: { uri: 'fleet://status' },
      })
    } finally {
      await c.close()
    }
  })

  it('a GET stream reopened on another replica with Last-Event-ID receives the notifications it missed', async () => {
    const session = await openSession(a.url)
    await send(a.url, {
      headers: session.headers,
      body: rpc(2, 'resources/subscribe', { uri: 'fleet://status' }),
    })
    const getHeaders = { ...session.headers, accept: 'text/event-stream' }
    const first = await openSse(b.url, { method: 'GET', headers: getHeaders })
    await new Promise((resolve) => setTimeout(resolve, 100))
    a.handler.broadcast({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' })
    const seen = await first.next()
    expect(seen?.id).toMatch(/^n:\d+-\d+$/)
    first.abort()
    await new Promise((resolve) => setTimeout(resolve, 100))
    // While no stream is open: one for everyone, one for a URI it watches, one it does not.
    a.handler.broadcast({ jsonrpc: '2.0', method: 'notifications/prompts/list_changed' })
    b.handler.resourceUpdated('fleet://other')
    b.handler.resourceUpdated('fleet://status')
    await new Promise((resolve) => setTimeout(resolve, 100))
    await using again = await openSse(a.url, {
      method: 'GET',
      headers: { ...getHeaders, 'last-event-id': String(seen?.id) },
    })
    expect(again.status).toBe(200)
    expect((await again.next())?.data).toMatchObject({ method: 'notifications/prompts/list_changed' })
    expect((await again.next())?.data).toMatchObject({
      method: 'notifications/resources/updated',
      params: { uri: 'fleet://status' },
    })
    a.handler.broadcast({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' })
    expect((await again.next())?.data).toMatchObject({ method: 'notifications/tools/list_changed' })
  })

  it("a session belongs to its creator on every replica: another caller's key gets 404", async () => {
    const auth = {
      apiKeys: [
        { id: 'alice', sha256: hashApiKey('alice-key') },
        { id: 'bob', sha256: hashApiKey('bob-key') },
      ],
    }
    const x = await serve(fleetServer({ keyPrefix, replica: 'x', redis }), {
      port: 0,
      store,
      env: false,
      auth,
    })
    const y = await serve(fleetServer({ keyPrefix, replica: 'y', redis }), {
      port: 0,
      store,
      env: false,
      auth,
    })
    try {
      const alice = await openSession(x.url, { headers: { authorization: 'Bearer alice-key' } })
      const asBob = { ...alice.headers, authorization: 'Bearer bob-key' }
      expect((await send(y.url, { headers: asBob, body: toolCall(1, 'whoami') })).status).toBe(404)
      expect(
        (await send(y.url, { headers: alice.headers, body: toolCall(2, 'whoami') })).json.result,
      ).toMatchObject({
        content: [{ text: 'y' }],
      })
      expect((await send(x.url, { method: 'DELETE', headers: asBob })).status).toBe(404)
    } finally {
      await x.close()
      await y.close()
    }
  })

  it('2026-07-28 requests answer on any replica without touching the store', async () => {
    const { modern } = await import('../support/raw.js')
    const call = modern('tools/call', { name: 'echo', arguments: { text: 'stateless' } })
    const answered = await send(b.url, call)
    expect(answered.json.result).toMatchObject({ content: [{ text: 'stateless (from b)' }] })
  })
})
