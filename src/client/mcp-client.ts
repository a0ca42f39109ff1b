/** What an agent needs from any MCP client, whatever its transport. */
import type { Tool } from '../protocol/types.js'
import type { CallToolOptions, ToolCallResult } from './call-tool-options.js'

/**
 * One MCP server as an agent sees it: `MCPServerStreamableHttp` (remote, over HTTP) and
 * `MCPServerStdio` (a local process) both are, so one `Agent` mixes them.
 */
export interface McpClient {
  /** A name for errors, events, logs and tool-name prefixes. */
  readonly name: string
  /** Connects (starts the process, negotiates the era). Returns the client. */
  connect(options?: { signal?: AbortSignal }): Promise<McpClient>
  /** The tools, filtered by the client's `toolFilter`. */
  listTools(options?: { signal?: AbortSignal }): Promise<Tool[]>
  /** Calls one tool; tool failures come back as `isError` results. */
  callTool(name: string, args?: Record<string, unknown>, options?: CallToolOptions): Promise<ToolCallResult>
  /** Drops the cached tool list. */
  invalidateToolsCache(): void
  close(): Promise<void>
}
