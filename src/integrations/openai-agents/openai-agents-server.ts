/**
 * A toolwire client seen as an `@openai/agents` `MCPServer`: what their `Agent` (`mcpServers`),
 * `run()`, `MCPServers` and `connectMcpServers()` take. Every request still goes through the
 * toolwire client, so its retries, breaker, tokens, tool-list cache and both protocol eras apply.
 */
import type {
  CallToolResult as AgentsCallToolResult,
  CallToolResultContent,
  MCPCallToolOptions,
  MCPServer,
  MCPToolCustomDataExtractor,
  MCPToolErrorFunction,
  MCPToolFilterCallable,
  MCPToolFilterStatic,
} from '@openai/agents'
import {
  McpToolError,
  type MCPServerStreamableHttp as ToolwireClient,
  ToolwireConfigError,
} from '../../client/index.js'
import {
  type MCPTool,
  staticFilterAllows,
  toAgentsContent,
  toAgentsResult,
  toAgentsTool,
} from './agents-shapes.js'
import { checkTime, TIME_RULES } from './units.js'

/** Options of `toOpenAIAgentsServer()`: the `MCPServer` fields `@openai/agents` reads. */
export interface OpenAIAgentsServerOptions {
  /**
   * The server's name in `@openai/agents`: tool-name prefixes (`includeServerInToolNames`),
   * filter contexts, traces. @default the toolwire client's `name`
   */
  name?: string
  /**
   * `{ allowedToolNames, blockedToolNames }` or `async (context, tool) => boolean`, as in
   * `@openai/agents` (which applies it in runs, with `context.runContext` and `context.agent`).
   * A static filter is also enforced by `listTools()` and `callTool()`. @default all tools
   */
  toolFilter?: MCPToolFilterCallable | MCPToolFilterStatic
  /**
   * Milliseconds one tool-call attempt may take (as `timeout` in `@openai/agents`); 100 to
   * 3,600,000. @default the toolwire client's `clientSessionTimeoutSeconds`
   */
  timeout?: number
  /** Give the model `structuredContent` (as JSON) instead of the content blocks when present. @default false */
  useStructuredContent?: boolean
  /** Turns thrown tool-call errors into model-visible text; `null` rethrows. @default the SDK's */
  errorFunction?: MCPToolErrorFunction | null
  /** Attaches SDK-only custom data to tool output items. */
  customDataExtractor?: MCPToolCustomDataExtractor
}

/**
 * An `@openai/agents` `MCPServer` backed by a toolwire client. Create one with
 * `toOpenAIAgentsServer(client)`, or use `MCPServerStreamableHttp` from this module, which
 * takes `@openai/agents`' own options.
 *
 * Tool lists are cached by toolwire (option `cacheToolsList` of the client), per caller
 * identity, expiring on the server's `ttlMs` and dropped on `notifications/tools/list_changed`;
 * so `cacheToolsList` here, the field `@openai/agents` reads to keep its own process-wide copy
 * keyed by server name only, is always `false`.
 */
export class OpenAIAgentsServer implements MCPServer {
  /** Always `false`: the list is cached one layer down, by toolwire (see the class comment). */
  readonly cacheToolsList = false
  readonly name: string
  readonly toolFilter?: MCPToolFilterCallable | MCPToolFilterStatic
  readonly useStructuredContent?: boolean
  readonly errorFunction?: MCPToolErrorFunction | null
  readonly customDataExtractor?: MCPToolCustomDataExtractor
  #client: ToolwireClient
  #closed = false
  readonly #timeoutSeconds: number | undefined

  constructor(client: ToolwireClient, options: OpenAIAgentsServerOptions = {}) {
    this.#client = client
    this.name = options.name ?? client.name
    if (typeof this.name !== 'string' || this.name.length === 0) {
      throw new ToolwireConfigError('OpenAIAgentsServer: option "name" must be a non-empty string')
    }
    if (options.toolFilter !== undefined) this.toolFilter = options.toolFilter
    if (options.useStructuredContent !== undefined) this.useStructuredContent = options.useStructuredContent
    if (options.errorFunction !== undefined) this.errorFunction = options.errorFunction
    if (options.customDataExtractor !== undefined) this.customDataExtractor = options.customDataExtractor
    const timeout = checkTime(options.timeout, TIME_RULES.timeout, this.constructor.name)
    this.#timeoutSeconds = timeout === undefined ? undefined : timeout / 1000
  }

  /** The toolwire client doing the work: its events (`retry`, `breakerOpen`, …) and state. */
  get toolwire(): ToolwireClient {
    return this.#client
  }

  /**
   * A new toolwire client to connect after `close()`, or `undefined` when this server cannot
   * make one (it wraps a client it did not create, which stays closed).
   */
  protected reopen(): ToolwireClient | undefined {
    return undefined
  }

  /** Connects the toolwire client (negotiating the protocol era). Again after `close()`: a new client, when there is a way to make one. */
  async connect(): Promise<void> {
    if (this.#closed) {
      const fresh = this.reopen()
      if (fresh) this.#client = fresh
      this.#closed = false
    }
    await this.#client.connect()
  }

  /** Closes the toolwire client (ending a 2025-era session, releasing connections). */
  async close(): Promise<void> {
    this.#closed = true
    await this.#client.close()
  }

  /** The server's tools in `@openai/agents`' shape, after a static `toolFilter`. */
  async listTools(): Promise<MCPTool[]> {
    const tools = await this.#client.listTools()
    return tools.filter((tool) => staticFilterAllows(this.toolFilter, tool.name)).map(toAgentsTool)
  }

  /**
   * Calls a tool through the toolwire client; the content blocks, with `_meta`,
   * `structuredContent` and `isError` attached. A tool failure is an `isError` result, not an
   * exception (the SDK gives its text to the model); transport failures throw toolwire errors,
   * which the SDK hands to `errorFunction`.
   */
  // biome-ignore lint/complexity/useMaxParams: the signature of @openai/agents' MCPServer.callTool
  async callTool(
    toolName: string,
    args: Record<string, unknown> | null,
    meta?: Record<string, unknown> | null,
    options?: MCPCallToolOptions,
  ): Promise<CallToolResultContent> {
    return toAgentsContent(await this.callToolResult(toolName, args, meta, options))
  }

  /** Calls a tool and returns the whole MCP result (`content`, `structuredContent`, `isError`, `_meta`). */
  // biome-ignore lint/complexity/useMaxParams: the signature of @openai/agents' MCPServer.callToolResult
  async callToolResult(
    toolName: string,
    args: Record<string, unknown> | null,
    meta?: Record<string, unknown> | null,
    options?: MCPCallToolOptions,
  ): Promise<AgentsCallToolResult> {
    if (meta != null && Object.keys(meta).length > 0) {
      throw new ToolwireConfigError(
        `${this.name}: request _meta for tools/call (toolMetaResolver) is not supported by the toolwire client yet`,
      )
    }
    if (!staticFilterAllows(this.toolFilter, toolName)) {
      throw new McpToolError(toolName, 'the tool is excluded by toolFilter', {
        site: { serverName: this.name },
        result: undefined,
      })
    }
    const result = await this.#client.callTool(toolName, args ?? {}, {
      ...(options?.signal ? { signal: options.signal } : {}),
      ...(this.#timeoutSeconds === undefined ? {} : { timeoutSeconds: this.#timeoutSeconds }),
    })
    return toAgentsResult(result)
  }

  /** Drops toolwire's cached tool list for this server: the next run lists the tools again. */
  async invalidateToolsCache(): Promise<void> {
    this.#client.invalidateToolsCache()
  }
}

/**
 * Wraps an existing toolwire client as an `@openai/agents` `MCPServer`. `close()` closes the
 * client, for good: connect a new client to use the server again.
 *
 * @example
 * ```ts
 * const crm = new MCPServerStreamableHttp({ name: 'CRM', params: { url }, cacheToolsList: true })
 * const server = toOpenAIAgentsServer(crm, { toolFilter: { blockedToolNames: ['delete_account'] } })
 * await server.connect()
 * const agent = new Agent({ name: 'Sales', instructions: '…', mcpServers: [server] })
 * ```
 */
export function toOpenAIAgentsServer(
  client: ToolwireClient,
  options: OpenAIAgentsServerOptions = {},
): OpenAIAgentsServer {
  return new OpenAIAgentsServer(client, options)
}
