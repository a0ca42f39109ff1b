/**
 * `npm run bench`: an echo tool call measured across client/server pairings in ONE run, so
 * the ratios hold on a shared, noisy machine. Each pairing gets a fresh server process and a
 * fresh client process: no pairing inherits another's heap, timers or leaked listeners.
 *
 *   npm run bench              # table
 *   npm run bench -- --json    # one JSON object
 *   npm run bench -- --quick   # fewer calls (smoke run)
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2Transport,
} from '@modelcontextprotocol/client'
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { Pool } from 'undici'

// The compiled package (built by `npm run bench`), typed by its sources.
const DIST_CLIENT = '../dist/client/index.js'
const { MCPServerStreamableHttp } = (await import(DIST_CLIENT)) as typeof import('../src/client/index.js')

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean' },
    quick: { type: 'boolean' },
    only: { type: 'string' },
    rounds: { type: 'string' },
    // Internal: run one pairing's client against a URL and print its figures as JSON.
    'client-of': { type: 'string' },
    url: { type: 'string' },
  },
})
const SEQUENTIAL_CALLS = args.quick ? 500 : 3000
const WARMUP_CALLS = args.quick ? 100 : 500
/** Concurrent warm-up before measuring, so every pairing is measured JIT-compiled. */
const WARMUP_SECONDS = args.quick ? 0.5 : 1.5
const CONCURRENCY = 32
const THROUGHPUT_SECONDS = args.quick ? 1 : 3
const THROUGHPUT_MAX_CALLS = 200_000
/** Every pairing is measured once per round, rounds interleaved; medians are reported. */
const ROUNDS = Number(args.rounds ?? (args.quick ? 1 : 3))

type ServerKind = 'bare' | 'toolwire' | 'toolwire-production' | 'sdk-v2' | 'sdk-v1'
interface Pairing {
  key: string
  label: string
  server: ServerKind
  client: (url: string) => Promise<{ call: () => Promise<unknown>; close: () => Promise<void> }>
}

interface Figures {
  p50_us: number
  p99_us: number
  rps: number
  errors: number
  /** Every call the client made (warm-up included), to divide the server's CPU time by. */
  calls: number
  /** The server process's CPU time (user + system) per call, from /proc; absent elsewhere. */
  server_cpu_us?: number
  /**
   * The client process's CPU time (user + system, process.cpuUsage()) per call over the measured
   * phases (sequential calls and the throughput burst; warm-up excluded): robust on a shared machine.
   */
  client_cpu_us: number
}

/**
 * Pairings compared as ratios (measured / baseline). Each pair is measured back to back in
 * every round, in alternating order, and the median of the per-round ratios is reported: on a
 * shared machine whose speed drifts over minutes, pairings measured far apart in time differ by
 * more than the options under test cost.
 */
const RATIO_PAIRS = [
  { measured: 'toolwire_production_server', baseline: 'toolwire' },
  { measured: 'toolwire_production_client', baseline: 'toolwire_plain_client' },
] as const

/** CPU time (user + system) of a process so far, in µs; undefined off Linux. */
function cpuMicros(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS
  } catch {
    return undefined
  }
}
/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100

async function startServer(kind: ServerKind): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/servers.ts', kind], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout! })
  const [url] = (await once(lines, 'line')) as [string]
  return { url, child }
}

const echoArgs = { text: 'hello' }
const ECHO_REQUEST = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'echo', arguments: echoArgs },
})

const pairings: Pairing[] = [
  {
    key: 'limit',
    label: '(a) bare limit: undici Pool ↔ node:http fixed body',
    server: 'bare',
    client: async (url) => {
      const u = new URL(url)
      const pool = new Pool(u.origin, { connections: CONCURRENCY })
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
      return {
        call: async () => {
          const res = await pool.request({ path: u.pathname, method: 'POST', headers, body: ECHO_REQUEST })
          return JSON.parse(await res.body.text())
        },
        close: () => pool.close(),
      }
    },
  },
  {
    key: 'sdk_v2',
    label: '(b) SDK v2 client ↔ SDK v2 server (defaults)',
    server: 'sdk-v2',
    client: sdkV2Client,
  },
  {
    key: 'sdk_v1',
    label: '(b) SDK v1 client ↔ SDK v1 server (stateful, defaults)',
    server: 'sdk-v1',
    client: sdkV1Client,
  },
  {
    key: 'toolwire',
    label: '(c) toolwire client ↔ toolwire server',
    server: 'toolwire',
    client: toolwireClient,
  },
  {
    key: 'sdk_v2_client_toolwire_server',
    label: '(d) SDK v2 client ↔ toolwire server',
    server: 'toolwire',
    client: sdkV2Client,
  },
  {
    key: 'toolwire_client_sdk_v2_server',
    label: '(e) toolwire client ↔ SDK v2 server',
    server: 'sdk-v2',
    client: toolwireClient,
  },
  {
    key: 'toolwire_client_bare_server',
    label: '(f) toolwire client ↔ bare server',
    server: 'bare',
    client: toolwireClient,
  },
  {
    key: 'toolwire_production_server',
    label: '(i) toolwire ↔ toolwire server with JWT auth + rate limit + logs + metrics',
    server: 'toolwire-production',
    client: async (target) => {
      const [url, token] = target.split(' ')
      const client = await new MCPServerStreamableHttp({
        name: 'bench',
        params: { url: url!, headers: { Authorization: `Bearer ${token}` } },
      }).connect()
      return { call: () => client.callTool('echo', echoArgs), close: () => client.close() }
    },
  },
  {
    key: 'toolwire_plain_client',
    label: '(g) toolwire client, plain (no retry/breaker/auth) ↔ bare',
    server: 'bare',
    client: async (url) => {
      const client = await new MCPServerStreamableHttp({
        name: 'bench',
        params: { url },
        maxRetryAttempts: 0,
        circuitBreaker: false,
      }).connect()
      return { call: () => client.callTool('echo', echoArgs), close: () => client.close() }
    },
  },
  {
    key: 'toolwire_production_client',
    label: '(h) toolwire client, production options ↔ bare',
    server: 'bare',
    client: async (url) => {
      let n = 0
      const client = await new MCPServerStreamableHttp({
        name: 'bench',
        params: { url, headers: { 'X-Team': 'sales' }, timeout: 15, sseReadTimeout: 120 },
        auth: async () => ({ token: `token-${++n}`, expiresAt: Date.now() + 3_600_000 }),
        maxRetryAttempts: 3,
        retryBackoffSecondsBase: 1,
        circuitBreaker: { failureThreshold: 5, resetTimeoutSeconds: 30 },
        cacheToolsList: true,
        clientSessionTimeoutSeconds: 30,
      }).connect()
      return { call: () => client.callTool('echo', echoArgs), close: () => client.close() }
    },
  },
]

/** The official SDK clients, set up as their docs show (SDK v2 defaults to the 2025 handshake). */
async function sdkV2Client(url: string) {
  const client = new V2Client({ name: 'bench', version: '1' })
  await client.connect(new V2Transport(new URL(url)))
  return { call: () => client.callTool({ name: 'echo', arguments: echoArgs }), close: () => client.close() }
}

async function sdkV1Client(url: string) {
  const client = new V1Client({ name: 'bench', version: '1' })
  await client.connect(new V1Transport(new URL(url)))
  return { call: () => client.callTool({ name: 'echo', arguments: echoArgs }), close: () => client.close() }
}

async function toolwireClient(url: string) {
  const client = await new MCPServerStreamableHttp({ name: 'bench', params: { url } }).connect()
  return { call: () => client.callTool('echo', echoArgs), close: () => client.close() }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!
}

async function burst(
  call: () => Promise<unknown>,
  seconds: number,
): Promise<{ done: number; errors: number; seconds: number }> {
  let done = 0
  let errors = 0
  const started = performance.now()
  const deadline = started + seconds * 1000
  const worker = async () => {
    while (performance.now() < deadline && done + errors < THROUGHPUT_MAX_CALLS) {
      try {
        await call()
        done++
      } catch {
        errors++
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return { done, errors, seconds: (performance.now() - started) / 1000 }
}

async function measure(call: () => Promise<unknown>): Promise<Figures> {
  const warm = await burst(call, WARMUP_SECONDS)
  for (let i = 0; i < WARMUP_CALLS; i++) await call()
  const latencies: number[] = []
  const cpuBefore = process.cpuUsage()
  for (let i = 0; i < SEQUENTIAL_CALLS; i++) {
    const start = process.hrtime.bigint()
    await call()
    latencies.push(Number(process.hrtime.bigint() - start) / 1000)
  }
  latencies.sort((a, b) => a - b)
  const { done, errors, seconds } = await burst(call, THROUGHPUT_SECONDS)
  const cpu = process.cpuUsage(cpuBefore)
  return {
    p50_us: percentile(latencies, 50),
    p99_us: percentile(latencies, 99),
    rps: done / seconds,
    errors,
    calls: warm.done + warm.errors + WARMUP_CALLS + SEQUENTIAL_CALLS + done + errors,
    client_cpu_us: (cpu.user + cpu.system) / (SEQUENTIAL_CALLS + done + errors),
  }
}

/** Child mode: measure one pairing's client against a running server, print JSON. */
async function measureClient(key: string, url: string): Promise<void> {
  const pairing = pairings.find((p) => p.key === key)
  if (!pairing) throw new Error(`unknown pairing ${key}`)
  const client = await pairing.client(url)
  try {
    console.log(JSON.stringify(await measure(client.call)))
  } finally {
    await client.close()
  }
}

async function measureInChild(pairing: Pairing, server: ChildProcess, url: string): Promise<Figures> {
  const cpuBefore = cpuMicros(server.pid)
  const quick = args.quick ? ['--quick'] : []
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/echo.ts', '--client-of', pairing.key, '--url', url, ...quick],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  const warnings = new Set<string>()
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk
  })
  createInterface({ input: child.stderr! }).on('line', (line) => {
    // Show each distinct warning once (the SDK v2 client's fetch leaks abort listeners).
    const text = line.replace(/\(node:\d+\) /, '').replace(/\d+ abort listeners/, 'N abort listeners')
    if (!line.startsWith('    at ') && !line.includes('--trace-warnings') && !warnings.has(text)) {
      warnings.add(text)
      process.stderr.write(`  [${pairing.key} client] ${text}\n`)
    }
  })
  const [code] = (await once(child, 'exit')) as [number]
  if (code !== 0) throw new Error(`the ${pairing.key} client exited with ${code}`)
  const figures = JSON.parse(out.trim().split('\n').pop()!) as Figures
  const cpuAfter = cpuMicros(server.pid)
  if (cpuBefore !== undefined && cpuAfter !== undefined)
    figures.server_cpu_us = (cpuAfter - cpuBefore) / figures.calls
  return figures
}

async function run(): Promise<void> {
  const rounds: Record<string, Figures[]> = {}
  const only = args.only?.split(',')
  const selected = pairings.filter((p) => !only || only.includes(p.key) || p.key === 'limit')
  for (let round = 1; round <= ROUNDS; round++) {
    for (const pairing of roundOrder(selected, round)) {
      const { url, child } = await startServer(pairing.server)
      try {
        const figures = await measureInChild(pairing, child, url)
        rounds[pairing.key] = [...(rounds[pairing.key] ?? []), figures]
      } finally {
        child.kill()
      }
      if (!args.json) process.stderr.write(`round ${round}/${ROUNDS}: measured ${pairing.label}\n`)
    }
  }
  const results: Record<string, Figures> = {}
  for (const [key, figures] of Object.entries(rounds)) results[key] = median(figures)
  const ratios = pairRatios(rounds)
  const vsLimit = limitRatios(rounds)
  if (only) {
    for (const [key, f] of Object.entries(results)) console.log(key, JSON.stringify(f))
    for (const [key, r] of Object.entries(ratios)) console.log(key, JSON.stringify(r))
    for (const [key, r] of Object.entries(vsLimit)) console.log(`${key} vs limit`, JSON.stringify(r))
    return
  }
  const limit = results.limit!
  const sdkRps = Math.max(results.sdk_v2!.rps, results.sdk_v1!.rps)
  if (args.json) {
    const out: Record<string, number> = {
      limit_rps: round(limit.rps),
      sdk_rps: round(sdkRps),
      toolwire_rps: round(results.toolwire!.rps),
      limit_p50_us: round(limit.p50_us),
      toolwire_p50_us: round(results.toolwire!.p50_us),
      toolwire_vs_limit_rps: round(results.toolwire!.rps / limit.rps, 3),
      toolwire_vs_sdk_rps: round(results.toolwire!.rps / sdkRps, 3),
      toolwire_vs_limit_p50: round(results.toolwire!.p50_us / limit.p50_us, 3),
      production_server_vs_plain_rps: ratios.toolwire_production_server!.rps,
      production_server_vs_plain_cpu: ratios.toolwire_production_server!.cpu ?? Number.NaN,
      production_vs_plain_client_rps: ratios.toolwire_production_client!.rps,
    }
    for (const [key, f] of Object.entries(results)) {
      out[`${key}_rps`] = round(f.rps)
      out[`${key}_p50_us`] = round(f.p50_us)
      out[`${key}_p99_us`] = round(f.p99_us)
      out[`${key}_errors`] = f.errors
      out[`${key}_client_cpu_us`] = round(f.client_cpu_us, 1)
      if (f.server_cpu_us !== undefined) out[`${key}_server_cpu_us`] = round(f.server_cpu_us, 1)
      const r = vsLimit[key]
      if (r) {
        out[`${key}_vs_limit_rps`] = r.rps
        out[`${key}_vs_limit_p50`] = r.p50
        out[`${key}_vs_limit_client_cpu`] = r.client_cpu
      }
    }
    console.log(JSON.stringify(out, null, 2))
    return
  }
  const rows = pairings.map((p) => {
    const f = results[p.key]!
    return [
      p.label,
      f.p50_us.toFixed(0),
      f.p99_us.toFixed(0),
      f.rps.toFixed(0),
      (f.rps / limit.rps).toFixed(2),
      (f.p50_us / limit.p50_us).toFixed(2),
      f.client_cpu_us.toFixed(1),
      (vsLimit[p.key]?.client_cpu ?? 1).toFixed(2),
      f.server_cpu_us === undefined ? '–' : f.server_cpu_us.toFixed(1),
      String(f.errors),
    ]
  })
  const head = [
    'pairing (echo tool call)',
    'p50 µs',
    'p99 µs',
    `calls/s @${CONCURRENCY}`,
    'rps/limit',
    'p50/limit',
    'client CPU µs/call',
    'client CPU/limit',
    'server CPU µs/call',
    'errors',
  ]
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`
  console.log(line(head))
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`)
  for (const row of rows) console.log(line(row))
  console.log(
    `\ntoolwire↔toolwire: ${(results.toolwire!.rps / limit.rps).toFixed(2)}× the bare limit, ${(results.toolwire!.rps / sdkRps).toFixed(1)}× the faster SDK pairing; sequential p50 ${(results.toolwire!.p50_us / limit.p50_us).toFixed(2)}× the limit's`,
  )
  const server = ratios.toolwire_production_server!
  console.log(
    `production server options (JWT auth, rate limit, request logs, metrics): ${server.rps.toFixed(2)}× the plain server's throughput (rounds: ${server.rounds.join(', ')})${server.cpu === undefined ? '' : `; ${server.cpu.toFixed(2)}× its server CPU per call`}`,
  )
  const client = ratios.toolwire_production_client!
  console.log(
    `production client options (auth, breaker, retries, tool cache, tracing): ${client.rps.toFixed(2)}× the plain client's throughput (rounds: ${client.rounds.join(', ')})`,
  )
  console.log(
    `(medians of ${ROUNDS} interleaved rounds, ratios of pairings measured back to back; each pairing: ${WARMUP_SECONDS} s concurrent warm-up + ${WARMUP_CALLS} sequential warm-up calls, then ${SEQUENTIAL_CALLS} sequential calls timed, then throughput over ${THROUGHPUT_SECONDS} s with ${CONCURRENCY} in flight)`,
  )
}

/**
 * The pairings of a round in order: each ratio pair back to back, measured pairing first in
 * odd rounds and baseline first in even ones, so neither side always runs second.
 */
function roundOrder(selected: Pairing[], round: number): Pairing[] {
  const order: Pairing[] = []
  for (const pairing of selected) {
    if (order.includes(pairing)) continue
    const pair = RATIO_PAIRS.find((r) => r.measured === pairing.key || r.baseline === pairing.key)
    const partner =
      pair && selected.find((p) => p.key === (pair.measured === pairing.key ? pair.baseline : pair.measured))
    if (!pair || !partner) {
      order.push(pairing)
      continue
    }
    const measured = pairing.key === pair.measured ? pairing : partner
    const baseline = measured === pairing ? partner : pairing
    order.push(...(round % 2 === 1 ? [baseline, measured] : [measured, baseline]))
  }
  return order
}

interface PairRatio {
  /** Median of the per-round throughput ratios (measured / baseline). */
  rps: number
  /** Median of the per-round server CPU per call ratios (measured / baseline: 1 = no extra CPU). */
  cpu: number | undefined
  rounds: string[]
}

function pairRatios(rounds: Record<string, Figures[]>): Record<string, PairRatio> {
  const out: Record<string, PairRatio> = {}
  for (const { measured, baseline } of RATIO_PAIRS) {
    const m = rounds[measured]
    const b = rounds[baseline]
    if (!m || !b) continue
    const rps = m.map((f, i) => f.rps / b[i]!.rps)
    const cpu = m.every((f, i) => f.server_cpu_us && b[i]!.server_cpu_us)
      ? m.map((f, i) => f.server_cpu_us! / b[i]!.server_cpu_us!)
      : undefined
    out[measured] = {
      rps: round(middle(rps), 3),
      cpu: cpu && round(middle(cpu), 3),
      rounds: rps.map((r) => r.toFixed(2)),
    }
  }
  return out
}

interface LimitRatio {
  /** Medians of the per-round ratios to the limit pairing measured in the same round. */
  rps: number
  p50: number
  client_cpu: number
}

/** Every pairing against the bare limit (raw undici ↔ node:http), round by round. */
function limitRatios(rounds: Record<string, Figures[]>): Record<string, LimitRatio> {
  const out: Record<string, LimitRatio> = {}
  const limit = rounds.limit
  if (!limit) return out
  for (const [key, figures] of Object.entries(rounds)) {
    if (key === 'limit') continue
    const ratio = (pick: (f: Figures) => number) =>
      round(middle(figures.map((f, i) => pick(f) / pick(limit[i]!))), 3)
    out[key] = {
      rps: ratio((f) => f.rps),
      p50: ratio((f) => f.p50_us),
      client_cpu: ratio((f) => f.client_cpu_us),
    }
  }
  return out
}

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function median(figures: Figures[]): Figures {
  const mid = (pick: (f: Figures) => number) => {
    const sorted = figures.map(pick).sort((a, b) => a - b)
    return sorted[Math.floor(sorted.length / 2)]!
  }
  return {
    p50_us: mid((f) => f.p50_us),
    p99_us: mid((f) => f.p99_us),
    rps: mid((f) => f.rps),
    errors: figures.reduce((sum, f) => sum + f.errors, 0),
    calls: mid((f) => f.calls),
    client_cpu_us: mid((f) => f.client_cpu_us),
    ...(figures.every((f) => f.server_cpu_us !== undefined)
      ? { server_cpu_us: mid((f) => f.server_cpu_us!) }
      : {}),
  }
}

function round(value: number, digits = 0): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

if (args['client-of']) await measureClient(args['client-of'], args.url ?? '')
else await run()
