/**
 * Requests the server makes mid-call (elicitation, sampling), waiting for the user to answer
 * them in the page. Bounded in number and in time: an unanswered request is declined.
 */
import { randomUUID } from 'node:crypto'
import type {
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
} from '../../client/index.js'
import type { PageEvents } from './page-events.js'

type Waiting =
  | { kind: 'elicitation'; resolve: (answer: ElicitResult) => void; reject: (error: Error) => void }
  | { kind: 'sampling'; resolve: (answer: CreateMessageResult) => void; reject: (error: Error) => void }

export interface PendingInputsOptions {
  /** How long a request waits for the user, in seconds. @default 600 */
  timeoutSeconds?: number
  /** Requests waiting at once at most; more are refused. @default 16 */
  maxPending?: number
}

export class PendingInputs {
  readonly #waiting = new Map<string, Waiting & { timer: NodeJS.Timeout }>()
  readonly #events: PageEvents
  readonly #timeoutMs: number
  readonly #max: number

  constructor(events: PageEvents, options: PendingInputsOptions = {}) {
    this.#events = events
    this.#timeoutMs = (options.timeoutSeconds ?? 600) * 1000
    this.#max = options.maxPending ?? 16
  }

  /** Asks the page to fill in the server's form. */
  elicit(params: ElicitRequestFormParams): Promise<ElicitResult> {
    return new Promise((resolve, reject) =>
      this.#add(
        { kind: 'elicitation', resolve, reject },
        { message: params.message, schema: params.requestedSchema },
      ),
    )
  }

  /** Asks the page to write the model's answer to the server's messages. */
  sample(params: CreateMessageRequestParams): Promise<CreateMessageResult> {
    return new Promise((resolve, reject) => this.#add({ kind: 'sampling', resolve, reject }, { params }))
  }

  #add(waiting: Waiting, payload: Record<string, unknown>): void {
    if (this.#waiting.size >= this.#max) {
      waiting.reject(new Error(`${this.#max} requests are already waiting for the user`))
      return
    }
    const id = randomUUID()
    const timer = setTimeout(
      () => this.#settle(id, new Error('the user did not answer in time')),
      this.#timeoutMs,
    )
    timer.unref()
    this.#waiting.set(id, { ...waiting, timer })
    this.#events.send({ type: 'input', id, kind: waiting.kind, ...payload })
  }

  /** The page's answer; false when nothing waits under that id. */
  answer(id: string, body: Record<string, unknown>): boolean {
    const waiting = this.#waiting.get(id)
    if (!waiting) return false
    if (waiting.kind === 'elicitation') {
      const action = body.action === 'accept' || body.action === 'decline' ? body.action : 'cancel'
      const content = body.content
      this.#settle(id, undefined)
      waiting.resolve(
        action === 'accept' && typeof content === 'object' && content !== null
          ? { action, content: content as NonNullable<ElicitResult['content']> }
          : { action },
      )
      return true
    }
    this.#settle(id, undefined)
    if (typeof body.text !== 'string') {
      waiting.reject(new Error('the user declined to answer the sampling request'))
      return true
    }
    waiting.resolve({
      role: 'assistant',
      content: { type: 'text', text: body.text },
      model: typeof body.model === 'string' && body.model ? body.model : 'human (toolwire inspect)',
      stopReason: 'endTurn',
    })
    return true
  }

  #settle(id: string, error: Error | undefined): void {
    const waiting = this.#waiting.get(id)
    if (!waiting) return
    clearTimeout(waiting.timer)
    this.#waiting.delete(id)
    this.#events.send({ type: 'input-settled', id })
    if (error) waiting.reject(error)
  }

  /** Refuses everything still waiting (on disconnect). */
  clear(reason: string): void {
    for (const id of [...this.#waiting.keys()]) this.#settle(id, new Error(reason))
  }
}
