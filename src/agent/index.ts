/** `toolwire/agent`: Agent and Runner over remote MCP servers and any OpenAI-compatible model. */

export { MissingPackageError } from '../protocol/optional-package.js'
export type {
  JsonSchemaObject,
  SchemaOutput,
  StandardSchemaV1,
  ToolSchema,
} from '../schema/standard-schema.js'
export { Agent, type AgentOptions } from './agent.js'
export { MaxTurnsExceededError, ModelConfigError, ModelError, RunCancelledError } from './errors.js'
export type { HostedMcpApprovalRequest, HostedMcpServer } from './hosted-mcp.js'
export type {
  AgentInputItem,
  HostedToolItem,
  ModelOutputItem,
  ReasoningItem,
  RunItem,
  RunWarning,
  Usage,
} from './items.js'
export type {
  FunctionToolSpec,
  Model,
  ModelRequest,
  ModelResponse,
  ModelSettings,
  ModelStreamEvent,
} from './model.js'
export { type ModelApi, modelApi, resolveModel } from './model-api.js'
export {
  type ChatCompletionsClient,
  OpenAIChatCompletionsModel,
  type OpenAIChatCompletionsModelOptions,
} from './openai-chat-completions-model.js'
export {
  OpenAIResponsesModel,
  type OpenAIResponsesModelOptions,
  type ResponsesClient,
} from './openai-responses-model.js'
export {
  Runner,
  type RunOptions,
  type RunResult,
  type RunStreamEvent,
  type StreamedRun,
} from './runner.js'
export { type FunctionTool, tool } from './tool.js'
