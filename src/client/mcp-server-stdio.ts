/** MCPServerStdio: the object an agent holds for one MCP server it runs as a local process. */
import { EventEmitter } from 'node:events'
import { type ErrorSite, McpClosedError } from '../protocol/errors.js'
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
import { ClientSession } from '../transport/client/client-session.js'
import type { ProcessExit } from '../transport/client/stdio-process.js'
import { StdioWire } from '../transport/client/stdio-wire.js'
import { attempt, CONNECT } from './attempt.js'
import { type BreakerState, CircuitBreaker } from './breaker.js'
import type { Call, Send } from './call.js'
import type { CallToolOptions, ToolCallResult } from './call-tool-options.js'
import { answerServerRequest, type ClientRequestHandlers, capabilitiesOf } from './client-requests.js'
import type { McpClient } from './mcp-client.js'
import { type RetryEvent, withRetry } from './retry.js'
import * as features from './server-features.js'
import {
  type MCPServerStdioOptions,
  type ResolvedStdioOptions,
  resolveStdioOptions,
} from './stdio-options.js'
import { sharedToolListCache } from './tool-cache.js'
import {
  planToolCall,
  type RequestClient,
  type RunOptions,
  runRequest,
  type ToolCallClient,
} from './tool-call-plan.js'
import { callToolInRounds } from './tool-call-rounds.js'
import { ToolListing } from './tool-listing.js'
import { TOOLWIRE_VERSION } from './user-agent.js'

/** Events of a stdio client. No event carries environment values. */
export interface StdioClientEvents {
  retry: [RetryEvent]
  breakerOpen: [{ failures: number; error: unknown }]
  breakerClose: []
  /** The session was set up again (a restarted process, a re-opened listener). */
  reconnect: [{ reason: string }]
  /** The server process started (`restart`: after a crash). */
  start: [{ pid: number | undefined; restart: boolean }]
  /** The server process exited (`expected`: `close()` stopped it). */
  exit: [ProcessExit & { expected: boolean }]
}

const CLIENT_INFO: Implementation = { name: 'toolwire', version: TOOLWIRE_VERSION }

/**
 * An MCP server run as a child process and spoken to over its stdin/stdout (the MCP stdio
 * transport), with the same API, policies and events as `MCPServerStreamableHttp`: timeouts,
 * retries that never repeat an unsafe call, a circuit breaker, the tool-list cache; plus a
 * minimal environment by default, stderr kept for error messages, a graceful stop (stdin
 * closed, SIGTERM, SIGKILL) and a restart after a crash.
 *
 * @example
 * ```ts
 * await using files = await new MCPServerStdio({
 *   name: 'Files',
 *   params: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', './data'] },
 * }).connect()
 * const tools = await files.listTools()
 * ```
 */
export class MCPServerStdio extends EventEmitter<StdioClientEvents> implements McpClient, AsyncDisposable {
  readonly name: string
  readonly #o: ResolvedStdioOptions
  readonly #options: MCPServerStdioOptions
  readonly #site: ErrorSite
  readonly #wire: StdioWire
  readonly #session: ClientSession
  /** What every request of this client shares: made once, not per request. */
  readonly #requests: RequestClient
  readonly #handlers: ClientRequestHandlers
  readonly #breaker: CircuitBreaker | undefined
  readonly #tools: ToolListing
  readonly #features: features.FeatureContext
  #toolCallClient: ToolCallClient | undefined
  #connected: Promise<ServerDescription> | undefined
  /** The process generation the session's handshake was made with. */
  #generation = 0
  #handshake: Promise<unknown> | undefined
  #closed = false

  constructor(options: MCPServerStdioOptions) {
    super()
    this.#o = resolveStdioOptions(options)
    this.#options = options
    this.name = this.#o.name
    this.#site = { serverName: this.name }
    const onWarning =
      options.onWarning ??
      ((message: string) => console.warn(printable(`toolwire [${this.name}]: ${message}`, { oneLine: true })))
    const onStderr =
      options.onStderr ??
      ((line: string) =>
        process.stderr.write(`[${printable(this.name, { maxChars: 60, oneLine: true })}] ${line}\n`))
    this.#wire = new StdioWire({
      process: {
        command: this.#o.command,
        args: this.#o.args,
        env: this.#o.env,
        cwd: this.#o.cwd,
        stderr: this.#o.stderr,
        onStderrLine: onStderr,
        stderrTailBytes: this.#o.stderrTailBytes,
      },
      site: this.#site,
      maxMessageBytes: this.#o.maxMessageBytes,
      shutdownGraceMs: this.#o.shutdownGraceMs,
      restart: this.#o.restart,
      onWarning,
      onStart: (info) => this.emit('start', info),
      onExit: (info) => {
        if (!info.expected) this.invalidateToolsCache()
        this.emit('exit', info)
      },
    })
    const handlers = options.handlers ?? {}
    this.#handlers = handlers
    this.#session = new ClientSession({
      wire: this.#wire,
      headers: {},
      clientInfo: options.clientInfo ?? CLIENT_INFO,
      capabilities: capabilitiesOf(handlers),
      era: options.protocolEra ?? 'auto',
      onWarning,
      onServerRequest: (request) => answerServerRequest(handlers, request),
      onNotification: (notification) => {
        if (notification.method === 'notifications/tools/list_changed') this.invalidateToolsCache()
      },
      onStreamReopened: () => this.invalidateToolsCache(),
    })
    if (options.circuitBreaker !== false) {
      this.#breaker = new CircuitBreaker(options.circuitBreaker ?? {}, {
        onOpen: (failures, error) => this.emit('breakerOpen', { failures, error }),
        onClose: () => this.emit('breakerClose'),
      })
    }
    this.#tools = new ToolListing({
      serverName: this.name,
      cacheKey: this.#o.cacheKey,
      site: this.#site,
      session: this.#session,
      run: (method, params, runOptions) => this.#run(method, params, runOptions),
      cache: options.cacheToolsList ? (options.toolListCache ?? sharedToolListCache) : undefined,
      // The cache key already holds everything that may carry a credential (env, args, cwd).
      partition: async () => '',
      filter: options.toolFilter,
      ttlSeconds: options.toolsCacheTtlSeconds,
      strictCacheHints: options.strictCacheHints ?? false,
      limits: this.#o.toolListLimits,
      onWarning,
    })
    this.#features = {
      site: this.#site,
      handlers,
      run: async (method, params, runOptions) => {
        await this.connect(runOptions.signal ? { signal: runOptions.signal } : {})
        return this.#run(method, params, runOptions)
      },
    }
    let send: Send = async (call) => {
      if (call.method !== CONNECT) await this.#sameProcess(call)
      return attempt(this.#session, call, this.#site)
    }
    send = withRetry(send, this.#o, (event) => this.emit('retry', event))
    if (this.#breaker) send = this.#breaker.wrap(send, this.#site)
    this.#requests = { send, site: this.#site, requestSeconds: this.#o.requestSeconds, traceHeader: false }
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

  /** The server process's id while it runs. */
  get pid(): number | undefined {
    return this.#wire.pid
  }

  /** Starts the process and negotiates the protocol era. Returns `this`. */
  async connect(options: { signal?: AbortSignal } = {}): Promise<this> {
    if (this.#closed) throw new McpClosedError(this.#site)
    this.#connected ??= this.#handshakeRun(options.signal)
    try {
      await this.#connected
    } catch (error) {
      this.#connected = undefined
      throw error
    }
    return this
  }

  async #handshakeRun(signal: AbortSignal | undefined): Promise<ServerDescription> {
    const server = (await this.#run(
      CONNECT,
      {},
      { signal, idempotent: true },
    )) as unknown as ServerDescription
    this.#generation = this.#wire.generation
    this.#wire.healthy()
    return server
  }

  /** A restarted process knows nothing of the session: shake hands again before the call. */
  async #sameProcess(call: Call): Promise<void> {
    await this.#wire.start()
    if (this.#wire.generation === this.#generation) return
    this.#handshake ??= attempt(this.#session, { ...call, method: CONNECT, params: {} }, this.#site)
      .then(() => {
        this.#generation = this.#wire.generation
        this.#wire.healthy()
        this.invalidateToolsCache()
        this.emit('reconnect', { reason: 'the server process was restarted' })
      })
      .finally(() => {
        this.#handshake = undefined
      })
    await this.#handshake
  }

  /** Lists the tools (following pagination), filtered by `toolFilter`; cached when `cacheToolsList` is on. */
  async listTools(options: { signal?: AbortSignal } = {}): Promise<Tool[]> {
    await this.connect(options)
    return this.#tools.list(options.signal)
  }

  /** Drops the cached tool list of this server; the next `listTools()` asks the server. */
  invalidateToolsCache(): void {
    this.#tools.invalidate()
  }

  /**
   * Calls a tool. Tool failures come back as results with `isError: true` (or as `McpToolError`
   * with `toolErrors: 'throw'`); everything else is a typed error.
   */
  async callTool(
    name: string,
    args: Record<string, unknown> = {},
    options: CallToolOptions = {},
  ): Promise<ToolCallResult> {
    await this.connect(options.signal ? { signal: options.signal } : {})
    return callToolInRounds(planToolCall(this.#toolCalls, { name, args }, options))
  }

  /** What every tool call of this client shares: made once, not per call. */
  get #toolCalls(): ToolCallClient {
    this.#toolCallClient ??= {
      name: this.name,
      site: this.#site,
      handlers: this.#handlers,
      toolErrors: this.#o.toolErrors,
      filter: this.#options.toolFilter,
      tools: this.#tools,
      run: (method, params, runOptions) => this.#run(method, params, runOptions),
      relist: (signal) => {
        this.invalidateToolsCache()
        return this.listTools(signal ? { signal } : {})
      },
      // Tasks (polling over HTTP) are not declared over stdio: calls answer inline.
      polling: () => undefined,
    }
    return this.#toolCallClient
  }

  /** Lists the resources (following pagination). */
  listResources(options: { signal?: AbortSignal } = {}): Promise<Resource[]> {
    return features.listResources(this.#features, options.signal)
  }

  /** Lists the resource templates, following pagination. */
  listResourceTemplates(options: { signal?: AbortSignal } = {}): Promise<ResourceTemplate[]> {
    return features.listResourceTemplates(this.#features, options.signal)
  }

  /** Reads a resource; a 2026-07-28 read that asks for input is answered with `handlers`. */
  readResource(uri: string, options: { signal?: AbortSignal } = {}): Promise<ReadResourceResult> {
    return features.readResource(this.#features, uri, options.signal)
  }

  /** Lists the prompts (following pagination). */
  listPrompts(options: { signal?: AbortSignal } = {}): Promise<Prompt[]> {
    return features.listPrompts(this.#features, options.signal)
  }

  /** Gets a prompt with its arguments filled in. */
  getPrompt(
    name: string,
    args: Record<string, string> = {},
    options: { signal?: AbortSignal } = {},
  ): Promise<GetPromptResult> {
    return features.getPrompt(this.#features, { name, arguments: args }, options.signal)
  }

  /** Suggestions for an argument of a prompt or resource template. */
  complete(
    ref: features.CompletionReference,
    argument: { name: string; value: string },
    options: features.CompleteOptions = {},
  ): Promise<CompleteResult> {
    return features.complete(this.#features, { ref, argument }, options)
  }

  #run(
    method: string,
    params: Record<string, unknown>,
    options: RunOptions,
  ): Promise<Record<string, unknown>> {
    return runRequest(this.#requests, { method, params }, options)
  }

  /** Stops the server process (stdin closed, then SIGTERM, then SIGKILL after `shutdownGraceSeconds` each). */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#connected = undefined
    await this.#session.close()
    await this.#wire.close()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }
}
