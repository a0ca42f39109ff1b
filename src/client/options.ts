/** MCPServerStreamableHttp options: documented defaults, applied and validated in one place. */
import type { Dispatcher } from 'undici'
import { ToolwireConfigError } from '../protocol/errors.js'
import type { Implementation, Tool } from '../protocol/types.js'
import type { ProtocolEra } from '../protocol/versions.js'
import type { AuthOption } from './auth/token-source.js'
import type { CircuitBreakerOptions } from './breaker.js'
import type { ClientRequestHandlers } from './client-requests.js'
import type { TlsOptions } from './connection-pools.js'
import { CLIENT_TIME_RULES, checkTime, type TimeRule } from './time-units.js'
import type { ToolListCache } from './tool-cache.js'
import {
  DEFAULT_TOOL_LIST_LIMITS,
  type ResolvedToolListLimits,
  type ToolListLimits,
} from './tool-definitions.js'
import { USER_AGENT } from './user-agent.js'

export interface StreamableHttpParams {
  /** The MCP endpoint, e.g. `https://crm.example.com/mcp`. */
  url: string | URL
  /**
   * Headers sent on every request, e.g. `{ Authorization: 'Bearer …', 'X-Team': 'sales' }`.
   * `User-Agent` is `toolwire/<version> node/<version>` unless given here.
   */
  headers?: Record<string, string>
  /** Seconds to connect and to receive response headers. @default 5 */
  timeout?: number
  /** Longest silence between SSE events (or body chunks), in seconds. @default 300 */
  sseReadTimeout?: number
  /** Send DELETE for a 2025-era session on `close()`. @default true */
  terminateOnClose?: boolean
}

/** Keep only some tools: by name lists, or a predicate. */
export type ToolFilter =
  | { allowed?: readonly string[]; blocked?: readonly string[] }
  | ((context: { serverName: string }, tool: Tool) => boolean)

export interface MCPServerStreamableHttpOptions {
  /** A name for errors, events and logs, e.g. `CRM Tools`. @default the URL's host */
  name?: string
  params: StreamableHttpParams
  /** Seconds one JSON-RPC request (one attempt) may take end to end. @default 5 */
  clientSessionTimeoutSeconds?: number
  /** Retries after a failed attempt, for failures that are safe to repeat (0: none). @default 3 */
  maxRetryAttempts?: number
  /** Exponential backoff base in seconds: retry n waits a random time up to base × 2^(n-1). @default 1 */
  retryBackoffSecondsBase?: number
  /** Longest wait between retries, in seconds (also caps `Retry-After`). @default 30 */
  retryBackoffSecondsMax?: number
  /** Bearer tokens: a function returning one, or a provider such as `clientCredentials(…)`. */
  auth?: AuthOption
  /** Refresh tokens with a known expiry this many seconds ahead of it. @default 30 */
  tokenRefreshSkewSeconds?: number
  /** Fail fast after consecutive failures; `false` turns it off. @default { failureThreshold: 5, resetTimeoutSeconds: 30 } */
  circuitBreaker?: CircuitBreakerOptions | false
  /** Client certificate (mTLS) and trust settings. */
  tls?: TlsOptions
  /** Connections per origin in the shared keep-alive pool. @default 100 */
  maxConnections?: number
  /** Send through your own undici dispatcher (Agent, Pool, ProxyAgent) instead of the shared pool. */
  dispatcher?: Dispatcher
  /** Keep the tool list across calls and connections until it expires or is invalidated. @default false */
  cacheToolsList?: boolean
  /** Our own limit on a cached tool list's age, in seconds (the server's `ttlMs` hint also applies). @default none */
  toolsCacheTtlSeconds?: number
  /**
   * How a 2026-07-28 list's `ttlMs` of 0 (or less) is read with `cacheToolsList`. `false`: as
   * "no guidance" (SDK servers send 0 by default), so the list is kept as `cacheToolsList` asks,
   * until invalidated or `toolsCacheTtlSeconds`. `true`: as the specification words it, stale at
   * once, so it is not cached. A positive `ttlMs` always bounds the cache; an absent one never
   * does. @default false
   */
  strictCacheHints?: boolean
  /** Bounds on a server's tool list (pages, tools, description and schema sizes). @default see `ToolListLimits` */
  toolListLimits?: ToolListLimits
  /** The cache `cacheToolsList` uses. @default a cache shared by the whole process */
  toolListCache?: ToolListCache
  /** Which tools `listTools()` offers and `callTool()` accepts. @default all */
  toolFilter?: ToolFilter
  /** `result`: tool failures come back as `isError` results; `throw`: as `McpToolError`. @default 'result' */
  toolErrors?: 'result' | 'throw'
  /** `auto` prefers 2026-07-28 and falls back to the 2025 handshake. @default 'auto' */
  protocolEra?: ProtocolEra | 'auto'
  /** How this client introduces itself. @default { name: 'toolwire', version: <this package's version> } */
  clientInfo?: Implementation
  /** Cap on one response body, in bytes. @default 16777216 (16 MiB) */
  maxResponseBytes?: number
  /** Warnings (rejected tool definitions, a failed notification stream). @default console.warn */
  onWarning?: (message: string) => void
  /**
   * Answers to what servers ask mid-call in 2025-era sessions: `sampling`, `elicitation`
   * (schema defaults applied to accepted forms), `roots`. Each handler declares its capability;
   * without one, such requests are refused with JSON-RPC -32601. @default none
   */
  handlers?: ClientRequestHandlers
  /**
   * Declare the MCP Tasks extension: a server may then answer a long tool call with a task,
   * which `callTool` polls transparently (progress, questions and cancellation included) and
   * `startTask()` hands to you. `false`: tools that need tasks answer -32021. @default true
   */
  tasks?: boolean
}

export interface ResolvedOptions {
  name: string
  url: URL
  headers: Record<string, string>
  timeoutSeconds: number
  sseReadTimeoutSeconds: number
  terminateOnClose: boolean
  requestSeconds: number
  maxRetryAttempts: number
  retryBackoffSecondsBase: number
  retryBackoffSecondsMax: number
  tokenRefreshSkewSeconds: number
  maxConnections: number
  maxResponseBytes: number
  toolErrors: 'result' | 'throw'
  toolListLimits: ResolvedToolListLimits
}

function seconds(value: number | undefined, fallback: number, option: string): number {
  const rule = (CLIENT_TIME_RULES as Record<string, TimeRule>)[option]
  if (rule && typeof value === 'number' && value > 0) checkTime(value, rule, 'MCPServerStreamableHttp')
  const v = value ?? fallback
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new ToolwireConfigError(
      `MCPServerStreamableHttp: option "${option}" must be a positive number of seconds, got ${v}`,
    )
  }
  return v
}

function count(value: number | undefined, rule: { fallback: number; option: string; min: number }): number {
  const { fallback, option, min } = rule
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < min) {
    throw new ToolwireConfigError(
      `MCPServerStreamableHttp: option "${option}" must be an integer ≥ ${min}, got ${v}`,
    )
  }
  return v
}

function parseUrl(url: string | URL): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ToolwireConfigError(
      `MCPServerStreamableHttp: option "params.url" is not a valid URL: ${String(url)}`,
    )
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ToolwireConfigError(
      `MCPServerStreamableHttp: option "params.url" must be http(s), got ${parsed.protocol}`,
    )
  }
  if (parsed.username || parsed.password) {
    throw new ToolwireConfigError(
      'MCPServerStreamableHttp: put credentials in params.headers or auth, not in params.url',
    )
  }
  return parsed
}

export function resolveOptions(options: MCPServerStreamableHttpOptions): ResolvedOptions {
  const params = options?.params
  if (!params) throw new ToolwireConfigError('MCPServerStreamableHttp: option "params" is required')
  const url = parseUrl(params.url)
  const headers: Record<string, string> = { 'user-agent': USER_AGENT }
  for (const [name, value] of Object.entries(params.headers ?? {})) {
    if (typeof value !== 'string') {
      throw new ToolwireConfigError(
        `MCPServerStreamableHttp: header "${name}" in params.headers must be a string`,
      )
    }
    headers[name.toLowerCase()] = value
  }
  if (options.toolErrors !== undefined && options.toolErrors !== 'result' && options.toolErrors !== 'throw') {
    throw new ToolwireConfigError(`MCPServerStreamableHttp: option "toolErrors" must be 'result' or 'throw'`)
  }
  return {
    name: options.name ?? url.host,
    url,
    headers,
    timeoutSeconds: seconds(params.timeout, 5, 'params.timeout'),
    sseReadTimeoutSeconds: seconds(params.sseReadTimeout, 300, 'params.sseReadTimeout'),
    terminateOnClose: params.terminateOnClose ?? true,
    requestSeconds: seconds(options.clientSessionTimeoutSeconds, 5, 'clientSessionTimeoutSeconds'),
    maxRetryAttempts: count(options.maxRetryAttempts, { fallback: 3, option: 'maxRetryAttempts', min: 0 }),
    retryBackoffSecondsBase: seconds(options.retryBackoffSecondsBase, 1, 'retryBackoffSecondsBase'),
    retryBackoffSecondsMax: seconds(options.retryBackoffSecondsMax, 30, 'retryBackoffSecondsMax'),
    tokenRefreshSkewSeconds: options.tokenRefreshSkewSeconds ?? 30,
    maxConnections: count(options.maxConnections, { fallback: 100, option: 'maxConnections', min: 1 }),
    maxResponseBytes: count(options.maxResponseBytes, {
      fallback: 16 * 1024 * 1024,
      option: 'maxResponseBytes',
      min: 1,
    }),
    toolErrors: options.toolErrors ?? 'result',
    toolListLimits: resolveToolListLimits(options.toolListLimits ?? {}),
  }
}

function resolveToolListLimits(limits: ToolListLimits): ResolvedToolListLimits {
  const resolved = { ...DEFAULT_TOOL_LIST_LIMITS }
  for (const key of Object.keys(resolved) as Array<keyof ResolvedToolListLimits>) {
    resolved[key] = count(limits[key], {
      fallback: DEFAULT_TOOL_LIST_LIMITS[key],
      option: `toolListLimits.${key}`,
      min: 1,
    })
  }
  return resolved
}

/** Whether `tool` passes the filter. */
export function toolAllowed(filter: ToolFilter | undefined, serverName: string, tool: Tool): boolean {
  if (!filter) return true
  if (typeof filter === 'function') return filter({ serverName }, tool)
  if (filter.allowed && !filter.allowed.includes(tool.name)) return false
  return !filter.blocked?.includes(tool.name)
}
