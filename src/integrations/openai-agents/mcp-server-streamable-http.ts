/**
 * `MCPServerStreamableHttp` for `@openai/agents` users: their class's name and options, a
 * toolwire client underneath.
 */
import { MCPServerStreamableHttp as ToolwireClient } from '../../client/index.js'
import { OpenAIAgentsServer } from './openai-agents-server.js'
import { type MCPServerStreamableHttpOptions, toServerOptions, toToolwireOptions } from './options.js'

/**
 * A remote MCP server over Streamable HTTP for `@openai/agents`' `Agent` and `run()`, taking
 * `@openai/agents`' options (`url`, `timeout` in milliseconds, `clientSessionTimeoutSeconds`,
 * `cacheToolsList`, `toolFilter`, `requestInit.headers`, …) plus toolwire's policies (`auth`,
 * `maxRetryAttempts`, `circuitBreaker`, `protocolEra`, …). Time options outside their plausible
 * range are refused with a message naming the unit. `connect()` after `close()` starts a new
 * toolwire client, as `MCPServers.reconnect()` expects.
 *
 * @example
 * ```ts
 * import { Agent, run } from '@openai/agents'
 * import { MCPServerStreamableHttp } from 'toolwire/openai-agents'
 *
 * const crm = new MCPServerStreamableHttp({ url, name: 'CRM', cacheToolsList: true, timeout: 30_000 })
 * await crm.connect()
 * const agent = new Agent({ name: 'Sales', instructions: 'Answer from the CRM.', mcpServers: [crm] })
 * console.log((await run(agent, 'Which Q2 deals are at risk?')).finalOutput)
 * await crm.close()
 * ```
 */
export class MCPServerStreamableHttp extends OpenAIAgentsServer {
  readonly #options: ReturnType<typeof toToolwireOptions>

  constructor(options: MCPServerStreamableHttpOptions) {
    const toolwireOptions = toToolwireOptions(options)
    super(new ToolwireClient(toolwireOptions), toServerOptions(options))
    this.#options = toolwireOptions
  }

  protected override reopen(): ToolwireClient {
    return new ToolwireClient(this.#options)
  }
}
