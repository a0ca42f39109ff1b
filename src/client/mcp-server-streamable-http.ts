/** MCPServerStreamableHttp: the object an agent holds for one remote MCP tool server. */
import { EventEmitter } from 'node:events'
import { type ErrorSite, McpClosedError, McpHttpError, McpProtocolError } from '../protocol/errors.js'
import { printable } from '../protocol/printable.js'
import type {
  CompleteResult,
  GetPromptResult,
  Implementation,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  ServerDescription,
  Tool,
} from '../protocol/types.js'
import type { ProtocolEra } from '../protocol/versions.js'
import { ClientSession } from '../transport/client/client-session.js'
import { attempt, CONNECT } from './attempt.js'
import { TokenSource } from './auth/token-source.js'
import { withAuth } from './auth/with-auth.js'
import { type BreakerState, CircuitBreaker } from './breaker.js'
import { CachePartition } from './cache-partition.js'
import type { Send } from './call.js'
import type { CallToolOptions, ToolCallResult } from './call-tool-options.js'
import { ChangeSubscriptions } from './change-subscriptions.js'
import { answerServerRequest, type ClientRequestHandlers, capabilitiesOf } from './client-requests.js'
import { rememberEra, startingEra } from './era-memory.js'
import { openHttpConnection } from './http-connection.js'
import { type MCPServerStreamableHttpOptions, type ResolvedOptions, resolveOptions } from './options.js'
import { type RetryEvent, withRetry } from './retry.js'
import * as features from './server-features.js'
import type { TaskPolling } from './tasks/task-polling.js'
import { resumedTask, startedTask, type ToolTask } from './tasks/tool-task.js'
import { sharedToolListCache } from './tool-cache.js'
import {
  planToolCall,
  type RequestClient,
  type RunOptions,
  runRequest,
  type ToolCallClient,
} from './tool-call-plan.js'
import { callToolInRounds, sendToolCall, type ToolCallRounds } from './tool-call-rounds.js'
import { ToolListing } from './tool-listing.js'
import { TOOLWIRE_VERSION } from './user-agent.js'

/** Events of a client. No event carries credentials. */
export interface ClientEvents {
  retry: [RetryEvent]
  breakerOpen: [{ failures: number; error: unknown }]
  breakerClose: []
  reconnect: [{ reason: string }]
  tokenRefresh: []
  /** A list changed on the server (2025 era: its notification stream; 2026-07-28: while a listen stream is open). */
  listChanged: [{ list: 'tools' | 'resources' | 'prompts' }]
  /** A resource this client subscribed to changed: read it again. */
  resourceUpdated: [{ uri: string }]
}

const CLIENT_INFO: Implementation = { name: 'toolwire', version: TOOLWIRE_VERSION }

/**
 * A connection to one remote MCP server over Streamable HTTP, with the production policies
 * around it: per-request timeouts, retries that never repeat an unsafe call, bearer tokens
 * refreshed on 401, a circuit breaker, shared keep-alive pools, a tool-list cache, tracing.
 *
 * @example
 * ```ts
 * const crm = new MCPServerStreamableHttp({
 *   name: 'CRM Tools',
 *   params: { url, headers: { Authorization: `Bearer ${token}` }, timeout: 15, sseReadTimeout: 120 },
 *   cacheToolsList: true,
 * })
 * await using _ = await crm.connect()
 * const result = await crm.callTool('search_contacts', { query: 'acme' })
 * ```
 */
export class MCPServerStreamableHttp extends EventEmitter<ClientEvents> implements AsyncDisposable {
  readonly name: string
  readonly url: URL
  readonly #o: ResolvedOptions
  readonly #options: MCPServerStreamableHttpOptions
  readonly #site: ErrorSite
  readonly #session: ClientSession
  readonly #send: Send
  readonly #handlers: ClientRequestHandlers
  readonly #tokens: TokenSource | undefined
  readonly #breaker: CircuitBreaker | undefined
  readonly #tools: ToolListing
  readonly #releaseDispatcher: (() => Promise<void>) | undefined
  #lastToken: string | undefined
  #connected: Promise<ServerDescription> | undefined
  #closed = false
  /** Connected and not closed: calls skip waiting for the connection. */
  #ready = false
  readonly #changes: ChangeSubscriptions
  /** `protocolEra: 'auto'`: the era is negotiated, and what is learned is remembered (`era-memory.ts`). */
  readonly #autoEra: boolean
  readonly #features: features.FeatureContext
  /** What every tool call and request of this client share: made once, not per call. */
  readonly #toolCalls: ToolCallClient
  readonly #requests: RequestClient

  constructor(options: MCPServerStreamableHttpOptions) {
    super()
    this.#o = resolveOptions(options)
    this.#options = options
    this.#autoEra = (options.protocolEra ?? 'auto') === 'auto'
    this.name = this.#o.name
    this.url = this.#o.url
    this.#site = { serverName: this.name, url: `${this.url.origin}${this.url.pathname}` }

    const { wire, release } = openHttpConnection(options, this.#o, this.#site)
    this.#releaseDispatcher = release
    // Warnings carry server-supplied text (tool names, descriptions): printed, it is made safe first.
    const onWarning =
      options.onWarning ??
      ((message: string) => console.warn(printable(`toolwire [${this.name}]: ${message}`, { oneLine: true })))
    const handlers = options.handlers ?? {}
    this.#handlers = handlers
    this.#session = new ClientSession({
      wire,
      headers: this.#o.headers,
      clientInfo: options.clientInfo ?? CLIENT_INFO,
      capabilities: capabilitiesOf(handlers, { tasks: options.tasks ?? true }),
      era: this.#autoEra ? startingEra(this.url) : (options.protocolEra as ProtocolEra),
      onWarning,
      onServerRequest: (request) => answerServerRequest(handlers, request),
      onNotification: (notification) => this.#changes.notified(notification),
      backgroundHeaders: () => (this.#lastToken ? { authorization: `Bearer ${this.#lastToken}` } : {}),
      onReconnect: (reason) => this.emit('reconnect', { reason }),
      onStreamReopened: () => {
        this.invalidateToolsCache()
        this.emit('reconnect', { reason: 're-opened the notification stream' })
      },
    })
    if (options.auth) {
      this.#tokens = new TokenSource(options.auth, {
        resourceUrl: this.#site.url ?? String(options.params.url),
        skewSeconds: this.#o.tokenRefreshSkewSeconds,
        onRefresh: () => this.emit('tokenRefresh'),
      })
    }
    if (options.circuitBreaker !== false) {
      this.#breaker = new CircuitBreaker(options.circuitBreaker ?? {}, {
        onOpen: (failures, error) => this.emit('breakerOpen', { failures, error }),
        onClose: () => this.emit('breakerClose'),
      })
    }
    const partition = new CachePartition({
      url: this.url,
      headers: this.#o.headers,
      tls: options.tls,
      dispatcher: options.dispatcher,
    })
    this.#tools = new ToolListing({
      serverName: this.name,
      cacheKey: this.url.href,
      site: this.#site,
      session: this.#session,
      run: (method, params, runOptions) => this.#run(method, params, runOptions),
      cache: options.cacheToolsList ? (options.toolListCache ?? sharedToolListCache) : undefined,
      partition: async (signal) => partition.of(this.#tokens ? await this.#tokens.get(signal) : null),
      filter: options.toolFilter,
      ttlSeconds: options.toolsCacheTtlSeconds,
      strictCacheHints: options.strictCacheHints ?? false,
      limits: this.#o.toolListLimits,
      onWarning,
    })
    this.#send = this.#compose()
    this.#requests = {
      send: this.#send,
      site: this.#site,
      requestSeconds: this.#o.requestSeconds,
      traceHeader: true,
    }
    this.#toolCalls = {
      name: this.name,
      site: this.#site,
      handlers,
      toolErrors: this.#o.toolErrors,
      filter: options.toolFilter,
      tools: this.#tools,
      run: (method, params, runOptions) => this.#run(method, params, runOptions),
      relist: (signal) => {
        this.invalidateToolsCache()
        return this.listTools(signal ? { signal } : {})
      },
      polling: (tool, callOptions) => this.#taskPolling(tool, callOptions),
    }
    this.#changes = new ChangeSubscriptions({
      session: this.#session,
      site: this.#site,
      cacheToolsList: options.cacheToolsList === true,
      token: this.#tokens ? () => this.#tokens!.get() : undefined,
      backoff: this.#o,
      run: (method, params, runOptions) => this.#run(method, params, runOptions),
      onListChanged: (list) => {
        if (list === 'tools') this.invalidateToolsCache()
        this.emit('listChanged', { list })
      },
      onResourceUpdated: (uri) => this.emit('resourceUpdated', { uri }),
      onReconnect: () => this.invalidateToolsCache(),
    })
    this.#features = {
      site: this.#site,
      handlers,
      run: async (method, params, runOptions) => {
        await this.#ensureConnected()
        return this.#run(method, params, runOptions)
      },
    }
  }

  /** The policies around one request, outermost first: breaker → retry → auth → timeout → wire. */
  #compose(): Send {
    let send: Send = (call) => {
      const token = call.headers.authorization
      if (token) this.#lastToken = token.slice('Bearer '.length)
      return attempt(this.#session, call, this.#site)
    }
    if (this.#tokens) send = withAuth(send, this.#tokens, this.#site)
    send = withRetry(send, this.#o, (event) => this.emit('retry', event))
    if (this.#breaker) send = this.#breaker.wrap(send, this.#site)
    return send
  }

  /** What the server said about itself; set after `connect()`. */
  get server(): ServerDescription | undefined {
    return this.#session.server
  }

  /** The protocol revision in use (`2026-07-28`, or a 2025 one). */
  get protocolVersion(): string | undefined {
    return this.#session.server?.protocolVersion
  }

  /** The circuit breaker's state (`closed` when there is no breaker). */
  get breakerState(): BreakerState {
    return this.#breaker?.state ?? 'closed'
  }

  /** Connects (negotiating the protocol era). Returns `this`, so `await using _ = await s.connect()` works. */
  async connect(options: { signal?: AbortSignal } = {}): Promise<this> {
    if (this.#closed) throw new McpClosedError(this.#site)
    this.#connected ??= this.#run(
      CONNECT,
      {},
      { signal: options.signal, idempotent: true },
    ) as unknown as Promise<ServerDescription>
    let server: ServerDescription
    try {
      server = await this.#connected
    } catch (error) {
      this.#connected = undefined
      // A remembered 2025-only endpoint that now refuses the handshake: probe again next time.
      const refused =
        error instanceof McpProtocolError ||
        (error instanceof McpHttpError && [400, 404, 405].includes(error.status))
      if (this.#autoEra && refused) rememberEra(this.url, undefined)
      throw error
    }
    if (this.#autoEra) rememberEra(this.url, this.#session.era)
    this.#ready = !this.#closed
    if (server && !this.#closed) this.#changes.start()
    return this
  }

  /** Lists the tools (following pagination), filtered by `toolFilter`; cached when `cacheToolsList` is on. */
  async listTools(options: { signal?: AbortSignal } = {}): Promise<Tool[]> {
    await this.#ensureConnected()
    return this.#tools.list(options.signal)
  }

  /** Drops the cached tool list of this server (for every identity); the next `listTools()` asks the server. */
  invalidateToolsCache(): void {
    this.#tools.invalidate()
  }

  /**
   * Calls a tool. Tool failures come back as results with `isError: true` (or as `McpToolError`
   * with `toolErrors: 'throw'`); everything else is a typed error.
   */
  callTool(
    name: string,
    args: Record<string, unknown> = {},
    options: CallToolOptions = {},
  ): Promise<ToolCallResult> {
    // Not an async function: one returning another promise costs extra ticks on every call.
    const connecting = this.#ensureConnected()
    if (connecting) return connecting.then(() => this.#callTool(name, args, options))
    return this.#callTool(name, args, options)
  }

  #callTool(name: string, args: Record<string, unknown>, options: CallToolOptions): Promise<ToolCallResult> {
    try {
      return callToolInRounds(this.#toolCall(name, args, options))
    } catch (error) {
      // The tool filter or a malformed trace id: a rejection, as from the async function it was.
      return Promise.reject(error)
    }
  }

  /**
   * Starts a tool call and hands back its task (MCP Tasks extension) instead of waiting: persist
   * `taskId` to pick the task up after a restart with `resumeTask()`. A server that answers at
   * once gives a handle without `taskId` whose `result()` is that answer.
   */
  async startTask(
    name: string,
    args: Record<string, unknown> = {},
    options: CallToolOptions = {},
  ): Promise<ToolTask> {
    await this.#ensureConnected()
    const call = this.#toolCall(name, args, options)
    return startedTask(call, await sendToolCall(call))
  }

  /** A handle on a task started earlier (perhaps by another process): `taskId` from `startTask()`. */
  resumeTask(taskId: string, tool = 'tool'): ToolTask {
    const call = { name: tool, site: this.#site, toolErrors: this.#o.toolErrors }
    return resumedTask({ ...call, polling: this.#taskPolling(tool, {}) }, taskId)
  }

  /** How this client waits for a task of `tool`; undefined when it does not declare tasks. */
  #taskPolling(tool: string, options: CallToolOptions): TaskPolling | undefined {
    if (this.#options.tasks === false) return undefined
    const { signal, onProgress, onTaskStatus, timeoutSeconds, traceId } = options
    return {
      tool,
      site: this.#site,
      handlers: this.#handlers,
      request: (method, params, o) =>
        this.#run(method, params, {
          signal: o.signal,
          idempotent: true,
          timeoutSeconds: o.timeoutSeconds ?? timeoutSeconds,
          traceId,
        }),
      signal,
      onProgress,
      onTaskStatus,
    }
  }

  /** One logical tool call's requests, with the policies and the caller's options. */
  #toolCall(name: string, args: Record<string, unknown>, options: CallToolOptions): ToolCallRounds {
    return planToolCall(this.#toolCalls, { name, args }, options)
  }

  /** Lists the resources (following pagination). */
  listResources(options: { signal?: AbortSignal } = {}): Promise<Resource[]> {
    return features.listResources(this.#features, options.signal)
  }

  /** Lists the resource templates (`crm://customers/{id}`), following pagination. */
  listResourceTemplates(options: { signal?: AbortSignal } = {}): Promise<ResourceTemplate[]> {
    return features.listResourceTemplates(this.#features, options.signal)
  }

  /** Reads a resource; a 2026-07-28 read that asks for input is answered with `handlers`. */
  readResource(uri: string, options: { signal?: AbortSignal } = {}): Promise<ReadResourceResult> {
    return features.readResource(this.#features, uri, options.signal)
  }

  /**
   * Asks to hear when `uri` changes (the `resourceUpdated` event): `resources/subscribe` in a
   * 2025-era session, a `subscriptions/listen` stream naming it in 2026-07-28.
   */
  async subscribeResource(uri: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.#ensureConnected()
    await this.#changes.subscribe(uri, options.signal)
  }

  /** Stops hearing about `uri`. */
  unsubscribeResource(uri: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#changes.unsubscribe(uri, options.signal)
  }

  /** Lists the prompts (following pagination). */
  listPrompts(options: { signal?: AbortSignal } = {}): Promise<Prompt[]> {
    return features.listPrompts(this.#features, options.signal)
  }

  /** Gets a prompt with its arguments filled in; a 2026-07-28 prompt that asks for input is answered with `handlers`. */
  getPrompt(
    name: string,
    args: Record<string, string> = {},
    options: { signal?: AbortSignal } = {},
  ): Promise<GetPromptResult> {
    return features.getPrompt(this.#features, { name, arguments: args }, options.signal)
  }

  /**
   * Suggestions for an argument of a prompt or resource template.
   *
   * @example
   * ```ts
   * const { completion } = await crm.complete({ type: 'ref/prompt', name: 'follow_up' }, { name: 'tone', value: 'f' })
   * ```
   */
  complete(
    ref: features.CompletionReference,
    argument: { name: string; value: string },
    options: features.CompleteOptions = {},
  ): Promise<CompleteResult> {
    return features.complete(this.#features, { ref, argument }, options)
  }

  /** Runs one logical request through the policies, with a fresh trace context. */
  #run(
    method: string,
    params: Record<string, unknown>,
    options: RunOptions,
  ): Promise<Record<string, unknown>> {
    return runRequest(this.#requests, { method, params }, options)
  }

  /** Closes the session (DELETE for 2025-era servers when `terminateOnClose`) and releases connections. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#ready = false
    this.#changes.stop()
    const connected = this.#connected
    this.#connected = undefined
    if (connected && this.#o.terminateOnClose)
      await connected.then(
        () => this.#session.close(),
        () => {},
      )
    await this.#releaseDispatcher?.()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #ensureConnected(): Promise<unknown> | undefined {
    // Hot path: once connected, no await at all.
    if (this.#ready) return undefined
    return this.#connected ?? this.connect()
  }
}
