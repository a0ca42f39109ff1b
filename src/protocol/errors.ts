/**
 * toolwire's error hierarchy. Every error has a stable `code` to branch on (a union: a
 * `switch` over it is checked for exhaustiveness), and client errors name the server and URL
 * they concern. Credentials never appear in messages.
 */

/**
 * Every error code, with the class that carries it and what it means. `docs/errors.md` is
 * checked against this table by a test.
 */
export const ERROR_CODES = {
  TOOLWIRE_CONFIG: {
    class: 'ToolwireConfigError',
    meaning: 'an option or argument is invalid; the message names it',
  },
  MCP_CONNECTION: {
    class: 'McpConnectionError',
    meaning: 'the server could not be reached, or the connection broke before an answer',
  },
  MCP_TIMEOUT: {
    class: 'McpTimeoutError',
    meaning: 'a client timeout fired; `timeout` says which, the message names the option',
  },
  MCP_HTTP: {
    class: 'McpHttpError',
    meaning: 'an HTTP status without an MCP answer (404 page, 429, 502, …)',
  },
  MCP_PROTOCOL: {
    class: 'McpProtocolError',
    meaning: 'the server answered, but not with valid MCP, or with a JSON-RPC error (`rpcCode`)',
  },
  MCP_AUTH: {
    class: 'McpAuthError',
    meaning: 'credentials were refused or could not be obtained (OAuth, token provider)',
  },
  MCP_CIRCUIT_OPEN: {
    class: 'CircuitOpenError',
    meaning: 'the circuit breaker is open: the call failed fast without the network',
  },
  MCP_TOOL: {
    class: 'McpToolError',
    meaning: "a tool reported failure (`isError`), with `toolErrors: 'throw'`",
  },
  MCP_CLOSED: { class: 'McpClosedError', meaning: 'the client was closed; create a new one' },
  MCP_TASK: {
    class: 'McpTaskError',
    meaning: 'a task ended `failed` or `cancelled`, or is gone (expired, unknown)',
  },
  MODEL_ERROR: { class: 'ModelError', meaning: 'the model provider failed (HTTP error, malformed response)' },
  MAX_TURNS_EXCEEDED: {
    class: 'MaxTurnsExceededError',
    meaning: 'an agent run used `maxTurns` model calls without a final answer',
  },
  RUN_CANCELLED: { class: 'RunCancelledError', meaning: 'an agent run was cancelled through its `signal`' },
} as const

/** The stable code of every toolwire error. */
export type ToolwireErrorCode = keyof typeof ERROR_CODES

export interface ErrorSite {
  /** The configured server name, e.g. `CRM Tools`. */
  serverName?: string
  /** The MCP endpoint URL (without credentials). */
  url?: string
}

function where(site: ErrorSite): string {
  if (site.serverName && site.url) return ` [${site.serverName} at ${site.url}]`
  if (site.url) return ` [${site.url}]`
  return ''
}

/** Base class of all toolwire errors. */
export class ToolwireError extends Error {
  override name = 'ToolwireError'
  readonly code: ToolwireErrorCode
  readonly serverName: string | undefined
  readonly url: string | undefined
  /** W3C trace id of the request that failed, when there was one. */
  traceId: string | undefined
  /** Set when a retry policy saw this error and did not retry: why not. */
  notRetriedReason: string | undefined
  /** How many attempts were made before this error surfaced. */
  attempts = 1

  constructor(code: ToolwireErrorCode, message: string, options: { site?: ErrorSite; cause?: unknown } = {}) {
    const site = options.site ?? {}
    super(`${message}${where(site)}`, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.serverName = site.serverName
    this.url = site.url
  }
}

/** An option passed to a constructor is invalid. */
export class ToolwireConfigError extends ToolwireError {
  override name = 'ToolwireConfigError'
  constructor(message: string, site?: ErrorSite) {
    super('TOOLWIRE_CONFIG', message, site ? { site } : {})
  }
}

/** The client was closed: create a new one. */
export class McpClosedError extends ToolwireError {
  override name = 'McpClosedError'
  constructor(site: ErrorSite) {
    super('MCP_CLOSED', 'the client was closed; create a new one', { site })
  }
}

/** The server could not be reached, or the connection broke before an answer arrived. */
export class McpConnectionError extends ToolwireError {
  override name = 'McpConnectionError'
  /** True when the request may have reached the server (the connection broke after sending). */
  readonly maybeDelivered: boolean
  constructor(message: string, site: ErrorSite, options: { cause?: unknown; maybeDelivered: boolean }) {
    super('MCP_CONNECTION', message, { site, cause: options.cause })
    this.maybeDelivered = options.maybeDelivered
  }
}

export type TimeoutKind = 'connect' | 'headers' | 'sseRead' | 'request'

/** One of the client's timeouts fired; `timeout` names which and `seconds` its configured value. */
export class McpTimeoutError extends ToolwireError {
  override name = 'McpTimeoutError'
  readonly timeout: TimeoutKind
  readonly seconds: number
  constructor(details: { timeout: TimeoutKind; seconds: number; option: string }, site: ErrorSite) {
    super(
      'MCP_TIMEOUT',
      `${details.timeout} timeout after ${details.seconds} s (option ${details.option}); raise it if the server is slow`,
      { site },
    )
    this.timeout = details.timeout
    this.seconds = details.seconds
  }
}

/** The server answered with an HTTP status that carries no MCP answer (e.g. 404 page, 502). */
export class McpHttpError extends ToolwireError {
  override name = 'McpHttpError'
  readonly status: number
  /** Seconds from a `Retry-After` header, when the server sent one. */
  readonly retryAfterSeconds: number | undefined
  /** The `WWW-Authenticate` header of a 401 or 403 (the server's authorization challenge). */
  readonly wwwAuthenticate: string | undefined
  constructor(
    details: {
      status: number
      method: string
      detail?: string
      retryAfterSeconds?: number
      wwwAuthenticate?: string
    },
    site: ErrorSite,
  ) {
    super(
      'MCP_HTTP',
      `HTTP ${details.status} for ${details.method}${details.detail ? `: ${details.detail}` : ''}`,
      { site },
    )
    this.status = details.status
    this.retryAfterSeconds = details.retryAfterSeconds
    this.wwwAuthenticate = details.wwwAuthenticate
  }
}

/** The server answered, but not with valid MCP (bad JSON, bad SSE, HTML page, or a JSON-RPC error). */
export class McpProtocolError extends ToolwireError {
  override name = 'McpProtocolError'
  /** The JSON-RPC error code when the server sent an error response. */
  readonly rpcCode: number | undefined
  readonly data: unknown
  constructor(
    message: string,
    site: ErrorSite,
    details: { rpcCode?: number; data?: unknown; cause?: unknown } = {},
  ) {
    super('MCP_PROTOCOL', message, { site, cause: details.cause })
    this.rpcCode = details.rpcCode
    this.data = details.data
  }
}

export function isToolwireError(value: unknown): value is ToolwireError {
  return value instanceof ToolwireError
}

/** The server refused our credentials (even after one token refresh), or none could be obtained. */
export class McpAuthError extends ToolwireError {
  override name = 'McpAuthError'
  /** The HTTP status that refused us (401, 403), or `undefined` when no server answered (e.g. the provider failed). */
  readonly status: number | undefined
  constructor(
    message: string,
    site: ErrorSite,
    details: { status?: number | undefined; cause?: unknown } = {},
  ) {
    super('MCP_AUTH', message, { site, cause: details.cause })
    this.status = details.status
  }
}

/** The circuit breaker is open: calls fail at once, without touching the network. */
export class CircuitOpenError extends ToolwireError {
  override name = 'CircuitOpenError'
  /** Seconds until the breaker lets one probe call through. */
  readonly retryInSeconds: number
  constructor(retryInSeconds: number, site: ErrorSite) {
    super(
      'MCP_CIRCUIT_OPEN',
      `${site.serverName ?? 'the server'} is unavailable (circuit open, retry in ${Math.ceil(retryInSeconds)} s)`,
      { site },
    )
    this.retryInSeconds = retryInSeconds
  }
}

/** A tool reported failure (`isError: true`), raised when `toolErrors: 'throw'` is set. */
export class McpToolError extends ToolwireError {
  override name = 'McpToolError'
  readonly tool: string
  readonly result: unknown
  constructor(tool: string, message: string, details: { site: ErrorSite; result: unknown }) {
    super('MCP_TOOL', `tool ${tool} failed: ${message}`, { site: details.site })
    this.tool = tool
    this.result = details.result
  }
}

/**
 * A tool call that ran as a task (MCP Tasks extension) did not complete: it ended `failed`
 * (`rpcCode`, `data`: the JSON-RPC error it failed with) or `cancelled`, or it is `gone`
 * (expired, or unknown to this server and caller).
 */
export class McpTaskError extends ToolwireError {
  override name = 'McpTaskError'
  readonly taskId: string
  readonly status: 'failed' | 'cancelled' | 'gone'
  readonly rpcCode: number | undefined
  readonly data: unknown
  constructor(
    message: string,
    details: {
      taskId: string
      status: 'failed' | 'cancelled' | 'gone'
      site: ErrorSite
      rpcCode?: number | undefined
      data?: unknown
      cause?: unknown
    },
  ) {
    super('MCP_TASK', `task ${details.taskId} ${message}`, { site: details.site, cause: details.cause })
    this.taskId = details.taskId
    this.status = details.status
    this.rpcCode = details.rpcCode
    this.data = details.data
  }
}
