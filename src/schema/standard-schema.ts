/**
 * The schema types toolwire accepts, written against the Standard Schema and Standard JSON
 * Schema specifications (https://standardschema.dev), never against one library: zod 4, zod
 * 3.25's `zod/v4`, valibot and arktype schemas all fit structurally, and the types compile
 * without any of them installed.
 */

/** A schema of any Standard Schema library (zod 4, valibot, arktype, …): it can validate. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaV1.Props<Input, Output>
}

export declare namespace StandardSchemaV1 {
  interface Props<Input = unknown, Output = Input> {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>
    readonly types?: { readonly input: Input; readonly output: Output } | undefined
  }
  type Result<Output> = { readonly value: Output; readonly issues?: undefined } | FailureResult
  interface FailureResult {
    readonly issues: ReadonlyArray<Issue>
  }
  interface Issue {
    readonly message: string
    readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined
  }
}

/** The Standard JSON Schema extension (zod ≥ 4.2, arktype): the schema also converts to JSON Schema. */
export interface StandardJSONSchemaConverter {
  readonly input: (options: {
    readonly target: string
    readonly libraryOptions?: Record<string, unknown>
  }) => Record<string, unknown>
  readonly output: (options: {
    readonly target: string
    readonly libraryOptions?: Record<string, unknown>
  }) => Record<string, unknown>
}

/**
 * A JSON Schema (2020-12) as a plain object, e.g. `{ type: 'object', properties: { city: { type: 'string' } } }`,
 * or a JSON Schema typed by another library (valibot's `toJsonSchema()`, `JSONSchema7`, …).
 * Tools with such a schema receive their arguments as `Record<string, unknown>`, validated against it.
 */
export type JsonSchemaObject = JsonSchemaLiteral | TypedJsonSchema

/** A JSON Schema written as an object literal: any keyword. */
export interface JsonSchemaLiteral {
  readonly type?: string | readonly string[] | undefined
  readonly [keyword: string]: unknown
}

/** A JSON Schema typed by an interface (which TypeScript will not match with an index signature). */
export interface TypedJsonSchema {
  readonly type?: string | readonly string[] | undefined
  readonly properties?: Readonly<Record<string, unknown>> | undefined
  readonly required?: readonly string[] | undefined
  readonly description?: string | undefined
}

/**
 * What a tool's `input` (or `output`, or an agent tool's `parameters`) may be: a Standard
 * Schema (a zod 4 or zod 3.25 `zod/v4` object, valibot, arktype, …) or a plain JSON Schema object.
 */
export type ToolSchema = StandardSchemaV1 | JsonSchemaObject

/** The value a schema produces: its Standard Schema output type, or a JSON object for a plain JSON Schema. */
export type SchemaOutput<S> = S extends { readonly '~standard': { readonly types?: infer T } }
  ? NonNullable<T> extends { readonly output: infer O }
    ? O
    : unknown
  : Record<string, unknown>
