/**
 * `npm run bench` memory figures: the server's heap across 100,000 streamed calls (2025-11-25
 * sessions, whose SSE answers are resumable and so were kept after delivery before the fix;
 * and 2026-07-28), and the heap cost of an idle 2025-era session. The server runs in a child
 * process with `--expose-gc`; it reports its heap after two full collections, so the figures are
 * what stays, not garbage not yet collected. Baseline: the heap after a warm-up, same process.
 *
 *   node --import tsx bench/memory.ts [--calls 100000] [--sessions 5000] [--quick] [--json]
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { Pool } from 'undici'

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string' },
    sessions: { type: 'string' },
    quick: { type: 'boolean' },
    json: { type: 'boolean' },
    // Internal: be the server.
    serve: { type: 'boolean' },
  },
})
const CALLS = Number(args.calls ?? (args.quick ? 10_000 : 100_000))
const SESSIONS = Number(args.sessions ?? (args.quick ? 1000 : 5000))
const WARMUP_CALLS = 2000
const CONCURRENCY = 32
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
}

/** Server mode: a compiled toolwire server with a streaming tool and a heap probe. */
async function server(): Promise<void> {
  const DIST_SERVER = '../dist/server/index.js'
  const { serve, ToolServer } = (await import(DIST_SERVER)) as typeof import('../src/server/index.js')
  const { z } = await import('zod')
  const gc = (globalThis as { gc?: () => void }).gc!
  let handler: { resumableBytes: number; sessionCount: number } | undefined
  const tools = new ToolServer({ name: 'bench-memory', version: '1.0.0' })
    .tool('steps', { input: z.object({ n: z.number() }) }, ({ n }, ctx) => {
      ctx.progress(1, { total: 2, message: 'half way' })
      ctx.progress(2, { total: 2 })
      return `steps ${n}`
    })
    .tool('heap', { input: z.object({}) }, () => {
      gc()
      gc()
      return {
        heapUsed: process.memoryUsage().heapUsed,
        resumableBytes: handler!.resumableBytes,
        sessions: handler!.sessionCount,
      }
    })
  const running = await serve(tools, { port: 0, env: false, maxSessions: 1_000_000 })
  handler = running.handler
  console.log(running.url)
  process.stdin.resume()
  process.stdin.on('end', () => process.exit(0))
}

interface Probe {
  heapUsed: number
  resumableBytes: number
  sessions: number
}

async function measure(): Promise<void> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/memory.ts', '--serve'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const [url] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string]
  const target = new URL(url)
  const pool = new Pool(target.origin, { connections: CONCURRENCY })
  const post = async (headers: Record<string, string>, body: object) => {
    const res = await pool.request({
      path: target.pathname,
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    })
    const text = await res.body.text()
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`)
    return { text, sessionId: res.headers['mcp-session-id'] as string | undefined }
  }
  const initialize = async () =>
    (
      await post(JSON_HEADERS, {
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'bench', version: '1' },
        },
      })
    ).sessionId!
  const sessionId = await initialize()
  const legacy = { ...JSON_HEADERS, 'mcp-protocol-version': '2025-11-25', 'mcp-session-id': sessionId }
  const modern = {
    ...JSON_HEADERS,
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': 'tools/call',
    'mcp-name': 'steps',
  }
  const streamed = (era: 'legacy' | 'modern', n: number) =>
    era === 'legacy'
      ? post(legacy, {
          jsonrpc: '2.0',
          id: n,
          method: 'tools/call',
          params: { name: 'steps', arguments: { n }, _meta: { progressToken: n } },
        })
      : post(modern, {
          jsonrpc: '2.0',
          id: n,
          method: 'tools/call',
          params: { name: 'steps', arguments: { n }, _meta: { ...MODERN_META, progressToken: n } },
        })
  const probe = async (): Promise<Probe> => {
    const { text } = await post(legacy, {
      jsonrpc: '2.0',
      id: 'heap',
      method: 'tools/call',
      params: { name: 'heap', arguments: {} },
    })
    return JSON.parse(text).result.structuredContent as Probe
  }
  const run = async (count: number, call: (n: number) => Promise<unknown>) => {
    let next = 0
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) await call(next++)
      }),
    )
  }
  try {
    const figures: Record<string, number> = {}
    for (const era of ['legacy', 'modern'] as const) {
      await run(WARMUP_CALLS, (n) => streamed(era, n))
      const before = await probe()
      const started = performance.now()
      await run(CALLS, (n) => streamed(era, n))
      const seconds = (performance.now() - started) / 1000
      const after = await probe()
      figures[`${era}_heap_before_bytes`] = before.heapUsed
      figures[`${era}_heap_after_bytes`] = after.heapUsed
      figures[`${era}_heap_growth_bytes`] = after.heapUsed - before.heapUsed
      figures[`${era}_resumable_bytes_after`] = after.resumableBytes
      figures[`${era}_calls_per_second`] = Math.round(CALLS / seconds)
    }
    const before = await probe()
    await run(SESSIONS, () => initialize())
    const after = await probe()
    figures.idle_session_bytes = Math.round(
      (after.heapUsed - before.heapUsed) / (after.sessions - before.sessions),
    )
    figures.sessions_opened = after.sessions - before.sessions
    if (args.json) {
      console.log(JSON.stringify({ streamed_calls: CALLS, ...figures }, null, 2))
      return
    }
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
    const row = (label: string, value: string) =>
      console.log(`| ${label.padEnd(70)} | ${value.padStart(24)} |`)
    console.log(`\n| memory (server heap after full GC)${' '.repeat(36)} | ${'value'.padStart(24)} |`)
    console.log(`|${'-'.repeat(72)}|${'-'.repeat(25)}:|`)
    for (const era of ['legacy', 'modern'] as const) {
      const name = era === 'legacy' ? '2025-11-25 session (resumable SSE)' : '2026-07-28 (SSE)'
      row(`${name}: heap after warm-up`, mb(figures[`${era}_heap_before_bytes`]!))
      row(
        `${name}: heap after ${CALLS.toLocaleString('en')} streamed calls`,
        `${mb(figures[`${era}_heap_after_bytes`]!)} (${figures[`${era}_heap_growth_bytes`]! >= 0 ? '+' : ''}${mb(figures[`${era}_heap_growth_bytes`]!)})`,
      )
      row(`${name}: kept for resumption afterwards`, `${figures[`${era}_resumable_bytes_after`]} B`)
    }
    row(
      `idle 2025-era session (${figures.sessions_opened!.toLocaleString('en')} opened)`,
      `${figures.idle_session_bytes} B each`,
    )
  } finally {
    await pool.close()
    child.stdin!.end()
    child.kill()
  }
}

if (args.serve) await server()
else await measure()
