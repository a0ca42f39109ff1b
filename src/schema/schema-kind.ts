/** Telling the accepted schema kinds apart at run time, once, when a tool is registered. */
import { ToolwireConfigError } from '../protocol/errors.js'
import type { JsonSchemaObject, StandardJSONSchemaConverter, StandardSchemaV1 } from './standard-schema.js'

/** A schema, classified. */
export type SchemaKind =
  /** A Standard Schema that also converts itself to JSON Schema (zod ≥ 4.2, arktype). */
  | {
      kind: 'standard'
      schema: StandardSchemaV1
      jsonSchema: StandardJSONSchemaConverter | undefined
      zod: boolean
    }
  /** A plain JSON Schema object, validated by toolwire. */
  | { kind: 'json-schema'; schema: JsonSchemaObject }

/**
 * Classifies `value`; `where` names the option in the error (e.g. `ToolServer.tool: tool "add" option "input"`).
 * Zod 3 schemas (`import { z } from 'zod'` on zod 3) are refused with the way out: `zod/v4`.
 */
export function schemaKind(value: unknown, where: string): SchemaKind {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ToolwireConfigError(
      `${where} must be a schema (zod, valibot, arktype or any Standard Schema) or a JSON Schema object, got ${describe(value)}`,
    )
  }
  const standard = (value as Partial<StandardSchemaV1>)['~standard']
  if (standard !== undefined) {
    if (typeof standard.validate !== 'function') {
      throw new ToolwireConfigError(
        `${where} has a "~standard" property without validate(): not a Standard Schema`,
      )
    }
    const converter = (standard as { jsonSchema?: Partial<StandardJSONSchemaConverter> }).jsonSchema
    return {
      kind: 'standard',
      schema: value as StandardSchemaV1,
      jsonSchema:
        typeof converter?.input === 'function' && typeof converter.output === 'function'
          ? (converter as StandardJSONSchemaConverter)
          : undefined,
      zod: standard.vendor === 'zod' && '_zod' in value,
    }
  }
  if ('_def' in value && typeof (value as { safeParse?: unknown }).safeParse === 'function') {
    throw new ToolwireConfigError(
      `${where} is a zod 3 schema: use zod 4 (npm install zod@^4), or on zod 3.25 import { z } from 'zod/v4'`,
    )
  }
  return { kind: 'json-schema', schema: value as JsonSchemaObject }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}
