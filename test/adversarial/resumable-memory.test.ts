/**
 * What is kept for resumption is released when delivered and bounded in bytes overall; an
 * answer nobody claims expires. Heap over 100,000 streamed calls is measured by `npm run bench`.
 */
import type { ServerResponse } from 'node:http'
import { request } from 'undici'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { ToolServer } from '../../src/server/index.js'
import { ReplayBudget } from '../../src/transport/server/replay-budget.js'
import { ReplayableStream } from '../../src/transport/server/replayable-stream.js'
import { serve } from '../support/mount.js'
import { send, sseMessages } from '../support/raw.js'
import { openSession, toolCall } from '../support/sessions.js'

function streamingServer() {
  return new ToolServer({ name: 'streams' })
    .tool('steps', { input: z.object({ n: z.number() }) }, ({ n }, ctx) => {
      ctx.progress(1, { total: 2 })
      ctx.progress(2, { total: 2 })
      return `steps ${n}`
    })
    .tool('detached', { input: z.object({ n: z.number(), pad: z.number() }) }, async ({ n, pad }, ctx) => {
      ctx.progress(0, { message: 'a'.repeat(pad) })
      ctx.closeStream() // the client is told to come back later; the answer finishes without it
      await new Promise((resolve) => setImmediate(resolve))
      ctx.progress(1, { message: 'b'.repeat(pad) })
      return `detached ${n}`
    })
}

describe('resumable answers (2025-11-25)', () => {
  it('keeps nothing once an answer was delivered', async () => {
    await using running = await serve(streamingServer(), { port: 0 })
    const session = await openSession(running.url)
    for (let n = 0; n < 100; n++) {
      const res = await send(running.url, {
        headers: session.headers,
        body: toolCall(n, 'steps', { n }, { progressToken: n }),
      })
      expect(sseMessages(res.text).at(-1)).toMatchObject({
        id: n,
        result: { content: [{ text: `steps ${n}` }] },
      })
    }
    expect(running.handler.resumableBytes).toBe(0)
  })

  it('bounds what unclaimed answers keep (resumableBufferBytes), dropping the oldest first', async () => {
    const bound = 8 * 1024
    await using running = await serve(streamingServer(), { port: 0, resumableBufferBytes: bound })
    const session = await openSession(running.url)
    const streams: string[] = []
    for (let n = 0; n < 20; n++) {
      const res = await send(running.url, {
        headers: session.headers,
        body: toolCall(n, 'detached', { n, pad: 1000 }, { progressToken: n }),
      })
      streams.push(/^id: (.+)_0$/m.exec(res.text)![1]!)
      expect(running.handler.resumableBytes).toBeLessThanOrEqual(bound)
    }
    await expect.poll(() => running.handler.resumableBytes).toBeGreaterThan(0)
    // The newest answer is still there for its client...
    const resumed = await request(running.url, {
      method: 'GET',
      headers: { ...session.headers, accept: 'text/event-stream', 'last-event-id': `${streams.at(-1)}_1` },
    })
    expect(sseMessages(await resumed.body.text()).at(-1)).toMatchObject({
      id: 19,
      result: { content: [{ text: 'detached 19' }] },
    })
    // ...and, claimed, it is released.
    expect(running.handler.resumableBytes).toBeLessThan(bound)
  })

  it('ends a session with nothing kept', async () => {
    await using running = await serve(streamingServer(), { port: 0 })
    const session = await openSession(running.url)
    for (let n = 0; n < 5; n++) {
      await send(running.url, {
        headers: session.headers,
        body: toolCall(n, 'detached', { n, pad: 100 }, { progressToken: n }),
      })
    }
    await expect.poll(() => running.handler.resumableBytes).toBeGreaterThan(0)
    await send(running.url, { method: 'DELETE', headers: session.headers })
    expect(running.handler.resumableBytes).toBe(0)
  })
})

describe('ReplayableStream', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  /** A connection that records what was written. */
  function connection() {
    const written: string[] = []
    const res = {
      writableEnded: false,
      destroyed: false,
      write: (chunk: string) => written.push(chunk) > 0,
      end() {
        this.writableEnded = true
      },
      once() {},
    }
    return { res: res as unknown as ServerResponse, written }
  }

  it('an answer nobody claims expires after 5 minutes', () => {
    vi.useFakeTimers()
    const budget = new ReplayBudget(1 << 20)
    const released: string[] = []
    const live = connection()
    const stream = new ReplayableStream({
      live: live.res,
      retryMs: 1000,
      budget,
      onRelease: (s) => released.push(s.id),
    })
    stream.detach()
    stream.finish(JSON.stringify({ jsonrpc: '2.0', id: 1, result: {} }))
    expect(budget.usedBytes).toBeGreaterThan(0)
    vi.advanceTimersByTime(5 * 60_000 - 1)
    expect(released).toEqual([])
    vi.advanceTimersByTime(1)
    expect(released).toEqual([stream.id])
    expect(budget.usedBytes).toBe(0)
  })

  it('a stream released early (its session ended) keeps nothing, whatever is written after', () => {
    const budget = new ReplayBudget(1000)
    const stream = new ReplayableStream({
      live: connection().res,
      retryMs: 1000,
      budget,
      onRelease: () => {},
    })
    stream.detach()
    stream.release()
    stream.write(JSON.stringify({ late: true }))
    stream.finish(JSON.stringify({ jsonrpc: '2.0', id: 1, result: {} }))
    expect(budget.usedBytes).toBe(0)
    expect(budget.reserve(1000)).toBe(true)
  })

  it('makes room by releasing the oldest unclaimed answers first', () => {
    const budget = new ReplayBudget(100)
    const released: string[] = []
    const answer = (name: string, bytes: number) => {
      budget.reserve(bytes)
      const entry = {
        release: () => {
          released.push(name)
          budget.free(bytes)
          budget.forget(entry)
        },
      }
      budget.unclaimed(entry)
    }
    answer('oldest', 40)
    answer('newer', 40)
    expect(budget.reserve(50)).toBe(true)
    expect(released).toEqual(['oldest'])
    expect(budget.reserve(200)).toBe(false) // larger than the bound: refused, nothing evicted for it
    expect(released).toEqual(['oldest'])
  })

  it('a single answer larger than the bound keeps its newest events only', () => {
    const budget = new ReplayBudget(300)
    const stream = new ReplayableStream({
      live: connection().res,
      retryMs: 1000,
      budget,
      onRelease: () => {},
    })
    for (let i = 0; i < 10; i++) stream.write(JSON.stringify({ i, pad: 'x'.repeat(50) }))
    expect(budget.usedBytes).toBeLessThanOrEqual(300)
    const resumed = connection()
    stream.resume(resumed.res, 0)
    expect(resumed.written.join('')).toContain('"i":9')
    expect(resumed.written.join('')).not.toContain('"i":0,')
  })
})
