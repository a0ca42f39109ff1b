/** `close()` drains calls in flight in both eras before sessions end; new work is sent elsewhere. */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ToolServer } from '../../src/server/index.js'
import { MOUNT, serve } from '../support/mount.js'
import { modern, send } from '../support/raw.js'
import { openSession, toolCall } from '../support/sessions.js'

function slowServer(probe: { started: number }) {
  return new ToolServer({ name: 'slow' }).tool(
    'slow',
    { input: z.object({ n: z.number() }) },
    async ({ n }) => {
      probe.started++
      await new Promise((resolve) => setTimeout(resolve, 200))
      return `done ${n}`
    },
  )
}

const CALLS = 50

describe('close() with calls in flight', () => {
  it.each(['2025-11-25', '2025-06-18'])(
    '%s session: 50/50 calls of a 200 ms tool complete',
    async (version) => {
      const probe = { started: 0 }
      const running = await serve(slowServer(probe), { port: 0, shutdownTimeoutSeconds: 10 })
      const session = await openSession(running.url, { protocolVersion: version })
      const calls = Array.from({ length: CALLS }, (_, n) =>
        send(running.url, { headers: session.headers, body: toolCall(n, 'slow', { n }) }),
      )
      await expect.poll(() => probe.started).toBe(CALLS)
      await running.close()
      const answers = await Promise.all(calls)
      expect(answers.map((a) => a.json.result?.content)).toEqual(
        Array.from({ length: CALLS }, (_, n) => [{ type: 'text', text: `done ${n}` }]),
      )
      expect(running.handler.sessionCount).toBe(0)
    },
  )

  it('2026-07-28: 50/50 calls of a 200 ms tool complete', async () => {
    const probe = { started: 0 }
    const running = await serve(slowServer(probe), { port: 0 })
    const calls = Array.from({ length: CALLS }, (_, n) =>
      send(running.url, modern('tools/call', { name: 'slow', arguments: { n } })),
    )
    await expect.poll(() => probe.started).toBe(CALLS)
    await running.close()
    const answers = await Promise.all(calls)
    expect(answers.filter((a) => a.json.result?.isError === undefined)).toHaveLength(CALLS)
  })

  it('while draining: new requests get 503 shutting_down, notifications and client answers still land', async () => {
    const probe = { started: 0 }
    await using running = await serve(slowServer(probe), { port: 0 })
    const session = await openSession(running.url)
    const inFlight = send(running.url, { headers: session.headers, body: toolCall(1, 'slow', { n: 1 }) })
    await expect.poll(() => probe.started).toBe(1)
    const drained = running.handler.drain()
    for (const request of [
      { headers: session.headers, body: toolCall(2, 'slow', { n: 2 }) },
      modern('tools/call', { name: 'slow', arguments: { n: 3 } }),
    ]) {
      const refused = await send(running.url, request)
      expect(refused.status).toBe(503)
      expect(refused.headers['retry-after']).toBe('1')
      // Connection headers stay with node: a web runtime owns its connections (and HTTP/2 forbids them).
      if (MOUNT === 'node') expect(refused.headers.connection).toBe('close')
      expect(refused.json.error).toMatchObject({ code: -31000, data: { reason: 'shutting_down' } })
    }
    const note = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 99 } }
    expect((await send(running.url, { headers: session.headers, body: note })).status).toBe(202)
    expect((await inFlight).json.result?.content).toEqual([{ type: 'text', text: 'done 1' }])
    await drained
  })
})
