/**
 * A `Model` over the OpenAI Responses API (`POST /v1/responses`), the API both OpenAI Agents
 * SDKs use by default: tool calls, streaming, usage, and reasoning items carried across turns
 * (sent back with the conversation, so a reasoning model goes on from its reasoning after each
 * tool call). Through the official `openai` package, loaded on first use.
 */
import type {
  Response,
  ResponseCreateParamsNonStreaming,
  ResponseInputItem,
  ResponseStreamEvent,
  Tool,
} from 'openai/resources/responses/responses'
import { ModelConfigError, ModelError } from './errors.js'
import { decideApproval, type HostedMcpServer, hostedMcpTools } from './hosted-mcp.js'
import type { AgentInputItem, ModelOutputItem, Usage } from './items.js'
import type { Model, ModelRequest, ModelResponse, ModelStreamEvent } from './model.js'
import { modelFailure } from './model-failure.js'
import { loadOpenAI, type OpenAIClass, type OpenAIClient } from './openai-package.js'

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
  /**
   * Remote MCP servers the provider calls itself (the Responses API's hosted MCP tool), with
   * their approval flow: each call waits for `onApproval` (refused without one). @default none
   */
  hostedMcp?: readonly HostedMcpServer[]
}

/** Rounds of hosted MCP approvals one model turn may take. */
const MAX_APPROVAL_ROUNDS = 10

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
  readonly #hosted: Tool[]
  #client: Promise<OpenAIClient> | undefined
  #OpenAI: OpenAIClass | undefined

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
    this.#hosted = hostedMcpTools(options.hostedMcp ?? [])
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

  /** The client, created on the first request (loading the optional `openai` package then). */
  #openai(): Promise<OpenAIClient> {
    if (this.#client) return this.#client
    const client = loadOpenAI().then((OpenAI) => {
      this.#OpenAI = OpenAI
      const baseURL = this.#options.baseURL || process.env.OPENAI_BASE_URL || undefined
      const apiKey = this.#options.apiKey || process.env.OPENAI_API_KEY || undefined
      return new OpenAI({
        apiKey: apiKey ?? 'not-needed',
        ...(baseURL ? { baseURL } : {}),
        timeout: (this.#options.timeoutSeconds ?? 120) * 1000,
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
    for await (const event of this.#rounds(request, false))
      if (event.type === 'response_done') return event.response
    throw new ModelError(`model ${this.name}: no response`)
  }

  getStreamedResponse(request: ModelRequest): AsyncIterable<ModelStreamEvent> {
    return this.#rounds(request, true)
  }

  /**
   * One model turn: a request, and more while the provider waits for hosted MCP approvals
   * (each round's items and the answers go back in the next request's input).
   */
  async *#rounds(request: ModelRequest, streaming: boolean): AsyncGenerator<ModelStreamEvent> {
    const client = await this.#openai()
    const output: ModelOutputItem[] = []
    const usage = { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 }
    const raw: Response[] = []
    for (;;) {
      const body = this.#body({ ...request, input: [...request.input, ...output] })
      let response: Response
      if (streaming) response = yield* this.#streamed(client, body, request.signal)
      else {
        try {
          response = await client.responses.create(body, request.signal ? { signal: request.signal } : {})
        } catch (error) {
          throw this.#failure(error)
        }
      }
      const read = this.#read(response)
      raw.push(response)
      output.push(...read.output)
      usage.requests++
      usage.inputTokens += read.usage.inputTokens ?? 0
      usage.outputTokens += read.usage.outputTokens ?? 0
      usage.totalTokens += read.usage.totalTokens ?? 0
      const asked = response.output.filter((item) => item.type === 'mcp_approval_request')
      if (asked.length === 0 || read.output.some((item) => item.type === 'function_call')) break
      if (usage.requests > MAX_APPROVAL_ROUNDS) {
        throw new ModelError(
          `model ${this.name}: more than ${MAX_APPROVAL_ROUNDS} rounds of hosted MCP approvals in one turn`,
        )
      }
      for (const ask of asked) {
        const approve = await decideApproval(this.#options.hostedMcp ?? [], {
          serverLabel: ask.server_label,
          name: ask.name,
          arguments: ask.arguments,
        })
        output.push({
          type: 'hosted_tool_item',
          item: { type: 'mcp_approval_response', approval_request_id: ask.id, approve },
        })
      }
    }
    yield { type: 'response_done', response: { output, usage, raw: raw.length === 1 ? raw[0] : raw } }
  }

  /** One streamed request: its text deltas, then the completed response. */
  async *#streamed(
    client: OpenAIClient,
    body: ResponseCreateParamsNonStreaming,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<ModelStreamEvent, Response> {
    let stream: AsyncIterable<ResponseStreamEvent>
    try {
      stream = await client.responses.create({ ...body, stream: true }, signal ? { signal } : {})
    } catch (error) {
      throw this.#failure(error)
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
      throw error instanceof ModelError ? error : this.#failure(error)
    }
    if (!final)
      throw new ModelError(`model ${this.name}: the response stream ended before response.completed`)
    return final
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
      } else if (item.type.startsWith('mcp_')) {
        output.push({ type: 'hosted_tool_item', item: item as unknown as Record<string, unknown> })
      }
    }
    return { output, usage: usageOf(response.usage), raw: response }
  }

  #body(request: ModelRequest): ResponseCreateParamsNonStreaming {
    const settings = request.settings
    const o = this.#options
    const tools: Tool[] = [
      ...request.tools.map(
        (t): Tool => ({
          type: 'function',
          name: t.name,
          description: t.description,
          parameters: t.parameters,
          // MCP schemas are not written for strict mode (optional properties, open objects).
          strict: false,
        }),
      ),
      ...this.#hosted,
    ]
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

  #failure(error: unknown): Error {
    return modelFailure(error, {
      model: this.name,
      OpenAI: this.#OpenAI,
      baseURL: this.#options.baseURL || process.env.OPENAI_BASE_URL || undefined,
      ownClient: this.#options.client === undefined,
    })
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
      case 'hosted_tool_item':
        return item.item as unknown as ResponseInputItem
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
