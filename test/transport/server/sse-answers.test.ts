/**
 * SSE answers on node: the events of a quick call (progress, result, and the priming event of a
 * resumable answer) leave together as one response with its length; a call still going at the
 * end of the I/O turn streams (chunked) its events as they come, the first before the result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type RunningServer, serve, ToolServer } from '../../../src/server/index.js'
import { modern, send, sseMessages } from '../../support/raw.js'
import { openSession, toolCall } from '../../support/sessions.js'
import { openSse } from '../../support/sse-reader.js'

let server: RunningServer
/** Lets the `slow` tool return. */
let release: () => void = () => {}

beforeAll(async () => {
  const tools = new ToolServer({ name: 'sse', version: '1.0.0' })
    .tool('quick', { input: z.object({}) }, (_args, ctx) => {
      ctx.progress(1, { total: 2 })
      ctx.progress(2, { total: 2 })
      return 'done'
    })
    .tool('slow', { input: z.object({}) }, async (_args, ctx) => {
      ctx.progress(1, { total: 2, message: 'started' })
      await new Promise<void>((resolve) => {
        release = resolve
      })
      ctx.progress(2, { total: 2 })
      return 'slow done'
    })
  server = await serve(tools, { port: 0, env: false })
})
afterAll(() => server.close())

const withProgress = (body: { params: Record<string, unknown> }, token: string) => ({
  ...body,
  params: { ...body.params, _meta: { ...(body.params._meta as object), progressToken: token } },
})

describe('SSE answers', () => {
  it('a quick 2026-07-28 call: its events leave together, as one body with a content-length', async () => {
    const req = modern('tools/call', { name: 'quick', arguments: {} })
    const res = await send(server.url, { headers: req.headers, body: withProgress(req.body, 'q1') })
    expect(res.headers['content-type']).toBe('text/event-stream')
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)))
    expect(res.headers['transfer-encoding']).toBeUndefined()
    const messages = sseMessages(res.text)
    expect(messages.map((m) => m.method ?? 'response')).toEqual([
      'notifications/progress',
      'notifications/progress',
      'response',
    ])
    expect(messages[2]).toMatchObject({ result: { content: [{ type: 'text', text: 'done' }] } })
  })

  it('a quick resumable 2025-11-25 call: priming event, ids in order, one body with a content-length', async () => {
    const session = await openSession(server.url)
    const res = await send(server.url, {
      headers: session.headers,
      body: toolCall(7, 'quick', {}, { progressToken: 'q2' }),
    })
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)))
    const ids = [...res.text.matchAll(/^id: (.+)$/gm)].map((m) => m[1]!)
    expect(ids).toHaveLength(4)
    expect(ids[0]).toMatch(/_0$/)
    expect(ids.map((id) => Number(id.split('_').pop()))).toEqual([0, 1, 2, 3])
    expect(res.text).toMatch(/^id: .+_0\nretry: \d+\ndata: \n\n/)
    expect(sseMessages(res.text).at(-1)).toMatchObject({ id: 7, result: { content: [{ text: 'done' }] } })
  })

  for (const era of ['2026-07-28', '2025-11-25'] as const) {
    it(`a ${era} call still going: its first event arrives before the result, streamed`, async () => {
      const headers =
        era === '2026-07-28'
          ? modern('tools/call', { name: 'slow', arguments: {} }).headers
          : (await openSession(server.url)).headers
      const body =
        era === '2026-07-28'
          ? withProgress(modern('tools/call', { name: 'slow', arguments: {} }).body, 's1')
          : toolCall(1, 'slow', {}, { progressToken: 's1' })
      await using stream = await openSse(server.url, { method: 'POST', headers, body })
      expect(stream.headers['transfer-encoding']).toBe('chunked')
      // The tool is waiting for `release`: this event was sent while the call goes on.
      expect((await stream.next())?.data).toMatchObject({
        method: 'notifications/progress',
        params: { progressToken: 's1', progress: 1, message: 'started' },
      })
      release()
      expect((await stream.next())?.data).toMatchObject({ params: { progress: 2 } })
      expect((await stream.next())?.data).toMatchObject({ result: { content: [{ text: 'slow done' }] } })
      expect(await stream.next()).toBeUndefined()
    })
  }
})
