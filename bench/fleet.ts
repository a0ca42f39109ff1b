/**
 * Fleet rows of `npm run bench`: 2025-11-25 stateful calls (one session, JSON answers) against
 * one server process with sessions in memory and with the Redis fleet store, and against
 * `toolwire serve --workers 2` vs `--workers 1` (both with the store). The load generator runs
 * in its own process (`bench/load-generator.ts`). Rounds are interleaved, each row gets a
 * fresh server; medians and the median of per-round ratios are reported.
 * `--work-us N` calls a tool that spends N µs of CPU per call instead of echo: the case where
 * the server, not the load generator sharing the machine, is the bottleneck.
 * Usage: node --import tsx bench/fleet.ts [--quick] [--json] [--rounds N] [--seconds S] [--work-us N]
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { Redis } from 'ioredis'
import type { LoadFigures, LoadPlan } from './load-generator.js'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    'work-us': { type: 'string' },
  },
})
const WORK_US = args['work-us'] === undefined ? undefined : Number(args['work-us'])
const ROUNDS = Number(args.rounds ?? (args.quick ? 1 : 3))
const SECONDS = Number(args.seconds ?? (args.quick ? 2 : 4))
const WARMUP_SECONDS = args.quick ? 1 : 2
const CONNECTIONS = 64
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const PREFIX = `tw-bench-${randomBytes(4).toString('hex')}:`

type RowKey = 'memory' | 'redis' | 'workers-1' | 'workers-2'
const rows: Array<{ key: RowKey; label: string }> = [
  { key: 'memory', label: 'serve(), 2025 session in memory (no store)' },
  { key: 'redis', label: 'serve({ store: Redis }), 2025 session in the fleet store' },
  { key: 'workers-1', label: 'toolwire serve --workers 1 --redis-url' },
  { key: 'workers-2', label: 'toolwire serve --workers 2 --redis-url' },
]

async function startServer(key: RowKey): Promise<{ url: string; child: ChildProcess }> {
  const workers = key === 'workers-2' ? '2' : '1'
  const cli = ['dist/cli/main.js', 'serve', 'bench/fleet-tools.mjs', '--port', '0', '--log-level', 'silent']
  const command =
    key === 'memory'
      ? cli
      : [...cli, '--redis-url', REDIS_URL, ...(key.startsWith('workers') ? ['--workers', workers] : [])]
  const child = spawn(process.execPath, command, {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      TOOLWIRE_REDIS_KEY_PREFIX: PREFIX,
      TOOLWIRE_PORT: '',
      TOOLWIRE_MAX_SESSIONS: '100000',
    },
  })
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string]
  const url = /MCP endpoint (\S+)/.exec(line)?.[1]
  if (!url) throw new Error(`unexpected first line: ${line}`)
  return { url, child }
}

/** CPU time (user + system, µs) of a process and its children (the workers), from /proc. */
function cpuMicros(pid: number): number {
  const own = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  let ticks = Number(own[11]) + Number(own[12])
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
  for (const child of children ? children.split(' ') : []) {
    try {
      const fields = readFileSync(`/proc/${child}/stat`, 'utf8').split(') ')[1]!.split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // gone meanwhile
    }
  }
  return (ticks * 1_000_000) / 100
}

interface Measured extends LoadFigures {
  /** Server CPU per call (all its processes): robust to a busy machine, unlike calls/s. */
  cpuMicrosPerCall: number
}

async function sessionHeaders(url: string): Promise<Record<string, string>> {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
  const init = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'bench', version: '1' },
      },
    }),
  })
  await init.text()
  const session = init.headers.get('mcp-session-id')
  if (!session) throw new Error(`initialize answered ${init.status} without a session`)
  return { ...headers, 'mcp-protocol-version': '2025-11-25', 'mcp-session-id': session }
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

async function measure(key: RowKey): Promise<Measured> {
  const { url, child } = await startServer(key)
  try {
    const headers = await sessionHeaders(url)
    const call =
      WORK_US === undefined
        ? { name: 'echo', arguments: { text: 'hello' } }
        : { name: 'work', arguments: { us: WORK_US } }
    const bodyTemplate = `{"jsonrpc":"2.0","id":__ID__,"method":"tools/call","params":${JSON.stringify(call)}}`
    const plan = { url, headers, bodyTemplate, connections: CONNECTIONS }
    await generate({ ...plan, durationSeconds: WARMUP_SECONDS })
    const cpuBefore = cpuMicros(child.pid!)
    const figures = await generate({ ...plan, durationSeconds: SECONDS })
    const cpu = cpuMicros(child.pid!) - cpuBefore
    if (figures.non2xx > 0 || figures.errors > 0)
      process.stderr.write(`  ${key}: ${figures.non2xx} non-2xx answers, ${figures.errors} errors\n`)
    return { ...figures, cpuMicrosPerCall: Math.round(cpu / Math.max(1, figures.total)) }
  } finally {
    child.kill('SIGTERM')
    await once(child, 'exit')
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const results = new Map<RowKey, Measured[]>(rows.map((r) => [r.key, []]))
for (let round = 1; round <= ROUNDS; round++) {
  // Interleaved (and reversed every other round): drift on a noisy machine hits every row alike.
  const order = round % 2 ? rows : [...rows].reverse()
  for (const row of order) results.get(row.key)!.push(await measure(row.key))
}
const rps = (key: RowKey) => results.get(key)!.map((f) => f.requestsPerSecond)
const ratio = (a: RowKey, b: RowKey) => median(rps(a).map((v, i) => v / rps(b)[i]!))
const summary = {
  rounds: ROUNDS,
  seconds: SECONDS,
  connections: CONNECTIONS,
  rows: rows.map((r) => ({
    key: r.key,
    label: r.label,
    requestsPerSecond: Math.round(median(rps(r.key))),
    p99Ms: median(results.get(r.key)!.map((f) => f.p99Ms)),
    cpuMicrosPerCall: median(results.get(r.key)!.map((f) => f.cpuMicrosPerCall)),
  })),
  redisVsMemory: Number(ratio('redis', 'memory').toFixed(2)),
  /** Calls per CPU second with the store vs in memory (median of per-round ratios). */
  redisVsMemoryCpu: Number(
    median(
      results.get('memory')!.map((m, i) => m.cpuMicrosPerCall / results.get('redis')![i]!.cpuMicrosPerCall),
    ).toFixed(2),
  ),
  workers2VsWorkers1: Number(ratio('workers-2', 'workers-1').toFixed(2)),
}
const redis = new Redis(REDIS_URL)
const keys = await redis.keys(`${PREFIX}*`)
if (keys.length > 0) await redis.del(...keys)
redis.disconnect()

if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`)
else {
  process.stdout.write(
    `\nFleet: 2025-11-25 stateful tools/call${WORK_US === undefined ? ' (echo)' : ` (a tool spending ${WORK_US} µs of CPU)`}, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${SECONDS} s (medians)\n`,
  )
  for (const row of summary.rows) {
    process.stdout.write(
      `  ${row.label.padEnd(60)} ${String(row.requestsPerSecond).padStart(7)} calls/s  p99 ${row.p99Ms} ms  ${row.cpuMicrosPerCall} µs CPU/call\n`,
    )
  }
  process.stdout.write(
    `  Redis store vs memory: ${summary.redisVsMemory}× calls/s, ${summary.redisVsMemoryCpu}× calls per CPU second (goal ≥ 0.7×)\n`,
  )
  process.stdout.write(`  --workers 2 vs --workers 1: ${summary.workers2VsWorkers1}× (goal ≥ 1.5×)\n`)
}
