/**
 * Server-only load: a load generator in its own process (autocannon, `bench/load-generator.ts`)
 * saturates one server process, so the figures are the server's own cost, not a client's.
 * Rows: the bare node:http limit, toolwire plain and production (JWT + rate limit + logs +
 * metrics) in both eras with JSON and SSE answers, and the official SDKs' servers. Each row
 * gets a fresh server process, a warm-up, then a timed run; rounds are interleaved and medians
 * reported, with per-round ratios against the bare limit (and production against plain) of the
 * same round. Also: idle RSS of each process, and RSS per idle 2025 session and per open stream.
 * `--breakdown` adds one row per production option alone (JWT, rate limit, request log, metrics,
 * 2026-07-28), so the CPU each one adds per call over the plain server is one command.
 * `--paired` (for a machine whose speed drifts within minutes) starts every selected server at
 * once and loads them in turn in 2-second slices, `--rounds` cycles (default 12), reporting each
 * one's server CPU per call over all its slices relative to plain 2026-07-28 JSON.
 * Usage: node --import tsx bench/server-load.ts [--quick] [--json] [--rounds N] [--seconds S] [--only k,k] [--breakdown] [--paired]
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import type { LoadFigures, LoadPlan } from './load-generator.js'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    only: { type: 'string' },
    breakdown: { type: 'boolean', default: false },
    paired: { type: 'boolean', default: false },
  },
})
const ROUNDS = Number(args.rounds ?? (args.quick ? 1 : 3))
const SECONDS = Number(args.seconds ?? (args.quick ? 2 : 5))
const WARMUP_SECONDS = args.quick ? 1 : 2
const CONNECTIONS = 64
const V2025 = '2025-11-25'
const V2026 = '2026-07-28'

type ServerKind =
  | 'bare'
  | 'toolwire'
  | 'toolwire-json-schema'
  | 'toolwire-production'
  | 'toolwire-web'
  | 'sdk-v1-json'
  | 'sdk-v2'
type Era = '2025' | '2026'

interface Row {
  key: string
  label: string
  server: ServerKind
  era: Era
  /** Answers as an SSE stream (one progress notification, then the result) instead of JSON. */
  sse?: boolean
  /** For toolwire-production: only these options on (`jwt`, `rate`, `log`, `metrics`). */
  options?: string
}

/** One production option alone, 2026-07-28 (rows of `--breakdown`). */
const OPTION_ROWS: Row[] = (
  [
    ['jwt', 'JWT (ES256, cached verification)'],
    ['rate', 'rate limit (memory)'],
    ['log', 'request log lines'],
    ['metrics', 'Prometheus metrics'],
  ] as const
).map(([options, what]) => ({
  key: `option-${options}`,
  label: `toolwire + ${what} only, 2026-07-28`,
  server: 'toolwire-production' as const,
  era: '2026' as const,
  options,
}))

const rows: Row[] = [
  { key: 'bare', label: 'bare node:http, fixed JSON-RPC body (the limit)', server: 'bare', era: '2025' },
  { key: 'plain-2025', label: 'toolwire serve(), 2025-11-25 session, JSON', server: 'toolwire', era: '2025' },
  {
    key: 'plain-2025-sse',
    label: 'toolwire serve(), 2025-11-25 session, SSE (1 progress + result)',
    server: 'toolwire',
    era: '2025',
    sse: true,
  },
  {
    key: 'plain-2026',
    label: 'toolwire serve(), 2026-07-28 stateless, JSON',
    server: 'toolwire',
    era: '2026',
  },
  {
    key: 'plain-2026-sse',
    label: 'toolwire serve(), 2026-07-28 stateless, SSE (1 progress + result)',
    server: 'toolwire',
    era: '2026',
    sse: true,
  },
  {
    key: 'production-2025',
    label: 'toolwire + JWT (ES256) + rate limit + logs + metrics, 2025-11-25 session',
    server: 'toolwire-production',
    era: '2025',
  },
  {
    key: 'production-2026',
    label: 'toolwire + JWT (ES256) + rate limit + logs + metrics, 2026-07-28',
    server: 'toolwire-production',
    era: '2026',
  },
  {
    key: 'web-2026',
    label: 'toolwire createFetchHandler() on @hono/node-server, 2026-07-28, JSON',
    server: 'toolwire-web',
    era: '2026',
  },
  {
    key: 'web-2026-sse',
    label: 'toolwire createFetchHandler() on @hono/node-server, 2026-07-28, SSE',
    server: 'toolwire-web',
    era: '2026',
    sse: true,
  },
  { key: 'sdk-v1', label: 'SDK v1 stateful server, JSON answers', server: 'sdk-v1-json', era: '2025' },
  { key: 'sdk-v2', label: 'SDK v2 createMcpHandler (defaults)', server: 'sdk-v2', era: '2025' },
  ...OPTION_ROWS,
]

interface Measured extends LoadFigures {
  serverCpuMicrosPerCall: number
  idleRssMb: number
  loadedRssMb: number
}

/** CPU time (user + system) of a process in microseconds, from /proc. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return (ticks * 1_000_000) / 100
}

/** Resident set size of a process in MB, from /proc. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))
  return Number(/\d+/.exec(line ?? '')?.[0] ?? 0) / 1024
}

async function startServer(
  kind: ServerKind,
  options?: string,
): Promise<{ url: string; token?: string; child: ChildProcess }> {
  const ours = kind !== 'sdk-v1-json' && kind !== 'sdk-v2'
  const command = ours
    ? ['bench/load-servers.mjs', kind, ...(options ? [options] : [])]
    : ['--import', 'tsx', 'bench/servers.ts', kind === 'sdk-v1-json' ? 'sdk-v1-json' : 'sdk-v2']
  const child = spawn(process.execPath, command, { stdio: ['pipe', 'pipe', 'inherit'] })
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string]
  const [url, token] = line.trim().split(' ')
  return { url: url!, ...(token ? { token } : {}), child }
}

function call(id: string, era: Era, sse: boolean): string {
  const meta: Record<string, unknown> = sse ? { progressToken: 1 } : {}
  if (era === '2026') {
    meta['io.modelcontextprotocol/protocolVersion'] = V2026
    meta['io.modelcontextprotocol/clientCapabilities'] = {}
    meta['io.modelcontextprotocol/clientInfo'] = { name: 'bench', version: '1.0.0' }
  }
  const params = { name: sse ? 'echo_progress' : 'echo', arguments: { text: 'hello' }, _meta: meta }
  const rest = JSON.stringify({ method: 'tools/call', params }).slice(1)
  return `{"jsonrpc":"2.0","id":${id},${rest}`
}

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<Response> {
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) })
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`)
  return response
}

/** Headers (and a 2025 session when the era has one) for load against `url`. */
async function prepare(row: Row, url: string, token: string | undefined): Promise<Record<string, string>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  }
  if (row.server === 'bare') return headers
  if (row.era === '2026') {
    return {
      ...headers,
      'mcp-protocol-version': V2026,
      'mcp-method': 'tools/call',
      'mcp-name': row.sse ? 'echo_progress' : 'echo',
    }
  }
  const init = await post(url, headers, {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: V2025, capabilities: {}, clientInfo: { name: 'bench', version: '1.0.0' } },
  })
  await init.text()
  const session = init.headers.get('mcp-session-id')
  const sessionHeaders = {
    ...headers,
    'mcp-protocol-version': init.headers.get('mcp-protocol-version') ?? V2025,
    ...(session ? { 'mcp-session-id': session } : {}),
  }
  await (await post(url, sessionHeaders, { jsonrpc: '2.0', method: 'notifications/initialized' })).text()
  return sessionHeaders
}

async function generate(plan: LoadPlan): Promise<LoadFigures> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/load-generator.ts', JSON.stringify(plan)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let out = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk
  })
  const [code] = (await once(child, 'exit')) as [number]
  if (code !== 0) throw new Error(`the load generator exited with ${code}`)
  return JSON.parse(out.trim().split('\n').pop()!) as LoadFigures
}

async function measure(row: Row): Promise<Measured> {
  const { url, token, child } = await startServer(row.server, row.options)
  try {
    await new Promise((resolve) => setTimeout(resolve, 500))
    const idleRssMb = rssMb(child.pid!)
    const headers = await prepare(row, url, token)
    const bodyTemplate = call('__ID__', row.era, row.sse === true)
    const plan = { url, headers, bodyTemplate, connections: CONNECTIONS }
    await generate({ ...plan, durationSeconds: WARMUP_SECONDS })
    const cpuBefore = cpuMicros(child.pid!)
    const figures = await generate({ ...plan, durationSeconds: SECONDS })
    const cpu = cpuMicros(child.pid!) - cpuBefore
    if (figures.non2xx > 0 || figures.errors > 0)
      process.stderr.write(`  ${row.key}: ${figures.non2xx} non-2xx answers, ${figures.errors} errors\n`)
    return {
      ...figures,
      serverCpuMicrosPerCall: cpu / Math.max(1, figures.total),
      idleRssMb,
      loadedRssMb: rssMb(child.pid!),
    }
  } finally {
    child.stdin!.end()
    child.kill()
  }
}

/** Idle RSS of a plain toolwire process whose tools are declared with JSON Schema (zod never loaded). */
async function idleRssWithoutZod(): Promise<number> {
  const { child } = await startServer('toolwire-json-schema')
  try {
    await new Promise((resolve) => setTimeout(resolve, 500))
    return rssMb(child.pid!)
  } finally {
    child.stdin!.end()
    child.kill()
  }
}

/** RSS of a plain toolwire process per idle 2025 session and per open GET stream. */
async function perSessionMemory(): Promise<{ perSessionKb: number; perStreamKb: number }> {
  const { url, child } = await startServer('toolwire')
  const sockets: AbortController[] = []
  try {
    const SESSIONS = args.quick ? 200 : 2000
    const STREAMS = args.quick ? 50 : 200
    const base: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    }
    global.gc?.()
    await new Promise((resolve) => setTimeout(resolve, 300))
    const before = rssMb(child.pid!)
    const sessions: Record<string, string>[] = []
    for (let i = 0; i < SESSIONS; i++) sessions.push(await prepare(rows[1]!, url, undefined))
    await new Promise((resolve) => setTimeout(resolve, 300))
    const withSessions = rssMb(child.pid!)
    for (let i = 0; i < STREAMS; i++) {
      const controller = new AbortController()
      sockets.push(controller)
      const headers = { ...sessions[i]!, ...base, accept: 'text/event-stream' }
      const response = await fetch(url, { headers, signal: controller.signal })
      if (response.status !== 200) throw new Error(`GET stream answered ${response.status}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
    const withStreams = rssMb(child.pid!)
    return {
      perSessionKb: ((withSessions - before) * 1024) / SESSIONS,
      perStreamKb: ((withStreams - withSessions) * 1024) / STREAMS,
    }
  } finally {
    for (const controller of sockets) controller.abort()
    child.stdin!.end()
    child.kill()
  }
}

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function roundTo(value: number, digits = 0): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

/** The rows `--only` names (all but the option rows without it, unless `--breakdown`), plus `always`. */
function selectedRows(always: string[]): Row[] {
  const only = args.only?.split(',')
  return rows.filter(
    (r) =>
      always.includes(r.key) || (only ? only.includes(r.key) : r.options === undefined || args.breakdown),
  )
}

async function run(): Promise<void> {
  const selected = selectedRows(['bare'])
  const rounds: Record<string, Measured[]> = {}
  for (let round = 1; round <= ROUNDS; round++) {
    // Interleaved, and each round in another order, so drift of the machine spreads evenly.
    const order = round % 2 === 0 ? [...selected].reverse() : selected
    for (const row of order) {
      rounds[row.key] = [...(rounds[row.key] ?? []), await measure(row)]
      if (!args.json) process.stderr.write(`round ${round}/${ROUNDS}: ${row.label}\n`)
    }
  }
  const bare = rounds.bare!
  const ratio = (key: string, base: Measured[]) =>
    rounds[key]
      ? middle(rounds[key].map((m, i) => m.requestsPerSecond / base[i]!.requestsPerSecond))
      : Number.NaN
  const table = selected.map((row) => {
    const measured = rounds[row.key]!
    return {
      key: row.key,
      label: row.label,
      rps: roundTo(middle(measured.map((m) => m.requestsPerSecond))),
      vsBare: roundTo(ratio(row.key, bare), 2),
      p50Ms: roundTo(middle(measured.map((m) => m.p50Ms)), 2),
      cpuUs: roundTo(middle(measured.map((m) => m.serverCpuMicrosPerCall)), 1),
      idleRssMb: roundTo(middle(measured.map((m) => m.idleRssMb)), 1),
      loadedRssMb: roundTo(middle(measured.map((m) => m.loadedRssMb)), 1),
      errors: measured.reduce((sum, m) => sum + m.errors + m.non2xx + m.timeouts, 0),
    }
  })
  const memory = await perSessionMemory()
  const idleJsonSchema = middle(
    await Promise.all([idleRssWithoutZod(), idleRssWithoutZod(), idleRssWithoutZod()]),
  )
  const production2025 =
    rounds['production-2025'] && rounds['plain-2025']
      ? ratio('production-2025', rounds['plain-2025'])
      : Number.NaN
  const production2026 =
    rounds['production-2026'] && rounds['plain-2026']
      ? ratio('production-2026', rounds['plain-2026'])
      : Number.NaN
  // The web handler runs the node transport through the web edge: its cost is the edge's.
  const webVsNode =
    rounds['web-2026'] && rounds['plain-2026'] ? ratio('web-2026', rounds['plain-2026']) : Number.NaN
  const webVsNodeSse =
    rounds['web-2026-sse'] && rounds['plain-2026-sse']
      ? ratio('web-2026-sse', rounds['plain-2026-sse'])
      : Number.NaN
  const cpuOf = (key: string) => table.find((r) => r.key === key)?.cpuUs ?? Number.NaN
  const idleBare = table.find((r) => r.key === 'bare')!.idleRssMb
  const idlePlain = table.find((r) => r.key === 'plain-2025')?.idleRssMb ?? Number.NaN
  // What each production option adds to the plain server's CPU per call (median of per-round differences).
  const addedCpu = (key: string) =>
    rounds[key] && rounds['plain-2026']
      ? roundTo(
          middle(
            rounds[key].map(
              (m, i) => m.serverCpuMicrosPerCall - rounds['plain-2026']![i]!.serverCpuMicrosPerCall,
            ),
          ),
          1,
        )
      : undefined
  const optionCostsUs = Object.fromEntries(
    [...OPTION_ROWS.map((r) => r.key), 'production-2026'].flatMap((key) => {
      const added = addedCpu(key)
      return added === undefined ? [] : [[key, added]]
    }),
  )
  const summary = {
    option_cpu_us_over_plain_2026: optionCostsUs,
    production_vs_plain_2025: roundTo(production2025, 2),
    production_vs_plain_2026: roundTo(production2026, 2),
    web_vs_node_2026: roundTo(webVsNode, 2),
    web_vs_node_2026_sse: roundTo(webVsNodeSse, 2),
    web_cpu_vs_node_2026: roundTo(cpuOf('web-2026') / cpuOf('plain-2026'), 2),
    web_cpu_vs_node_2026_sse: roundTo(cpuOf('web-2026-sse') / cpuOf('plain-2026-sse'), 2),
    idle_rss_plain_vs_bare: roundTo(idlePlain / idleBare, 2),
    idle_rss_plain_json_schema_mb: roundTo(idleJsonSchema, 1),
    idle_rss_plain_json_schema_vs_bare: roundTo(idleJsonSchema / idleBare, 2),
    rss_per_idle_session_kb: roundTo(memory.perSessionKb, 1),
    rss_per_open_stream_kb: roundTo(memory.perStreamKb, 1),
  }
  if (args.json) {
    console.log(JSON.stringify({ rows: table, ...summary }))
    return
  }
  console.log(
    `\nServer-only load: ${CONNECTIONS} connections, ${SECONDS} s per row, medians of ${ROUNDS} round(s)\n`,
  )
  console.log(
    '| server (echo tool call) | calls/s | vs bare | p50 ms | server CPU µs/call | idle RSS MB | RSS under load MB | errors |',
  )
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|')
  for (const r of table)
    console.log(
      `| ${r.label} | ${r.rps} | ${r.vsBare} | ${r.p50Ms} | ${r.cpuUs} | ${r.idleRssMb} | ${r.loadedRssMb} | ${r.errors} |`,
    )
  console.log(
    `\nproduction / plain (median of per-round ratios): 2025 ${summary.production_vs_plain_2025}×, 2026-07-28 ${summary.production_vs_plain_2026}×`,
  )
  console.log(
    `web handler / node handler, 2026-07-28: calls/s (median of per-round ratios) JSON ${summary.web_vs_node_2026}×, SSE ${summary.web_vs_node_2026_sse}×; server CPU per call JSON ${summary.web_cpu_vs_node_2026}×, SSE ${summary.web_cpu_vs_node_2026_sse}×`,
  )
  console.log(
    `idle RSS plain / bare: ${summary.idle_rss_plain_vs_bare}× (tools in zod); ${summary.idle_rss_plain_json_schema_vs_bare}× with the same tools in plain JSON Schema (${summary.idle_rss_plain_json_schema_mb} MB, zod not loaded)`,
  )
  if (Object.keys(optionCostsUs).length > 0)
    console.log(
      `server CPU µs per call added to plain 2026-07-28 (median of per-round differences): ${Object.entries(
        optionCostsUs,
      )
        .map(([key, us]) => `${key.replace('option-', '')} ${us >= 0 ? '+' : ''}${us}`)
        .join(', ')}`,
    )
  console.log(
    `RSS per idle 2025 session: ${summary.rss_per_idle_session_kb} KB; per open GET stream: ${summary.rss_per_open_stream_kb} KB`,
  )
}

/** `--paired`: every server up at once, loaded in turn in short slices; CPU per call summed over all slices. */
async function runPaired(): Promise<void> {
  // Ratios are to plain 2026-07-28 JSON: always measured.
  const selected = selectedRows(['bare', 'plain-2026'])
  const cycles = Number(args.rounds ?? 12)
  const sliceSeconds = Number(args.seconds ?? 2)
  const servers: Array<{ row: Row; child: ChildProcess; plan: LoadPlan; cpu: number; calls: number }> = []
  try {
    for (const row of selected) {
      const { url, token, child } = await startServer(row.server, row.options)
      const headers = await prepare(row, url, token)
      const plan = {
        url,
        headers,
        bodyTemplate: call('__ID__', row.era, row.sse === true),
        connections: CONNECTIONS,
      }
      servers.push({ row, child, plan: { ...plan, durationSeconds: sliceSeconds }, cpu: 0, calls: 0 })
    }
    for (const server of servers) await generate({ ...server.plan, durationSeconds: WARMUP_SECONDS })
    for (let cycle = 0; cycle < cycles; cycle++) {
      for (const server of cycle % 2 === 0 ? servers : [...servers].reverse()) {
        const before = cpuMicros(server.child.pid!)
        const figures = await generate(server.plan)
        server.cpu += cpuMicros(server.child.pid!) - before
        server.calls += figures.total
      }
      if (!args.json) process.stderr.write(`cycle ${cycle + 1}/${cycles}\n`)
    }
  } finally {
    for (const server of servers) {
      server.child.stdin!.end()
      server.child.kill()
    }
  }
  const perCall = (key: string) => {
    const server = servers.find((s) => s.row.key === key)!
    return server.cpu / Math.max(1, server.calls)
  }
  const plain = perCall('plain-2026')
  const table = servers.map(({ row }) => ({
    key: row.key,
    label: row.label,
    cpuUs: roundTo(perCall(row.key), 1),
    vsPlain2026: roundTo(perCall(row.key) / plain, 3),
  }))
  if (args.json) {
    console.log(JSON.stringify({ paired: table }))
    return
  }
  console.log(`\nPaired: all servers up, loaded in turn, ${cycles} cycles of ${sliceSeconds} s slices\n`)
  console.log('| server (echo tool call) | server CPU µs/call | × plain 2026-07-28 JSON |')
  console.log('|---|--:|--:|')
  for (const r of table) console.log(`| ${r.label} | ${r.cpuUs} | ${r.vsPlain2026} |`)
}

await (args.paired ? runPaired() : run())
