import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { ToolServer, ToolwireConfigError } from '../../src/server/index.js'
import { echoServer } from '../support/echo-server.js'
import { serve } from '../support/mount.js'
import { modern, send } from '../support/raw.js'

describe('load shedding (maxConcurrentRequests)', () => {
  it('answers 503 with Retry-After past the limit, and serves again once calls finish', async () => {
    const probe = { aborted: [] as string[], started: [] as string[] }
    await using running = await serve(echoServer(probe), { port: 0, maxConcurrentRequests: 3 })
    const slow = [1, 2, 3].map((i) =>
      send(running.url, modern('tools/call', { name: 'wait', arguments: { id: `slow-${i}`, ms: 300 } })),
    )
    await expect.poll(() => probe.started.length).toBe(3)
    const shed = await send(running.url, modern('tools/call', { name: 'echo', arguments: { text: 'x' } }))
    expect(shed.status).toBe(503)
    expect(shed.headers['retry-after']).toBe('1')
    expect(shed.json.error).toMatchObject({
      code: -31000,
      message: expect.stringContaining('maxConcurrentRequests'),
      data: { reason: 'overloaded', limit: 'maxConcurrentRequests', retryAfterSeconds: 1 },
    })
    for (const call of await Promise.all(slow))
      expect(call.json.result?.content).toEqual([
        { type: 'text', text: expect.stringMatching(/^waited slow-/) },
      ])
    const after = await send(running.url, modern('tools/call', { name: 'echo', arguments: { text: 'back' } }))
    expect(after.json.result?.content).toEqual([{ type: 'text', text: 'back' }])
  })

  it("toolwire's client rides out shedding with its retry policy", async () => {
    const probe = { aborted: [] as string[], started: [] as string[] }
    await using running = await serve(echoServer(probe), { port: 0, maxConcurrentRequests: 1 })
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      retryBackoffSecondsBase: 0.05,
    }).connect()
    const retries: number[] = []
    client.on('retry', (event) => retries.push(event.attempt))
    const busy = client.callTool('wait', { id: 'hog', ms: 200 })
    await expect.poll(() => probe.started).toContain('hog')
    // Retry-After is 1 s: the retry waits for it, and by then the hog is done.
    expect((await client.callTool('echo', { text: 'eventually' })).content).toEqual([
      { type: 'text', text: 'eventually' },
    ])
    expect(retries.length).toBeGreaterThanOrEqual(1)
    await busy
  })

  it('rejects an invalid limit', () => {
    expect(() => echoServer().handler({ maxConcurrentRequests: 0 })).toThrow(ToolwireConfigError)
  })
})

describe('per-tool timeoutSeconds', () => {
  it('aborts ctx.signal and answers a clear error, even when the handler ignores the signal', async () => {
    let sawAbort = false
    const server = new ToolServer({ name: 'slow' })
      .tool('polite', { input: z.object({}), timeoutSeconds: 0.1 }, async (_args, ctx) => {
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve))
        sawAbort = ctx.signal.aborted
        return 'too late'
      })
      .tool('stubborn', { input: z.object({}), timeoutSeconds: 0.1 }, () => new Promise(() => {}))
    await using running = await serve(server, { port: 0 })
    await using client = await new MCPServerStreamableHttp({ params: { url: running.url } }).connect()
    for (const name of ['polite', 'stubborn']) {
      const result = await client.callTool(name)
      expect(result).toMatchObject({
        isError: true,
        content: [{ type: 'text', text: `Tool '${name}' timed out after 0.1 s (timeoutSeconds)` }],
      })
    }
    expect(sawAbort).toBe(true)
    expect(() =>
      new ToolServer({ name: 'x' }).tool('t', { input: z.object({}), timeoutSeconds: -1 }, () => ''),
    ).toThrow('option "timeoutSeconds" must be a positive number of seconds, got -1')
  })
})
