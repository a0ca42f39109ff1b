/** What a caller passes to `callTool`, and what it gets back. */
import type { Task } from '../protocol/tasks.js'
import type { CallToolResult } from '../protocol/types.js'

export interface CallToolOptions {
  signal?: AbortSignal
  /** Receives `notifications/progress` for this call. */
  onProgress?: (progress: { progress: number; total?: number; message?: string }) => void
  /**
   * Receives each status change of the task the call became (MCP Tasks extension): `working`,
   * `input_required`, … with the server's `statusMessage`. Progress goes to `onProgress`.
   */
  onTaskStatus?: (task: Task) => void
  /**
   * Receives the server's log messages for this call (`notifications/message`). Also asks for
   * them: 2026-07-28 requests carry `logLevel` (default `info`); 2025-era servers send what
   * their session's `logging/setLevel` allows.
   */
  onLog?: (message: LogMessage) => void
  /** The lowest level `onLog` wants (2026-07-28 per-request log level). @default 'info' */
  logLevel?: LogMessage['level']
  /** Overrides `clientSessionTimeoutSeconds` for this call, in seconds. */
  timeoutSeconds?: number
  /** Declare the call safe to repeat (overrides the tool's annotations for retries). */
  idempotent?: boolean
  /**
   * Make the call part of this W3C trace (32 hex digits), e.g. an agent run's, instead of the
   * active OpenTelemetry span's or a new one. @default the active span's trace, else new
   */
  traceId?: string
}

/** A server log message (`notifications/message`). */
export interface LogMessage {
  level: 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency'
  logger?: string
  data: unknown
}

/** A tool result, with the W3C trace id of the call that produced it. */
export type ToolCallResult = CallToolResult & { traceId: string }
