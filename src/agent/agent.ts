/** An agent: instructions, a model, the remote MCP servers and local tools it may use. */
import type { McpClient } from '../client/mcp-client.js'
import { ToolwireConfigError } from '../protocol/errors.js'
import type { Model, ModelSettings } from './model.js'
import type { FunctionTool } from './tool.js'

export interface AgentOptions {
  name: string
  /** The system prompt. */
  instructions?: string
  /**
   * A `Model`, or a model name: `OpenAIResponsesModel` on OpenAI, `OpenAIChatCompletionsModel`
   * with an `OPENAI_BASE_URL` elsewhere (`TOOLWIRE_MODEL_API=responses|chat` decides instead).
   * @default process.env.TOOLWIRE_MODEL, through OPENAI_BASE_URL / OPENAI_API_KEY
   */
  model?: Model | string
  modelSettings?: ModelSettings
  /** MCP servers whose tools the agent may call: `MCPServerStreamableHttp` (remote) and `MCPServerStdio` (local processes), mixed freely. */
  mcpServers?: readonly McpClient[]
  /** Local function tools (`tool({ … })`). */
  tools?: readonly FunctionTool[]
  /**
   * Prefix every MCP tool name with its server (`crm_tools__search_contacts`), as the OpenAI
   * Agents SDK's option of the same name. Without it, only names several servers share are
   * prefixed. @default false
   */
  includeServerInToolNames?: boolean
}

/**
 * @example
 * ```ts
 * const agent = new Agent({ name: 'Sales Intelligence', instructions, mcpServers: [crm, analytics] })
 * const result = await Runner.run(agent, 'What is the pipeline value for Q2?')
 * ```
 */
export class Agent {
  readonly name: string
  readonly instructions: string
  readonly model: Model | string | undefined
  readonly modelSettings: ModelSettings
  readonly mcpServers: readonly McpClient[]
  readonly tools: readonly FunctionTool[]
  readonly includeServerInToolNames: boolean

  constructor(options: AgentOptions) {
    if (!options.name) throw new ToolwireConfigError('Agent: option "name" is required')
    this.name = options.name
    this.instructions = options.instructions ?? 'You are a helpful assistant.'
    this.model = options.model
    this.modelSettings = options.modelSettings ?? {}
    this.mcpServers = options.mcpServers ?? []
    this.tools = options.tools ?? []
    this.includeServerInToolNames = options.includeServerInToolNames ?? false
    const names = new Set<string>()
    for (const t of this.tools) {
      if (names.has(t.name))
        throw new ToolwireConfigError(`Agent "${this.name}": two local tools are named "${t.name}"`)
      names.add(t.name)
    }
  }
}
