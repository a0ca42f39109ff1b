/**
 * A 2025-era session belongs to the identity (subject and client id) that created it: every
 * request naming it from another identity is answered exactly as an unknown session is.
 */
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { hashApiKey, type RunningServer, ToolServer } from '../../src/server/index.js'
import { serve } from '../support/mount.js'
import { modern, send, sseMessages } from '../support/raw.js'
import { type OpenedSession, openSession, rpc, toolCall } from '../support/sessions.js'

const KA = 'key-of-tenant-a'
const KB = 'key-of-tenant-b'
const started: string[] = []
const aborted: string[] = []
let release: () => void = () => {}
let running: RunningServer

function server(): ToolServer {
  return new ToolServer({ name: 'tenants' })
    .tool('whoami', { input: z.object({}) }, (_a, ctx) => ctx.identity?.subject ?? 'nobody')
    .tool('wait', { input: z.object({ id: z.string() }) }, async ({ id }, ctx) => {
      started.push(id)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000)
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer)
          aborted.push(id)
          resolve()
        })
      })
      return `waited ${id}`
    })
    .tool('stream', { input: z.object({}) }, async (_a, ctx) => {
      ctx.progress(1, { total: 2 })
      await new Promise<void>((resolve) => {
        release = resolve
      })
      ctx.progress(2, { total: 2 })
      return 'streamed'
    })
}

beforeAll(async () => {
  running = await serve(server(), {
    port: 0,
    auth: {
      apiKeys: [
        { id: 'tenant-a', sha256: hashApiKey(KA) },
        { id: 'tenant-b', sha256: hashApiKey(KB) },
      ],
    },
  })
})
afterAll(() => running.close())

/** KA's session, and the same session id presented with KB's key. */
async function sessions(): Promise<{ a: OpenedSession; intruder: Record<string, string> }> {
  const a = await openSession(running.url, { headers: { 'x-api-key': KA } })
  return { a, intruder: { ...a.headers, 'x-api-key': KB } }
}

/** What an unknown session id gets, for the same request. */
async function unknownAnswer(
  options: { method?: 'GET' | 'POST' | 'DELETE'; body?: object },
  headers: object,
) {
  return send(running.url, {
    ...options,
    headers: { ...(headers as Record<string, string>), 'mcp-session-id': 'no-such-session' },
  })
}

describe('2025-era sessions are bound to the identity that created them', () => {
  it('a tools/call from another identity is answered exactly as an unknown session', async () => {
    const { a, intruder } = await sessions()
    const body = toolCall(7, 'whoami')
    const foreign = await send(running.url, { headers: intruder, body })
    const unknown = await unknownAnswer({ body }, intruder)
    expect(foreign.status).toBe(404)
    expect(foreign.json).toEqual(unknown.json)
    expect(foreign.json).toMatchObject({ id: 7, error: { code: -32001 } })
    // The owner is still served.
    const own = await send(running.url, { headers: a.headers, body })
    expect(own.json.result?.content).toEqual([{ type: 'text', text: 'tenant-a' }])
  })

  it('notifications/cancelled from another identity cancels nothing', async () => {
    const { a, intruder } = await sessions()
    const call = send(running.url, { headers: a.headers, body: toolCall('w1', 'wait', { id: 'not-yours' }) })
    await expect.poll(() => started).toContain('not-yours')
    const body = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'w1' } }
    const foreign = await send(running.url, { headers: intruder, body })
    expect(foreign.status).toBe(404)
    expect(foreign.json).toEqual((await unknownAnswer({ body }, intruder)).json)
    // The owner's own cancellation still works, and only it reaches the handler.
    expect(aborted).not.toContain('not-yours')
    await send(running.url, { headers: a.headers, body })
    await expect.poll(() => aborted).toContain('not-yours')
    expect((await call).json.result?.isError).toBe(true)
  })

  it('logging/setLevel, DELETE and answers to server requests from another identity: 404, no effect', async () => {
    const { a, intruder } = await sessions()
    for (const options of [
      { body: rpc(3, 'logging/setLevel', { level: 'emergency' }) },
      { body: { jsonrpc: '2.0', id: 'toolwire-1', result: {} } },
      { method: 'DELETE' as const },
    ]) {
      const foreign = await send(running.url, { headers: intruder, ...options })
      const unknown = await unknownAnswer(options, intruder)
      expect(foreign.status).toBe(404)
      expect(foreign.json).toEqual(unknown.json)
    }
    // The session survived the foreign DELETE.
    const own = await send(running.url, { headers: a.headers, body: toolCall(8, 'whoami') })
    expect(own.status).toBe(200)
  })

  it('GET streams and Last-Event-ID resumption from another identity: 404', async () => {
    const { a, intruder } = await sessions()
    const sse = { accept: 'text/event-stream' }
    const streaming = request(running.url, {
      method: 'POST',
      headers: a.headers,
      body: JSON.stringify(toolCall(9, 'stream', {}, { progressToken: 't' })),
    })
    const res = await streaming
    const reader = res.body[Symbol.asyncIterator]()
    let text = ''
    while (!text.includes('notifications/progress')) text += String((await reader.next()).value)
    const eventId = /^id: (.+)$/m.exec(text)![1]!
    const foreignResume = await send(running.url, {
      method: 'GET',
      headers: { ...intruder, ...sse, 'last-event-id': eventId },
    })
    expect(foreignResume.status).toBe(404)
    expect(foreignResume.json).toEqual(
      (await unknownAnswer({ method: 'GET' }, { ...intruder, ...sse, 'last-event-id': eventId })).json,
    )
    const foreignStream = await send(running.url, { method: 'GET', headers: { ...intruder, ...sse } })
    expect(foreignStream.status).toBe(404)
    // The owner resumes its own answer.
    const resumed = await request(running.url, {
      method: 'GET',
      headers: { ...a.headers, ...sse, 'last-event-id': eventId },
    })
    release()
    const rest = await resumed.body.text()
    expect(sseMessages(rest).at(-1)).toMatchObject({ id: 9, result: { content: [{ text: 'streamed' }] } })
    await reader.return?.()
  })

  it('event ids carry a random stream id: one answer says nothing about another', async () => {
    const { a } = await sessions()
    const ids: string[] = []
    for (const id of [1, 2]) {
      const body = toolCall(id, 'whoami', {}, { progressToken: id })
      // whoami emits nothing: ask for a streamed answer through a tool that does.
      const streamed = request(running.url, {
        method: 'POST',
        headers: a.headers,
        body: JSON.stringify({ ...body, params: { ...body.params, name: 'stream' } }),
      })
      const res = await streamed
      const reader = res.body[Symbol.asyncIterator]()
      let text = ''
      while (!text.includes('notifications/progress')) text += String((await reader.next()).value)
      release()
      for await (const chunk of { [Symbol.asyncIterator]: () => reader }) text += String(chunk)
      ids.push(...[...text.matchAll(/^id: (.+)_\d+$/gm)].map((m) => m[1]!))
    }
    const streams = [...new Set(ids)]
    expect(streams).toHaveLength(2)
    for (const stream of streams) expect(stream).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('the same subject through another client id is another identity', async () => {
    await using shared = await serve(server(), {
      port: 0,
      auth: { verify: (token) => ({ subject: 'alice', clientId: token, scopes: [] }) },
    })
    const web = await openSession(shared.url, { headers: { authorization: 'Bearer web-app' } })
    const cli = { ...web.headers, authorization: 'Bearer cli-app' }
    const foreign = await send(shared.url, { headers: cli, body: toolCall(1, 'whoami') })
    expect(foreign.status).toBe(404)
    expect((await send(shared.url, { headers: web.headers, body: toolCall(1, 'whoami') })).status).toBe(200)
  })

  it('2026-07-28 requests ignore another identity’s Mcp-Session-Id: no session, no effect', async () => {
    const { a } = await sessions()
    const req = modern('tools/call', { name: 'whoami', arguments: {} })
    const res = await send(running.url, {
      headers: { ...req.headers, 'x-api-key': KB, 'mcp-session-id': a.sessionId },
      body: req.body,
    })
    expect(res.json.result?.content).toEqual([{ type: 'text', text: 'tenant-b' }])
    expect(res.headers['mcp-session-id']).toBeUndefined()
  })
})
