/** Turning what a tool handler returns (or throws) into a `CallToolResult`. */
import { isObject } from '../protocol/jsonrpc.js'
import type { CallToolResult, ContentBlock } from '../protocol/types.js'
import { describeIssues, type Validate, type Validation } from '../schema/validation.js'

/** What a tool handler may return: text, content blocks, a full result, or structured data. */
export type ToolReturn = string | ContentBlock[] | CallToolResult | Record<string, unknown> | undefined | null

/** Throw from a tool handler to send `message` to the caller as an `isError` result. */
export class ToolError extends Error {
  override name = 'ToolError'
}

export function textResult(text: string, isError = false): CallToolResult {
  return isError
    ? { content: [{ type: 'text', text }], isError: true }
    : { content: [{ type: 'text', text }] }
}

function isCallToolResult(value: Record<string, unknown>): value is CallToolResult {
  return Array.isArray(value.content) || ('structuredContent' in value && isObject(value.structuredContent))
}

export function toCallToolResult(
  value: ToolReturn,
  output: Validate | undefined,
  toolName: string,
): CallToolResult | Promise<CallToolResult> {
  let result: CallToolResult
  if (typeof value === 'string') result = textResult(value)
  else if (value === undefined || value === null) result = { content: [] }
  else if (Array.isArray(value)) result = { content: value }
  else if (isCallToolResult(value)) {
    // Always a copy: the transport stamps protocol fields onto results in place.
    result = Array.isArray(value.content)
      ? { ...value }
      : { ...value, content: [{ type: 'text', text: JSON.stringify(value.structuredContent) }] }
  } else result = { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value }

  if (!output || result.isError) return result
  const checked = output(result.structuredContent)
  const verdict = (validation: Validation): CallToolResult => {
    if (!validation.ok) {
      throw new Error(
        `Tool '${toolName}' returned output that does not match its outputSchema: ${describeIssues(validation.issues)}`,
      )
    }
    return result
  }
  return checked instanceof Promise ? checked.then(verdict) : verdict(checked)
}
