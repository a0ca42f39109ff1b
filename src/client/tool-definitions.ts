/**
 * A server's tool definitions, checked before anything uses them: a malformed tool (no name,
 * no object schema, a schema nested or sized past the limits) is skipped with a warning instead
 * of breaking every listing, and descriptions are cut to a documented length with control and
 * bidirectional-override characters neutralized.
 */
import { isObject } from '../protocol/jsonrpc.js'
import { hasUnprintable, printable } from '../protocol/printable.js'
import type { Tool } from '../protocol/types.js'

/** Bounds on what one server's `tools/list` may hand the client (and, through it, a model). */
export interface ToolListLimits {
  /** Pages of `tools/list` followed at most; a server still paging after that is an error. @default 100 */
  maxPages?: number
  /** Tools in one list at most; more is an error. @default 1000 */
  maxTools?: number
  /** Longest `description` (and `title`) kept, in characters; longer ones are cut, with a warning. @default 4096 */
  maxDescriptionChars?: number
  /** Largest `inputSchema` / `outputSchema`, in bytes of JSON; a tool with a larger one is skipped, with a warning. @default 65536 */
  maxSchemaBytes?: number
  /** Deepest nesting of objects and arrays in a schema; a tool nested deeper is skipped, with a warning. @default 64 */
  maxSchemaDepth?: number
}

export type ResolvedToolListLimits = Required<ToolListLimits>

export const DEFAULT_TOOL_LIST_LIMITS: ResolvedToolListLimits = {
  maxPages: 100,
  maxTools: 1000,
  maxDescriptionChars: 4096,
  maxSchemaBytes: 65_536,
  maxSchemaDepth: 64,
}

/** Longest tool name accepted, in characters. */
const MAX_NAME_CHARS = 256

export type ToolCheck = { ok: true; tool: Tool; notes: string[] } | { ok: false; problem: string }

/** Checks one raw definition from `tools/list`; never throws. */
export function checkToolDefinition(raw: unknown, limits: ResolvedToolListLimits): ToolCheck {
  if (!isObject(raw)) return { ok: false, problem: 'a tool definition that is not an object was skipped' }
  const name = raw.name
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_CHARS || hasUnprintable(name)) {
    const shown =
      typeof name === 'string' ? `"${printable(name, { maxChars: 80, oneLine: true })}"` : String(typeof name)
    return {
      ok: false,
      problem: `a tool named ${shown} was skipped: a name must be a printable string of 1 to ${MAX_NAME_CHARS} characters`,
    }
  }
  const skip = (why: string): ToolCheck => ({ ok: false, problem: `tool "${name}" was skipped: ${why}` })
  if (!isObject(raw.inputSchema)) return skip('its inputSchema is missing or not an object')
  if (raw.inputSchema.type !== undefined && raw.inputSchema.type !== 'object')
    return skip(
      `its inputSchema has type ${printable(JSON.stringify(raw.inputSchema.type) ?? '', { maxChars: 40 })}, not "object"`,
    )
  for (const key of ['inputSchema', 'outputSchema'] as const) {
    const schema = raw[key]
    if (schema === undefined) continue
    if (!isObject(schema)) return skip(`its ${key} is not an object`)
    if (deeperThan(schema, limits.maxSchemaDepth))
      return skip(
        `its ${key} is nested deeper than ${limits.maxSchemaDepth} levels (toolListLimits.maxSchemaDepth)`,
      )
    const bytes = Buffer.byteLength(JSON.stringify(schema))
    if (bytes > limits.maxSchemaBytes)
      return skip(
        `its ${key} is ${bytes} bytes, more than ${limits.maxSchemaBytes} (toolListLimits.maxSchemaBytes)`,
      )
  }
  const notes: string[] = []
  const tool = { ...raw } as Record<string, unknown>
  for (const key of ['description', 'title'] as const) {
    const text = tool[key]
    if (text === undefined) continue
    if (typeof text !== 'string') {
      delete tool[key]
      notes.push(`tool "${name}": its ${key} is not a string and was dropped`)
      continue
    }
    // Newlines and tabs stay (descriptions are prose); other controls and bidi overrides are shown as escapes.
    const cleaned = printable(text, { maxChars: limits.maxDescriptionChars })
    if (text.length > limits.maxDescriptionChars)
      notes.push(
        `tool "${name}": its ${key} of ${text.length} characters was cut to ${limits.maxDescriptionChars} (toolListLimits.maxDescriptionChars)`,
      )
    tool[key] = cleaned
  }
  if (tool.annotations !== undefined && !isObject(tool.annotations)) delete tool.annotations
  return { ok: true, tool: tool as unknown as Tool, notes }
}

/** Whether objects and arrays in `value` nest deeper than `max` (iterative: no stack to overflow). */
function deeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    if (typeof node !== 'object' || node === null) continue
    if (depth > max) return true
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1])
    }
  }
  return false
}
