/**
 * An explicit handle on a tool call that runs as a task, for callers who must outlive their own
 * process: persist `taskId`, and after a restart `client.resumeTask(taskId)` picks the task up
 * again (the extension's spec: clients SHOULD persist task ids).
 */
import { ToolwireConfigError } from '../../protocol/errors.js'
import type { DetailedTask, Task, TaskProgress } from '../../protocol/tasks.js'
import type { ToolCallResult } from '../call-tool-options.js'
import { finishToolCall, type ToolCallRounds } from '../tool-call-rounds.js'
import { awaitTask, cancelTask, getTask, parseCreatedTask, type TaskPolling } from './task-polling.js'

type Polling = Omit<TaskPolling, 'signal' | 'onProgress' | 'onTaskStatus'>

/** What `result()` may be given: where progress and status go, and a signal that cancels the task. */
export interface TaskWaitOptions {
  /** Aborting it sends `tasks/cancel` and rejects `result()` with the signal's reason. */
  signal?: AbortSignal
  onProgress?: (progress: TaskProgress) => void
  /** Every status change of the task (`working`, `input_required`, …, with `statusMessage`). */
  onTaskStatus?: (task: Task) => void
}

/**
 * A started tool call: a task (`taskId` set) or, when the server chose to answer at once, an
 * inline result (`taskId` undefined).
 *
 * @example
 * ```ts
 * const task = await crm.startTask('rescore_pipeline', {})
 * await saveSomewhere(task.taskId)
 * // … later, maybe in another process:
 * const result = await crm.resumeTask(taskId, 'rescore_pipeline').result()
 * ```
 */
export class ToolTask {
  /** The task's id (persist it to resume later); undefined when the server answered inline. */
  readonly taskId: string | undefined
  readonly tool: string
  readonly #polling: Polling | undefined
  readonly #first: Task | undefined
  readonly #inline: (() => ToolCallResult) | undefined
  readonly #finish: (result: Record<string, unknown>) => ToolCallResult

  constructor(init: {
    tool: string
    polling: Polling | undefined
    /** Checks a completed task's result and gives it the caller's shape (`toolErrors`). */
    finish: (result: Record<string, unknown>) => ToolCallResult
    task?: Task | undefined
    taskId?: string | undefined
    inline?: (() => ToolCallResult) | undefined
  }) {
    this.tool = init.tool
    this.#polling = init.polling
    this.#finish = init.finish
    this.#first = init.task
    this.#inline = init.inline
    this.taskId = init.task?.taskId ?? init.taskId
  }

  /** The task as the server sees it now (one `tasks/get`). */
  async status(options: { signal?: AbortSignal } = {}): Promise<DetailedTask> {
    const id = this.#id()
    return getTask({ ...this.#pollingOrThrow(), signal: options.signal }, id)
  }

  /**
   * Waits for the task to end, answering its questions with the client's `handlers`; resolves
   * with the tool's result, rejects with `McpTaskError` when it failed, was cancelled or is gone.
   */
  async result(options: TaskWaitOptions = {}): Promise<ToolCallResult> {
    if (this.#inline) return this.#inline()
    const id = this.#id()
    const polling: TaskPolling = {
      ...this.#pollingOrThrow(),
      signal: options.signal,
      onProgress: options.onProgress,
      onTaskStatus: options.onTaskStatus,
    }
    const first = this.#first ?? (await getTask(polling, id))
    return this.#finish(await awaitTask(polling, first))
  }

  /** Asks the server to cancel the task (cooperative: it may still end otherwise). */
  async cancel(): Promise<void> {
    if (this.taskId !== undefined && this.#polling) await cancelTask(this.#polling, this.taskId)
  }

  #pollingOrThrow(): Polling {
    if (!this.#polling) throw new ToolwireConfigError('tasks need the client option "tasks" (it is false)')
    return this.#polling
  }

  #id(): string {
    if (this.taskId === undefined)
      throw new ToolwireConfigError(`tools/call ${this.tool} was answered inline: there is no task`)
    return this.taskId
  }
}

/** The handle of a `tools/call` just sent: its task, or the inline answer. */
export function startedTask(call: ToolCallRounds, result: Record<string, unknown>): ToolTask {
  const finish = (final: Record<string, unknown>) =>
    finishToolCall(call, { ...final, traceId: result.traceId })
  const { name: tool, polling } = call
  if (result.resultType !== 'task' || !polling) {
    return new ToolTask({ tool, polling, finish, inline: () => finishToolCall(call, result) })
  }
  return new ToolTask({ tool, polling, finish, task: parseCreatedTask(result, { tool, site: call.site }) })
}

/** The handle of a task known by its id. */
export function resumedTask(
  call: Pick<ToolCallRounds, 'name' | 'site' | 'toolErrors' | 'polling'>,
  taskId: string,
): ToolTask {
  if (!call.polling)
    throw new ToolwireConfigError('resumeTask needs the client option "tasks" (it is false)', call.site)
  return new ToolTask({
    tool: call.name,
    polling: call.polling,
    taskId,
    finish: (final) => finishToolCall(call, { ...final, traceId: '' }),
  })
}
