/** `toolwire/server`: host tools over MCP Streamable HTTP (or stdio). */
export { ToolwireConfigError, ToolwireError, type ToolwireErrorCode } from '../protocol/errors.js'
export { ErrorCode, RpcError } from '../protocol/jsonrpc.js'
export { MissingPackageError } from '../protocol/optional-package.js'
export type {
  CallToolResult,
  ContentBlock,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
  GetPromptResult,
  Implementation,
  Prompt,
  PromptMessage,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Root,
  Tool,
  ToolAnnotations,
} from '../protocol/types.js'
export { SUPPORTED_PROTOCOL_VERSIONS } from '../protocol/versions.js'
export type {
  JsonSchemaObject,
  SchemaOutput,
  StandardSchemaV1,
  ToolSchema,
} from '../schema/standard-schema.js'
export type { McpHttpHandler } from '../transport/server/http-handler.js'
export {
  type ApiKeyEntry,
  type AuthOptions,
  hashApiKey,
  type Identity,
  type JwtOptions,
} from './auth/authenticators.js'
export type { Completer, Completers } from './completions.js'
export { SERVE_ENV_VARIABLES, serveOptionsFromEnv } from './env.js'
export type { HealthOptions, ReadinessCheck } from './health.js'
export type { RateLimitOptions, RateLimitRule } from './limits/rate-limit.js'
export type { HttpHandlerOptions, ToolServerHandlerOptions } from './mcp-handler.js'
export { createServerLogger, type ServerLoggerOptions, type ServerLogLevel } from './observability/logging.js'
export { type MetricsOptions, ServerMetrics } from './observability/metrics.js'
export type { PromptDefinition, PromptHandler, PromptReturn } from './prompts.js'
export {
  RESOURCE_NOT_FOUND,
  type ResourceContents,
  type ResourceDefinition,
  type ResourceReader,
  type ResourceReturn,
  type ResourceTemplateDefinition,
  type TemplateReader,
} from './resources.js'
export { type RunningServer, type ServeOptions, type ServeTlsOptions, serve } from './serve.js'
export { type RunningStdioServer, type ServeStdioOptions, serveStdio } from './serve-stdio.js'
export type { RedisClient } from './store/redis-client.js'
export type { StoreOptions } from './store/store-options.js'
export type { TaskSupport } from './tasks/become-task.js'
export type { TasksOptions } from './tasks/tasks-options.js'
export type { LogLevel, ToolContext } from './tool-context.js'
export { ToolError, type ToolReturn } from './tool-result.js'
export {
  type ToolDefinition,
  type ToolHandler,
  ToolServer,
  type ToolServerOptions,
} from './tool-server.js'
