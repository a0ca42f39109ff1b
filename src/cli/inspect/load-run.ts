/** A small load run against one tool: N calls, C in flight, a latency histogram and the errors. */
import { percentile } from '../output.js'

export interface LoadRunOptions {
  /** Calls in total, 1–2000. */
  calls: number
  /** Calls in flight, 1–64. */
  concurrency: number
  /** Stops starting calls after this long, in seconds. @default 60 */
  maxSeconds?: number
  signal?: AbortSignal
  /** Called about every 100 ms with the counts so far. */
  onProgress?: (done: number, errors: number) => void
}

export const LOAD_LIMITS = { calls: 2000, concurrency: 64, maxSeconds: 60 } as const

/** Upper bounds of the histogram buckets, in ms; the last bucket holds everything slower. */
const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] as const

export interface LoadRunReport {
  calls: number
  concurrency: number
  ok: number
  /** Calls that failed: transport errors and tool results with `isError`. */
  errors: number
  /** The first few distinct error messages, with their counts. */
  errorMessages: Array<{ message: string; count: number }>
  durationMs: number
  callsPerSecond: number
  latencyMs: { p50: number; p90: number; p99: number; max: number }
  /** `le` is a bucket's upper bound in ms (`null`: slower than the last one). */
  histogram: Array<{ le: number | null; count: number }>
}

/** A bad option: the message names it and the allowed range. */
export function loadRunProblem(options: { calls: unknown; concurrency: unknown }): string | undefined {
  const { calls, concurrency } = options
  if (!Number.isInteger(calls) || (calls as number) < 1 || (calls as number) > LOAD_LIMITS.calls)
    return `"calls" must be an integer from 1 to ${LOAD_LIMITS.calls}`
  if (
    !Number.isInteger(concurrency) ||
    (concurrency as number) < 1 ||
    (concurrency as number) > LOAD_LIMITS.concurrency
  )
    return `"concurrency" must be an integer from 1 to ${LOAD_LIMITS.concurrency}`
  return undefined
}

/**
 * Runs `call` `calls` times with `concurrency` in flight. A call that throws or resolves to
 * `false` (a tool error) counts as an error, with its message.
 */
export async function loadRun(
  call: (signal: AbortSignal) => Promise<{ ok: boolean; message?: string }>,
  options: LoadRunOptions,
): Promise<LoadRunReport> {
  const stop = new AbortController()
  const deadline = setTimeout(
    () => stop.abort(new Error('load run time limit')),
    (options.maxSeconds ?? LOAD_LIMITS.maxSeconds) * 1000,
  )
  const onAbort = () => stop.abort(options.signal?.reason)
  options.signal?.addEventListener('abort', onAbort, { once: true })
  const latencies: number[] = []
  const messages = new Map<string, number>()
  let started = 0
  let errors = 0
  const progress = setInterval(() => options.onProgress?.(latencies.length, errors), 100)
  const begin = performance.now()
  const worker = async () => {
    while (started < options.calls && !stop.signal.aborted) {
      started++
      const t0 = performance.now()
      let outcome: { ok: boolean; message?: string }
      try {
        outcome = await call(stop.signal)
      } catch (error) {
        outcome = { ok: false, message: error instanceof Error ? error.message : String(error) }
      }
      latencies.push(performance.now() - t0)
      if (!outcome.ok) {
        errors++
        const message = (outcome.message ?? 'tool error').slice(0, 300)
        if (messages.has(message) || messages.size < 5)
          messages.set(message, (messages.get(message) ?? 0) + 1)
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, options.calls) }, worker))
  } finally {
    clearTimeout(deadline)
    clearInterval(progress)
    options.signal?.removeEventListener('abort', onAbort)
  }
  const durationMs = performance.now() - begin
  options.onProgress?.(latencies.length, errors)
  const sorted = [...latencies].sort((a, b) => a - b)
  const round = (ms: number) => (Number.isNaN(ms) ? 0 : Math.round(ms * 10) / 10)
  const histogram: LoadRunReport['histogram'] = [...BUCKETS_MS, null].map((le) => ({ le, count: 0 }))
  for (const ms of latencies) {
    const i = BUCKETS_MS.findIndex((le) => ms <= le)
    histogram[i === -1 ? BUCKETS_MS.length : i]!.count++
  }
  return {
    calls: latencies.length,
    concurrency: options.concurrency,
    ok: latencies.length - errors,
    errors,
    errorMessages: [...messages].map(([message, count]) => ({ message, count })),
    durationMs: round(durationMs),
    callsPerSecond: round(latencies.length / (durationMs / 1000)),
    latencyMs: {
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? Number.NaN),
    },
    histogram,
  }
}
