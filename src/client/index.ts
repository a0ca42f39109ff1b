/** `toolwire/client`: connect to remote MCP servers over Streamable HTTP. */
export {
  type ErrorSite,
  isToolwireError,
  McpConnectionError,
  McpHttpError,
  McpProtocolError,
  McpTimeoutError,
  type TimeoutKind,
  ToolwireConfigError,
  ToolwireError,
} from '../protocol/errors.js'
export type {
  CallToolResult,
  ContentBlock,
  Implementation,
  ServerDescription,
  Tool,
} from '../protocol/types.js'
export {
  type CallToolOptions,
  MCPServerStreamableHttp,
  type MCPServerStreamableHttpOptions,
  type StreamableHttpParams,
} from './mcp-server-streamable-http.js'
