/** Local function tools: code in the agent's own process, next to its MCP servers' tools. */
import { schemaKind } from '../schema/schema-kind.js'
import type { JsonSchemaObject, SchemaOutput, ToolSchema } from '../schema/standard-schema.js'
import { toJsonSchema } from '../schema/to-json-schema.js'
import { type Validate, validatorOf } from '../schema/validation.js'

export interface FunctionTool<I extends ToolSchema = ToolSchema> {
  type: 'function'
  name: string
  description: string
  /** The arguments: a zod 4 object (or zod 3.25's `zod/v4`), any Standard Schema, or a JSON Schema object. */
  parameters: I
  /** The JSON Schema the model receives, when the library of `parameters` cannot produce one (valibot). @default derived */
  parametersSchema?: JsonSchemaObject
  execute: (
    args: SchemaOutput<I>,
    context: { signal: AbortSignal | undefined; runContext: unknown },
  ) => unknown
}

/**
 * Defines a local function tool.
 *
 * @example
 * ```ts
 * const today = tool({ name: 'today', description: 'Today\'s date', parameters: z.object({}), execute: () => new Date().toISOString() })
 * ```
 */
export function tool<I extends ToolSchema>(definition: Omit<FunctionTool<I>, 'type'>): FunctionTool<I> {
  const t: FunctionTool<I> = { type: 'function', ...definition }
  // Refuses a schema that cannot be published now, not at the first run.
  schemasOf(t as FunctionTool)
  return t
}

interface ToolSchemas {
  parameters: Record<string, unknown>
  validate: Validate
}

const schemas = new WeakMap<FunctionTool, ToolSchemas>()

/** The JSON Schema a model receives for a local tool, and its arguments' validator (computed once per tool). */
export function schemasOf(t: FunctionTool): ToolSchemas {
  let found = schemas.get(t)
  if (!found) {
    const option = `tool "${t.name}" option "parameters"`
    const kind = schemaKind(t.parameters, option)
    const { $schema: _dialect, ...parameters } = toJsonSchema(kind, 'input', {
      option,
      explicitOption: 'parametersSchema',
      explicit: t.parametersSchema,
    })
    found = { parameters, validate: validatorOf(kind, parameters) }
    schemas.set(t, found)
  }
  return found
}
