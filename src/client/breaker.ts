/**
 * A consecutive-failure circuit breaker: after `failureThreshold` failures in a row, calls
 * fail at once with `CircuitOpenError` for `resetTimeoutSeconds`; then one probe call is let
 * through, and its outcome closes or re-opens the circuit.
 */
import {
  CircuitOpenError,
  type ErrorSite,
  McpConnectionError,
  McpHttpError,
  McpTimeoutError,
  ToolwireConfigError,
} from '../protocol/errors.js'
import type { Send } from './call.js'

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. @default 5 */
  failureThreshold?: number
  /** Seconds the circuit stays open before one probe call is allowed. @default 30 */
  resetTimeoutSeconds?: number
}

export type BreakerState = 'closed' | 'open' | 'halfOpen'

export interface BreakerEvents {
  onOpen(failures: number, error: unknown): void
  onClose(): void
}

/** Failures that say the server is unhealthy. JSON-RPC errors and 4xx answers do not count. */
export function isServerFailure(error: unknown): boolean {
  if (error instanceof McpConnectionError || error instanceof McpTimeoutError) return true
  return error instanceof McpHttpError && (error.status >= 500 || error.status === 408)
}

export class CircuitBreaker {
  readonly failureThreshold: number
  readonly resetTimeoutSeconds: number
  #state: BreakerState = 'closed'
  #failures = 0
  #openedAt = 0
  #probing = false
  readonly #events: BreakerEvents

  constructor(options: CircuitBreakerOptions, events: BreakerEvents) {
    this.failureThreshold = options.failureThreshold ?? 5
    this.resetTimeoutSeconds = options.resetTimeoutSeconds ?? 30
    if (!Number.isInteger(this.failureThreshold) || this.failureThreshold < 1) {
      throw new ToolwireConfigError(
        `circuitBreaker.failureThreshold must be a positive integer, got ${this.failureThreshold}`,
      )
    }
    if (!(this.resetTimeoutSeconds > 0)) {
      throw new ToolwireConfigError(
        `circuitBreaker.resetTimeoutSeconds must be > 0 seconds, got ${this.resetTimeoutSeconds}`,
      )
    }
    this.#events = events
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.#remainingSeconds() <= 0) return 'halfOpen'
    return this.#state
  }

  /** Wraps `send`: fails fast while open, lets one probe through when the reset time is up. */
  wrap(send: Send, site: ErrorSite): Send {
    return async (call) => {
      let probe = false
      if (this.#state === 'open') {
        const remaining = this.#remainingSeconds()
        if (remaining > 0 || this.#probing) throw new CircuitOpenError(Math.max(remaining, 0), site)
        this.#probing = true
        probe = true
      }
      try {
        const result = await send(call)
        this.#success()
        return result
      } catch (error) {
        if (isServerFailure(error)) this.#failure(error)
        // The server answered (a JSON-RPC error, a 4xx): it is up. An abort tells nothing.
        else if (!call.signal?.aborted) this.#success()
        throw error
      } finally {
        if (probe) this.#probing = false
      }
    }
  }

  #remainingSeconds(): number {
    return this.resetTimeoutSeconds - (performance.now() - this.#openedAt) / 1000
  }

  #success(): void {
    this.#failures = 0
    if (this.#state !== 'closed') {
      this.#state = 'closed'
      this.#events.onClose()
    }
  }

  #failure(error: unknown): void {
    this.#failures++
    if (this.#state === 'open' || this.#failures >= this.failureThreshold) this.#reopen(error)
  }

  #reopen(error: unknown): void {
    this.#state = 'open'
    this.#openedAt = performance.now()
    this.#events.onOpen(this.#failures, error)
  }
}
