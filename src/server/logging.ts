/** The pino logger `serve()` makes when given a `logLevel` instead of a logger. */
import { type DestinationStream, destination, type Logger, pino, stdTimeFunctions } from 'pino'
import { ToolwireConfigError } from '../protocol/errors.js'

export const LOG_LEVEL_NAMES = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type ServerLogLevel = (typeof LOG_LEVEL_NAMES)[number]

export interface ServerLoggerOptions {
  /** Lowest level written. @default 'info' */
  level?: ServerLogLevel
  /** Service name on every line (`name`). @default none */
  name?: string
  /** Where lines go. @default stdout, written asynchronously */
  destination?: DestinationStream
  /** pino redaction paths on top of the defaults (request/response headers' authorization and cookies). */
  redactPaths?: readonly string[]
}

/** Header paths pino censors on any logged object (an `err` from an HTTP library, a `req`). */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'res.headers["set-cookie"]',
  'err.headers.authorization',
  'err.config.headers.authorization',
]

/**
 * A JSON-lines pino logger with secrets redacted, for `serve({ logger })`.
 *
 * @example
 * ```ts
 * await serve(server, { logger: createServerLogger({ level: 'info', name: 'crm' }) })
 * ```
 */
export function createServerLogger(options: ServerLoggerOptions = {}): Logger {
  const level = options.level ?? 'info'
  if (!LOG_LEVEL_NAMES.includes(level)) {
    throw new ToolwireConfigError(
      `logger: "level" must be one of ${LOG_LEVEL_NAMES.join(', ')}, got "${level}"`,
    )
  }
  return pino(
    {
      level,
      ...(options.name ? { name: options.name } : {}),
      redact: { paths: [...REDACT_PATHS, ...(options.redactPaths ?? [])], censor: '[Redacted]' },
      timestamp: stdTimeFunctions.isoTime,
    },
    options.destination ?? destination({ dest: 1, sync: false }),
  )
}
