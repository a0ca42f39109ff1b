/** MCPServerStdio options: documented defaults, applied and validated in one place. */
import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import { ToolwireConfigError } from '../protocol/errors.js'
import type { StderrMode } from '../transport/client/stdio-process.js'
import { defaultEnvironment } from '../transport/client/stdio-process.js'
import type { RestartPolicy } from '../transport/client/stdio-wire.js'
import type { MCPServerStreamableHttpOptions } from './options.js'
import type { ResolvedToolListLimits } from './tool-definitions.js'
import { DEFAULT_TOOL_LIST_LIMITS } from './tool-definitions.js'

export interface StdioServerParams {
  /** The program to run, e.g. `npx` or `/usr/local/bin/my-server` (never through a shell). */
  command: string
  /** Its arguments, e.g. `['-y', '@modelcontextprotocol/server-everything', 'stdio']`. @default [] */
  args?: readonly string[]
  /**
   * Variables added to the process's environment, e.g. `{ API_KEY: '…' }`. The process gets
   * only these and `PATH`, `HOME`, `USER`, `LOGNAME`, `SHELL`, `TERM` (Windows: the system
   * ones), unless `inheritEnv` is on: a local tool does not see your `OPENAI_API_KEY` by accident.
   * @default {}
   */
  env?: Record<string, string>
  /** Pass this process's whole environment (then `env` on top). @default false */
  inheritEnv?: boolean
  /** Working directory of the process. @default this process's */
  cwd?: string
  /**
   * The process's stderr (its logs): `pipe` hands each line to `onStderr` and keeps the last
   * lines for error messages; `inherit` shares this process's stderr; `ignore` drops it.
   * @default 'pipe'
   */
  stderr?: StderrMode
}

/** Restarting a crashed server process on the next use. */
export interface RestartOnCrashOptions {
  /** Consecutive crashes after which it is not started again (a good handshake resets the count). @default 3 */
  maxRestarts?: number
  /** Backoff base in seconds: restart n waits up to base × 2^(n-1) after the crash. @default 0.5 */
  backoffSecondsBase?: number
  /** Longest backoff, in seconds. @default 10 */
  backoffSecondsMax?: number
}

/** The options MCPServerStdio shares with MCPServerStreamableHttp (same names, same defaults). */
type SharedOptions = Pick<
  MCPServerStreamableHttpOptions,
  | 'clientSessionTimeoutSeconds'
  | 'maxRetryAttempts'
  | 'retryBackoffSecondsBase'
  | 'retryBackoffSecondsMax'
  | 'circuitBreaker'
  | 'cacheToolsList'
  | 'toolsCacheTtlSeconds'
  | 'strictCacheHints'
  | 'toolListLimits'
  | 'toolListCache'
  | 'toolFilter'
  | 'toolErrors'
  | 'protocolEra'
  | 'clientInfo'
  | 'onWarning'
  | 'handlers'
>

export interface MCPServerStdioOptions extends SharedOptions {
  /** A name for errors, events and logs, e.g. `Files`. @default the command's file name */
  name?: string
  params: StdioServerParams
  /**
   * Start the process again after it exits on its own (on the next call, after a backoff);
   * calls in flight fail with `McpConnectionError` and idempotent ones are retried on the new
   * process. `false`: a crashed server stays down. @default { maxRestarts: 3, backoffSecondsBase: 0.5, backoffSecondsMax: 10 }
   */
  restartOnCrash?: boolean | RestartOnCrashOptions
  /** Seconds between closing stdin, SIGTERM and SIGKILL when the client closes. @default 2 */
  shutdownGraceSeconds?: number
  /** Each stderr line, with `stderr: 'pipe'`. @default written to this process's stderr as `[name] line` */
  onStderr?: (line: string) => void
  /** Bytes of stderr kept for error messages, with `stderr: 'pipe'`. @default 4096 */
  stderrTailBytes?: number
  /** Cap on one message from the server, in bytes. @default 16777216 (16 MiB) */
  maxMessageBytes?: number
}

export interface ResolvedStdioOptions {
  name: string
  command: string
  args: string[]
  env: Record<string, string>
  cwd: string | undefined
  stderr: StderrMode
  /** Identifies this exact configuration (command, args, cwd, env): the tool-list cache key. */
  cacheKey: string
  requestSeconds: number
  maxRetryAttempts: number
  retryBackoffSecondsBase: number
  retryBackoffSecondsMax: number
  restart: RestartPolicy | undefined
  shutdownGraceMs: number
  stderrTailBytes: number
  maxMessageBytes: number
  toolErrors: 'result' | 'throw'
  toolListLimits: ResolvedToolListLimits
}

const STDERR_MODES: readonly string[] = ['pipe', 'inherit', 'ignore']

function fail(message: string): never {
  throw new ToolwireConfigError(`MCPServerStdio: ${message}`)
}

function seconds(value: number | undefined, fallback: number, option: string): number {
  const v = value ?? fallback
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    fail(`option "${option}" must be a positive number of seconds, got ${v}`)
  return v
}

function count(value: number | undefined, rule: { fallback: number; option: string; min: number }): number {
  const { fallback, option, min } = rule
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < min) fail(`option "${option}" must be an integer ≥ ${min}, got ${v}`)
  return v
}

function strings(value: unknown, option: string): Record<string, string> {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null) fail(`option "${option}" must be an object of strings`)
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail(`${option}.${key} must be a string, got ${typeof v}`)
  }
  return value as Record<string, string>
}

function restartPolicy(option: MCPServerStdioOptions['restartOnCrash']): RestartPolicy | undefined {
  if (option === false) return undefined
  const o = option === true || option === undefined ? {} : option
  return {
    maxRestarts: count(o.maxRestarts, { fallback: 3, option: 'restartOnCrash.maxRestarts', min: 0 }),
    backoffMsBase: seconds(o.backoffSecondsBase, 0.5, 'restartOnCrash.backoffSecondsBase') * 1000,
    backoffMsMax: seconds(o.backoffSecondsMax, 10, 'restartOnCrash.backoffSecondsMax') * 1000,
  }
}

export function resolveStdioOptions(options: MCPServerStdioOptions): ResolvedStdioOptions {
  const params = options?.params
  if (!params) fail('option "params" is required')
  if (typeof params.command !== 'string' || params.command.trim() === '')
    fail('option "params.command" must name the program to run')
  const args = params.args ?? []
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string'))
    fail('option "params.args" must be an array of strings')
  if (params.cwd !== undefined && typeof params.cwd !== 'string') fail('option "params.cwd" must be a string')
  const stderr = params.stderr ?? 'pipe'
  if (!STDERR_MODES.includes(stderr)) fail(`option "params.stderr" must be 'pipe', 'inherit' or 'ignore'`)
  if (options.toolErrors !== undefined && options.toolErrors !== 'result' && options.toolErrors !== 'throw')
    fail(`option "toolErrors" must be 'result' or 'throw'`)
  const added = strings(params.env, 'params.env')
  const base = params.inheritEnv
    ? (Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >)
    : defaultEnvironment()
  const env = { ...base, ...added }
  const cacheKey = `stdio:${createHash('sha256')
    .update(JSON.stringify([params.command, args, params.cwd ?? '', Object.entries(env).sort()]))
    .digest('hex')}`
  const limits = { ...DEFAULT_TOOL_LIST_LIMITS }
  for (const key of Object.keys(limits) as Array<keyof ResolvedToolListLimits>)
    limits[key] = count(options.toolListLimits?.[key], {
      fallback: DEFAULT_TOOL_LIST_LIMITS[key],
      option: `toolListLimits.${key}`,
      min: 1,
    })
  return {
    name: options.name ?? basename(params.command),
    command: params.command,
    args: [...args],
    env,
    cwd: params.cwd,
    stderr,
    cacheKey,
    requestSeconds: seconds(options.clientSessionTimeoutSeconds, 5, 'clientSessionTimeoutSeconds'),
    maxRetryAttempts: count(options.maxRetryAttempts, { fallback: 3, option: 'maxRetryAttempts', min: 0 }),
    retryBackoffSecondsBase: seconds(options.retryBackoffSecondsBase, 1, 'retryBackoffSecondsBase'),
    retryBackoffSecondsMax: seconds(options.retryBackoffSecondsMax, 30, 'retryBackoffSecondsMax'),
    restart: restartPolicy(options.restartOnCrash),
    shutdownGraceMs: seconds(options.shutdownGraceSeconds, 2, 'shutdownGraceSeconds') * 1000,
    stderrTailBytes: count(options.stderrTailBytes, { fallback: 4096, option: 'stderrTailBytes', min: 1 }),
    maxMessageBytes: count(options.maxMessageBytes, {
      fallback: 16 * 1024 * 1024,
      option: 'maxMessageBytes',
      min: 1,
    }),
    toolErrors: options.toolErrors ?? 'result',
    toolListLimits: limits,
  }
}
