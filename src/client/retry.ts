/**
 * Retries with exponential backoff and full jitter, that never repeat a call which may have
 * reached the server unless repeating it is safe (the call is idempotent).
 */
import {
  McpConnectionError,
  McpHttpError,
  McpProtocolError,
  McpTimeoutError,
  ToolwireError,
} from '../protocol/errors.js'
import { ErrorCode } from '../protocol/jsonrpc.js'
import { sleep } from '../transport/client/call-signal.js'
import type { Call, Send } from './call.js'

export interface RetryOptions {
  /** Retries after the first attempt (0 disables retries). */
  maxRetryAttempts: number
  /** Base of the exponential backoff, in seconds: attempt n waits up to base × 2^(n-1). */
  retryBackoffSecondsBase: number
  /** Longest single wait, in seconds (also caps `Retry-After`). */
  retryBackoffSecondsMax: number
}

export interface RetryEvent {
  method: string
  /** The attempt that failed (1 = the first try). */
  attempt: number
  delaySeconds: number
  error: Error
}

export type RetryVerdict =
  | { retry: true }
  /** `dependsOnIdempotency`: the call would be repeated if it were idempotent. */
  | { retry: false; reason: string; dependsOnIdempotency?: boolean }

/** Statuses that mean the server did not process the request. */
const NOT_PROCESSED_STATUS = new Set([408, 429, 503])
/** Statuses from gateways: the upstream may or may not have processed the request. */
const MAYBE_PROCESSED_STATUS = new Set([502, 504])

/** Decides whether a failed call may be repeated. */
export function retryVerdict(error: unknown, call: Call): RetryVerdict {
  const unsafe = (what: string): RetryVerdict =>
    call.idempotent
      ? { retry: true }
      : {
          retry: false,
          reason: `${what}, and ${describe(call)} is not idempotent (annotate the tool idempotentHint or readOnlyHint, or pass { idempotent: true })`,
          dependsOnIdempotency: true,
        }
  if (error instanceof McpConnectionError) {
    return error.maybeDelivered ? unsafe('the connection broke after the request was sent') : { retry: true }
  }
  if (error instanceof McpTimeoutError) {
    return error.timeout === 'connect'
      ? { retry: true }
      : unsafe(`the ${error.timeout} timeout fired after the request was sent`)
  }
  // toolwire's "try again later" (-31000) without an HTTP status to carry it (a stdio server
  // over its request cap): the request was refused before it ran.
  if (error instanceof McpProtocolError && error.rpcCode === ErrorCode.RequestRejected) return { retry: true }
  if (error instanceof McpHttpError) {
    if (NOT_PROCESSED_STATUS.has(error.status)) return { retry: true }
    if (MAYBE_PROCESSED_STATUS.has(error.status)) return unsafe(`a gateway answered HTTP ${error.status}`)
    return { retry: false, reason: `HTTP ${error.status} is not transient` }
  }
  return { retry: false, reason: 'the error is not transient' }
}

function describe(call: Call): string {
  const name = call.params.name
  return call.method === 'tools/call' && typeof name === 'string' ? `tool ${name}` : call.method
}

/** Full jitter: a uniform draw in [0, min(max, base × 2^(attempt-1))], at least `Retry-After`. */
export function backoffSeconds(attempt: number, options: RetryOptions, retryAfterSeconds?: number): number {
  const ceiling = Math.min(
    options.retryBackoffSecondsMax,
    options.retryBackoffSecondsBase * 2 ** (attempt - 1),
  )
  const jittered = Math.random() * ceiling
  return retryAfterSeconds === undefined
    ? jittered
    : Math.min(options.retryBackoffSecondsMax, Math.max(jittered, retryAfterSeconds))
}

/** Wraps `send` with the retry policy; `onRetry` hears about every retry before its wait. */
export function withRetry(send: Send, options: RetryOptions, onRetry: (event: RetryEvent) => void): Send {
  return async (call) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send(call)
      } catch (error) {
        if (call.signal?.aborted || !(error instanceof Error)) throw error
        let verdict = retryVerdict(error, call)
        if (!verdict.retry && verdict.dependsOnIdempotency && call.learnIdempotent) {
          // The decision needs the tool's annotations, which the client has not seen yet.
          const learn = call.learnIdempotent
          call.learnIdempotent = undefined
          call.idempotent = await learn().catch(() => false)
          if (call.signal?.aborted) throw error
          verdict = retryVerdict(error, call)
        }
        if (!verdict.retry || attempt > options.maxRetryAttempts) {
          if (error instanceof ToolwireError) {
            error.attempts = attempt
            if (!verdict.retry) {
              error.notRetriedReason = verdict.reason
              error.message += ` (not retried: ${verdict.reason})`
            } else error.message += ` (gave up after ${attempt} attempt${attempt === 1 ? '' : 's'})`
          }
          throw error
        }
        const retryAfter = error instanceof McpHttpError ? error.retryAfterSeconds : undefined
        const delaySeconds = backoffSeconds(attempt, options, retryAfter)
        onRetry({ method: call.method, attempt, delaySeconds, error })
        await sleep(delaySeconds * 1000, call.signal)
      }
    }
  }
}
