/**
 * `toolwire/ai-sdk`: a toolwire client's MCP tools as a Vercel AI SDK tool set for
 * `generateText`, `streamText` and `ToolLoopAgent`, executed with toolwire's retries, breaker,
 * tokens and both protocol eras. Needs `ai` 6 (an optional peer dependency).
 *
 * @example
 * ```ts
 * import { aiSdkTools } from 'toolwire/ai-sdk'
 * const tools = await aiSdkTools(client)
 * ```
 */
export {
  type AiSdkMcpTool,
  type AiSdkToolSchemas,
  type AiSdkToolSet,
  type AiSdkToolsOptions,
  aiSdkTools,
} from './ai-sdk-tools.js'
export { mcpToModelOutput, type ToolResultOutput } from './model-output.js'
