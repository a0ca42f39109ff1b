import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  MCPServerStreamableHttp,
  McpConnectionError,
  McpHttpError,
  McpProtocolError,
  McpTimeoutError,
  ToolwireConfigError,
} from '../../src/client/index.js'
import { META_LOG_LEVEL } from '../../src/protocol/versions.js'
import { type RunningServer, serve, ToolServer } from '../../src/server/index.js'
import { echoServer } from '../support/echo-server.js'
import { type FaultServer, startFaultServer } from '../support/fault-server.js'
import { startFullBacklog } from '../support/full-backlog.js'

let ours: RunningServer
let faulty: FaultServer
const probe = { aborted: [] as string[], started: [] as string[] }

beforeAll(async () => {
  ours = await serve(echoServer(probe), { port: 0 })
  faulty = await startFaultServer()
})
afterAll(async () => {
  await ours.close()
  await faulty.close()
})

function client(
  url: string,
  options: Partial<ConstructorParameters<typeof MCPServerStreamableHttp>[0]> = {},
) {
  return new MCPServerStreamableHttp({ name: 'Test Tools', params: { url }, ...options })
}

describe.each(['auto', 'legacy'] as const)('against a toolwire server (era %s)', (protocolEra) => {
  it('connects, lists tools, calls them and reports progress', async () => {
    await using tools = await client(ours.url, { protocolEra }).connect()
    expect(tools.protocolVersion).toBe(protocolEra === 'auto' ? '2026-07-28' : '2025-11-25')
    expect(tools.server?.serverInfo).toEqual({ name: 'echo-server', version: '1.2.3' })
    expect((await tools.listTools()).map((t) => t.name)).toEqual([
      'echo',
      'regional',
      'progress',
      'sum',
      'fail',
      'wait',
    ])
    expect((await tools.callTool('regional', { region: 'Zürich', query: 'q' })).content).toEqual([
      { type: 'text', text: 'Zürich/q' },
    ])
    const seen: unknown[] = []
    const result = await tools.callTool('progress', { steps: 3 }, { onProgress: (p) => seen.push(p) })
    expect(result.content).toEqual([{ type: 'text', text: 'did 3' }])
    expect(seen).toEqual([1, 2, 3].map((i) => ({ progress: i, total: 3, message: `step ${i}` })))
  })

  it('returns tool errors as isError results', async () => {
    await using tools = await client(ours.url, { protocolEra }).connect()
    const result = await tools.callTool('sum', { a: 'x', b: 1 })
    expect(result.isError).toBe(true)
  })

  it('raises a protocol error for an unknown tool', async () => {
    await using tools = await client(ours.url, { protocolEra }).connect()
    const error = await tools.callTool('missing').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpProtocolError)
    expect(error).toMatchObject({ rpcCode: -32602, serverName: 'Test Tools' })
    expect(String(error)).toContain('Unknown tool: missing')
  })

  it('aborting a call rejects with the abort reason and stops the handler', async () => {
    await using tools = await client(ours.url, { protocolEra, clientSessionTimeoutSeconds: 20 }).connect()
    const controller = new AbortController()
    const id = `abort-${protocolEra}`
    const pending = tools.callTool('wait', { id, ms: 10_000 }, { signal: controller.signal })
    await expect.poll(() => probe.started).toContain(id)
    controller.abort(new Error('user pressed stop'))
    await expect(pending).rejects.toThrow('user pressed stop')
    await expect.poll(() => probe.aborted).toContain(id)
  })
})

describe('timeouts', () => {
  it('fires the per-request timeout with its value and option name', async () => {
    await using tools = await client(ours.url, { clientSessionTimeoutSeconds: 0.3 }).connect()
    const error = await tools.callTool('wait', { id: 'slow', ms: 3000 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpTimeoutError)
    expect(error).toMatchObject({ timeout: 'request', seconds: 0.3 })
    expect(String(error)).toContain('clientSessionTimeoutSeconds')
  })

  it('a per-call timeoutSeconds overrides the default', async () => {
    await using tools = await client(ours.url, { clientSessionTimeoutSeconds: 30 }).connect()
    const error = await tools
      .callTool('wait', { id: 'slow2', ms: 3000 }, { timeoutSeconds: 0.2 })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ timeout: 'request', seconds: 0.2 })
  })

  it('fires the connect timeout (params.timeout) when the server never accepts', async () => {
    await using blackhole = await startFullBacklog()
    await using tools = client(`http://127.0.0.1:${blackhole.port}/mcp`, {
      params: { url: `http://127.0.0.1:${blackhole.port}/mcp`, timeout: 0.3 },
      maxRetryAttempts: 0,
    })
    const error = await tools.connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpTimeoutError)
    expect(error).toMatchObject({ timeout: 'connect', seconds: 0.3 })
    expect(String(error)).toContain('connect timeout after 0.3 s (option params.timeout)')
  })

  it('fires the headers timeout (params.timeout)', async () => {
    faulty.faults.set('tools/call', { kind: 'delay-headers', ms: 2000 })
    await using tools = await client(faulty.url, { params: { url: faulty.url, timeout: 0.3 } }).connect()
    const error = await tools.callTool('echo').catch((e: unknown) => e)
    faulty.faults.delete('tools/call')
    expect(error).toBeInstanceOf(McpTimeoutError)
    expect(error).toMatchObject({ timeout: 'headers', seconds: 0.3 })
  })

  it('fires the SSE read timeout when a stream goes silent', async () => {
    faulty.faults.set('tools/call', { kind: 'stall-sse', ms: 3000 })
    await using tools = await client(faulty.url, {
      params: { url: faulty.url, sseReadTimeout: 0.3 },
    }).connect()
    const error = await tools.callTool('echo').catch((e: unknown) => e)
    faulty.faults.delete('tools/call')
    expect(error).toBeInstanceOf(McpTimeoutError)
    expect(error).toMatchObject({ timeout: 'sseRead', seconds: 0.3 })
    expect(String(error)).toContain('params.sseReadTimeout')
  })
})

describe('bad servers and bad input give typed errors, never a hang', () => {
  it.each([
    ['an HTML page', { kind: 'html' }, McpProtocolError, 'is the URL an MCP endpoint?'],
    ['malformed JSON', { kind: 'malformed-json' }, McpProtocolError, 'malformed JSON'],
    ['malformed SSE', { kind: 'malformed-sse' }, McpProtocolError, 'malformed JSON in an SSE event'],
    [
      'an oversized response',
      { kind: 'oversized', bytes: 200_000 },
      McpProtocolError,
      'maxResponseBytes (100000 bytes)',
    ],
    [
      'a 503',
      { kind: 'status', status: 503, headers: { 'retry-after': '7' } },
      McpHttpError,
      'HTTP 503 for tools/call',
    ],
    ['a connection reset', { kind: 'reset' }, McpConnectionError, 'was closed by the other side'],
  ] as const)('%s', async (_case, fault, type, message) => {
    faulty.faults.set('tools/call', fault)
    await using tools = await client(faulty.url, { maxResponseBytes: 100_000, maxRetryAttempts: 0 }).connect()
    const error = await tools.callTool('echo').catch((e: unknown) => e)
    faulty.faults.delete('tools/call')
    expect(error).toBeInstanceOf(type)
    expect(String(error)).toContain(message)
    expect(String(error)).toContain(`[Test Tools at ${faulty.url}]`)
    if (error instanceof McpHttpError) expect(error.retryAfterSeconds).toBe(7)
    // The client is still usable afterwards.
    expect((await tools.callTool('echo')).content).toEqual([{ type: 'text', text: 'ok echo' }])
  })

  it('connection refused is a connection error that was not delivered', async () => {
    const dead = await startFaultServer()
    const url = dead.url
    await dead.close()
    await using tools = client(url, { maxRetryAttempts: 0 })
    const error = await tools.connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpConnectionError)
    expect(error).toMatchObject({ maybeDelivered: false, code: 'MCP_CONNECTION' })
  })

  it('a server that is not MCP at all fails connect with a clear error', async () => {
    faulty.faults.set('server/discover', { kind: 'html' })
    faulty.faults.set('initialize', { kind: 'html' })
    await using tools = client(faulty.url)
    const error = await tools.connect().catch((e: unknown) => e)
    faulty.faults.clear()
    expect(error).toBeInstanceOf(McpProtocolError)
    expect(String(error)).toContain('text/html')
  })

  it.each([
    [{ params: { url: 'not a url' } }, 'option "params.url" is not a valid URL'],
    [{ params: { url: 'ftp://x/mcp' } }, 'must be http(s)'],
    [{ params: { url: 'http://user:secret@x/mcp' } }, 'put credentials in params.headers'],
    [
      { params: { url: 'http://x/mcp', timeout: -1 } },
      'option "params.timeout" must be a positive number of seconds',
    ],
    [{ params: { url: 'http://x/mcp', sseReadTimeout: 0 } }, 'params.sseReadTimeout'],
    [
      { params: { url: 'http://x/mcp' }, clientSessionTimeoutSeconds: Number.NaN },
      'clientSessionTimeoutSeconds',
    ],
  ])('rejects invalid options at construction (%#)', (options, message) => {
    expect(() => new MCPServerStreamableHttp(options)).toThrow(ToolwireConfigError)
    expect(() => new MCPServerStreamableHttp(options)).toThrow(message)
    try {
      new MCPServerStreamableHttp(options)
    } catch (error) {
      expect(String(error)).not.toContain('secret')
    }
  })
})

describe('x-mcp-header tools', () => {
  it('drops tools whose x-mcp-header annotation is invalid, with a warning', async () => {
    const warnings: string[] = []
    faulty.faults.clear()
    const { listen } = await import('../support/sdk-servers.js')
    await using bad = await listen(async (req, res) => {
      const chunks: Buffer[] = []
      for await (const c of req as AsyncIterable<Buffer>) chunks.push(c)
      const msg = JSON.parse(Buffer.concat(chunks).toString())
      const result =
        msg.method === 'server/discover'
          ? { supportedVersions: ['2026-07-28'], capabilities: {}, resultType: 'complete' }
          : {
              resultType: 'complete',
              ttlMs: 0,
              cacheScope: 'private',
              tools: [
                {
                  name: 'good',
                  inputSchema: { type: 'object', properties: { r: { type: 'string', 'x-mcp-header': 'R' } } },
                },
                {
                  name: 'float',
                  inputSchema: { type: 'object', properties: { n: { type: 'number', 'x-mcp-header': 'N' } } },
                },
                {
                  name: 'nested',
                  inputSchema: {
                    type: 'object',
                    properties: { a: { type: 'array', items: { type: 'string', 'x-mcp-header': 'A' } } },
                  },
                },
              ],
            }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result }))
    })
    await using tools = await client(bad.url, { onWarning: (w) => warnings.push(w) }).connect()
    expect((await tools.listTools()).map((t) => t.name)).toEqual(['good'])
    expect(warnings).toEqual([
      'tool "float" was rejected: x-mcp-header on n must be on a string, integer or boolean parameter',
      'tool "nested" was rejected: x-mcp-header on a is not reachable through properties',
    ])
  })
})

describe('safe defaults', () => {
  it('does not follow redirects, so credentials never reach the redirect target', async () => {
    await using elsewhere = await startFaultServer()
    faulty.faults.set('tools/call', { kind: 'status', status: 307, headers: { location: elsewhere.url } })
    await using tools = await client(faulty.url, {
      params: { url: faulty.url, headers: { Authorization: 'Bearer top-secret' } },
    }).connect()
    const error = await tools.callTool('echo').catch((e: unknown) => e)
    faulty.faults.delete('tools/call')
    expect(error).toBeInstanceOf(McpHttpError)
    expect(error).toMatchObject({ status: 307 })
    expect(String(error)).not.toContain('top-secret')
    expect(elsewhere.requests).toHaveLength(0)
  })
})

describe('server log messages', () => {
  it.each([['modern'], ['legacy']] as const)(
    "onLog receives a call's notifications/message (%s)",
    async (protocolEra) => {
      await using tools = await client(ours.url, { protocolEra }).connect()
      const logs: unknown[] = []
      const progress: number[] = []
      const result = await tools.callTool(
        'progress',
        { steps: 2 },
        {
          onLog: (message) => logs.push(message),
          onProgress: (p) => progress.push(p.progress),
        },
      )
      expect(result.content).toEqual([{ type: 'text', text: 'did 2' }])
      expect(logs).toEqual([{ level: 'info', data: { done: 2 } }])
      expect(progress).toEqual([1, 2])
    },
  )

  it('asks 2026-07-28 servers for its level: messages below it are not sent, those at or above it are', async () => {
    const levels = new ToolServer({ name: 'levels' }).tool(
      'chatty',
      { input: z.object({}) },
      (_args, ctx) => {
        for (const level of ['debug', 'info', 'warning', 'error'] as const) ctx.log(level, { level })
        return 'done'
      },
    )
    await using running = await serve(levels, { port: 0, env: false })
    const asked: unknown[] = []
    running.httpServer.prependListener('request', (req) => {
      if (req.headers['mcp-method'] !== 'tools/call') return
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () =>
        asked.push(JSON.parse(Buffer.concat(chunks).toString()).params._meta[META_LOG_LEVEL]),
      )
    })
    await using tools = await client(running.url, { protocolEra: 'modern' }).connect()
    const logs: unknown[] = []
    await tools.callTool('chatty', {}, { onLog: (m) => logs.push(m), logLevel: 'warning' })
    expect(logs).toEqual([
      { level: 'warning', data: { level: 'warning' } },
      { level: 'error', data: { level: 'error' } },
    ])
    const everything: unknown[] = []
    await tools.callTool('chatty', {}, { onLog: (m) => everything.push(m), logLevel: 'debug' })
    expect(everything).toHaveLength(4)
    expect(asked).toEqual(['warning', 'debug'])
  })
})
