/**
 * `serveStdio()`: a `ToolServer` over the MCP stdio transport, for clients that run it as a
 * local process (Claude Desktop, IDEs, `MCPServerStdio`, the SDKs' stdio clients). stdout
 * carries protocol messages only; logs go to stderr.
 */
import type { Readable, Writable } from 'node:stream'
import type { Logger } from 'pino'
import { ToolwireConfigError } from '../protocol/errors.js'
import { StdioConnection } from '../transport/server/stdio-connection.js'
import { createServerLogger } from './observability/logging.js'
import type { ToolServer } from './tool-server.js'

export interface ServeStdioOptions {
  /** Where messages come from. @default process.stdin */
  input?: Readable
  /** Where answers go: nothing else is ever written there. @default process.stdout */
  output?: Writable
  /** Cap on one incoming message, in bytes. @default 4194304 (4 MiB) */
  maxMessageBytes?: number
  /** Requests answered at once; more are refused with -31000 until some finish. @default 100 */
  maxConcurrentRequests?: number
  /**
   * A pino logger; it must not write to stdout. @default warnings as JSON lines on stderr
   * (`createServerLogger({ level: 'warn', destination: 2 })`)
   */
  logger?: Pick<Logger, 'warn' | 'info'>
  /**
   * Exit the process once the client closes stdin and calls have settled, and stop gracefully
   * on SIGINT/SIGTERM, as a stdio server is expected to. @default true with process.stdin, else false
   */
  exitOnClose?: boolean
}

export interface RunningStdioServer {
  /** Resolves once the client has gone (its input ended) or `close()` was called. */
  readonly closed: Promise<void>
  /** Requests being answered now. */
  readonly inFlightCount: number
  /** Aborts calls in flight, waits for them to settle (up to 2 s), stops notifications. */
  close(): Promise<void>
}

function positiveInteger(value: number | undefined, fallback: number, option: string): number {
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < 1)
    throw new ToolwireConfigError(`serveStdio: option "${option}" must be an integer ≥ 1, got ${v}`)
  return v
}

/**
 * Serves `server` on stdin/stdout until the client closes stdin.
 *
 * @example
 * ```ts
 * // server.ts, run by the client as `node server.js` (or `npx toolwire serve server.js --stdio`)
 * serveStdio(new ToolServer({ name: 'files', version: '1.0.0' }).tool(…))
 * ```
 */
export function serveStdio(server: ToolServer, options: ServeStdioOptions = {}): RunningStdioServer {
  const input = options.input ?? process.stdin
  const output = options.output ?? process.stdout
  const logger =
    options.logger ?? createServerLogger({ level: 'warn', destination: 2, name: server.info.name })
  const connection = new StdioConnection(server, {
    input,
    output,
    maxMessageBytes: positiveInteger(options.maxMessageBytes, 4 * 1024 * 1024, 'maxMessageBytes'),
    maxConcurrentRequests: positiveInteger(options.maxConcurrentRequests, 100, 'maxConcurrentRequests'),
    onWarning: (message, details) => logger.warn(details ?? {}, message),
  })
  const detach = server.addNotificationTarget(connection)
  const closed = connection.ended.then(detach)
  if (options.exitOnClose ?? input === process.stdin) {
    const stop = () => void connection.close().then(() => process.exit(0))
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    void closed.then(() => {
      // Let the last answers reach the client before leaving.
      if (output === process.stdout && process.stdout.writableLength > 0)
        process.stdout.once('drain', () => process.exit(0))
      else process.exit(0)
    })
  }
  return {
    closed,
    get inFlightCount() {
      return connection.inFlightCount
    },
    close: () => connection.close().then(() => closed),
  }
}
