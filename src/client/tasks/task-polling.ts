/**
 * Waiting for a task (MCP Tasks extension) the client's way: `tasks/get` every `pollIntervalMs`
 * (as the server asks; each poll is one short request under the usual per-request timeout, so a
 * ten-minute tool needs no raised timeout), progress and status reported as they change, the
 * server's questions (`input_required`) answered once each with the client's handlers through
 * `tasks/update`, and the caller's `AbortSignal` turned into `tasks/cancel`.
 */
import { type ErrorSite, McpProtocolError, McpTaskError } from '../../protocol/errors.js'
import { ErrorCode } from '../../protocol/jsonrpc.js'
import {
  type DetailedTask,
  META_TASK_PROGRESS,
  parseCreateTaskResult,
  parseGetTaskResult,
  type Task,
  type TaskProgress,
} from '../../protocol/tasks.js'
import { answerInputRequired, type ClientRequestHandlers } from '../client-requests.js'

/** Bounds on the server's `pollIntervalMs`, in milliseconds: never hammer it, never sleep for ages. */
const MIN_POLL_MS = 10
const MAX_POLL_MS = 30_000
const DEFAULT_POLL_MS = 1000
/** Seconds a `tasks/cancel` sent after the caller gave up may take. */
const CANCEL_TIMEOUT_SECONDS = 5

export type TaskMethod = 'tasks/get' | 'tasks/update' | 'tasks/cancel'

export interface TaskPolling {
  /** The tool the task runs (named in messages). */
  tool: string
  site: ErrorSite
  handlers: ClientRequestHandlers
  /** Sends one `tasks/*` request through the client's policies. */
  request: (
    method: TaskMethod,
    params: Record<string, unknown>,
    options: { signal?: AbortSignal | undefined; timeoutSeconds?: number },
  ) => Promise<Record<string, unknown>>
  signal?: AbortSignal | undefined
  onProgress?: ((progress: TaskProgress) => void) | undefined
  onTaskStatus?: ((task: Task) => void) | undefined
}

/** Parses a `tools/call` answer with `resultType: "task"`. */
export function parseCreatedTask(
  result: Record<string, unknown>,
  context: { tool: string; site: ErrorSite },
): Task {
  const parsed = parseCreateTaskResult(result)
  if (!parsed.ok) {
    throw new McpProtocolError(
      `tools/call ${context.tool} answered with a task handle that is not a valid CreateTaskResult: ${parsed.error}`,
      context.site,
    )
  }
  return parsed.value
}

/** One `tasks/get`, validated; a task the server no longer knows is `McpTaskError` (`gone`). */
export async function getTask(polling: TaskPolling, taskId: string): Promise<DetailedTask> {
  let answer: Record<string, unknown>
  try {
    answer = await polling.request('tasks/get', { taskId }, { signal: polling.signal })
  } catch (error) {
    if (error instanceof McpProtocolError && error.rpcCode === ErrorCode.InvalidParams) {
      throw new McpTaskError(`of ${polling.tool} is gone: ${error.message}`, {
        taskId,
        status: 'gone',
        site: polling.site,
        cause: error,
      })
    }
    throw error
  }
  const parsed = parseGetTaskResult(answer)
  if (!parsed.ok) {
    throw new McpProtocolError(
      `tasks/get ${taskId} answered with a task that is not valid: ${parsed.error}`,
      polling.site,
    )
  }
  return parsed.value
}

/** Polls `task` until it ends; resolves with the tool's result (`completed`), throws otherwise. */
export async function awaitTask(
  polling: TaskPolling,
  first: Task | DetailedTask,
): Promise<Record<string, unknown>> {
  try {
    return await pollTask(polling, first)
  } catch (error) {
    // The caller gave up (during a pause or a request in flight): the server is told to stop.
    if (polling.signal?.aborted) {
      await cancelTask(polling, first.taskId)
      throw polling.signal.reason
    }
    throw error
  }
}

async function pollTask(polling: TaskPolling, first: Task | DetailedTask): Promise<Record<string, unknown>> {
  const taskId = first.taskId
  const answered = new Set<string>()
  let task: Task | DetailedTask = first
  let lastProgress = ''
  let lastStatus = ''
  for (;;) {
    const status = `${task.status}\u0000${task.statusMessage ?? ''}`
    if (status !== lastStatus) {
      lastStatus = status
      polling.onTaskStatus?.(summary(task))
    }
    const progress = progressOf(task)
    if (progress && JSON.stringify(progress) !== lastProgress) {
      lastProgress = JSON.stringify(progress)
      polling.onProgress?.(progress)
    }
    if ('result' in task && task.status === 'completed') return task.result
    if (task.status === 'failed' && 'error' in task) {
      throw new McpTaskError(`of ${polling.tool} failed: ${task.statusMessage ?? task.error.message}`, {
        taskId,
        status: 'failed',
        site: polling.site,
        rpcCode: task.error.code,
        data: task.error.data,
      })
    }
    if (task.status === 'cancelled') {
      throw new McpTaskError(
        `of ${polling.tool} was cancelled${task.statusMessage ? `: ${task.statusMessage}` : ''}`,
        {
          taskId,
          status: 'cancelled',
          site: polling.site,
        },
      )
    }
    if (task.status === 'input_required' && 'inputRequests' in task) {
      // Spec: the same outstanding request shows up on every poll until answered; answer it once.
      const fresh = Object.entries(task.inputRequests).filter(([key]) => !answered.has(key))
      if (fresh.length > 0) {
        const { inputResponses } = await answerInputRequired(
          polling.handlers,
          { inputRequests: Object.fromEntries(fresh) },
          { what: `task ${taskId} of ${polling.tool}`, site: polling.site },
        )
        for (const [key] of fresh) answered.add(key)
        await polling.request('tasks/update', { taskId, inputResponses }, { signal: polling.signal })
      }
    }
    await pause(polling, task)
    task = await getTask(polling, taskId)
  }
}

/** Waits the task's poll interval; on the caller's abort, asks the server to cancel and throws. */
async function pause(polling: TaskPolling, task: Task): Promise<void> {
  const ms = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, task.pollIntervalMs ?? DEFAULT_POLL_MS))
  const signal = polling.signal
  if (!signal) return new Promise((resolve) => setTimeout(resolve, ms))
  const aborted = await new Promise<boolean>((resolve) => {
    if (signal.aborted) return resolve(true)
    const onAbort = () => {
      clearTimeout(timer)
      resolve(true)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(false)
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
  if (aborted) throw signal.reason
}

/** `tasks/cancel`, best effort (the caller already gave up): failures are ignored. */
export async function cancelTask(polling: TaskPolling, taskId: string): Promise<void> {
  await polling.request('tasks/cancel', { taskId }, { timeoutSeconds: CANCEL_TIMEOUT_SECONDS }).then(
    () => {},
    () => {},
  )
}

function progressOf(task: Task): TaskProgress | undefined {
  const meta = (task as { _meta?: Record<string, unknown> })._meta
  const value = meta?.[META_TASK_PROGRESS] as TaskProgress | undefined
  return value && typeof value.progress === 'number' ? value : undefined
}

/** The `Task` fields of a detailed task (without result, error or input requests). */
function summary(task: Task): Task {
  return {
    taskId: task.taskId,
    status: task.status,
    ...(task.statusMessage === undefined ? {} : { statusMessage: task.statusMessage }),
    createdAt: task.createdAt,
    lastUpdatedAt: task.lastUpdatedAt,
    ttlMs: task.ttlMs,
    ...(task.pollIntervalMs === undefined ? {} : { pollIntervalMs: task.pollIntervalMs }),
  }
}
