/** Prompts a server offers: named message templates with string arguments (`prompts/get`). */
import { ToolwireConfigError } from '../protocol/errors.js'
import { ErrorCode, isObject, RpcError } from '../protocol/jsonrpc.js'
import type { GetPromptResult, Prompt, PromptArgument, PromptMessage } from '../protocol/types.js'
import { schemaKind } from '../schema/schema-kind.js'
import type { JsonSchemaObject, SchemaOutput, ToolSchema } from '../schema/standard-schema.js'
import { toJsonSchema } from '../schema/to-json-schema.js'
import { describeIssues, type Validate, validatorOf } from '../schema/validation.js'
import type { Completers } from './completions.js'
import type { ToolContext } from './tool-context.js'

/** What a prompt handler may return: one user message as text, messages, or a full result. */
export type PromptReturn = string | PromptMessage[] | GetPromptResult

export interface PromptDefinition<A extends ToolSchema | undefined> {
  title?: string
  description?: string
  /**
   * The arguments (strings, per the spec): a zod object, any Standard Schema or a JSON Schema
   * object; each property's description and whether it is required are published.
   */
  arguments?: A
  /** The JSON Schema of `arguments`, when its library cannot produce one (valibot). @default derived */
  argumentsSchema?: JsonSchemaObject
  /** Suggestions for arguments (`completion/complete` with `ref/prompt`). */
  complete?: Completers
}

export type PromptHandler<A extends ToolSchema | undefined> = (
  args: A extends ToolSchema ? SchemaOutput<A> : Record<string, never>,
  ctx: ToolContext,
) => Promise<PromptReturn> | PromptReturn

interface RegisteredPrompt {
  listing: Prompt
  validate: Validate | undefined
  complete: Completers | undefined
  get: (args: unknown, ctx: ToolContext) => Promise<PromptReturn> | PromptReturn
}

export class PromptRegistry {
  readonly #prompts = new Map<string, RegisteredPrompt>()

  get size(): number {
    return this.#prompts.size
  }

  add<A extends ToolSchema | undefined>(
    name: string,
    definition: PromptDefinition<A>,
    handler: PromptHandler<A>,
  ): void {
    if (this.#prompts.has(name)) throw new ToolwireConfigError(`ToolServer.prompt: "${name}" already exists`)
    const option = `ToolServer.prompt: prompt "${name}" option "arguments"`
    const kind = definition.arguments === undefined ? undefined : schemaKind(definition.arguments, option)
    const schema = kind
      ? toJsonSchema(kind, 'input', {
          option,
          explicitOption: 'argumentsSchema',
          explicit: definition.argumentsSchema,
        })
      : undefined
    const listing: Prompt = {
      name,
      ...(definition.title ? { title: definition.title } : {}),
      ...(definition.description ? { description: definition.description } : {}),
      ...(schema ? { arguments: describeArguments(schema) } : {}),
    }
    this.#prompts.set(name, {
      listing,
      validate: kind && schema ? validatorOf(kind, schema) : undefined,
      complete: definition.complete,
      get: handler as RegisteredPrompt['get'],
    })
  }

  list(): Prompt[] {
    return [...this.#prompts.values()].map((p) => p.listing)
  }

  completers(name: string): Completers | undefined {
    const prompt = this.#prompts.get(name)
    if (!prompt) throw new RpcError(ErrorCode.InvalidParams, `Unknown prompt: ${name}`)
    return prompt.complete
  }

  async get(params: Record<string, unknown>, ctx: ToolContext): Promise<GetPromptResult> {
    if (typeof params.name !== 'string')
      throw new RpcError(ErrorCode.InvalidParams, 'params.name must be a string')
    const prompt = this.#prompts.get(params.name)
    if (!prompt) throw new RpcError(ErrorCode.InvalidParams, `Unknown prompt: ${params.name}`)
    if (params.arguments !== undefined && !isObject(params.arguments)) {
      throw new RpcError(ErrorCode.InvalidParams, 'params.arguments must be an object of strings')
    }
    let args: unknown = {}
    if (prompt.validate) {
      const parsed = await prompt.validate(params.arguments ?? {})
      if (!parsed.ok) {
        throw new RpcError(
          ErrorCode.InvalidParams,
          `Invalid arguments for prompt '${params.name}': ${describeIssues(parsed.issues)}`,
        )
      }
      args = parsed.value
    }
    const value = await prompt.get(args, ctx)
    if (typeof value === 'string') {
      return { messages: [{ role: 'user', content: { type: 'text', text: value } }] }
    }
    if (Array.isArray(value)) return { messages: value }
    return { ...value }
  }
}

/** The published arguments: each property of the JSON Schema, its description, and whether it is required. */
function describeArguments(schema: Record<string, unknown>): PromptArgument[] {
  const properties = isObject(schema.properties) ? schema.properties : {}
  const required = Array.isArray(schema.required) ? schema.required : []
  return Object.entries(properties).map(([name, property]) => {
    const description =
      isObject(property) && typeof property.description === 'string' ? property.description : undefined
    return { name, ...(description ? { description } : {}), required: required.includes(name) }
  })
}
