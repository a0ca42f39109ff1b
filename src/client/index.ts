/** `toolwire/client`: connect to MCP servers over Streamable HTTP or stdio. */
export {
  CircuitOpenError,
  type ErrorSite,
  isToolwireError,
  McpAuthError,
  McpClosedError,
  McpConnectionError,
  McpHttpError,
  McpProtocolError,
  McpTaskError,
  McpTimeoutError,
  McpToolError,
  type TimeoutKind,
  ToolwireConfigError,
  ToolwireError,
  type ToolwireErrorCode,
} from '../protocol/errors.js'
export type { DetailedTask, Task, TaskProgress, TaskStatus } from '../protocol/tasks.js'
export type {
  CallToolResult,
  CompleteResult,
  ContentBlock,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
  GetPromptResult,
  Implementation,
  Prompt,
  PromptArgument,
  PromptMessage,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Root,
  ServerDescription,
  Tool,
} from '../protocol/types.js'
export { type ClientCredentialsOptions, clientCredentials } from './auth/client-credentials.js'
export { fileOAuthStore } from './auth/oauth/file-store.js'
export {
  type LoopbackAuthorization,
  type LoopbackAuthorizationOptions,
  loopbackAuthorization,
} from './auth/oauth/loopback.js'
export type {
  GrantType,
  IdentityAssertionOptions,
  OAuthOptions,
} from './auth/oauth/oauth-options.js'
export { oauth } from './auth/oauth/oauth-provider.js'
export type {
  OAuthClientInformation,
  OAuthState,
  OAuthStore,
  OAuthTokens,
  TokenEndpointAuthMethod,
} from './auth/oauth/oauth-state.js'
export type {
  AccessToken,
  AuthChallenge,
  AuthOption,
  GetTokenOptions,
  TokenProvider,
} from './auth/token-source.js'
export type { BreakerState, CircuitBreakerOptions } from './breaker.js'
export type { CallToolOptions, LogMessage, ToolCallResult } from './call-tool-options.js'
export type { ClientRequestHandlers } from './client-requests.js'
export type { TlsOptions } from './connection-pools.js'
export type { McpClient } from './mcp-client.js'
export { MCPServerStdio, type StdioClientEvents } from './mcp-server-stdio.js'
export { type ClientEvents, MCPServerStreamableHttp } from './mcp-server-streamable-http.js'
export type { MCPServerStreamableHttpOptions, StreamableHttpParams, ToolFilter } from './options.js'
export type { RetryEvent } from './retry.js'
export type { CompleteOptions, CompletionReference } from './server-features.js'
export type { MCPServerStdioOptions, RestartOnCrashOptions, StdioServerParams } from './stdio-options.js'
export type { TaskWaitOptions, ToolTask } from './tasks/tool-task.js'
export { sharedToolListCache, ToolListCache, type ToolListCacheOptions } from './tool-cache.js'
export type { ToolListLimits } from './tool-definitions.js'
