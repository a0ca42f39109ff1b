/**
 * MCP vocabulary. The shapes come from the official SDK's types (type-only imports, no
 * runtime cost); toolwire adds only what the 2026-07-28 revision puts on the wire.
 */
import type {
  BlobResourceContents,
  ClientCapabilities,
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
  Root,
  CallToolResult as SdkCallToolResult,
  Tool as SdkTool,
  ServerCapabilities,
  TextContent,
  TextResourceContents,
  ToolAnnotations,
} from '@modelcontextprotocol/server'

export type {
  BlobResourceContents,
  ClientCapabilities,
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
  Root,
  ServerCapabilities,
  TextContent,
  TextResourceContents,
  ToolAnnotations,
}

/** A tool as `tools/list` describes it. */
export type Tool = SdkTool

/** The result of `tools/call`; `resultType` is present on 2026-07-28 results. */
export type CallToolResult = SdkCallToolResult & { resultType?: string }

/** Cache hints a 2026-07-28 server attaches to list results (SEP-2549). */
export interface CacheHints {
  /** How long the result may be reused, in milliseconds. */
  ttlMs: number
  /** `public`: any client of the server may share it; `private`: only this caller. */
  cacheScope: 'public' | 'private'
}

export interface ListToolsPage {
  tools: Tool[]
  nextCursor?: string
  /** Present when the server speaks 2026-07-28. */
  cache?: CacheHints
}

/** What `server/discover` (2026-07-28) or `initialize` (2025 era) told us about the server. */
export interface ServerDescription {
  protocolVersion: string
  serverInfo: Implementation
  capabilities: ServerCapabilities
  instructions?: string
}

/** A resource template as `resources/templates/list` describes it. */
export interface ResourceTemplate {
  uriTemplate: string
  name: string
  title?: string
  description?: string
  mimeType?: string
}
