/**
 * Chat with an agent over the connected server, when a model is configured: the existing
 * Runner, its events (text, tool calls, tool outputs) sent to the page as they happen. One
 * turn at a time; the conversation is kept (bounded) until the page starts a new one.
 */

import type { AgentInputItem, Model } from '../../agent/index.js'
import type { MCPServerStreamableHttp } from '../../client/index.js'
import type { PageEvents } from './page-events.js'

/** Items of the conversation kept for the next turn; older ones are dropped. */
const MAX_HISTORY_ITEMS = 200

export class InspectorChat {
  readonly #model: () => Model | Promise<Model>
  readonly #events: PageEvents
  #history: AgentInputItem[] = []
  #turn: AbortController | undefined

  constructor(model: () => Model | Promise<Model>, events: PageEvents) {
    this.#model = model
    this.#events = events
  }

  get running(): boolean {
    return this.#turn !== undefined
  }

  /** One turn: the user's message, the agent's tool calls, its answer. */
  async send(message: string, client: MCPServerStreamableHttp): Promise<{ answer: string; traceId: string }> {
    const turn = new AbortController()
    this.#turn = turn
    try {
      const { Agent, Runner } = await import('../../agent/index.js')
      const agent = new Agent({
        name: 'toolwire inspect',
        model: await this.#model(),
        mcpServers: [client],
        instructions: 'Answer with the tools of the connected MCP server; say which tools you used.',
      })
      const stream = Runner.runStreamed(
        agent,
        [...this.#history, { type: 'message', role: 'user', content: message }],
        {
          maxTurns: 10,
          signal: turn.signal,
        },
      )
      for await (const event of stream) {
        if (event.type === 'text_delta') this.#events.send({ type: 'chat-delta', delta: event.delta })
        else if (event.type === 'tool_called')
          this.#events.send({ type: 'chat-tool', tool: event.item.tool, arguments: event.item.arguments })
        else if (event.type === 'tool_output')
          this.#events.send({
            type: 'chat-tool-output',
            tool: event.item.name,
            output: event.item.output,
            isError: event.item.isError,
          })
        else if (event.type === 'warning')
          this.#events.send({ type: 'warning', message: event.warning.message })
      }
      const result = await stream.completed
      this.#history = result.history.slice(-MAX_HISTORY_ITEMS)
      // On the same stream as the turn's other events, so the page shows them in order.
      this.#events.send({ type: 'chat-done', answer: result.finalOutput, traceId: result.traceId })
      return { answer: result.finalOutput, traceId: result.traceId }
    } finally {
      this.#turn = undefined
    }
  }

  /** Stops the turn under way. */
  cancel(): void {
    this.#turn?.abort(new Error('stopped in the inspector'))
  }

  /** Forgets the conversation. */
  reset(): void {
    this.cancel()
    this.#history = []
  }
}
