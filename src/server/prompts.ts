/** Prompts a server offers: named message templates with string arguments (`prompts/get`). */
import type { z } from 'zod'
import { ToolwireConfigError } from '../protocol/errors.js'
import { ErrorCode, isObject, RpcError } from '../protocol/jsonrpc.js'
import type { GetPromptResult, Prompt, PromptArgument, PromptMessage } from '../protocol/types.js'
import type { Completers } from './completions.js'
import type { ToolContext } from './tool-context.js'
import { describeIssues } from './tool-result.js'

/** What a prompt handler may return: one user message as text, messages, or a full result. */
export type PromptReturn = string | PromptMessage[] | GetPromptResult

export interface PromptDefinition<A extends z.ZodObject | undefined> {
  title?: string
  description?: string
  /** The arguments (strings, per the spec); `.describe()` texts and optionality are published. */
  arguments?: A
  /** Suggestions for arguments (`completion/complete` with `ref/prompt`). */
  complete?: Completers
}

export type PromptHandler<A extends z.ZodObject | undefined> = (
  args: A extends z.ZodObject ? z.output<A> : Record<string, never>,
  ctx: ToolContext,
) => Promise<PromptReturn> | PromptReturn

interface RegisteredPrompt {
  listing: Prompt
  schema: z.ZodObject | undefined
  complete: Completers | undefined
  get: (args: unknown, ctx: ToolContext) => Promise<PromptReturn> | PromptReturn
}

export class PromptRegistry {
  readonly #prompts = new Map<string, RegisteredPrompt>()

  get size(): number {
    return this.#prompts.size
  }

  add<A extends z.ZodObject | undefined>(
    name: string,
    definition: PromptDefinition<A>,
    handler: PromptHandler<A>,
  ): void {
    if (this.#prompts.has(name)) throw new ToolwireConfigError(`ToolServer.prompt: "${name}" already exists`)
    const schema = definition.arguments
    const listing: Prompt = {
      name,
      ...(definition.title ? { title: definition.title } : {}),
      ...(definition.description ? { description: definition.description } : {}),
      ...(schema ? { arguments: describeArguments(schema) } : {}),
    }
    this.#prompts.set(name, {
      listing,
      schema,
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
    if (prompt.schema) {
      const parsed = prompt.schema.safeParse(params.arguments ?? {})
      if (!parsed.success) {
        throw new RpcError(
          ErrorCode.InvalidParams,
          `Invalid arguments for prompt '${params.name}': ${describeIssues(parsed.error)}`,
        )
      }
      args = parsed.data
    }
    const value = await prompt.get(args, ctx)
    if (typeof value === 'string') {
      return { messages: [{ role: 'user', content: { type: 'text', text: value } }] }
    }
    if (Array.isArray(value)) return { messages: value }
    return { ...value }
  }
}

function describeArguments(schema: z.ZodObject): PromptArgument[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const type = field as z.ZodType
    const description = type.description
    return {
      name,
      ...(description ? { description } : {}),
      required: !type.safeParse(undefined).success,
    }
  })
}
