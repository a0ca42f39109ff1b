/**
 * The requests being answered: what `maxConcurrentRequests` counts, what shutdown waits for.
 * A request stops counting when it is answered, or as soon as it is aborted (its client went
 * away, it was cancelled, it timed out), even if its handler never returns: a few handlers
 * that ignore `ctx.signal` cannot hold the server's admission slots forever. Such handlers are
 * watched, and logged once when they are still running a while after their request ended.
 *
 * One timer sweeps every second for clients that went away without anyone listening for it:
 * a `close` listener per request measured several percent of server CPU.
 */
import type { TransportLogger } from './server-policies.js'

/** What the registry needs of a request's exchange. */
export interface TrackedRequest {
  /** True when the client can no longer receive the answer (and cannot resume it). */
  readonly clientGone: boolean
  readonly aborted: boolean
  abort(reason: unknown): void
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
/** A handler still running this long after its request ended is logged (once). */
const OUTLIVED_GRACE_MS = 1000

export class InFlightRequests {
  readonly #active = new Set<TrackedRequest>()
  readonly #outlived = new Map<Promise<unknown>, OutlivedWork>()
  readonly #logger: TransportLogger
  #idle: Array<() => void> = []
  readonly #sweeper: NodeJS.Timeout

  constructor(logger: TransportLogger) {
    this.#logger = logger
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_MS).unref()
  }

  /** Requests counting against admission now. */
  get count(): number {
    return this.#active.size
  }

  admit(request: TrackedRequest): void {
    this.#active.add(request)
  }

  /** The request no longer counts (answered or aborted). Idempotent. */
  release(request: TrackedRequest): void {
    if (!this.#active.delete(request) || this.#active.size > 0) return
    const waiting = this.#idle
    this.#idle = []
    for (const resolve of waiting) resolve()
  }

  /** Resolves once no request counts (shutdown drains with it). */
  idle(): Promise<void> {
    if (this.#active.size === 0) return Promise.resolve()
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
    for (const request of this.#active) {
      if (request.clientGone) request.abort(new Error('the client closed the connection'))
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
