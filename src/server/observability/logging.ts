/** The pino logger `serve()` makes when given a `logLevel` instead of a logger. */

import { createRequire } from 'node:module'
import { hostname } from 'node:os'
import type { DestinationStream, Logger } from 'pino'
import { ToolwireConfigError } from '../../protocol/errors.js'
import { ACCESS_LINE, accessLineWriter } from './access-line.js'

export const LOG_LEVEL_NAMES = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type ServerLogLevel = (typeof LOG_LEVEL_NAMES)[number]

export interface ServerLoggerOptions {
  /** Lowest level written. @default 'info' */
  level?: ServerLogLevel
  /** Service name on every line (`name`). @default none */
  name?: string
  /** Where lines go: a file path, a file descriptor, or a stream. @default 1 (stdout) */
  destination?: string | number | DestinationStream
  /**
   * Lines are gathered up to this many bytes before a write (one write per line costs ~30% of
   * a busy server's CPU), and written at least every `flushIntervalSeconds` and at exit.
   * 0 writes every line at once. @default 4096
   */
  bufferBytes?: number
  /** Longest time a buffered line waits, in seconds. @default 1 */
  flushIntervalSeconds?: number
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
  const bufferBytes = options.bufferBytes ?? 4096
  const flushSeconds = options.flushIntervalSeconds ?? 1
  if (!Number.isInteger(bufferBytes) || bufferBytes < 0 || bufferBytes > 16_000) {
    throw new ToolwireConfigError(
      `logger: "bufferBytes" must be a whole number from 0 to 16000, got ${bufferBytes}`,
    )
  }
  if (!(flushSeconds > 0)) {
    throw new ToolwireConfigError(`logger: "flushIntervalSeconds" must be > 0, got ${flushSeconds}`)
  }
  const stream =
    typeof options.destination === 'object'
      ? options.destination
      : lineBuffer(
          // Synchronous writes of whole buffers: one write(2) per `bufferBytes`, no thread-pool
          // round trip per write (which measured as costly as the serialization).
          loadPino().destination({ dest: options.destination ?? 1, sync: true, minLength: 0 }),
          { bufferBytes, flushSeconds },
        )
  const { pino, stdTimeFunctions } = loadPino()
  const logger = pino(
    {
      level,
      ...(options.name ? { name: options.name } : {}),
      redact: { paths: [...REDACT_PATHS, ...(options.redactPaths ?? [])], censor: '[Redacted]' },
      timestamp: stdTimeFunctions.isoTime,
    },
    stream,
  )
  // The request line's fields hold no headers or cookies: with only the default redaction
  // paths, it can skip pino's generic serializer (same line, same stream).
  if (!options.redactPaths?.length) {
    const bindings = {
      pid: process.pid,
      hostname: hostname(),
      ...(options.name ? { name: options.name } : {}),
    }
    Object.defineProperty(logger, ACCESS_LINE, { value: accessLineWriter(stream, bindings) })
  }
  return logger
}

type SyncDestination = ReturnType<typeof import('pino').destination>

let pinoModule: typeof import('pino') | undefined
/** pino, loaded when the first logger is made: a server that logs nothing never loads it. */
function loadPino(): typeof import('pino') {
  pinoModule ??= createRequire(import.meta.url)('pino') as typeof import('pino')
  return pinoModule
}

/**
 * Lines gathered in one string and handed to a synchronous SonicBoom a buffer at a time.
 * SonicBoom's own `minLength` buffering re-measures its pending buffer's byte length on every
 * write (~1 µs per line at 4 KiB); this counts characters as lines arrive.
 */
class LineBuffer {
  #pending = ''
  readonly #limit: number
  readonly #sink: SyncDestination

  constructor(sink: SyncDestination, limit: number) {
    this.#sink = sink
    this.#limit = limit
  }

  write(line: string): boolean {
    if (this.#pending === '') unwritten.add(this)
    this.#pending += line
    if (this.#pending.length >= this.#limit) this.drain()
    return true
  }

  /** Writes what is pending now. */
  drain(): void {
    if (this.#pending === '') return
    const text = this.#pending
    this.#pending = ''
    unwritten.delete(this)
    this.#sink.write(text)
  }

  /** pino's `logger.flush(cb)`. */
  flush(done?: (error?: Error) => void): void {
    this.drain()
    this.#sink.flush(done)
  }

  flushSync(): void {
    this.drain()
    this.#sink.flushSync()
  }

  end(): void {
    this.drain()
    this.#sink.end()
  }
}

/**
 * Buffers holding lines not yet written: held strongly until drained, so lines of a logger the
 * program no longer references are still written (by the interval or at exit), never collected.
 */
const unwritten = new Set<LineBuffer>()
/** Buffers still open, drained at process exit (weakly held: a dropped logger is collected). */
const openBuffers = new Set<WeakRef<LineBuffer>>()
let exitHookInstalled = false

function lineBuffer(
  sink: SyncDestination,
  { bufferBytes, flushSeconds }: { bufferBytes: number; flushSeconds: number },
): DestinationStream {
  if (bufferBytes === 0) return sink
  const buffer = new LineBuffer(sink, bufferBytes)
  const ref = new WeakRef(buffer)
  openBuffers.add(ref)
  const timer = setInterval(() => {
    const live = ref.deref()
    if (live) return live.drain()
    clearInterval(timer)
    openBuffers.delete(ref)
  }, flushSeconds * 1000)
  timer.unref()
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', () => {
      for (const open of openBuffers) open.deref()?.drain()
      for (const buffer of unwritten) buffer.drain()
    })
  }
  return buffer
}
