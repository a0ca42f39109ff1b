/**
 * What the model sees of an MCP tool result, as `@ai-sdk/mcp` shows it: text blocks as text,
 * images as image data, anything else as its JSON; a value that is not a `CallToolResult` (the
 * structured output of a tool with an `outputSchema`) as JSON.
 */
import type { JSONValue, Tool } from 'ai'

/** The AI SDK's `ToolResultOutput` (what `toModelOutput` returns). */
export type ToolResultOutput = Awaited<ReturnType<NonNullable<Tool['toModelOutput']>>>
type ContentPart = Extract<ToolResultOutput, { type: 'content' }>['value'][number]

export function mcpToModelOutput({ output }: { output: unknown }): ToolResultOutput {
  const content = (output as { content?: unknown } | null)?.content
  if (!Array.isArray(content)) return { type: 'json', value: output as JSONValue }
  return {
    type: 'content',
    value: content.map((block: Record<string, unknown>): ContentPart => {
      if (block.type === 'text' && typeof block.text === 'string') return { type: 'text', text: block.text }
      if (block.type === 'image' && typeof block.data === 'string' && typeof block.mimeType === 'string') {
        return { type: 'image-data', data: block.data, mediaType: block.mimeType }
      }
      return { type: 'text', text: JSON.stringify(block) }
    }),
  }
}
