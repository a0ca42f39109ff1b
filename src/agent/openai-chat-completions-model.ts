/**
 * A `Model` over any OpenAI-compatible Chat Completions endpoint (the official `openai`
 * package): OpenAI, vLLM, Ollama, llama.cpp server, LiteLLM, …
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions'
import type { CompletionUsage } from 'openai/resources/completions'
import { ModelConfigError, ModelError } from './errors.js'
import type { AgentInputItem, ModelOutputItem, Usage } from './items.js'
import type { Model, ModelRequest, ModelResponse, ModelStreamEvent } from './model.js'
import { modelFailure } from './model-failure.js'
import { loadOpenAI, type OpenAIClass, type OpenAIClient } from './openai-package.js'

/**
 * What toolwire calls on your own `openai` client: an `OpenAI` instance fits. Structural, so the
 * public types need no `openai` install (the package is an optional peer, loaded on first use).
 */
export interface ChatCompletionsClient {
  chat: {
    completions: {
      // Method syntax: parameters compare bivariantly, so OpenAI's overloaded create() fits.
      create(body: unknown, options?: unknown): PromiseLike<unknown>
    }
  }
}

export interface OpenAIChatCompletionsModelOptions {
  /** Model name. @default process.env.TOOLWIRE_MODEL */
  model?: string
  /** @default process.env.OPENAI_API_KEY (not needed with a `baseURL` that takes none) */
  apiKey?: string
  /** The endpoint, e.g. `http://127.0.0.1:11434/v1` for Ollama. @default process.env.OPENAI_BASE_URL, else OpenAI */
  baseURL?: string
  /** Your own `openai` client, e.g. `new OpenAI({ … })` (then `apiKey` and `baseURL` are its). */
  client?: ChatCompletionsClient
  /** Seconds per model request. @default 120 */
  timeoutSeconds?: number
}

/**
 * @example
 * ```ts
 * const model = new OpenAIChatCompletionsModel({ model: 'llama3.1', baseURL: 'http://127.0.0.1:11434/v1' })
 * const agent = new Agent({ name: 'Sales', model, mcpServers: [crm] })
 * ```
 */
export class OpenAIChatCompletionsModel implements Model {
  readonly name: string
  readonly #settings: { apiKey: string; baseURL: string | undefined; timeoutSeconds: number } | undefined
  #client: Promise<OpenAIClient> | undefined
  #OpenAI: OpenAIClass | undefined

  constructor(options: OpenAIChatCompletionsModelOptions = {}) {
    // Empty variables count as unset.
    const name = options.model || process.env.TOOLWIRE_MODEL || undefined
    if (!name) {
      throw new ModelConfigError(
        'no model name: pass Agent({ model }) / OpenAIChatCompletionsModel({ model }) or set TOOLWIRE_MODEL (e.g. gpt-4o-mini)',
      )
    }
    this.name = name
    if (options.client) {
      this.#client = Promise.resolve(options.client as OpenAIClient)
      return
    }
    const baseURL = options.baseURL || process.env.OPENAI_BASE_URL || undefined
    const apiKey = options.apiKey || process.env.OPENAI_API_KEY || undefined
    if (!apiKey && !baseURL) {
      throw new ModelConfigError(
        'no OpenAI API key: set OPENAI_API_KEY, or OPENAI_BASE_URL for a compatible endpoint (vLLM, Ollama, llama.cpp server)',
      )
    }
    this.#settings = {
      apiKey: apiKey ?? 'not-needed',
      baseURL,
      timeoutSeconds: options.timeoutSeconds ?? 120,
    }
  }

  /** The client, created on the first request (loading the optional `openai` package then). */
  #openai(): Promise<OpenAIClient> {
    if (this.#client) return this.#client
    const settings = this.#settings
    const client = loadOpenAI().then((OpenAI) => {
      this.#OpenAI = OpenAI
      return new OpenAI({
        apiKey: settings?.apiKey ?? 'not-needed',
        ...(settings?.baseURL ? { baseURL: settings.baseURL } : {}),
        timeout: (settings?.timeoutSeconds ?? 120) * 1000,
        maxRetries: 2,
      })
    })
    this.#client = client
    // A missing package is reported on every request until it is installed, not cached forever.
    client.catch(() => {
      if (this.#client === client) this.#client = undefined
    })
    return client
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const body = this.#body(request)
    const client = await this.#openai()
    let completion: ChatCompletion
    try {
      completion = await client.chat.completions.create(
        body,
        request.signal ? { signal: request.signal } : {},
      )
    } catch (error) {
      throw this.#failure(error)
    }
    const choice = completion.choices[0]
    if (!choice) throw new ModelError(`model ${this.name} returned no choices`)
    const output: ModelOutputItem[] = []
    if (choice.message.content)
      output.push({ type: 'message', role: 'assistant', content: choice.message.content })
    for (const call of choice.message.tool_calls ?? []) {
      if (call.type !== 'function') continue
      output.push({
        type: 'function_call',
        callId: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      })
    }
    return { output, usage: usageOf(completion.usage), raw: completion }
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<ModelStreamEvent> {
    const client = await this.#openai()
    let stream: AsyncIterable<ChatCompletionChunk>
    try {
      stream = await client.chat.completions.create(
        { ...this.#body(request), stream: true, stream_options: { include_usage: true } },
        request.signal ? { signal: request.signal } : {},
      )
    } catch (error) {
      throw this.#failure(error)
    }
    let text = ''
    let usage: Partial<Usage> = {}
    const calls = new Map<number, { id: string; name: string; arguments: string }>()
    const chunks: ChatCompletionChunk[] = []
    try {
      for await (const chunk of stream) {
        chunks.push(chunk)
        if (chunk.usage) usage = usageOf(chunk.usage)
        const delta = chunk.choices[0]?.delta
        if (!delta) continue
        if (delta.content) {
          text += delta.content
          yield { type: 'text_delta', delta: delta.content }
        }
        for (const part of delta.tool_calls ?? []) {
          const call = calls.get(part.index) ?? { id: '', name: '', arguments: '' }
          if (part.id) call.id = part.id
          if (part.function?.name) call.name += part.function.name
          if (part.function?.arguments) call.arguments += part.function.arguments
          calls.set(part.index, call)
        }
      }
    } catch (error) {
      throw this.#failure(error)
    }
    const output: ModelOutputItem[] = []
    if (text) output.push({ type: 'message', role: 'assistant', content: text })
    for (const [, call] of [...calls].sort(([a], [b]) => a - b)) {
      output.push({ type: 'function_call', callId: call.id, name: call.name, arguments: call.arguments })
    }
    yield { type: 'response_done', response: { output, usage, raw: chunks } }
  }

  #body(request: ModelRequest): ChatCompletionCreateParamsNonStreaming {
    const settings = request.settings
    const tools: ChatCompletionTool[] = request.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }))
    const choice = settings.toolChoice
    return {
      model: this.name,
      messages: [{ role: 'system', content: request.instructions }, ...toMessages(request.input)],
      ...(tools.length > 0
        ? {
            tools,
            parallel_tool_calls: settings.parallelToolCalls ?? true,
            ...(choice
              ? {
                  tool_choice:
                    choice === 'auto' || choice === 'required' || choice === 'none'
                      ? choice
                      : { type: 'function' as const, function: { name: choice } },
                }
              : {}),
          }
        : {}),
      ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
      ...(settings.topP !== undefined ? { top_p: settings.topP } : {}),
      ...(settings.maxTokens !== undefined ? { max_tokens: settings.maxTokens } : {}),
    }
  }

  #failure(error: unknown): Error {
    return modelFailure(error, {
      model: this.name,
      OpenAI: this.#OpenAI,
      baseURL: this.#settings?.baseURL,
      ownClient: this.#settings !== undefined,
    })
  }
}

/** Conversation items as Chat Completions messages: consecutive tool calls share one assistant message. */
function toMessages(items: readonly AgentInputItem[]): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = []
  for (const item of items) {
    if (item.type === 'message') {
      messages.push({ role: item.role, content: item.content } as ChatCompletionMessageParam)
    } else if (item.type === 'function_call') {
      const call = {
        id: item.callId,
        type: 'function' as const,
        function: { name: item.name, arguments: item.arguments },
      }
      const last = messages.at(-1)
      // The text and the tool calls of one model turn are one assistant message.
      if (last?.role === 'assistant') {
        last.tool_calls = [...(last.tool_calls ?? []), call]
      } else messages.push({ role: 'assistant', content: null, tool_calls: [call] })
    } else if (item.type === 'function_call_result') {
      messages.push({ role: 'tool', tool_call_id: item.callId, content: item.output })
    }
    // Reasoning items (from a Responses model earlier in the conversation) have no Chat Completions form.
  }
  return messages
}

function usageOf(usage: CompletionUsage | null | undefined): Partial<Usage> {
  if (!usage) return {}
  return {
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    totalTokens: usage.total_tokens,
  }
}
