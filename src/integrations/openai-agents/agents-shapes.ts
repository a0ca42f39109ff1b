/**
 * toolwire's tool definitions and results in the shapes `@openai/agents` reads: its `MCPTool`
 * (an object input schema with `properties`, `required` and `additionalProperties` present),
 * its `CallToolResultContent` (the content array, with `_meta`, `structuredContent` and
 * `isError` attached as non-enumerable properties, as its own `attachCallToolResultMetadata`
 * does), and its static tool filter.
 */
import type {
  CallToolResult as AgentsCallToolResult,
  CallToolResultContent,
  MCPServer,
  MCPToolFilterCallable,
  MCPToolFilterStatic,
} from '@openai/agents'
import type { CallToolResult, Tool } from '../../client/index.js'

/** `@openai/agents`' `MCPTool` (a zod-inferred type its package root does not export by name). */
export type MCPTool = Awaited<ReturnType<MCPServer['listTools']>>[number]

/**
 * A tool as `@openai/agents` lists it. Fields it does not model (`title`, `annotations`,
 * `outputSchema`, `_meta`, schema keywords such as `$defs`) are kept, so a callable
 * `toolFilter` can read `annotations`.
 */
export function toAgentsTool(tool: Tool): MCPTool {
  const schema = tool.inputSchema
  return {
    ...tool,
    inputSchema: {
      ...schema,
      type: 'object',
      properties: schema.properties ?? {},
      required: schema.required ?? [],
      // What the SDK's mcpToFunctionTool assumes when a schema leaves it out.
      additionalProperties: (schema.additionalProperties as boolean | undefined) ?? false,
    },
  }
}

/** The full result `callToolResult()` returns: content plus the metadata that was present. */
export function toAgentsResult(result: CallToolResult): AgentsCallToolResult {
  // Each block is a plain JSON object; the SDK's type only says "an object with a type".
  const out: AgentsCallToolResult = { content: result.content.map((block) => ({ ...block })) }
  if (result._meta !== undefined) out._meta = result._meta
  if (result.structuredContent !== undefined) out.structuredContent = result.structuredContent
  if (result.isError !== undefined) out.isError = result.isError
  return out
}

/** The content array `callTool()` returns, carrying the result's metadata as properties. */
export function toAgentsContent(result: AgentsCallToolResult): CallToolResultContent {
  const content = [...result.content] as CallToolResultContent
  for (const key of ['_meta', 'structuredContent', 'isError'] as const) {
    if (result[key] === undefined) continue
    Object.defineProperty(content, key, { value: result[key], enumerable: false, configurable: true })
  }
  return content
}

/**
 * Whether a static filter lets `name` through, with the SDK's semantics: an empty or missing
 * `allowedToolNames` allows every tool. A callable filter is the SDK's to apply (it needs the run
 * context and the agent), so it lets every name through here.
 */
export function staticFilterAllows(
  filter: MCPToolFilterCallable | MCPToolFilterStatic | undefined,
  name: string,
): boolean {
  if (filter === undefined || typeof filter === 'function') return true
  const allowed = filter.allowedToolNames ?? []
  if (allowed.length > 0 && !allowed.includes(name)) return false
  return !(filter.blockedToolNames ?? []).includes(name)
}
