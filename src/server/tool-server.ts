/**
 * ToolServer: the tools, resources and prompts a server offers, and the JSON-RPC
 * dispatcher that answers both protocol eras for them.
 */
import { z } from 'zod'
import { ToolwireConfigError } from '../protocol/errors.js'
import { type ParamHeader, scanParamHeaders } from '../protocol/header-values.js'
import { ErrorCode, isObject, type JsonRpcRequest, RpcError } from '../protocol/jsonrpc.js'
import type { Implementation, ServerCapabilities, Tool, ToolAnnotations } from '../protocol/types.js'
import { META_SERVER_INFO, SUPPORTED_PROTOCOL_VERSIONS } from '../protocol/versions.js'
import type { McpHttpHandler } from '../transport/server/http-handler.js'
import type { ListenFilterKey } from '../transport/server/listen-streams.js'
import type { Exchange, RequestDispatcher } from '../transport/server/request-dispatcher.js'
import { complete, parseCompletionRequest } from './completions.js'
import { answersOf, RequestStateCodec } from './input-requests.js'
import { createMcpHandler, type ToolServerHandlerOptions } from './mcp-handler.js'
import { decodeCursor, encodeCursor } from './pagination.js'
import { type PromptDefinition, type PromptHandler, PromptRegistry } from './prompts.js'
import {
  RESOURCE_NOT_FOUND,
  type ResourceDefinition,
  type ResourceReader,
  ResourceRegistry,
  type ResourceTemplateDefinition,
  type TemplateReader,
} from './resources.js'
import { type RegisteredTool, runTool } from './tool-call.js'
import {
  type CallContext,
  createToolContext,
  LOG_LEVELS,
  type LogLevel,
  type ToolContext,
} from './tool-context.js'
import { describeIssues, type ToolReturn, textResult } from './tool-result.js'

export interface ToolServerOptions {
  /** Server name reported to clients. */
  name: string
  /** Server version reported to clients. @default '0.0.0' */
  version?: string
  title?: string
  /** Guidance for the model on how to use this server's tools. */
  instructions?: string
  /** Tools per `tools/list` page. @default 100 */
  pageSize?: number
  /**
   * Cache hints on 2026-07-28 list results: how long clients may reuse them, in
   * milliseconds, and whether one client's copy may serve others.
   * @default { ttlMs: 60000, scope: 'private' }
   */
  listCache?: { ttlMs?: number; scope?: 'public' | 'private' }
  /**
   * Key that signs `requestState` when a 2026-07-28 tool call asks the client something
   * (`ctx.elicit`, `ctx.sample`, `ctx.roots`). Give every replica behind one load balancer the
   * same secret, so any of them can continue a call. @default random per process
   */
  requestStateSecret?: string
}

export interface ToolDefinition<I extends z.ZodObject, O extends z.ZodType | undefined> {
  title?: string
  description?: string
  /** Arguments schema; its JSON Schema (2020-12) is published in `tools/list`. */
  input: I
  /** Structured output schema; results are checked against it. */
  output?: O
  annotations?: ToolAnnotations
  /** Seconds the handler may run; then `ctx.signal` aborts and the caller gets an error result. @default no limit */
  timeoutSeconds?: number
  /** Scopes a caller must hold (with `serve({ auth })`): others get HTTP 403. @default none */
  scopes?: readonly string[]
}

export type ToolHandler<I extends z.ZodObject> = (
  args: z.output<I>,
  ctx: ToolContext,
) => Promise<ToolReturn> | ToolReturn

type Params = Record<string, unknown>
type MethodHandler = (
  params: Params,
  exchange: Exchange,
  request: JsonRpcRequest,
) => Promise<Record<string, unknown>> | Record<string, unknown>

const NAME = /^[A-Za-z0-9_.-]{1,128}$/

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
  readonly #tools = new Map<string, RegisteredTool>()
  readonly #resources = new ResourceRegistry()
  readonly #prompts = new PromptRegistry()
  readonly #handlers = new Set<McpHttpHandler>()
  readonly #methods: Record<string, MethodHandler>
  #toolList: Tool[] | undefined
  readonly #serverInfoMeta: Record<string, unknown>
  readonly #requestState: RequestStateCodec

  constructor(options: ToolServerOptions) {
    if (!options.name) throw new ToolwireConfigError('ToolServer: option "name" is required')
    const pageSize = options.pageSize ?? 100
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      throw new ToolwireConfigError(
        `ToolServer: option "pageSize" must be a positive integer, got ${pageSize}`,
      )
    }
    const ttlMs = options.listCache?.ttlMs ?? 60_000
    if (!Number.isInteger(ttlMs) || ttlMs < 0) {
      throw new ToolwireConfigError(
        `ToolServer: option "listCache.ttlMs" must be a non-negative integer, got ${ttlMs}`,
      )
    }
    this.info = {
      name: options.name,
      version: options.version ?? '0.0.0',
      ...(options.title ? { title: options.title } : {}),
    }
    this.#instructions = options.instructions
    this.#requestState = new RequestStateCodec(options.requestStateSecret)
    this.#serverInfoMeta = { [META_SERVER_INFO]: this.info }
    this.#pageSize = pageSize
    this.#cache = { ttlMs, cacheScope: options.listCache?.scope ?? 'private' }
    // Plain (not async) wrappers: each async layer costs a promise per request.
    this.#methods = {
      'server/discover': (_p, exchange) => this.#discover(exchange),
      initialize: (_p, exchange) => this.#initialize(exchange),
      ping: () => ({}),
      'tools/list': (params) => this.#listTools(params),
      'tools/call': (params, exchange, request) => this.#callTool(params, exchange, request),
      'logging/setLevel': (params, exchange) => this.#setLevel(params, exchange),
      'resources/list': (params) => this.#page('resources', this.#resources.list(), params),
      'resources/templates/list': (params) =>
        this.#page('resourceTemplates', this.#resources.listTemplates(), params),
      'resources/read': (params, exchange, request) => this.#readResource(params, exchange, request),
      'resources/subscribe': (params, exchange) => this.#subscribe(params, exchange, true),
      'resources/unsubscribe': (params, exchange) => this.#subscribe(params, exchange, false),
      'prompts/list': (params) => this.#page('prompts', this.#prompts.list(), params),
      'prompts/get': (params, exchange, request) =>
        this.#withInputs(
          `prompts/get ${String(params.name)}`,
          { params, exchange, request },
          (ctx) => this.#prompts.get(params, ctx) as Promise<Record<string, unknown>>,
        ),
      'completion/complete': (params) => this.#complete(params),
    }
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
   * Registers a prompt; `arguments` is a zod object of strings.
   *
   * @example
   * ```ts
   * server.prompt('summarize', { arguments: z.object({ topic: z.string() }) }, ({ topic }) => `Summarize ${topic}`)
   * ```
   */
  prompt<A extends z.ZodObject | undefined = undefined>(
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
    const offset = decodeCursor(params.cursor)
    const next = offset + this.#pageSize
    return {
      [key]: items.slice(offset, next),
      ...(next < items.length ? { nextCursor: encodeCursor(next) } : {}),
      ...this.#cache,
    }
  }

  async #readResource(
    params: Params,
    exchange: Exchange,
    request: JsonRpcRequest,
  ): Promise<Record<string, unknown>> {
    if (typeof params.uri !== 'string')
      throw new RpcError(ErrorCode.InvalidParams, 'params.uri must be a string')
    const uri = params.uri
    try {
      return await this.#withInputs(`resources/read ${uri}`, { params, exchange, request }, async (ctx) => {
        const result = await this.#resources.read(uri, ctx)
        // 2026-07-28 read results carry cache hints, like list results (SEP-2549).
        return exchange.era === 'modern' ? { ...result, ...this.#cache } : (result as Record<string, unknown>)
      })
    } catch (error) {
      // 2025 revisions answer an unknown resource with -32002; 2026-07-28 with -32602 (SEP-2164).
      if (exchange.era === 'modern' && error instanceof RpcError && error.code === RESOURCE_NOT_FOUND) {
        throw new RpcError(ErrorCode.InvalidParams, error.message, error.data)
      }
      throw error
    }
  }

  #subscribe(params: Params, exchange: Exchange, on: boolean): Record<string, unknown> {
    if (typeof params.uri !== 'string')
      throw new RpcError(ErrorCode.InvalidParams, 'params.uri must be a string')
    if (on && !this.#resources.has(params.uri)) {
      throw new RpcError(RESOURCE_NOT_FOUND, `Resource not found: ${params.uri}`, { uri: params.uri })
    }
    if (!exchange.session) {
      throw new RpcError(
        ErrorCode.InvalidRequest,
        'resources/subscribe needs a 2025-era session (initialize first); 2026-07-28 clients use subscriptions/listen',
      )
    }
    if (on) exchange.session.subscriptions.add(params.uri)
    else exchange.session.subscriptions.delete(params.uri)
    return {}
  }

  async #complete(params: Params): Promise<Record<string, unknown>> {
    const request = parseCompletionRequest(params)
    const completers =
      request.ref.type === 'ref/prompt'
        ? this.#prompts.completers(request.ref.name)
        : this.#resources.completers(request.ref.uri)
    return complete(completers?.[request.argument.name], request)
  }

  /** Registers a tool. Registering after the server is serving notifies 2025-era sessions. */
  tool<I extends z.ZodObject, O extends z.ZodType | undefined = undefined>(
    name: string,
    definition: ToolDefinition<I, O>,
    handler: ToolHandler<I>,
  ): this {
    if (!NAME.test(name)) {
      throw new ToolwireConfigError(
        `ToolServer.tool: name "${name}" must be 1-128 characters of A-Z a-z 0-9 _ . -`,
      )
    }
    if (this.#tools.has(name))
      throw new ToolwireConfigError(`ToolServer.tool: a tool named "${name}" already exists`)
    if (definition.timeoutSeconds !== undefined && !(definition.timeoutSeconds > 0)) {
      throw new ToolwireConfigError(
        `ToolServer.tool: tool "${name}" option "timeoutSeconds" must be a positive number of seconds, got ${definition.timeoutSeconds}`,
      )
    }
    const inputSchema = toJsonSchema(definition.input, 'input')
    const scan = scanParamHeaders(inputSchema)
    if (!scan.ok)
      throw new ToolwireConfigError(
        `ToolServer.tool: tool "${name}" has an invalid x-mcp-header: ${scan.reason}`,
      )
    const tool: Tool = {
      name,
      ...(definition.title ? { title: definition.title } : {}),
      ...(definition.description ? { description: definition.description } : {}),
      inputSchema: inputSchema as Tool['inputSchema'],
      ...(definition.output
        ? { outputSchema: toJsonSchema(definition.output, 'output') as Tool['outputSchema'] }
        : {}),
      ...(definition.annotations ? { annotations: definition.annotations } : {}),
    }
    this.#tools.set(name, {
      definition: tool,
      input: definition.input,
      output: definition.output,
      handler: handler as RegisteredTool['handler'],
      paramHeaders: scan.headers,
      timeoutSeconds: definition.timeoutSeconds,
      scopes: definition.scopes,
    })
    this.#toolList = undefined
    for (const h of this.#handlers)
      h.broadcast({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' })
    return this
  }

  /**
   * A node `(req, res)` handler serving this server over Streamable HTTP; mount it in
   * `node:http`, Express (`app.all('/mcp', handler)`) or Fastify.
   */
  handler(options: ToolServerHandlerOptions = {}): McpHttpHandler {
    const h = createMcpHandler(this, options)
    const close = h.close
    h.close = () => {
      this.#handlers.delete(h)
      close()
    }
    this.#handlers.add(h)
    return h
  }

  requiredScopes(toolName: string): readonly string[] | undefined {
    return this.#tools.get(toolName)?.scopes
  }

  /** Every scope some tool requires, sorted (the protected resource metadata's `scopes_supported`). */
  scopes(): string[] {
    const all = new Set<string>()
    for (const tool of this.#tools.values()) for (const scope of tool.scopes ?? []) all.add(scope)
    return [...all].sort()
  }

  paramHeaders(toolName: string): readonly ParamHeader[] | undefined {
    const headers = this.#tools.get(toolName)?.paramHeaders
    return headers && headers.length > 0 ? headers : undefined
  }

  async handleRequest(request: JsonRpcRequest, exchange: Exchange): Promise<Record<string, unknown>> {
    const method = this.#methods[request.method]
    if (!method) throw new RpcError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`)
    const result = await method(request.params ?? {}, exchange, request)
    if (exchange.era === 'legacy') return result
    // 2026-07-28: every result says its type and who answered. Results are fresh objects
    // (handlers' own results are copied in toCallToolResult), so they are stamped in place.
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

  #listTools(params: Params): Record<string, unknown> {
    this.#toolList ??= [...this.#tools.values()].map((t) => t.definition)
    return this.#page('tools', this.#toolList, params)
  }

  async #callTool(
    params: Params,
    exchange: Exchange,
    request: JsonRpcRequest,
  ): Promise<Record<string, unknown>> {
    if (typeof params.name !== 'string')
      throw new RpcError(ErrorCode.InvalidParams, 'params.name must be a string')
    const tool = this.#tools.get(params.name)
    if (!tool) throw new RpcError(ErrorCode.InvalidParams, `Unknown tool: ${params.name}`)
    if (params.arguments !== undefined && !isObject(params.arguments)) {
      throw new RpcError(ErrorCode.InvalidParams, 'params.arguments must be an object')
    }
    const parsed = tool.input.safeParse(params.arguments ?? {})
    if (!parsed.success) {
      return textResult(
        `Invalid arguments for tool '${params.name}': ${describeIssues(parsed.error)}`,
        true,
      ) as Record<string, unknown>
    }
    return this.#withInputs(
      `tools/call ${params.name}`,
      { params, exchange, request },
      async (ctx) => (await runTool(tool, parsed.data, { exchange, ctx })) as Record<string, unknown>,
    )
  }

  /**
   * Runs a handler that may ask the client (`ctx.sample`, `ctx.elicit`, `ctx.roots`). On
   * 2026-07-28, answers from earlier rounds come in (`inputResponses`, signed `requestState`),
   * and a question without an answer ends the round with `input_required` (SEP-2322: tools,
   * prompts and resource reads alike).
   */
  async #withInputs(
    target: string,
    call: { params: Params; exchange: Exchange; request: JsonRpcRequest },
    run: (ctx: CallContext) => Promise<Record<string, unknown>>,
  ): Promise<Record<string, unknown>> {
    const { params, exchange, request } = call
    const binding = { target, subject: exchange.identity?.subject ?? '' }
    const answers =
      exchange.era === 'modern'
        ? answersOf(params, this.#requestState.decode(params.requestState, binding))
        : undefined
    const ctx = createToolContext(exchange, request, answers)
    let result: Record<string, unknown> | undefined
    let failure: unknown
    try {
      result = await run(ctx)
    } catch (error) {
      failure = error
    }
    const pending = ctx.pendingInput
    if (pending) {
      return {
        resultType: 'input_required',
        inputRequests: { [pending.key]: pending.request },
        requestState: this.#requestState.encode({ ...binding, answers: ctx.answers }),
      }
    }
    if (failure !== undefined) throw failure
    return result!
  }
}

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >
  // `$schema` stays: 2020-12 is the spec's default dialect, and saying so lets validators agree (SEP-1613).
  return json
}
