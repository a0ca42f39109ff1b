/**
 * ToolServer: the tools, resources and prompts a server offers, and the JSON-RPC
 * dispatcher that answers both protocol eras for them.
 */
import type { ParamHeader } from '../protocol/header-values.js'
import { ErrorCode, isObject, type JsonRpcRequest, RpcError } from '../protocol/jsonrpc.js'
import type { Implementation, ServerCapabilities } from '../protocol/types.js'
import { META_SERVER_INFO, SUPPORTED_PROTOCOL_VERSIONS } from '../protocol/versions.js'
import type { ToolSchema } from '../schema/standard-schema.js'
import type { McpHttpHandler } from '../transport/server/http-handler.js'
import type { ListenFilterKey } from '../transport/server/listen-streams.js'
import {
  type Exchange,
  type FallbackProblem,
  type Identity,
  type RequestDispatcher,
  RunTimeExceeded,
} from '../transport/server/request-dispatcher.js'
import type { ReadinessCheck } from './health.js'
import { InputRounds } from './input-rounds.js'
import { createMcpHandler, type ToolServerHandlerOptions } from './mcp-handler.js'
import { pageOf } from './pagination.js'
import { type PromptDefinition, type PromptHandler, PromptRegistry } from './prompts.js'
import { completeRequest, readResourceRequest, subscribeRequest } from './resource-requests.js'
import {
  type ResourceDefinition,
  type ResourceReader,
  ResourceRegistry,
  type ResourceTemplateDefinition,
  type TemplateReader,
} from './resources.js'
import { RedisFleetStore } from './store/redis-fleet-store.js'
import { TaskEngine } from './tasks/task-engine.js'
import { stopped } from './tool-call.js'
import { callToolRequest } from './tool-call-request.js'
import { LOG_LEVELS, type LogLevel } from './tool-context.js'
import { type ToolDefinition, type ToolHandler, ToolRegistry } from './tool-registry.js'
import { textResult } from './tool-result.js'
import { type ToolServerOptions, toolServerSettings } from './tool-server-options.js'

export type { ToolDefinition, ToolHandler, ToolServerOptions }

type Params = Record<string, unknown>

/** Where a server's change notifications go: each transport serving it (HTTP handler, stdio connection). */
export type NotificationTarget = Pick<McpHttpHandler, 'broadcast' | 'resourceUpdated'>
type MethodHandler = (
  params: Params,
  exchange: Exchange,
  request: JsonRpcRequest,
) => Promise<Record<string, unknown>> | Record<string, unknown>

/** Methods that 2026-07-28 removed: answered -32601 (HTTP 404) on 2026-07-28 requests. */
const LEGACY_ONLY = new Set([
  'initialize',
  'ping',
  'logging/setLevel',
  'resources/subscribe',
  'resources/unsubscribe',
])

/**
 * A set of tools served over MCP.
 *
 * @example
 * ```ts
 * const server = new ToolServer({ name: 'echo', version: '1.0.0' })
 *   .tool('echo', { description: 'Echo text', input: z.object({ text: z.string() }) }, ({ text }) => text)
 * await serve(server, { port: 3000 })
 * ```
 */
export class ToolServer implements RequestDispatcher {
  readonly info: Implementation
  readonly #instructions: string | undefined
  readonly #pageSize: number
  readonly #cache: { ttlMs: number; cacheScope: 'public' | 'private' }
  readonly #tools: ToolRegistry
  readonly #resources = new ResourceRegistry()
  readonly #prompts = new PromptRegistry()
  readonly #handlers = new Set<NotificationTarget>()
  /** A Map: a method named `constructor` or `__proto__` is not found (a plain object would find it). */
  readonly #methods: Map<string, MethodHandler>
  readonly #serverInfoMeta: Record<string, unknown>
  readonly #rounds: InputRounds
  readonly #readiness = new Map<string, ReadinessCheck>()
  readonly #ownSecret: boolean
  readonly #tasks: TaskEngine

  constructor(options: ToolServerOptions) {
    const settings = toolServerSettings(options)
    this.info = settings.info
    this.#instructions = settings.instructions
    this.#tools = new ToolRegistry(settings.defaultToolTimeoutSeconds)
    this.#ownSecret = settings.requestStateSecret !== undefined
    this.#rounds = new InputRounds({
      secret: settings.requestStateSecret,
      ttlSeconds: settings.requestStateTtlSeconds,
    })
    this.#serverInfoMeta = { [META_SERVER_INFO]: this.info }
    this.#pageSize = settings.pageSize
    this.#cache = settings.cache
    this.#tasks = new TaskEngine(options.tasks, (name) => this.#tools.get(name))
    // Plain (not async) wrappers: each async layer costs a promise per request.
    this.#methods = new Map<string, MethodHandler>([
      ['server/discover', (_p, exchange) => this.#discover(exchange)],
      ['initialize', (_p, exchange) => this.#initialize(exchange)],
      ['ping', () => ({})],
      ['tools/list', (params) => this.#page('tools', this.#tools.list(), params)],
      [
        'tools/call',
        (params, exchange, request) =>
          callToolRequest({ tools: this.#tools, rounds: this.#rounds, tasks: this.#tasks }, params, {
            exchange,
            request,
          }),
      ],
      ['logging/setLevel', (params, exchange) => this.#setLevel(params, exchange)],
      ['resources/list', (params) => this.#page('resources', this.#resources.list(), params)],
      [
        'resources/templates/list',
        (params) => this.#page('resourceTemplates', this.#resources.listTemplates(), params),
      ],
      [
        'resources/read',
        (params, exchange, request) =>
          readResourceRequest(
            { rounds: this.#rounds, resources: this.#resources, cache: this.#cache },
            params,
            { exchange, request },
          ),
      ],
      [
        'resources/subscribe',
        (params, exchange) => subscribeRequest(this.#resources, params, { exchange, on: true }),
      ],
      [
        'resources/unsubscribe',
        (params, exchange) => subscribeRequest(this.#resources, params, { exchange, on: false }),
      ],
      ['prompts/list', (params) => this.#page('prompts', this.#prompts.list(), params)],
      [
        'prompts/get',
        (params, exchange, request) =>
          this.#rounds.run(
            `prompts/get ${String(params.name)}`,
            { params, exchange, request, singleUse: false },
            (ctx) => this.#prompts.get(params, ctx) as Promise<Record<string, unknown>>,
          ),
      ],
      [
        'completion/complete',
        (params) => completeRequest({ prompts: this.#prompts, resources: this.#resources }, params),
      ],
      ...this.#tasks.methods(),
    ])
  }

  /** Change notifications this server delivers on `subscriptions/listen` streams. */
  get listenable(): readonly ListenFilterKey[] {
    return [
      'toolsListChanged',
      ...(this.#resources.size > 0 ? (['resourcesListChanged'] as const) : []),
      ...(this.#prompts.size > 0 ? (['promptsListChanged'] as const) : []),
    ]
  }

  get capabilities(): ServerCapabilities {
    return {
      tools: { listChanged: true },
      logging: {},
      ...(this.#resources.size > 0 ? { resources: { subscribe: true, listChanged: true } } : {}),
      ...(this.#prompts.size > 0 ? { prompts: { listChanged: true } } : {}),
      ...(this.#resources.size > 0 || this.#prompts.size > 0 ? { completions: {} } : {}),
    }
  }

  /**
   * Adds a readiness check: what the tools need before they can answer (a database, an upstream
   * API). `serve()` runs it on `GET /ready` (503 naming it while it fails) and `toolwire serve`
   * before it reports the server up; it resolves when ready and throws (saying why) when not.
   *
   * @example
   * ```ts
   * server.readinessCheck('database', () => db.query('SELECT 1'))
   * ```
   */
  readinessCheck(name: string, check: ReadinessCheck): this {
    this.#readiness.set(name, check)
    return this
  }

  /** The readiness checks added with `readinessCheck`, by name. */
  get readinessChecks(): Record<string, ReadinessCheck> {
    return Object.fromEntries(this.#readiness)
  }

  /**
   * Registers a resource at a fixed URI; `read` returns text, bytes, or contents.
   *
   * @example
   * ```ts
   * server.resource('crm://schema', { mimeType: 'text/plain' }, () => schemaText)
   * ```
   */
  resource(uri: string, definition: ResourceDefinition, read: ResourceReader): this {
    this.#resources.add(uri, definition, read)
    return this.#changed('notifications/resources/list_changed')
  }

  /**
   * Registers resources named by a URI template (`{id}`: one segment, `{+path}`: the rest).
   *
   * @example
   * ```ts
   * server.resourceTemplate('crm://customers/{id}', { mimeType: 'application/json' }, (uri, { id }) =>
   *   JSON.stringify(await db.customer(id)))
   * ```
   */
  resourceTemplate(uriTemplate: string, definition: ResourceTemplateDefinition, read: TemplateReader): this {
    this.#resources.addTemplate(uriTemplate, definition, read)
    return this.#changed('notifications/resources/list_changed')
  }

  /**
   * Registers a prompt; `arguments` is an object schema of strings (zod, any Standard Schema or JSON Schema).
   *
   * @example
   * ```ts
   * server.prompt('summarize', { arguments: z.object({ topic: z.string() }) }, ({ topic }) => `Summarize ${topic}`)
   * ```
   */
  prompt<A extends ToolSchema | undefined = undefined>(
    name: string,
    definition: PromptDefinition<A>,
    handler: PromptHandler<A>,
  ): this {
    this.#prompts.add(name, definition, handler)
    return this.#changed('notifications/prompts/list_changed')
  }

  hasResources(): boolean {
    return this.#resources.size > 0
  }

  /**
   * Tells the clients subscribed to `uri` that it changed: 2025-era sessions that sent
   * `resources/subscribe`, and 2026-07-28 `subscriptions/listen` streams naming it in
   * `resourceSubscriptions`. Returns how many were told.
   */
  resourceUpdated(uri: string): number {
    let sent = 0
    for (const h of this.#handlers) sent += h.resourceUpdated(uri)
    return sent
  }

  #changed(method: string): this {
    for (const h of this.#handlers) h.broadcast({ jsonrpc: '2.0', method })
    return this
  }

  #page(key: string, items: readonly unknown[], params: Params): Record<string, unknown> {
    return { ...pageOf(key, items, { cursor: params.cursor, pageSize: this.#pageSize }), ...this.#cache }
  }

  /**
   * Registers a tool. Registering after the server is serving notifies clients (`list_changed`).
   *
   * @example
   * ```ts
   * server.tool('add', { input: z.object({ a: z.number(), b: z.number() }) }, ({ a, b }) => String(a + b))
   * ```
   */
  tool<I extends ToolSchema, O extends ToolSchema | undefined = undefined>(
    name: string,
    definition: ToolDefinition<I, O>,
    handler: ToolHandler<I>,
  ): this {
    this.#tools.add(name, definition, handler)
    return this.#changed('notifications/tools/list_changed')
  }

  /**
   * A node `(req, res)` handler serving this server over Streamable HTTP; mount it in
   * `node:http` or Express (`app.all('/mcp', handler)`). Fastify: the `toolwire/fastify` plugin;
   * Bun, Deno, Workers, Hono, Next.js: `createFetchHandler()` from `toolwire/web`.
   */
  handler(options: ToolServerHandlerOptions = {}): McpHttpHandler {
    if (options.store) this.#tasks.useStore(options.store)
    const h = createMcpHandler(this, options)
    // A fleet signs MRTR request state with one secret, unless the app gave its own.
    if (h.fleet instanceof RedisFleetStore && !this.#ownSecret) {
      h.fleet.sharedSecret().then(
        (secret) => this.#rounds.useSecret(secret),
        (error: unknown) => options.logger?.warn({ err: error }, 'shared requestStateSecret unavailable'),
      )
    }
    const close = h.close
    h.close = () => {
      this.#handlers.delete(h)
      close()
      if (this.#handlers.size === 0) void this.#tasks.close()
    }
    this.#handlers.add(h)
    return h
  }

  /**
   * Sends this server's change notifications (`list_changed`, `resources/updated`) to another
   * transport serving it too, such as `serveStdio()`'s connection. Returns the function that
   * stops them.
   */
  addNotificationTarget(target: NotificationTarget): () => void {
    this.#handlers.add(target)
    return () => this.#handlers.delete(target)
  }

  requiredScopes(toolName: string): readonly string[] | undefined {
    return this.#tools.get(toolName)?.scopes
  }

  /** Every scope some tool requires, sorted (the protected resource metadata's `scopes_supported`). */
  scopes(): string[] {
    return this.#tools.scopes()
  }

  paramHeaders(toolName: string): readonly ParamHeader[] | undefined {
    return this.#tools.paramHeaders(toolName)
  }

  async handleRequest(request: JsonRpcRequest, exchange: Exchange): Promise<Record<string, unknown>> {
    const method = this.#methods.get(request.method)
    if (!method || (exchange.era === 'modern' && LEGACY_ONLY.has(request.method))) {
      throw new RpcError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`)
    }
    return this.#stamped(await method(request.params ?? {}, exchange, request), exchange)
  }

  /**
   * A tool result saying why the real one is not sent: JSON cannot encode it (a BigInt, a
   * cycle), or the call was cancelled and its handler never returned. Other methods answer
   * -32603 (the transport's default).
   */
  fallbackResult(
    request: JsonRpcRequest,
    problem: FallbackProblem,
    exchange: Exchange,
  ): Record<string, unknown> | undefined {
    if (request.method !== 'tools/call') return undefined
    const name = String(request.params?.name)
    const result =
      problem.kind === 'unencodable'
        ? textResult(
            `Tool '${name}' returned a result that cannot be encoded as JSON: ${problem.error.message}`,
            true,
          )
        : problem.reason instanceof RunTimeExceeded
          ? stopped(name, problem.reason)
          : textResult(`Tool '${name}' was cancelled (its handler did not stop)`, true)
    return this.#stamped(result as Record<string, unknown>, exchange)
  }

  /** 2026-07-28: every result says its type and who answered. Results are fresh objects, stamped in place. */
  #stamped(result: Record<string, unknown>, exchange: Exchange): Record<string, unknown> {
    if (exchange.era === 'legacy') return result
    result.resultType ??= 'complete'
    result._meta = isObject(result._meta)
      ? { ...result._meta, ...this.#serverInfoMeta }
      : this.#serverInfoMeta
    return result
  }

  #discover(exchange: Exchange): Record<string, unknown> {
    const result: Record<string, unknown> = {
      supportedVersions: SUPPORTED_PROTOCOL_VERSIONS,
      capabilities: this.capabilities,
      serverInfo: this.info,
      ...(this.#instructions ? { instructions: this.#instructions } : {}),
    }
    return exchange.era === 'modern' ? { ...result, ...this.#cache } : result
  }

  #initialize(exchange: Exchange): Record<string, unknown> {
    return {
      protocolVersion: exchange.protocolVersion,
      capabilities: this.capabilities,
      serverInfo: this.info,
      ...(this.#instructions ? { instructions: this.#instructions } : {}),
    }
  }

  #setLevel(params: Params, exchange: Exchange): Record<string, unknown> {
    if (!LOG_LEVELS.includes(params.level as LogLevel)) {
      throw new RpcError(ErrorCode.InvalidParams, `params.level must be one of ${LOG_LEVELS.join(', ')}`)
    }
    if (exchange.session) exchange.session.logLevel = params.level as LogLevel
    return {}
  }

  /**
   * Starts running tasks on this replica now (a fleet replica runs queued tasks even before it
   * accepts a call); otherwise the task store opens on first use.
   */
  async startTasks(): Promise<void> {
    await this.#tasks.start()
  }

  /**
   * Cancels a task from the server's side (an operator, a shutdown): it ends `cancelled` with
   * `statusMessage`, and its handler's `ctx.signal` aborts. Returns false when no such task runs.
   */
  cancelTask(taskId: string, statusMessage = 'Cancelled by the server'): Promise<boolean> {
    return this.#tasks.cancelTask(taskId, statusMessage)
  }

  /** `notifications/tasks` on `subscriptions/listen` (the transport calls it). */
  watchTask(taskId: string, identity: Identity | undefined, send: (task: Record<string, unknown>) => void) {
    return this.#tasks.watch(taskId, identity, send)
  }
}
