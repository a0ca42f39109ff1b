/**
 * The context of a handler running as a task: the same `ToolContext` a tool gets inline, with
 * progress kept in the task's status, and questions to the client (`ctx.elicit`, `ctx.sample`,
 * `ctx.roots`) turned into the task's `input_required` status and answered through `tasks/update`.
 */
import { ErrorCode, RpcError } from '../../protocol/jsonrpc.js'
import type {
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
  Implementation,
  Root,
} from '../../protocol/types.js'
import type { Identity } from '../../transport/server/request-dispatcher.js'
import { elicitResultOf, missingCapability, rootsOf, type ToolContext } from '../tool-context.js'
import { ToolError } from '../tool-result.js'
import { isTerminal, type StoredTask } from './task-record.js'
import type { TaskStore } from './task-store.js'

/** Milliseconds between two progress writes to the store (the last report always lands). */
const PROGRESS_WRITE_MS = 200

const NEEDS = {
  'sampling/createMessage': 'sampling',
  'elicitation/create': 'elicitation',
  'roots/list': 'roots',
} as const

export class TaskContext implements ToolContext {
  readonly #store: TaskStore
  readonly #task: StoredTask
  readonly #signal: AbortSignal
  #asked = 0
  #pendingProgress: StoredTask['progress'] | undefined
  #progressTimer: NodeJS.Timeout | undefined

  constructor(store: TaskStore, task: StoredTask, signal: AbortSignal) {
    this.#store = store
    this.#task = task
    this.#signal = signal
  }

  get signal(): AbortSignal {
    return this.#signal
  }
  get requestId(): string {
    return this.#task.taskId
  }
  get taskId(): string {
    return this.#task.taskId
  }
  get protocolVersion(): string {
    return this.#task.protocolVersion
  }
  get sessionId(): undefined {
    return undefined
  }
  get clientInfo(): Implementation | undefined {
    return this.#task.clientInfo as Implementation | undefined
  }
  get traceId(): string {
    return this.#task.traceId
  }
  get identity(): Identity | undefined {
    return this.#task.identity
  }

  /** Kept in the task: `statusMessage` (the message) and `_meta` progress, seen by every poll. */
  progress(progress: number, options: { total?: number; message?: string } = {}): void {
    this.#pendingProgress = { progress, ...options }
    if (!this.#progressTimer) this.#writeProgress()
  }

  /** The extension carries no log messages for tasks (spec: not on `subscriptions/listen` either). */
  log(): void {}

  closeStream(): boolean {
    return false
  }

  /** Already a task: returns at once. */
  runAsTask(): Promise<void> {
    return Promise.resolve()
  }

  sample(params: CreateMessageRequestParams): Promise<CreateMessageResult> {
    return this.#ask(
      'sampling/createMessage',
      params as Record<string, unknown>,
    ) as Promise<CreateMessageResult>
  }

  async elicit(
    message: string,
    requestedSchema: ElicitRequestFormParams['requestedSchema'],
  ): Promise<ElicitResult> {
    return elicitResultOf(await this.#ask('elicitation/create', { mode: 'form', message, requestedSchema }))
  }

  async roots(): Promise<Root[]> {
    return rootsOf(await this.#ask('roots/list', {}))
  }

  /** Stops pending progress writes (the task is settled). */
  dispose(): void {
    clearTimeout(this.#progressTimer)
    this.#progressTimer = undefined
    this.#pendingProgress = undefined
  }

  #writeProgress(): void {
    const progress = this.#pendingProgress
    if (!progress) return
    this.#pendingProgress = undefined
    void this.#store
      .mutate(this.#task.taskId, (task) => {
        if (isTerminal(task)) return undefined
        task.progress = progress
        if (progress.message !== undefined) task.statusMessage = progress.message
        task.lastUpdatedAt = Date.now()
        return task
      })
      .catch(() => {})
    this.#progressTimer = setTimeout(() => {
      this.#progressTimer = undefined
      this.#writeProgress()
    }, PROGRESS_WRITE_MS).unref()
  }

  async #ask(method: keyof typeof NEEDS, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const task = this.#task
    const missing = missingCapability(task.clientCapabilities, method, params)
    if (missing) {
      throw new RpcError(
        ErrorCode.MissingRequiredClientCapability,
        `The client did not declare the ${missing.name} capability: it cannot answer ${method}`,
        { requiredCapabilities: missing.required },
      )
    }
    // Numbered like the multi round-trip rounds before the task, so their answers are found again.
    const numbered = `${NEEDS[method]}-${++this.#asked}`
    const earlier = Object.hasOwn(task.preAnswers, numbered) ? task.preAnswers[numbered] : undefined
    if (earlier) return earlier
    // Spec: a key is unique over the task's lifetime, so a re-run (after a replica died) asks anew.
    const key = task.runs > 1 ? `${numbered}.run${task.runs}` : numbered
    const asked = await this.#store.mutate(task.taskId, (current) => {
      if (isTerminal(current)) return undefined
      current.inputRequests[key] = { method, params }
      current.status = 'input_required'
      current.lastUpdatedAt = Date.now()
      return current
    })
    if (!asked || isTerminal(asked)) throw this.#stopped()
    const answer = await this.#answerTo(key)
    await this.#store.mutate(task.taskId, (current) => {
      if (isTerminal(current)) return undefined
      delete current.answers[key]
      delete current.inputRequests[key]
      if (Object.keys(current.inputRequests).length === 0) current.status = 'working'
      current.lastUpdatedAt = Date.now()
      return current
    })
    return answer
  }

  /** Waits for `tasks/update` to bring the answer to `key`. */
  #answerTo(key: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const signal = this.#signal
      let unwatch = (): void => {}
      const settle = (answer: Record<string, unknown> | undefined, error?: unknown) => {
        unwatch()
        signal.removeEventListener('abort', onAbort)
        if (answer) resolve(answer)
        else reject(error)
      }
      const onAbort = () => settle(undefined, this.#stopped())
      const check = (task: StoredTask | undefined) => {
        if (!task || isTerminal(task)) return settle(undefined, this.#stopped())
        const answer = Object.hasOwn(task.answers, key) ? task.answers[key] : undefined
        if (answer) settle(answer)
      }
      if (signal.aborted) return onAbort()
      signal.addEventListener('abort', onAbort, { once: true })
      unwatch = this.#store.watch(this.#task.taskId, check)
      // The answer may have landed before the watch began.
      this.#store.get(this.#task.taskId).then(check, (error) => settle(undefined, error))
    })
  }

  #stopped(): unknown {
    return this.#signal.reason ?? new ToolError('the task was stopped')
  }
}
