/** MCPServerStreamableHttp: the object an agent holds for one remote MCP tool server. */
import { Agent, type Dispatcher } from 'undici'
import { type ErrorSite, McpProtocolError, McpTimeoutError, ToolwireConfigError } from '../protocol/errors.js'
import { ErrorCode, isObject, type JsonRpcMessage } from '../protocol/jsonrpc.js'
import type {
  CallToolResult,
  ClientCapabilities,
  Implementation,
  ServerDescription,
  Tool,
} from '../protocol/types.js'
import type { ProtocolEra } from '../protocol/versions.js'
import { CallSignal } from '../transport/call-signal.js'
import { ClientSession } from '../transport/client-session.js'
import { HttpWire } from '../transport/http-client.js'

export interface StreamableHttpParams {
  /** The MCP endpoint, e.g. `https://crm.example.com/mcp`. */
  url: string | URL
  /** Headers sent on every request, e.g. `{ Authorization: 'Bearer …' }`. */
  headers?: Record<string, string>
  /** Seconds to connect and to receive response headers. @default 5 */
  timeout?: number
  /** Longest silence between SSE events (or body chunks), in seconds. @default 300 */
  sseReadTimeout?: number
  /** Send DELETE for a 2025-era session on `close()`. @default true */
  terminateOnClose?: boolean
}

export interface MCPServerStreamableHttpOptions {
  /** A name for logs and errors, e.g. `CRM Tools`. @default the URL's host */
  name?: string
  params: StreamableHttpParams
  /** Seconds one JSON-RPC request may take end to end. @default 5 */
  clientSessionTimeoutSeconds?: number
  /** Keep the tool list after the first `listTools()` until invalidated. @default false */
  cacheToolsList?: boolean
  /** `auto` prefers 2026-07-28 and falls back to the 2025 handshake. @default 'auto' */
  protocolEra?: ProtocolEra | 'auto'
  /** How this client introduces itself. @default { name: 'toolwire', version: '0.1.0' } */
  clientInfo?: Implementation
  /** An undici dispatcher (Agent, Pool, ProxyAgent) to send requests through. @default a keep-alive Agent */
  dispatcher?: Dispatcher
  /** Cap on one response body, in bytes. @default 16777216 (16 MiB) */
  maxResponseBytes?: number
  /** Called with warnings (rejected tool definitions, a failed notification stream). @default console.warn */
  onWarning?: (message: string) => void
}

export interface CallToolOptions {
  signal?: AbortSignal
  /** Receives `notifications/progress` for this call. */
  onProgress?: (progress: { progress: number; total?: number; message?: string }) => void
  /** Overrides `clientSessionTimeoutSeconds` for this call. */
  timeoutSeconds?: number
}

const CLIENT_INFO: Implementation = { name: 'toolwire', version: '0.1.0' }
const CAPABILITIES: ClientCapabilities = {}

function positive(value: number | undefined, fallback: number, option: string): number {
  const v = value ?? fallback
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new ToolwireConfigError(
      `MCPServerStreamableHttp: option "${option}" must be a positive number of seconds, got ${v}`,
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
      'MCPServerStreamableHttp: put credentials in params.headers, not in params.url',
    )
  }
  return parsed
}

/**
 * A connection to one remote MCP server over Streamable HTTP.
 *
 * @example
 * ```ts
 * const crm = new MCPServerStreamableHttp({ name: 'CRM Tools', params: { url, headers: { Authorization: `Bearer ${token}` } } })
 * await using _ = await crm.connect()
 * const result = await crm.callTool('search_contacts', { query: 'acme' })
 * ```
 */
export class MCPServerStreamableHttp implements AsyncDisposable {
  readonly name: string
  readonly url: URL
  readonly #requestSeconds: number
  readonly #cacheTools: boolean
  readonly #terminateOnClose: boolean
  readonly #ownsDispatcher: boolean
  readonly #dispatcher: Dispatcher
  readonly #session: ClientSession
  readonly #site: ErrorSite
  #tools: Tool[] | undefined
  #connected: Promise<ServerDescription> | undefined

  constructor(options: MCPServerStreamableHttpOptions) {
    const params = options.params
    if (!params) throw new ToolwireConfigError('MCPServerStreamableHttp: option "params" is required')
    this.url = parseUrl(params.url)
    this.name = options.name ?? this.url.host
    const headerSeconds = positive(params.timeout, 5, 'params.timeout')
    const sseSeconds = positive(params.sseReadTimeout, 300, 'params.sseReadTimeout')
    this.#requestSeconds = positive(options.clientSessionTimeoutSeconds, 5, 'clientSessionTimeoutSeconds')
    this.#cacheTools = options.cacheToolsList ?? false
    this.#terminateOnClose = params.terminateOnClose ?? true
    this.#ownsDispatcher = options.dispatcher === undefined
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        connect: { timeout: headerSeconds * 1000 },
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
      })
    this.#site = { serverName: this.name, url: `${this.url.origin}${this.url.pathname}` }
    const wire = new HttpWire({
      url: this.url,
      dispatcher: this.#dispatcher,
      site: this.#site,
      headersTimeoutMs: headerSeconds * 1000,
      bodyTimeoutMs: sseSeconds * 1000,
      maxResponseBytes: options.maxResponseBytes ?? 16 * 1024 * 1024,
      timeoutsSeconds: { connect: headerSeconds, headers: headerSeconds, sseRead: sseSeconds },
    })
    const onWarning =
      options.onWarning ?? ((message: string) => console.warn(`toolwire [${this.name}]: ${message}`))
    this.#session = new ClientSession({
      wire,
      headers: params.headers ?? {},
      clientInfo: options.clientInfo ?? CLIENT_INFO,
      capabilities: CAPABILITIES,
      era: options.protocolEra ?? 'auto',
      onWarning,
      onNotification: (notification) => {
        if (notification.method === 'notifications/tools/list_changed') this.invalidateToolsCache()
      },
    })
  }

  /** What the server said about itself; set after `connect()`. */
  get server(): ServerDescription | undefined {
    return this.#session.server
  }

  /** The protocol revision in use (`2026-07-28`, or a 2025 one). */
  get protocolVersion(): string | undefined {
    return this.#session.server?.protocolVersion
  }

  /** Connects (negotiating the protocol era). Returns `this`, so `await using _ = await s.connect()` works. */
  async connect(options: { signal?: AbortSignal } = {}): Promise<this> {
    this.#connected ??= this.#withTimeout(this.#requestSeconds, options.signal, (signal) =>
      this.#session.connect(signal),
    )
    try {
      await this.#connected
    } catch (error) {
      this.#connected = undefined
      throw error
    }
    return this
  }

  /** Lists all tools (following pagination). Cached when `cacheToolsList` is on. */
  async listTools(options: { signal?: AbortSignal } = {}): Promise<Tool[]> {
    if (this.#cacheTools && this.#tools) return structuredClone(this.#tools)
    await this.#ensureConnected()
    const tools: Tool[] = []
    let cursor: string | undefined
    do {
      const page = await this.#withTimeout(this.#requestSeconds, options.signal, (signal) =>
        this.#session.request('tools/list', cursor === undefined ? {} : { cursor }, { signal }),
      )
      if (!Array.isArray(page.tools))
        throw new McpProtocolError('tools/list result has no "tools" array', this.#site)
      tools.push(...this.#session.acceptTools(page.tools as Tool[]))
      cursor = typeof page.nextCursor === 'string' && page.nextCursor.length > 0 ? page.nextCursor : undefined
    } while (cursor !== undefined)
    this.#tools = tools
    return this.#cacheTools ? structuredClone(tools) : tools
  }

  /** Drops the cached tool list; the next `listTools()` asks the server. */
  invalidateToolsCache(): void {
    this.#tools = undefined
  }

  /** Calls a tool. Tool failures come back as results with `isError: true`. */
  async callTool(
    name: string,
    args: Record<string, unknown> = {},
    options: CallToolOptions = {},
  ): Promise<CallToolResult> {
    await this.#ensureConnected()
    try {
      return await this.#call(name, args, options)
    } catch (error) {
      // Spec: on HeaderMismatch, re-read the tool's schema (x-mcp-header may have changed) and retry once.
      if (error instanceof McpProtocolError && error.rpcCode === ErrorCode.HeaderMismatch) {
        this.invalidateToolsCache()
        await this.listTools(options.signal ? { signal: options.signal } : {})
        return this.#call(name, args, options)
      }
      throw error
    }
  }

  async #call(
    name: string,
    args: Record<string, unknown>,
    options: CallToolOptions,
  ): Promise<CallToolResult> {
    const seconds =
      options.timeoutSeconds === undefined
        ? this.#requestSeconds
        : positive(options.timeoutSeconds, 0, 'timeoutSeconds')
    const onProgress = options.onProgress
    const token = onProgress ? `tw-${Math.random().toString(36).slice(2)}` : undefined
    const onMessage = onProgress
      ? (message: JsonRpcMessage) => {
          if (
            'method' in message &&
            message.method === 'notifications/progress' &&
            isObject(message.params)
          ) {
            const p = message.params
            if (p.progressToken === token && typeof p.progress === 'number') {
              onProgress({
                progress: p.progress,
                ...(typeof p.total === 'number' ? { total: p.total } : {}),
                ...(typeof p.message === 'string' ? { message: p.message } : {}),
              })
            }
          }
        }
      : undefined
    const result = await this.#withTimeout(seconds, options.signal, (signal) =>
      this.#session.request(
        'tools/call',
        { name, arguments: args },
        { signal, onMessage, extraMeta: token ? { progressToken: token } : undefined },
      ),
    )
    if (result.resultType !== undefined && result.resultType !== 'complete') {
      throw new McpProtocolError(
        `tools/call ${name} needs client input (resultType "${String(result.resultType)}"), which this client does not provide`,
        this.#site,
      )
    }
    if (!Array.isArray(result.content))
      throw new McpProtocolError(`tools/call ${name} result has no "content" array`, this.#site)
    return result as CallToolResult
  }

  /** Closes the session (DELETE for 2025-era servers when `terminateOnClose`) and its connections. */
  async close(): Promise<void> {
    const connected = this.#connected
    this.#connected = undefined
    if (connected && this.#terminateOnClose)
      await connected.then(
        () => this.#session.close(),
        () => {},
      )
    if (this.#ownsDispatcher) await this.#dispatcher.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  async #ensureConnected(): Promise<void> {
    if (!this.#connected) await this.connect()
    else await this.#connected
  }

  async #withTimeout<T>(
    seconds: number,
    outer: AbortSignal | undefined,
    run: (signal: CallSignal) => Promise<T>,
  ): Promise<T> {
    outer?.throwIfAborted()
    const signal = new CallSignal()
    const timer = setTimeout(
      () =>
        signal.abort(
          new McpTimeoutError(
            { timeout: 'request', seconds, option: 'clientSessionTimeoutSeconds' },
            this.#site,
          ),
        ),
      seconds * 1000,
    )
    const unlink = outer ? signal.follow(outer) : undefined
    try {
      return await run(signal)
    } finally {
      clearTimeout(timer)
      unlink?.()
    }
  }
}
