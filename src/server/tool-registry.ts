/** The tools a server offers: their definitions as published, validated once at registration. */
import { ToolwireConfigError } from '../protocol/errors.js'
import { type ParamHeader, scanParamHeaders } from '../protocol/header-values.js'
import type { Tool, ToolAnnotations } from '../protocol/types.js'
import { schemaKind } from '../schema/schema-kind.js'
import type { JsonSchemaObject, SchemaOutput, ToolSchema } from '../schema/standard-schema.js'
import { toJsonSchema } from '../schema/to-json-schema.js'
import { validatorOf } from '../schema/validation.js'
import type { TaskSupport } from './tasks/become-task.js'
import type { RegisteredTool } from './tool-call.js'
import type { ToolContext } from './tool-context.js'
import type { ToolReturn } from './tool-result.js'

export interface ToolDefinition<I extends ToolSchema, O extends ToolSchema | undefined> {
  title?: string
  description?: string
  /**
   * The arguments: a zod 4 object (or zod 3.25's `zod/v4`), any Standard Schema (valibot,
   * arktype, …) or a plain JSON Schema object. Arguments are validated against it (invalid
   * ones get an `isError` result naming each field) and its JSON Schema (2020-12) is published
   * in `tools/list`.
   */
  input: I
  /**
   * The JSON Schema to publish for `input`, when its library cannot produce one (valibot: use
   * `toJsonSchema()` of @valibot/to-json-schema). @default derived from `input`
   */
  inputSchema?: JsonSchemaObject
  /** Structured output schema (same kinds as `input`); results are checked against it. */
  output?: O
  /** The JSON Schema to publish for `output`, when its library cannot produce one. @default derived from `output` */
  outputSchema?: JsonSchemaObject
  annotations?: ToolAnnotations
  /**
   * Seconds the handler may run; then `ctx.signal` aborts and the caller gets an error result
   * at once (a handler that ignores the signal is left running, logged, and no longer counts
   * against `maxConcurrentRequests`). `Infinity` lifts the bound.
   * @default the server's `defaultToolTimeoutSeconds` (300)
   */
  timeoutSeconds?: number
  /** Scopes a caller must hold (with `serve({ auth })`): others get HTTP 403. @default none */
  scopes?: readonly string[]
  /**
   * Whether calls run as tasks (MCP Tasks extension: the client polls for the result, no HTTP
   * request is held open): `required` always (clients without the extension get -32021),
   * `optional` when the handler calls `ctx.runAsTask()`. See docs/tasks.md. @default 'none'
   */
  taskSupport?: TaskSupport
}

export type ToolHandler<I extends ToolSchema> = (
  args: SchemaOutput<I>,
  ctx: ToolContext,
) => Promise<ToolReturn> | ToolReturn

const NAME = /^[A-Za-z0-9_.-]{1,128}$/

export class ToolRegistry {
  readonly #tools = new Map<string, RegisteredTool>()
  readonly #defaultTimeoutSeconds: number
  #listing: Tool[] | undefined

  constructor(defaultTimeoutSeconds: number) {
    this.#defaultTimeoutSeconds = defaultTimeoutSeconds
  }

  get size(): number {
    return this.#tools.size
  }

  get(name: string): RegisteredTool | undefined {
    return this.#tools.get(name)
  }

  /** The published definitions, in registration order (computed once per change). */
  list(): Tool[] {
    this.#listing ??= [...this.#tools.values()].map((t) => t.definition)
    return this.#listing
  }

  add<I extends ToolSchema, O extends ToolSchema | undefined>(
    name: string,
    definition: ToolDefinition<I, O>,
    handler: ToolHandler<I>,
  ): void {
    if (!NAME.test(name)) {
      throw new ToolwireConfigError(
        `ToolServer.tool: name "${name}" must be 1-128 characters of A-Z a-z 0-9 _ . -`,
      )
    }
    if (this.#tools.has(name))
      throw new ToolwireConfigError(`ToolServer.tool: a tool named "${name}" already exists`)
    if (definition.timeoutSeconds !== undefined && !(definition.timeoutSeconds > 0)) {
      throw new ToolwireConfigError(
        `ToolServer.tool: tool "${name}" option "timeoutSeconds" must be a positive number of seconds, got ${definition.timeoutSeconds}`,
      )
    }
    const taskSupport = definition.taskSupport ?? 'none'
    if (!['none', 'optional', 'required'].includes(taskSupport)) {
      throw new ToolwireConfigError(
        `ToolServer.tool: tool "${name}" option "taskSupport" must be 'none', 'optional' or 'required', got ${String(taskSupport)}`,
      )
    }
    const where = `ToolServer.tool: tool "${name}" option`
    const input = schemaKind(definition.input, `${where} "input"`)
    const inputSchema = toJsonSchema(input, 'input', {
      option: `${where} "input"`,
      explicitOption: 'inputSchema',
      explicit: definition.inputSchema,
    })
    // MCP: a tool's inputSchema describes an object (its `arguments`).
    if (inputSchema.type !== 'object') {
      throw new ToolwireConfigError(
        `${where} "input" must describe an object (JSON Schema type "object"), got type ${JSON.stringify(inputSchema.type)}`,
      )
    }
    const output =
      definition.output === undefined ? undefined : schemaKind(definition.output, `${where} "output"`)
    const outputSchema = output
      ? toJsonSchema(output, 'output', {
          option: `${where} "output"`,
          explicitOption: 'outputSchema',
          explicit: definition.outputSchema,
        })
      : undefined
    const scan = scanParamHeaders(inputSchema)
    if (!scan.ok)
      throw new ToolwireConfigError(
        `ToolServer.tool: tool "${name}" has an invalid x-mcp-header: ${scan.reason}`,
      )
    const annotations = definition.annotations
    const tool: Tool = {
      name,
      ...(definition.title ? { title: definition.title } : {}),
      ...(definition.description ? { description: definition.description } : {}),
      inputSchema: inputSchema as Tool['inputSchema'],
      ...(outputSchema ? { outputSchema: outputSchema as Tool['outputSchema'] } : {}),
      ...(annotations ? { annotations } : {}),
    }
    this.#tools.set(name, {
      definition: tool,
      input: validatorOf(input, inputSchema),
      output: output && outputSchema ? validatorOf(output, outputSchema) : undefined,
      handler: handler as RegisteredTool['handler'],
      paramHeaders: scan.headers,
      runLimit:
        definition.timeoutSeconds === undefined
          ? { seconds: this.#defaultTimeoutSeconds, option: 'defaultToolTimeoutSeconds' }
          : { seconds: definition.timeoutSeconds, option: 'timeoutSeconds' },
      scopes: definition.scopes,
      repeatable: annotations?.idempotentHint === true || annotations?.readOnlyHint === true,
      taskSupport,
    })
    this.#listing = undefined
  }

  /** Every scope some tool requires, sorted. */
  scopes(): string[] {
    const all = new Set<string>()
    for (const tool of this.#tools.values()) for (const scope of tool.scopes ?? []) all.add(scope)
    return [...all].sort()
  }

  /** The `x-mcp-header` parameters of a tool, when it has any. */
  paramHeaders(name: string): readonly ParamHeader[] | undefined {
    const headers = this.#tools.get(name)?.paramHeaders
    return headers && headers.length > 0 ? headers : undefined
  }
}
