/** `toolwire/client`: connect to remote MCP servers over Streamable HTTP. */
export {
  CircuitOpenError,
  type ErrorSite,
  isToolwireError,
  McpAuthError,
  McpClosedError,
  McpConnectionError,
  McpHttpError,
  McpProtocolError,
  McpTimeoutError,
  McpToolError,
  type TimeoutKind,
  ToolwireConfigError,
  ToolwireError,
  type ToolwireErrorCode,
} from '../protocol/errors.js'
export type {
  CallToolResult,
  ContentBlock,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
  Implementation,
  Root,
  ServerDescription,
  Tool,
} from '../protocol/types.js'
export { fileOAuthStore } from './auth/oauth/file-store.js'
export {
  type LoopbackAuthorization,
  type LoopbackAuthorizationOptions,
  loopbackAuthorization,
} from './auth/oauth/loopback.js'
export {
  type GrantType,
  type IdentityAssertionOptions,
  type OAuthClientInformation,
  type OAuthOptions,
  type OAuthState,
  type OAuthStore,
  type OAuthTokens,
  oauth,
  type TokenEndpointAuthMethod,
} from './auth/oauth/oauth-provider.js'
export type { AuthChallenge, GetTokenOptions } from './auth/tokens.js'
export {
  type AccessToken,
  type AuthOption,
  type ClientCredentialsOptions,
  clientCredentials,
  type TokenProvider,
} from './auth/tokens.js'
export type { BreakerState, CircuitBreakerOptions } from './breaker.js'
export type { ClientRequestHandlers } from './client-requests.js'
export type { TlsOptions } from './connection-pools.js'
export {
  type CallToolOptions,
  type ClientEvents,
  type LogMessage,
  MCPServerStreamableHttp,
  type ToolCallResult,
} from './mcp-server-streamable-http.js'
export type { MCPServerStreamableHttpOptions, StreamableHttpParams, ToolFilter } from './options.js'
export type { RetryEvent } from './retry.js'
export { sharedToolListCache, ToolListCache } from './tool-cache.js'
