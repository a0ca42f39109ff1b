import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { serveStdio, ToolServer } from '../../src/server/index.js'

/** A stdio server on in-memory pipes, and a client side that writes lines and reads answers. */
function pipes(
  server: ToolServer,
  options: { maxMessageBytes?: number; maxConcurrentRequests?: number } = {},
) {
  const input = new PassThrough()
  const output = new PassThrough()
  const warnings: string[] = []
  const running = serveStdio(server, {
    input,
    output,
    ...options,
    logger: { warn: (_details: object, message: string) => warnings.push(message), info: () => {} } as never,
  })
  const received: Array<Record<string, unknown>> = []
  const waiters: Array<() => void> = []
  let buffered = ''
  output.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    const lines = buffered.split('\n')
    buffered = lines.pop()!
    for (const line of lines) received.push(JSON.parse(line) as Record<string, unknown>)
    for (const w of waiters.splice(0)) w()
  })
  const until = async (match: (m: Record<string, unknown>) => boolean) => {
    for (;;) {
      const found = received.find(match)
      if (found) return found
      await new Promise<void>((resolve) => waiters.push(resolve))
    }
  }
  return {
    running,
    warnings,
    received,
    send: (message: object | string) =>
      input.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`),
    answer: (id: unknown) => until((m) => m.id === id && !('method' in m)),
    until,
    end: () => input.end(),
    [Symbol.asyncDispose]: async () => {
      input.end()
      await running.close()
    },
  }
}

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': {},
}

function tools(): ToolServer {
  return new ToolServer({ name: 'stdio-test', version: '1.0.0' })
    .tool('add', { input: z.object({ a: z.number(), b: z.number() }) }, ({ a, b }) => String(a + b))
    .tool('wait', { input: z.object({}) }, async (_args, ctx) => {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, 30_000)
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer)
          reject(ctx.signal.reason)
        })
      })
      return 'done'
    })
    .tool('confirm', { input: z.object({}) }, async (_args, ctx) => {
      const answer = await ctx.elicit('Proceed?', { type: 'object', properties: { ok: { type: 'boolean' } } })
      return `action ${answer.action}, ok ${String(answer.content?.ok)}`
    })
}

describe('serveStdio', () => {
  it('speaks the 2025 handshake and 2026-07-28 requests on the same pipes', async () => {
    await using io = pipes(tools())
    io.send({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: MODERN_META } })
    expect(((await io.answer(1)).result as { serverInfo: unknown }).serverInfo).toEqual({
      name: 'stdio-test',
      version: '1.0.0',
    })
    io.send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'add', arguments: { a: 2, b: 3 }, _meta: MODERN_META },
    })
    expect((await io.answer(2)).result).toMatchObject({
      content: [{ type: 'text', text: '5' }],
      resultType: 'complete',
    })
    io.send({
      jsonrpc: '2.0',
      id: 3,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    })
    expect((await io.answer(3)).result).toMatchObject({ protocolVersion: '2025-06-18' })
    io.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    io.send({ jsonrpc: '2.0', id: 4, method: 'tools/list' })
    expect(
      ((await io.answer(4)).result as { tools: Array<{ name: string }> }).tools.map((t) => t.name),
    ).toEqual(['add', 'wait', 'confirm'])
  })

  it('answers malformed lines, batches, unknown methods and oversized messages with JSON-RPC errors', async () => {
    await using io = pipes(tools(), { maxMessageBytes: 1024 })
    io.send('{not json')
    expect(await io.until((m) => (m.error as { code?: number })?.code === -32700)).toMatchObject({ id: null })
    io.send([{ jsonrpc: '2.0', id: 1, method: 'ping' }])
    expect((await io.until((m) => /batches/.test(JSON.stringify(m)))).error).toMatchObject({ code: -32600 })
    io.send({ jsonrpc: '2.0', id: 2, method: 'no/such' })
    expect((await io.answer(2)).error).toMatchObject({ code: -32601 })
    io.send({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'add', arguments: { pad: 'x'.repeat(2000) } },
    })
    expect((await io.until((m) => /maxMessageBytes/.test(JSON.stringify(m)))).error).toMatchObject({
      code: -32600,
    })
    // The connection goes on after each of them.
    io.send({
      jsonrpc: '2.0',
      id: 4,
      method: 'tools/call',
      params: { name: 'add', arguments: { a: 1, b: 1 } },
    })
    expect((await io.answer(4)).result).toMatchObject({ content: [{ text: '2' }] })
    expect(io.warnings).toContain('message over maxMessageBytes dropped')
  })

  it('aborts a call on notifications/cancelled, and refuses requests past maxConcurrentRequests', async () => {
    await using io = pipes(tools(), { maxConcurrentRequests: 1 })
    io.send({ jsonrpc: '2.0', id: 'slow', method: 'tools/call', params: { name: 'wait', arguments: {} } })
    await new Promise((resolve) => setTimeout(resolve, 50))
    io.send({
      jsonrpc: '2.0',
      id: 'next',
      method: 'tools/call',
      params: { name: 'add', arguments: { a: 1, b: 1 } },
    })
    expect((await io.answer('next')).error).toMatchObject({
      code: -31000,
      message: expect.stringMatching(/maxConcurrentRequests/),
    })
    io.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'slow' } })
    expect(((await io.answer('slow')).result as { isError?: boolean }).isError).toBe(true)
    expect(io.running.inFlightCount).toBe(0)
  })

  it('asks the client mid-call (2025 elicitation) and tells a session about new tools', async () => {
    const server = tools()
    await using io = pipes(server)
    io.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: { elicitation: {} },
        clientInfo: { name: 't', version: '1' },
      },
    })
    await io.answer(1)
    io.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'confirm', arguments: {} } })
    const question = await io.until((m) => m.method === 'elicitation/create')
    io.send({ jsonrpc: '2.0', id: question.id, result: { action: 'accept', content: { ok: true } } })
    expect((await io.answer(2)).result).toMatchObject({ content: [{ text: 'action accept, ok true' }] })
    server.tool('late', { input: z.object({}) }, () => 'hi')
    expect(await io.until((m) => m.method === 'notifications/tools/list_changed')).toBeDefined()
  })

  it('delivers list_changed to a 2026-07-28 subscriptions/listen and ends it on close', async () => {
    const server = tools()
    const io = pipes(server)
    io.send({
      jsonrpc: '2.0',
      id: 'listen',
      method: 'subscriptions/listen',
      params: { notifications: { toolsListChanged: true }, _meta: MODERN_META },
    })
    await io.until((m) => m.method === 'notifications/subscriptions/acknowledged')
    server.tool('late', { input: z.object({}) }, () => 'hi')
    const changed = await io.until((m) => m.method === 'notifications/tools/list_changed')
    expect(
      (changed.params as { _meta: Record<string, unknown> })._meta['io.modelcontextprotocol/subscriptionId'],
    ).toBe('listen')
    io.end()
    await io.running.closed
    expect(await io.answer('listen')).toMatchObject({ result: { resultType: 'complete' } })
  })
})
