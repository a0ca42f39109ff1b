/** The notifications of one tool call: progress (with its token) and log messages. */
import { isObject, type JsonRpcMessage } from '../protocol/jsonrpc.js'
import { META_LOG_LEVEL } from '../protocol/versions.js'
import type { CallToolOptions, LogMessage } from './call-tool-options.js'

const NO_NOTIFICATIONS = Object.freeze({ onMessage: undefined, meta: undefined })

/** The message handler and the request `_meta` (progress token, log level) a call needs. */
export function callNotifications(options: Pick<CallToolOptions, 'onProgress' | 'onLog' | 'logLevel'>): {
  onMessage: ((message: JsonRpcMessage) => void) | undefined
  meta: Record<string, unknown> | undefined
} {
  const { onProgress, onLog } = options
  if (!onProgress && !onLog) return NO_NOTIFICATIONS
  const token = onProgress ? `tw-${Math.random().toString(36).slice(2)}` : undefined
  const onMessage = (message: JsonRpcMessage) => {
    if (!('method' in message) || !isObject(message.params)) return
    const p = message.params
    if (message.method === 'notifications/message' && onLog && typeof p.level === 'string') {
      onLog({
        level: p.level as LogMessage['level'],
        ...(typeof p.logger === 'string' ? { logger: p.logger } : {}),
        data: p.data,
      })
      return
    }
    if (message.method !== 'notifications/progress' || !onProgress) return
    if (p.progressToken !== token || typeof p.progress !== 'number') return
    onProgress({
      progress: p.progress,
      ...(typeof p.total === 'number' ? { total: p.total } : {}),
      ...(typeof p.message === 'string' ? { message: p.message } : {}),
    })
  }
  const meta: Record<string, unknown> = {}
  if (token) meta.progressToken = token
  if (onLog) meta[META_LOG_LEVEL] = options.logLevel ?? 'info'
  return { onMessage, meta }
}
