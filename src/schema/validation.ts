/**
 * Checking a value against a tool's schema: Standard Schemas validate themselves (and may
 * transform: the handler gets their output); plain JSON Schemas are checked by
 * @cfworker/json-schema (small, no dependencies). Failures name each offending field.
 */
import { Validator } from '@cfworker/json-schema'
import type { SchemaKind } from './schema-kind.js'
import type { StandardSchemaV1 } from './standard-schema.js'

/** A field and what is wrong with it; `path` is empty for the value itself. */
export interface SchemaIssue {
  path: readonly PropertyKey[]
  message: string
}

export type Validation = { ok: true; value: unknown } | { ok: false; issues: readonly SchemaIssue[] }

/** Validates values against one schema; synchronous when the schema library is. */
export type Validate = (value: unknown) => Validation | Promise<Validation>

/** The validator of `schema`; `jsonSchema` is what it publishes (used for plain JSON Schemas). */
export function validatorOf(schema: SchemaKind, jsonSchema: Record<string, unknown>): Validate {
  if (schema.kind === 'standard') {
    const validate = schema.schema['~standard'].validate
    return (value) => {
      const result = validate(value)
      return result instanceof Promise ? result.then(fromStandard) : fromStandard(result)
    }
  }
  // All errors, not the first: a caller fixing arguments wants every field named at once.
  const validator = new Validator(jsonSchema as ConstructorParameters<typeof Validator>[0], '2020-12', false)
  return (value) => {
    const result = validator.validate(value)
    return result.valid ? { ok: true, value } : { ok: false, issues: fromJsonSchemaErrors(result.errors) }
  }
}

/** `path: message; path: message`, `(root)` for the value itself. */
export function describeIssues(issues: readonly SchemaIssue[]): string {
  return issues
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`,
    )
    .join('; ')
}

function fromStandard(result: StandardSchemaV1.Result<unknown>): Validation {
  if (!result.issues) return { ok: true, value: result.value }
  return {
    ok: false,
    issues: result.issues.map((issue) => ({
      path: (issue.path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment)),
      message: issue.message,
    })),
  }
}

/** Keywords whose error only says "a nested value failed"; the nested error says which and why. */
const AGGREGATES = new Set([
  'properties',
  'patternProperties',
  'items',
  'prefixItems',
  'allOf',
  '$ref',
  'false',
])

function fromJsonSchemaErrors(
  errors: readonly { instanceLocation: string; keyword: string; error: string }[],
): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  for (const error of errors) {
    if (AGGREGATES.has(error.keyword)) continue
    const path = pointerPath(error.instanceLocation)
    const missing =
      error.keyword === 'required' ? /required property "(.*)"/.exec(error.error)?.[1] : undefined
    issues.push(
      missing === undefined
        ? { path, message: error.error }
        : { path: [...path, missing], message: 'Required' },
    )
  }
  return issues
}

/** `#/a/0/b` → `['a', '0', 'b']` (JSON Pointer, RFC 6901, URI fragment form). */
function pointerPath(location: string): string[] {
  const pointer = location.startsWith('#') ? location.slice(1) : location
  if (pointer === '' || pointer === '/') return []
  return pointer
    .slice(1)
    .split('/')
    .map((part) => decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~'))
}
