/**
 * The requests being answered: what `maxConcurrentRequests` counts, what shutdown waits for.
 * A request stops counting when it is answered, or as soon as it is aborted (its client went
 * away, it was cancelled, it timed out), even if its handler never returns: a few handlers
 * that ignore `ctx.signal` cannot hold the server's admission slots forever. Such handlers are
 * watched, and logged once when they are still running a while after their request ended.
 *
 * One timer sweeps every second for clients that went away without anyone listening for it,
 * and for requests past their run-time bound: a `close` listener or a timer per request
 * measured several percent of server CPU each (a timer per tool call: ~15%).
 */
import { type RunLimit, RunTimeExceeded } from './request-dispatcher.js'
import type { TransportLogger } from './server-policies.js'

/** What the registry needs of a request's exchange. */
export interface TrackedRequest {
  /** True when the client can no longer receive the answer (and cannot resume it). */
  readonly clientGone: boolean
  readonly aborted: boolean
  abort(reason: unknown): void
  /** The sweep count when the request was admitted (set by `admit`). */
  admittedTick: number
  /** Its run-time bound, if any (`limitRunTime`): aborted with a `RunTimeExceeded` past it. */
  runLimit: RunLimit | undefined
  /** Its index in the registry while it counts, else -1 (set by the registry). */
  slot: number
}

/** Fields of the log line about a handler that outlived its request. */
export type OutlivedFields = Record<string, unknown>

interface OutlivedWork {
  sinceMs: number
  fields: OutlivedFields
  what: string
  /** Called once the grace period is over: stop waiting for the work (answer without it). */
  giveUp: (() => void) | undefined
}

const SWEEP_MS = 1000
const SWEEP_SECONDS = SWEEP_MS / 1000
/** A handler still running this long after its request ended is logged (once). */
const OUTLIVED_GRACE_MS = 1000

export class InFlightRequests {
  /**
   * The requests that count, unordered: each knows its index (`slot`), so admitting and
   * releasing are an array push and a swap (a Set's hashing measured ~2% of server CPU).
   */
  readonly #active: TrackedRequest[] = []
  readonly #outlived = new Map<Promise<unknown>, OutlivedWork>()
  readonly #logger: TransportLogger
  #idle: Array<() => void> = []
  /** Sweeps so far: a clock for run-time bounds that costs requests nothing to read. */
  #tick = 0
  readonly #sweeper: NodeJS.Timeout

  constructor(logger: TransportLogger) {
    this.#logger = logger
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_MS).unref()
  }

  /** Requests counting against admission now. */
  get count(): number {
    return this.#active.length
  }

  admit(request: TrackedRequest): void {
    request.admittedTick = this.#tick
    request.slot = this.#active.length
    this.#active.push(request)
  }

  /** The request no longer counts (answered or aborted). Idempotent. */
  release(request: TrackedRequest): void {
    const slot = request.slot
    if (slot < 0) return
    request.slot = -1
    const last = this.#active.pop()!
    if (last !== request) {
      this.#active[slot] = last
      last.slot = slot
    }
    if (this.#active.length > 0) return
    const waiting = this.#idle
    this.#idle = []
    for (const resolve of waiting) resolve()
  }

  /** Resolves once no request counts (shutdown drains with it). */
  idle(): Promise<void> {
    if (this.#active.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.#idle.push(resolve))
  }

  /**
   * Watches work that goes on after its request ended (a handler that ignored its aborted
   * signal): if still running after a grace period, it is logged at `warn`, `giveUp` runs (the
   * request is answered without it), and it is forgotten.
   */
  outlived(
    work: Promise<unknown>,
    what: string,
    details: { fields: OutlivedFields; giveUp?: () => void },
  ): void {
    this.#outlived.set(work, { sinceMs: Date.now(), fields: details.fields, what, giveUp: details.giveUp })
    const forget = () => this.#outlived.delete(work)
    work.then(forget, forget)
  }

  /** Stops watching; requests still waiting for a handler that ignored its abort are answered now. */
  close(): void {
    clearInterval(this.#sweeper)
    const waiting = [...this.#outlived.values()]
    this.#outlived.clear()
    for (const entry of waiting) entry.giveUp?.()
  }

  #sweep(): void {
    const tick = ++this.#tick
    // A copy: aborting releases, which reorders the array.
    for (const request of [...this.#active]) {
      if (request.clientGone) request.abort(new Error('the client closed the connection'))
      // Never early: a request admitted just before a sweep has run (ticks - 1) s at least.
      const limit = request.runLimit
      if (limit && (tick - request.admittedTick - 1) * SWEEP_SECONDS >= limit.seconds) {
        request.abort(new RunTimeExceeded(limit.seconds, limit.option))
      }
    }
    const before = Date.now() - OUTLIVED_GRACE_MS
    for (const [work, entry] of this.#outlived) {
      if (entry.sinceMs > before) continue
      this.#outlived.delete(work)
      this.#logger.warn(
        { ...entry.fields, seconds: Math.round((Date.now() - entry.sinceMs) / 1000) },
        `${entry.what} is still running after its request ended: the handler ignores ctx.signal (its admission slot was released)`,
      )
      entry.giveUp?.()
    }
  }
}
