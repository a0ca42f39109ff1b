/** The JSON Schema (2020-12) published for a tool's input or output, whatever library wrote it. */
import { ToolwireConfigError } from '../protocol/errors.js'
import type { SchemaKind } from './schema-kind.js'
import type { JsonSchemaObject } from './standard-schema.js'
import { zodToJsonSchema } from './zod-json-schema.js'

const TARGET = 'draft-2020-12'

/**
 * The JSON Schema of `schema` as seen from `io` (`input`: what callers send; `output`: what a
 * handler returns). `explicit` (the definition's `inputSchema`/`outputSchema`) wins; a plain
 * JSON Schema is its own; a Standard Schema converts itself when its library can (zod 4 can,
 * valibot needs `explicit`). `$schema` stays: 2020-12 is the spec's default dialect, and saying
 * so lets validators agree (SEP-1613).
 */
export function toJsonSchema(
  schema: SchemaKind,
  io: 'input' | 'output',
  where: { option: string; explicitOption: string; explicit: JsonSchemaObject | undefined },
): Record<string, unknown> {
  if (where.explicit !== undefined) return plainCopy(where.explicit, where.explicitOption)
  if (schema.kind === 'json-schema') return plainCopy(schema.schema, where.option)
  const vendor = schema.schema['~standard'].vendor
  // zod: unrepresentable 'any' keeps tools with a transform or a date publishable (as `{}`).
  const libraryOptions = vendor === 'zod' ? { unrepresentable: 'any' } : {}
  if (schema.jsonSchema) return schema.jsonSchema[io]({ target: TARGET, libraryOptions })
  if (schema.zod) {
    const convert = zodToJsonSchema()
    if (convert) return convert(schema.schema, { target: TARGET, io, ...libraryOptions })
  }
  const hint =
    vendor === 'zod' && !schema.zod
      ? ' (a zod 3 schema: use zod 4, or import { z } from "zod/v4" on zod 3.25)'
      : vendor === 'valibot'
        ? ' (with valibot: toJsonSchema() of @valibot/to-json-schema)'
        : ''
  throw new ToolwireConfigError(
    `${where.option}: this ${vendor} schema cannot produce a JSON Schema; pass "${where.explicitOption}" (a JSON Schema object) too${hint}`,
  )
}

/** A JSON copy: the published schema must be JSON, and later changes to the caller's object must not leak in. */
function plainCopy(schema: JsonSchemaObject, option: string): Record<string, unknown> {
  try {
    const copy: unknown = JSON.parse(JSON.stringify(schema))
    if (typeof copy === 'object' && copy !== null && !Array.isArray(copy))
      return copy as Record<string, unknown>
  } catch {
    // Reported below.
  }
  throw new ToolwireConfigError(`${option} must be a JSON Schema object that JSON can encode`)
}
