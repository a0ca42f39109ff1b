/**
 * Stuck handlers cannot take the server down: a request whose caller went away, that was
 * cancelled, or whose tool timed out stops counting against `maxConcurrentRequests`, even when
 * its handler never returns; such handlers are logged.
 */
import type { Logger } from 'pino'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ToolServer } from '../../src/server/index.js'
import { serve } from '../support/mount.js'
import { modern, send } from '../support/raw.js'
import { openSession, toolCall } from '../support/sessions.js'

const SLOTS = 8

function stuckServer(probe: { started: number }, options: { defaultToolTimeoutSeconds?: number } = {}) {
  const never = () => {
    probe.started++
    return new Promise<string>(() => {})
  }
  return new ToolServer({ name: 'stuck', ...options })
    .tool('forever', { input: z.object({}), timeoutSeconds: Number.POSITIVE_INFINITY }, never)
    .tool('bounded', { input: z.object({}), timeoutSeconds: 0.1 }, never)
    .tool('by_default', { input: z.object({}) }, never)
    .tool('echo', { input: z.object({ text: z.string() }) }, ({ text }) => text)
}

function logCapture() {
  const warnings: string[] = []
  const logger = {
    warn: (_fields: object, message: string) => void warnings.push(message),
    error: (_fields: object, message: string) => void warnings.push(`error: ${message}`),
    debug() {},
  } as unknown as Logger
  return { warnings, logger }
}

const echo = () => modern('tools/call', { name: 'echo', arguments: { text: 'alive' } })

describe('admission slots of requests nobody waits for', () => {
  it('callers that go away release their slots, even from handlers that never return', async () => {
    const probe = { started: 0 }
    const { warnings, logger } = logCapture()
    await using running = await serve(stuckServer(probe), { port: 0, maxConcurrentRequests: SLOTS, logger })
    const giveUp = new AbortController()
    const calls = Array.from({ length: SLOTS }, () =>
      send(running.url, {
        ...modern('tools/call', { name: 'forever', arguments: {} }),
        signal: giveUp.signal,
      }),
    )
    await expect.poll(() => probe.started).toBe(SLOTS)
    expect((await send(running.url, echo())).status).toBe(503)
    giveUp.abort()
    await Promise.allSettled(calls)
    await expect.poll(() => running.handler.inFlightCount, { timeout: 5000 }).toBe(0)
    const after = await send(running.url, echo())
    expect(after.json.result?.content).toEqual([{ type: 'text', text: 'alive' }])
    await expect
      .poll(() => warnings.filter((w) => w.includes('ignores ctx.signal')).length, { timeout: 5000 })
      .toBe(SLOTS)
  })

  it('tools that time out release their slots and answer at once; the handler left running is logged', async () => {
    const probe = { started: 0 }
    const { warnings, logger } = logCapture()
    await using running = await serve(stuckServer(probe), { port: 0, maxConcurrentRequests: SLOTS, logger })
    const answers = await Promise.all(
      Array.from({ length: SLOTS * 2 }, () =>
        send(running.url, modern('tools/call', { name: 'bounded', arguments: {} })),
      ),
    )
    for (const answer of answers) {
      if (answer.status === 503) continue // more calls than slots at once: shed, as configured
      expect(answer.json.result).toMatchObject({
        isError: true,
        content: [{ text: "Tool 'bounded' timed out after 0.1 s (timeoutSeconds)" }],
      })
    }
    expect(running.handler.inFlightCount).toBe(0)
    expect((await send(running.url, echo())).status).toBe(200)
    await expect
      .poll(
        () => warnings.some((w) => w.startsWith("tool 'bounded' (timed out after 0.1 s) is still running")),
        {
          timeout: 5000,
        },
      )
      .toBe(true)
  })

  it('every tool has an upper bound by default (defaultToolTimeoutSeconds)', async () => {
    const probe = { started: 0 }
    await using running = await serve(stuckServer(probe, { defaultToolTimeoutSeconds: 0.1 }), { port: 0 })
    const answer = await send(running.url, modern('tools/call', { name: 'by_default', arguments: {} }))
    expect(answer.json.result).toMatchObject({
      isError: true,
      content: [{ text: "Tool 'by_default' timed out after 0.1 s (defaultToolTimeoutSeconds)" }],
    })
    expect(() => new ToolServer({ name: 'x', defaultToolTimeoutSeconds: 0 })).toThrow(
      'option "defaultToolTimeoutSeconds" must be a number of seconds > 0, got 0',
    )
  })

  it('2025 era: notifications/cancelled releases the slot of a handler that ignores it', async () => {
    const probe = { started: 0 }
    await using running = await serve(stuckServer(probe), { port: 0, maxConcurrentRequests: 1 })
    const session = await openSession(running.url)
    const call = send(running.url, { headers: session.headers, body: toolCall('stuck-1', 'forever') })
    await expect.poll(() => probe.started).toBe(1)
    const busy = await send(running.url, {
      headers: session.headers,
      body: toolCall(2, 'echo', { text: 'x' }),
    })
    expect(busy.status).toBe(503)
    const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'stuck-1' } }
    expect((await send(running.url, { headers: session.headers, body: cancel })).status).toBe(202)
    expect(running.handler.inFlightCount).toBe(0)
    const served = await send(running.url, {
      headers: session.headers,
      body: toolCall(3, 'echo', { text: 'x' }),
    })
    expect(served.json.result?.content).toEqual([{ type: 'text', text: 'x' }])
    // Its POST is not held forever: answered without the handler once it is clearly stuck.
    expect((await call).json).toMatchObject({
      id: 'stuck-1',
      result: {
        isError: true,
        content: [{ text: "Tool 'forever' was cancelled (its handler did not stop)" }],
      },
    })
  })
})
