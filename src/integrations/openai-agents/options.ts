/**
 * Options of `toolwire/openai-agents`' `MCPServerStreamableHttp`: `@openai/agents`' own names and
 * units (`url` at the top level, `timeout` in milliseconds for tool calls,
 * `clientSessionTimeoutSeconds` for the rest), plus toolwire's policies under toolwire's names.
 * Translated once, at construction, into the toolwire client's options.
 */
import type { MCPServerStreamableHttpOptions as ToolwireClientOptions } from '../../client/index.js'
import { ToolwireConfigError } from '../../client/index.js'
import type { OpenAIAgentsServerOptions } from './openai-agents-server.js'
import { checkTime, TIME_RULES } from './units.js'

const OWNER = 'MCPServerStreamableHttp'

/** toolwire's policies, under their toolwire names and with their toolwire defaults. */
export type ToolwirePolicyOptions = Pick<
  ToolwireClientOptions,
  | 'auth'
  | 'tokenRefreshSkewSeconds'
  | 'maxRetryAttempts'
  | 'retryBackoffSecondsBase'
  | 'retryBackoffSecondsMax'
  | 'circuitBreaker'
  | 'tls'
  | 'maxConnections'
  | 'dispatcher'
  | 'toolsCacheTtlSeconds'
  | 'toolListCache'
  | 'toolErrors'
  | 'protocolEra'
  | 'clientInfo'
  | 'maxResponseBytes'
  | 'onWarning'
  | 'handlers'
>

export interface MCPServerStreamableHttpOptions extends OpenAIAgentsServerOptions, ToolwirePolicyOptions {
  /** The MCP endpoint, e.g. `https://crm.example.com/mcp`. */
  url: string
  /** The server's name (tool-name prefixes, traces, toolwire's errors). @default `streamable-http: <url>` */
  name?: string
  /**
   * Keep the tool list (in toolwire's cache: per caller identity, expiring on the server's
   * `ttlMs` and on `notifications/tools/list_changed`) until `invalidateToolsCache()`. @default false
   */
  cacheToolsList?: boolean
  /**
   * Milliseconds one tool-call attempt may take, as in `@openai/agents`; 100 to 3,600,000
   * (a smaller value is refused as probably seconds). @default 60000
   */
  timeout?: number
  /**
   * Seconds every other request (connect, tools/list) may take, as in `@openai/agents`; 0.1 to
   * 600 (a larger value is refused as probably milliseconds). @default 5
   */
  clientSessionTimeoutSeconds?: number
  /** Headers sent on every request. Same as `requestInit.headers`; both may be given. */
  headers?: Record<string, string>
  /** As in `@openai/agents`; only `headers` applies (toolwire sends through undici, not fetch). */
  requestInit?: { headers?: ConstructorParameters<typeof Headers>[0] }
  /** Receives toolwire's warnings through `logger.warn` (`@openai/agents`' `Logger` fits). @default console.warn */
  logger?: { warn(message: string): void }
  /** Seconds to connect and to receive response headers (toolwire's `params.timeout`); 0.1 to 600. @default 5 */
  connectTimeoutSeconds?: number
  /** Longest silence between SSE events, in seconds (toolwire's `params.sseReadTimeout`); 0.1 to 3600. @default 300 */
  sseReadTimeoutSeconds?: number
  /** Send DELETE for a 2025-era session on `close()`. @default true */
  terminateOnClose?: boolean
}

/** `@openai/agents` options this class cannot honour, and what to use instead. */
const UNSUPPORTED: Record<string, string> = {
  authProvider: 'use auth: oauth({ … }) or clientCredentials(…) from toolwire/client',
  fetch: 'use dispatcher (an undici Agent, Pool or ProxyAgent) or tls',
  reconnectionOptions: 'toolwire resumes 2025-era streams and re-initializes lost sessions on its own',
  sessionId: 'toolwire manages 2025-era sessions itself',
  toolMetaResolver: 'the toolwire client cannot send request _meta with tools/call yet',
  params:
    'this class takes @openai/agents options (url at the top level); for toolwire params, wrap a toolwire/client MCPServerStreamableHttp with toOpenAIAgentsServer()',
}

/** @openai/agents' default tool-call timeout (the MCP SDK's DEFAULT_REQUEST_TIMEOUT_MSEC). */
const DEFAULT_TOOL_CALL_MS = 60_000

function headersOf(options: MCPServerStreamableHttpOptions): Record<string, string> {
  const init = options.requestInit
  if (init !== undefined) {
    const extra = Object.keys(init).filter((key) => key !== 'headers')
    if (extra.length > 0) {
      throw new ToolwireConfigError(
        `${OWNER}: requestInit.${extra[0]} is not supported: only requestInit.headers applies (use dispatcher or tls for the rest)`,
      )
    }
  }
  return { ...Object.fromEntries(new Headers(init?.headers ?? {})), ...options.headers }
}

/** The toolwire client options for these `@openai/agents` options; refuses what cannot be honoured. */
export function toToolwireOptions(options: MCPServerStreamableHttpOptions): ToolwireClientOptions {
  if (options === null || typeof options !== 'object' || typeof options.url !== 'string') {
    throw new ToolwireConfigError(`${OWNER}: option "url" is required (a string, at the top level)`)
  }
  for (const [key, instead] of Object.entries(UNSUPPORTED)) {
    if ((options as unknown as Record<string, unknown>)[key] !== undefined) {
      throw new ToolwireConfigError(`${OWNER}: option "${key}" is not supported: ${instead}`)
    }
  }
  const { url, logger } = options
  const connect = checkTime(options.connectTimeoutSeconds, TIME_RULES.connectTimeoutSeconds, OWNER)
  const sseRead = checkTime(options.sseReadTimeoutSeconds, TIME_RULES.sseReadTimeoutSeconds, OWNER)
  const session = checkTime(
    options.clientSessionTimeoutSeconds,
    TIME_RULES.clientSessionTimeoutSeconds,
    OWNER,
  )
  const policies: ToolwirePolicyOptions = {}
  for (const key of POLICY_KEYS) {
    if (options[key] !== undefined) Object.assign(policies, { [key]: options[key] })
  }
  return {
    ...policies,
    name: options.name ?? `streamable-http: ${url}`,
    params: {
      url,
      headers: headersOf(options),
      ...(connect === undefined ? {} : { timeout: connect }),
      ...(sseRead === undefined ? {} : { sseReadTimeout: sseRead }),
      ...(options.terminateOnClose === undefined ? {} : { terminateOnClose: options.terminateOnClose }),
    },
    ...(session === undefined ? {} : { clientSessionTimeoutSeconds: session }),
    ...(options.cacheToolsList === undefined ? {} : { cacheToolsList: options.cacheToolsList }),
    ...(options.onWarning === undefined && logger ? { onWarning: (m: string) => logger.warn(m) } : {}),
  }
}

/** The adapter's own options, with `@openai/agents`' default tool-call timeout. */
export function toServerOptions(options: MCPServerStreamableHttpOptions): OpenAIAgentsServerOptions {
  const { toolFilter, useStructuredContent, errorFunction, customDataExtractor } = options
  return {
    timeout: options.timeout ?? DEFAULT_TOOL_CALL_MS,
    ...(toolFilter === undefined ? {} : { toolFilter }),
    ...(useStructuredContent === undefined ? {} : { useStructuredContent }),
    ...(errorFunction === undefined ? {} : { errorFunction }),
    ...(customDataExtractor === undefined ? {} : { customDataExtractor }),
  }
}

const POLICY_KEYS = [
  'auth',
  'tokenRefreshSkewSeconds',
  'maxRetryAttempts',
  'retryBackoffSecondsBase',
  'retryBackoffSecondsMax',
  'circuitBreaker',
  'tls',
  'maxConnections',
  'dispatcher',
  'toolsCacheTtlSeconds',
  'toolListCache',
  'toolErrors',
  'protocolEra',
  'clientInfo',
  'maxResponseBytes',
  'onWarning',
  'handlers',
] as const satisfies ReadonlyArray<keyof ToolwirePolicyOptions>
