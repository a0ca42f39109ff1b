/**
 * A deterministic `Model` for tests and benchmarks: it replays a script of turns (tool calls
 * and answers) instead of asking a language model, and records every request it got. It is a
 * real `Model` implementation: runs against it exercise the whole Runner, the MCP clients and
 * the tool servers; only the model's choices are scripted.
 */
import type { ModelOutputItem } from '../items.js'
import type { Model, ModelRequest, ModelResponse, ModelStreamEvent } from '../model.js'

/** One scripted turn: an answer, tool calls, or a function of the request for either. */
export type ScriptedTurn =
  | { answer: string }
  | { toolCalls: Array<{ name: string; arguments: Record<string, unknown> | string }>; text?: string }
  | ((
      request: ModelRequest,
    ) =>
      | { answer: string }
      | { toolCalls: Array<{ name: string; arguments: Record<string, unknown> | string }>; text?: string })

export interface ScriptedModelOptions {
  /** Milliseconds each turn takes (to test cancellation and timing). @default 0 */
  delayMs?: number
  name?: string
}

/**
 * @example
 * ```ts
 * const model = new ScriptedModel([
 *   { toolCalls: [{ name: 'get_pipeline_summary', arguments: { quarter: 'Q2' } }] },
 *   (request) => ({ answer: `Pipeline: ${request.input.at(-1)?.type === 'function_call_result' ? '…' : ''}` }),
 * ])
 * ```
 */
export class ScriptedModel implements Model {
  readonly name: string
  /** Every request the runner sent, in order. */
  readonly requests: ModelRequest[] = []
  readonly #turns: ScriptedTurn[]
  readonly #delayMs: number
  #next = 0
  #calls = 0

  constructor(turns: ScriptedTurn[], options: ScriptedModelOptions = {}) {
    this.#turns = turns
    this.#delayMs = options.delayMs ?? 0
    this.name = options.name ?? 'scripted'
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push({ ...request, input: [...request.input] })
    if (this.#delayMs > 0) await delay(this.#delayMs, request.signal)
    const step = this.#turns[this.#next++]
    if (!step)
      throw new Error(
        `ScriptedModel: the script has ${this.#turns.length} turns, and turn ${this.#next} was asked for`,
      )
    const turn = typeof step === 'function' ? step(request) : step
    const output: ModelOutputItem[] = []
    if ('answer' in turn) output.push({ type: 'message', role: 'assistant', content: turn.answer })
    else {
      if (turn.text) output.push({ type: 'message', role: 'assistant', content: turn.text })
      for (const call of turn.toolCalls) {
        output.push({
          type: 'function_call',
          callId: `call_${++this.#calls}`,
          name: call.name,
          arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
        })
      }
    }
    return { output, usage: { inputTokens: 10, outputTokens: 5 } }
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<ModelStreamEvent> {
    const response = await this.getResponse(request)
    for (const item of response.output) {
      if (item.type !== 'message') continue
      for (const word of item.content.split(/(?<= )/)) yield { type: 'text_delta', delta: word }
    }
    yield { type: 'response_done', response }
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(signal.reason)
      },
      { once: true },
    )
  })
}
