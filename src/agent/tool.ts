/** Local function tools: code in the agent's own process, next to its MCP servers' tools. */
import { z } from 'zod'

export interface FunctionTool<I extends z.ZodObject = z.ZodObject> {
  type: 'function'
  name: string
  description: string
  parameters: I
  execute: (args: z.output<I>, context: { signal: AbortSignal | undefined; runContext: unknown }) => unknown
}

/**
 * Defines a local function tool.
 *
 * @example
 * ```ts
 * const today = tool({ name: 'today', description: 'Today\'s date', parameters: z.object({}), execute: () => new Date().toISOString() })
 * ```
 */
export function tool<I extends z.ZodObject>(definition: Omit<FunctionTool<I>, 'type'>): FunctionTool<I> {
  return { type: 'function', ...definition }
}

/** The JSON Schema a model receives for a local tool. */
export function parametersOf(t: FunctionTool): Record<string, unknown> {
  const schema = z.toJSONSchema(t.parameters, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>
  delete schema.$schema
  return schema
}
