/**
 * `toolwire/openai-agents`: toolwire clients as `@openai/agents` MCP servers, so their `Agent`
 * and `run()` call tools with toolwire's retries, breaker, OAuth, tool-list cache and both
 * protocol eras. Needs `@openai/agents` (an optional peer dependency).
 *
 * @example
 * ```ts
 * import { MCPServerStreamableHttp } from 'toolwire/openai-agents'
 * const crm = new MCPServerStreamableHttp({ url, cacheToolsList: true })
 * ```
 */
export { MCPServerStreamableHttp } from './mcp-server-streamable-http.js'
export {
  OpenAIAgentsServer,
  type OpenAIAgentsServerOptions,
  toOpenAIAgentsServer,
} from './openai-agents-server.js'
export type { MCPServerStreamableHttpOptions, ToolwirePolicyOptions } from './options.js'
export { TIME_RULES, type TimeRule } from './units.js'
