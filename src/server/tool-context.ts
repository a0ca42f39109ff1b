/** The context a tool handler receives: cancellation, progress, logging, and who is calling. */
import { isObject, type RequestId } from '../protocol/jsonrpc.js'
import type { Implementation } from '../protocol/types.js'
import { META_CLIENT_INFO, META_LOG_LEVEL } from '../protocol/versions.js'
import type { Exchange } from '../transport/dispatcher.js'

export const LOG_LEVELS = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export interface ToolContext {
  /** Aborted when the caller disconnects or cancels; pass it to database and HTTP calls. */
  readonly signal: AbortSignal
  readonly requestId: RequestId
  /** The protocol revision of this request (`2026-07-28`, `2025-11-25`, …). */
  readonly protocolVersion: string
  /** The 2025-era session id, when the client has one. */
  readonly sessionId: string | undefined
  readonly clientInfo: Implementation | undefined
  /**
   * Reports progress to the caller (when it asked for progress with a `progressToken`).
   * The first report turns the answer into an SSE stream.
   */
  progress(progress: number, options?: { total?: number; message?: string }): void
  /** Sends a log message to the caller (`notifications/message`), honouring its log level. */
  log(level: LogLevel, data: unknown, logger?: string): void
}

export function createToolContext(
  exchange: Exchange,
  request: { id: RequestId; params?: Record<string, unknown> },
): ToolContext {
  const meta = isObject(request.params?._meta) ? request.params._meta : undefined
  const progressToken = meta?.progressToken
  const requestedLevel =
    exchange.era === 'modern'
      ? (exchange.meta?.[META_LOG_LEVEL] as string | undefined)
      : exchange.session?.logLevel
  const minLevel = requestedLevel ? LOG_LEVELS.indexOf(requestedLevel as LogLevel) : 0
  const clientInfo =
    exchange.era === 'modern'
      ? (exchange.meta?.[META_CLIENT_INFO] as Implementation | undefined)
      : (exchange.session?.clientInfo as Implementation | undefined)
  return {
    get signal() {
      return exchange.signal
    },
    requestId: request.id,
    protocolVersion: exchange.protocolVersion,
    sessionId: exchange.session?.id,
    clientInfo,
    progress(progress, options = {}) {
      if (typeof progressToken !== 'string' && typeof progressToken !== 'number') return
      exchange.notify({
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken, progress, ...options },
      })
    },
    log(level, data, logger) {
      if (LOG_LEVELS.indexOf(level) < minLevel) return
      exchange.notify({
        jsonrpc: '2.0',
        method: 'notifications/message',
        params: logger === undefined ? { level, data } : { level, data, logger },
      })
    },
  }
}
