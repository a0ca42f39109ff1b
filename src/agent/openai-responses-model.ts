/**
 * A `Model` over the OpenAI Responses API (`POST /v1/responses`), the API both OpenAI Agents
 * SDKs use by default: tool calls, streaming, usage, and reasoning items carried across turns
 * (sent back with the conversation, so a reasoning model goes on from its reasoning after each
 * tool call). Through the official `openai` package, loaded on first use.
 */
import type {
  FunctionTool,
  Response,
  ResponseCreateParamsNonStreaming,
  ResponseInputItem,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses'
import { MissingPackageError } from '../protocol/optional-package.js'
import { ModelConfigError, ModelError } from './errors.js'
import type { AgentInputItem, ModelOutputItem, Usage } from './items.js'
import type { Model, ModelRequest, ModelResponse, ModelStreamEvent } from './model.js'
import { loadOpenAI, type OpenAIClient } from './openai-package.js'

/**
 * What toolwire calls on your own `openai` client: an `OpenAI` instance fits. Structural, so the
 * public types need no `openai` install (the package is an optional peer, loaded on first use).
 */
export interface ResponsesClient {
  responses: {
    // Method syntax: parameters compare bivariantly, so OpenAI's overloaded create() fits.
    create(body: unknown, options?: unknown): PromiseLike<unknown>
  }
}

export interface OpenAIResponsesModelOptions {
  /** Model name. @default process.env.TOOLWIRE_MODEL */
  model?: string
  /** @default process.env.OPENAI_API_KEY (not needed with a `baseURL` that takes none) */
  apiKey?: string
  /** The endpoint, e.g. a gateway speaking the Responses API. @default process.env.OPENAI_BASE_URL, else OpenAI */
  baseURL?: string
  /** Your own `openai` client, e.g. `new OpenAI({ … })` (then `apiKey` and `baseURL` are its). */
  client?: ResponsesClient
  /** Seconds per model request. @default 120 */
  timeoutSeconds?: number
  /**
   * Let the provider keep responses (`store`). With `false` nothing is kept, and reasoning
   * travels encrypted in the conversation instead (`include: ['reasoning.encrypted_content']`).
   * @default the provider's (OpenAI: true)
   */
  store?: boolean
  /** Reasoning effort of reasoning models. @default the model's */
  reasoningEffort?: 'minimal' | 'low' | 'medium' | 'high'
  /** Ask for reasoning summaries (kept in the conversation's reasoning items). @default none */
  reasoningSummary?: 'auto' | 'concise' | 'detailed'
}

/**
 * @example
 * ```ts
 * const model = new OpenAIResponsesModel({ model: 'gpt-5-mini', reasoningEffort: 'low' })
 * const agent = new Agent({ name: 'Sales', model, mcpServers: [crm] })
 * ```
 */
export class OpenAIResponsesModel implements Model {
  readonly name: string
  readonly #options: OpenAIResponsesModelOptions
  #client: Promise<OpenAIClient> | undefined

  constructor(options: OpenAIResponsesModelOptions = {}) {
    // Empty variables count as unset.
    const name = options.model || process.env.TOOLWIRE_MODEL || undefined
    if (!name) {
      throw new ModelConfigError(
        'no model name: pass Agent({ model }) / OpenAIResponsesModel({ model }) or set TOOLWIRE_MODEL (e.g. gpt-5-mini)',
      )
    }
    this.name = name
    this.#options = options
    if (options.client) this.#client = Promise.resolve(options.client as OpenAIClient)
    else if (
      !(options.apiKey || process.env.OPENAI_API_KEY) &&
      !(options.baseURL || process.env.OPENAI_BASE_URL)
    ) {
      throw new ModelConfigError(
        'no OpenAI API key: set OPENAI_API_KEY, or OPENAI_BASE_URL for an endpoint that speaks the Responses API',
      )
    }
  }

  #openai(): Promise<OpenAIClient> {
    this.#client ??= loadOpenAI().then((OpenAIClient) => {
      const baseURL = this.#options.baseURL || process.env.OPENAI_BASE_URL || undefined
      const apiKey = this.#options.apiKey || process.env.OPENAI_API_KEY || undefined
      return new OpenAIClient({
        apiKey: apiKey ?? 'not-needed',
        ...(baseURL ? { baseURL } : {}),
        timeout: (this.#options.timeoutSeconds ?? 120) * 1000,
        maxRetries: 2,
      })
    })
    return this.#client
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    let response: Response
    try {
      const client = await this.#openai()
      response = await client.responses.create(
        this.#body(request),
        request.signal ? { signal: request.signal } : {},
      )
    } catch (error) {
      throw await this.#failure(error)
    }
    return this.#read(response)
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<ModelStreamEvent> {
    let stream: AsyncIterable<ResponseStreamEvent>
    try {
      const client = await this.#openai()
      stream = await client.responses.create(
        { ...this.#body(request), stream: true },
        request.signal ? { signal: request.signal } : {},
      )
    } catch (error) {
      throw await this.#failure(error)
    }
    let final: Response | undefined
    try {
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta') yield { type: 'text_delta', delta: event.delta }
        else if (event.type === 'response.completed' || event.type === 'response.incomplete')
          final = event.response
        else if (event.type === 'response.failed') {
          throw new ModelError(
            `model ${this.name} failed: ${event.response.error?.message ?? 'response.failed'}`,
          )
        } else if (event.type === 'error') throw new ModelError(`model ${this.name} failed: ${event.message}`)
      }
    } catch (error) {
      throw error instanceof ModelError ? error : await this.#failure(error)
    }
    if (!final)
      throw new ModelError(`model ${this.name}: the response stream ended before response.completed`)
    yield { type: 'response_done', response: this.#read(final) }
  }

  #read(response: Response): ModelResponse {
    if (response.status === 'failed') {
      throw new ModelError(`model ${this.name} failed: ${response.error?.message ?? 'status failed'}`)
    }
    const output: ModelOutputItem[] = []
    for (const item of response.output) {
      if (item.type === 'message') {
        const text = item.content
          .map((part) => (part.type === 'output_text' ? part.text : part.refusal))
          .join('')
        if (text) output.push({ type: 'message', role: 'assistant', content: text })
      } else if (item.type === 'function_call') {
        output.push({
          type: 'function_call',
          callId: item.call_id,
          name: item.name,
          arguments: item.arguments,
        })
      } else if (item.type === 'reasoning') {
        output.push({
          type: 'reasoning',
          id: item.id,
          summary: item.summary.map((s) => s.text),
          ...(item.encrypted_content ? { encryptedContent: item.encrypted_content } : {}),
        })
      }
    }
    return { output, usage: usageOf(response.usage), raw: response }
  }

  #body(request: ModelRequest): ResponseCreateParamsNonStreaming {
    const settings = request.settings
    const o = this.#options
    const tools: FunctionTool[] = request.tools.map((t) => ({
      type: 'function',
      name: t.name,
      description: t.description,
      parameters: t.parameters,
      // MCP schemas are not written for strict mode (optional properties, open objects).
      strict: false,
    }))
    const choice = settings.toolChoice
    return {
      model: this.name,
      instructions: request.instructions,
      input: toInput(request.input),
      ...(tools.length > 0
        ? {
            tools,
            parallel_tool_calls: settings.parallelToolCalls ?? true,
            ...(choice
              ? {
                  tool_choice:
                    choice === 'auto' || choice === 'required' || choice === 'none'
                      ? choice
                      : { type: 'function' as const, name: choice },
                }
              : {}),
          }
        : {}),
      ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
      ...(settings.topP !== undefined ? { top_p: settings.topP } : {}),
      ...(settings.maxTokens !== undefined ? { max_output_tokens: settings.maxTokens } : {}),
      ...(o.store !== undefined ? { store: o.store } : {}),
      ...(o.store === false ? { include: ['reasoning.encrypted_content' as const] } : {}),
      ...(o.reasoningEffort || o.reasoningSummary
        ? {
            reasoning: {
              ...(o.reasoningEffort ? { effort: o.reasoningEffort } : {}),
              ...(o.reasoningSummary ? { summary: o.reasoningSummary } : {}),
            },
          }
        : {}),
    }
  }

  async #failure(error: unknown): Promise<Error> {
    // openai not installed: say what to install, not "the model failed".
    if (error instanceof MissingPackageError) return error
    const OpenAIClient = await loadOpenAI().catch(() => undefined)
    if (OpenAIClient && error instanceof OpenAIClient.APIError) {
      return new ModelError(`model ${this.name} failed: HTTP ${error.status ?? '?'} ${error.message}`, {
        status: error.status,
        cause: error,
      })
    }
    if (error instanceof Error && error.name === 'AbortError') return error
    return new ModelError(
      `model ${this.name} failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    )
  }
}

/** Conversation items as Responses API input items. */
function toInput(items: readonly AgentInputItem[]): ResponseInputItem[] {
  return items.map((item): ResponseInputItem => {
    switch (item.type) {
      case 'message':
        return { role: item.role, content: item.content }
      case 'function_call':
        return { type: 'function_call', call_id: item.callId, name: item.name, arguments: item.arguments }
      case 'function_call_result':
        return { type: 'function_call_output', call_id: item.callId, output: item.output }
      default:
        return {
          type: 'reasoning',
          id: item.id,
          summary: item.summary.map((text) => ({ type: 'summary_text' as const, text })),
          ...(item.encryptedContent ? { encrypted_content: item.encryptedContent } : {}),
        }
    }
  })
}

function usageOf(usage: Response['usage']): Partial<Usage> {
  if (!usage) return {}
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    totalTokens: usage.total_tokens,
  }
}
