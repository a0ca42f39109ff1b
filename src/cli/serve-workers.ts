/**
 * `toolwire serve --workers N`: N processes (node:cluster) sharing one port, so a host's cores
 * all answer. Workers are replicas of one fleet: with 2025-era sessions they need a store
 * (`--redis-url`, `TOOLWIRE_REDIS_URL`), or a session opened on one worker would be unknown to
 * the next. SIGTERM/SIGINT drain every worker (each finishes its calls), then the primary exits.
 */
import cluster, { type Worker } from 'node:cluster'
import { UsageError } from './output.js'

/** Restarting a worker that crashes more often than this means something is wrong: stop. */
const MAX_RESTARTS_PER_MINUTE = 10

export interface WorkersPlan {
  count: number
  /** Whether the workers share a fleet store. */
  store: boolean
  /** Whether 2025-era sessions are on. */
  legacySessions: boolean
}

/** The number of workers `--workers` asks for (1 when absent), checked. */
export function workerCount(value: string | undefined): number {
  if (value === undefined) return 1
  const count = Number(value)
  if (!Number.isInteger(count) || count < 1 || count > 64)
    throw new UsageError(`--workers must be an integer from 1 to 64, got "${value}"`)
  return count
}

/** In the primary process: forks the workers and supervises them until a signal ends them all. */
export async function superviseWorkers(plan: WorkersPlan): Promise<void> {
  if (plan.count > 1 && plan.legacySessions && !plan.store) {
    throw new UsageError(
      `--workers ${plan.count} needs a fleet store for 2025-era sessions: --redis-url redis://… (or TOOLWIRE_REDIS_URL), or turn sessions off with TOOLWIRE_LEGACY_SESSIONS=false`,
    )
  }
  let stopping = false
  const restarts: number[] = []
  const fork = (index: number): Worker => {
    const worker = cluster.fork({ TOOLWIRE_WORKER_INDEX: String(index) })
    worker.on('exit', (code, signal) => {
      if (stopping) return
      const now = Date.now()
      restarts.push(now)
      while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift()
      process.stderr.write(`toolwire: worker ${index} exited (${signal ?? code}); restarting it\n`)
      if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
        process.stderr.write('toolwire: workers keep crashing; stopping\n')
        stop('SIGTERM', 1)
        return
      }
      fork(index)
    })
    return worker
  }
  const stop = (signal: NodeJS.Signals, exitCode = 0) => {
    if (stopping) return
    stopping = true
    process.stderr.write(`toolwire: ${signal} received, draining ${plan.count} workers\n`)
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM')
    const exit = () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode)
    }
    cluster.on('exit', exit)
    exit()
  }
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.once('SIGINT', () => stop('SIGINT'))
  for (let i = 1; i <= plan.count; i++) fork(i)
}
