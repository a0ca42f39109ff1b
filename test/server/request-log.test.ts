import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { createServerLogger, ToolServer } from '../../src/server/index.js'
import { runTs } from '../support/child.js'
import { MOUNT, serve } from '../support/mount.js'
import { modern, send } from '../support/raw.js'

type Line = Record<string, unknown>

function collectingLogger(level: 'info' | 'warn' = 'info') {
  const lines: Line[] = []
  const logger = pino({ level }, { write: (text: string) => void lines.push(JSON.parse(text) as Line) })
  return { logger, lines }
}

function tracedServer(seen: string[]) {
  return new ToolServer({ name: 'traced', version: '1.0.0' })
    .tool('echo', { input: z.object({ text: z.string() }) }, ({ text }, ctx) => {
      seen.push(ctx.traceId)
      return text
    })
    .tool('fail', { input: z.object({}) }, () => {
      throw new Error('nope')
    })
}

describe('request logs with trace ids', () => {
  it("one line per request, carrying the caller's trace id end to end", async () => {
    const { logger, lines } = collectingLogger()
    const seen: string[] = []
    await using running = await serve(tracedServer(seen), { port: 0, logger })
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url, headers: { Authorization: 'Bearer very-secret-token' } },
    }).connect()
    const result = await client.callTool('echo', { text: 'hi' })
    const line = lines.find((l) => l.rpcMethod === 'tools/call')!
    expect(line).toMatchObject({
      level: 30,
      msg: 'mcp request',
      traceId: result.traceId,
      era: 'modern',
      tool: 'echo',
      outcome: 'ok',
      status: 200,
      client: 'toolwire',
      remote: '127.0.0.1',
    })
    expect(seen).toEqual([result.traceId])
    expect(line.spanId).toMatch(/^[0-9a-f]{16}$/)
    expect(line.parentSpanId).toMatch(/^[0-9a-f]{16}$/)
    expect(line.spanId).not.toBe(line.parentSpanId)
    expect(typeof line.durationMs).toBe('number')
    expect(lines.filter((l) => l.rpcMethod === 'server/discover')).toHaveLength(1)
    await client.callTool('fail')
    await client.callTool('missing').catch(() => {})
    expect(
      lines.filter((l) => l.rpcMethod === 'tools/call').map((l) => [l.tool, l.outcome, l.rpcCode]),
    ).toEqual([
      ['echo', 'ok', undefined],
      ['fail', 'tool_error', undefined],
      ['missing', 'error', -32602],
    ])
    expect(JSON.stringify(lines)).not.toContain('very-secret-token')
  })

  it('echoes traceparent (new span, same trace), generates one when absent, and logs sessions', async () => {
    const { logger, lines } = collectingLogger()
    await using running = await serve(tracedServer([]), { port: 0, logger })
    const req = modern(
      'tools/call',
      { name: 'echo', arguments: { text: 'x' } },
      {
        traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
      },
    )
    const traced = await send(running.url, req)
    expect(traced.headers.traceparent).toMatch(new RegExp(`^00-${'a'.repeat(32)}-[0-9a-f]{16}-01$`))
    expect(traced.headers.traceparent).not.toContain('b'.repeat(16))
    const fresh = await send(running.url, modern('ping'))
    expect(fresh.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
    await using legacy = await new MCPServerStreamableHttp({
      params: { url: running.url },
      protocolEra: 'legacy',
    }).connect()
    await legacy.callTool('echo', { text: 'y' })
    const line = lines.at(-1)!
    expect(line).toMatchObject({
      era: 'legacy',
      tool: 'echo',
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    })
  })

  it('logs rejected requests at warn; with info off, adds no header and no lines', async () => {
    const { logger, lines } = collectingLogger('warn')
    await using running = await serve(tracedServer([]), { port: 0, logger })
    const ok = await send(running.url, modern('ping'))
    expect(ok.headers.traceparent).toBeUndefined()
    const bad = await send(running.url, {
      ...modern('ping'),
      headers: { ...modern('ping').headers, origin: 'http://evil.example' },
    })
    expect(bad.status).toBe(403)
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, status: 403, msg: expect.stringContaining('Origin') }),
    ])
  })

  it('logs tool arguments only when asked, with secret fields redacted at any depth', async () => {
    const { logger, lines } = collectingLogger()
    const toolServer = new ToolServer({ name: 'args', version: '1.0.0' }).tool(
      'connect',
      {
        input: z.object({
          user: z.string(),
          password: z.string(),
          options: z.record(z.string(), z.unknown()),
        }),
      },
      ({ user }) => `hello ${user}`,
    )
    const args = {
      user: 'ada',
      password: 'hunter2',
      options: {
        githubToken: 'ghp_secret',
        nested: [{ api_key: 'k-secret', ssn: '123-45-6789' }],
        tokenCount: 3,
      },
    }
    await using quiet = await serve(toolServer, { port: 0, logger })
    await using quietClient = await new MCPServerStreamableHttp({ params: { url: quiet.url } }).connect()
    await quietClient.callTool('connect', args)
    expect(lines.at(-1)!.arguments).toBeUndefined()

    await using verbose = await serve(toolServer, { port: 0, logger, logArguments: true, redact: ['SSN'] })
    await using client = await new MCPServerStreamableHttp({ params: { url: verbose.url } }).connect()
    await client.callTool('connect', args)
    const line = lines.at(-1)!
    expect(line.arguments).toEqual({
      user: 'ada',
      password: '[Redacted]',
      options: {
        githubToken: '[Redacted]',
        nested: [{ api_key: '[Redacted]', ssn: '[Redacted]' }],
        tokenCount: 3,
      },
    })
    const text = JSON.stringify(lines)
    for (const secret of ['hunter2', 'ghp_secret', 'k-secret', '123-45-6789'])
      expect(text).not.toContain(secret)
  })

  it('createServerLogger: JSON lines with authorization headers and cookies censored', () => {
    const written: string[] = []
    const logger = createServerLogger({
      level: 'debug',
      name: 'crm',
      destination: { write: (text: string) => void written.push(text) },
      redactPaths: ['customer.card'],
    })
    logger.info(
      {
        req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1', accept: '*/*' } },
        err: { headers: { authorization: 'Basic xyz' } },
        customer: { name: 'Ada', card: '4111111111111111' },
      },
      'outbound call failed',
    )
    const line = JSON.parse(written[0]!) as {
      req: { headers: Record<string, string> }
      err: { headers: Record<string, string> }
      customer: Record<string, string>
      time: unknown
    }
    expect(line).toMatchObject({ level: 30, name: 'crm', msg: 'outbound call failed' })
    expect(line.req.headers).toEqual({ authorization: '[Redacted]', cookie: '[Redacted]', accept: '*/*' })
    expect(line.err.headers.authorization).toBe('[Redacted]')
    expect(line.customer).toEqual({ name: 'Ada', card: '[Redacted]' })
    expect(typeof line.time).toBe('string')
    expect(() => createServerLogger({ level: 'loud' as 'info' })).toThrow(/"level" must be one of/)
  })

  it('logs 2025-era notifications, GET streams and session ends too', async () => {
    const { logger, lines } = collectingLogger()
    await using running = await serve(tracedServer([]), { port: 0, logger })
    const client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      protocolEra: 'legacy',
    }).connect()
    await expect.poll(() => lines.map((l) => l.msg)).toContain('mcp stream opened')
    await client.close()
    await expect.poll(() => lines.map((l) => l.msg)).toContain('mcp session ended')
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'mcp notification',
        rpcMethod: 'notifications/initialized',
        status: 202,
      }),
    )
  })

  it('createServerLogger writes request lines exactly as pino would (same keys, order, escaping)', async () => {
    const written: string[] = []
    const logger = createServerLogger({
      level: 'info',
      name: 'crm',
      destination: { write: (t: string) => void written.push(t) },
    })
    expect(Symbol.for('toolwire.accessLine') in logger).toBe(true) // the fast path is the one tested
    await using running = await serve(tracedServer([]), { port: 0, env: false, logger })
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      clientInfo: { name: 'agent "quoted" ✓', version: '1' },
    }).connect()
    await client.callTool('echo', { text: 'x' })
    const fast = written.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.tool === 'echo')!
    // The same fields through pino itself.
    const viaPino: string[] = []
    const reference = pino(
      { level: 'info', name: 'crm', timestamp: pino.stdTimeFunctions.isoTime },
      { write: (t: string) => void viaPino.push(t) },
    )
    const { level: _l, time: _t, pid: _p, hostname: _h, name: _n, msg: _m, ...fields } = fast
    reference.info(fields, 'mcp request')
    const expected = JSON.parse(viaPino[0]!) as Record<string, unknown>
    expect(Object.keys(fast)).toEqual(Object.keys(expected))
    expect({ ...fast, time: 0 }).toEqual({ ...expected, time: 0 })
    expect(fast.client).toBe('agent "quoted" ✓')
    expect(typeof fast.time).toBe('string')
  })

  // No server in it: once (node mount) is enough.
  it.skipIf(MOUNT === 'web')(
    'createServerLogger buffers lines: written when the buffer fills, after the flush interval, on flush, at exit',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'toolwire-log-'))
      const file = join(dir, 'server.log')
      const read = () => readFileSync(file, 'utf8').split('\n').filter(Boolean)
      const logger = createServerLogger({ destination: file, bufferBytes: 2000, flushIntervalSeconds: 0.2 })
      logger.info({ n: 1 }, 'first')
      expect(read()).toEqual([]) // buffered
      await expect.poll(read, { timeout: 3000 }).toHaveLength(1) // the flush interval wrote it
      for (let n = 2; n <= 40; n++) logger.info({ n, pad: 'x'.repeat(100) }, 'more')
      expect(read().length).toBeGreaterThan(10) // a full buffer is written at once
      await new Promise<void>((resolve) => logger.flush(() => resolve()))
      expect(read().map((l) => (JSON.parse(l) as Line).n)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      )

      // A process that exits with lines still buffered (long interval) loses none of them.
      const exiting = join(dir, 'exit.log')
      const script = join(dir, 'exit.ts')
      const { writeFileSync } = await import('node:fs')
      writeFileSync(
        script,
        `import { createServerLogger } from ${JSON.stringify(join(process.cwd(), 'src/server/index.ts'))}
const logger = createServerLogger({ destination: ${JSON.stringify(exiting)}, flushIntervalSeconds: 60 })
for (let n = 1; n <= 3; n++) logger.info({ n }, 'before exit')
process.exitCode = 0
`,
      )
      const outcome = await runTs([script])
      expect(outcome.stderr).toBe('')
      expect(
        readFileSync(exiting, 'utf8')
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as Line).n),
      ).toEqual([1, 2, 3])
    },
  )
})
