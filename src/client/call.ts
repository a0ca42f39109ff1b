/**
 * The single request function every client policy wraps: timeouts, auth, retry
 * and the breaker are each a `(send) => send` wrapper, composed in one place.
 */
import type { JsonRpcMessage } from '../protocol/jsonrpc.js'

export interface Call {
  /** JSON-RPC method; `connect` stands for the era probe/handshake. */
  method: string
  params: Record<string, unknown>
  /** True when repeating the call after it may have reached the server is safe. */
  idempotent: boolean
  /**
   * Learns `idempotent` when it is not known yet (a tool called before the tools were listed):
   * the retry policy asks only when its decision depends on it.
   */
  learnIdempotent?: (() => Promise<boolean>) | undefined
  /** Seconds this attempt may take (clientSessionTimeoutSeconds or a per-call override). */
  timeoutSeconds: number
  /** The option `timeoutSeconds` came from, named in the timeout error. */
  timeoutOption: 'clientSessionTimeoutSeconds' | 'timeoutSeconds'
  /** The caller's cancellation. */
  signal: AbortSignal | undefined
  /** Headers of this call (Authorization, traceparent): a fresh object per logical request, which wrappers may set. */
  headers: Record<string, string>
  onMessage?: ((message: JsonRpcMessage) => void) | undefined
  extraMeta?: Record<string, unknown> | undefined
  /** W3C trace id carried in `traceparent`. */
  traceId: string
}

export type Send = (call: Call) => Promise<Record<string, unknown>>
