/**
 * Running one task on this replica: the tool's handler with a `TaskContext`, stopped when the
 * task is cancelled or expires, settled as `completed` (tool errors included, as `isError`
 * results: spec) or `failed` (a JSON-RPC error). A task that a dead replica had started runs
 * again only when the tool is idempotent or read-only; otherwise it fails, saying why.
 */

import { ErrorCode, RpcError } from '../../protocol/jsonrpc.js'
import { describeIssues } from '../../schema/validation.js'
import type { RegisteredTool } from '../tool-call.js'
import { ToolError, textResult, toCallToolResult } from '../tool-result.js'
import { TaskContext } from './task-context.js'
import { isTerminal, type StoredTask } from './task-record.js'
import type { TaskStore } from './task-store.js'

export interface TaskExecutionDeps {
  store: TaskStore
  tool: (name: string) => RegisteredTool | undefined
  /** Seconds a replica holds a running task before another one may take it over. */
  leaseSeconds: number
}

/** The abort reason of a task's handler: why it should stop. */
export class TaskStopped extends Error {
  override name = 'TaskStopped'
}

export async function executeTask(deps: TaskExecutionDeps, taskId: string): Promise<void> {
  const { store } = deps
  let tool: RegisteredTool | undefined
  const task = await store.mutate(taskId, (current) => {
    if (isTerminal(current)) return undefined
    tool = deps.tool(current.tool)
    const now = Date.now()
    if (!tool) return failed(current, `Tool '${current.tool}' is not registered on this replica`)
    if (current.runs > 0 && !current.rerunnable) {
      return failed(
        current,
        `The replica running this task stopped before it finished (no lease renewal within ${deps.leaseSeconds} s); tool '${current.tool}' is neither idempotent nor read-only, so it was not run again`,
      )
    }
    current.runs++
    current.status = Object.keys(current.inputRequests).length > 0 ? 'input_required' : 'working'
    if (current.runs > 1) {
      // The dead replica's questions will never be taken: the re-run asks under new keys.
      current.inputRequests = {}
      current.answers = {}
      current.status = 'working'
      current.statusMessage = 'Running again: the replica running it stopped'
    }
    current.lastUpdatedAt = now
    return current
  })
  if (!task || isTerminal(task) || !tool) return
  await run(store, tool, task)
}

async function run(store: TaskStore, tool: RegisteredTool, task: StoredTask): Promise<void> {
  const controller = new AbortController()
  const unwatch = store.watch(task.taskId, (current) => {
    if (!current) controller.abort(new TaskStopped('the task expired (ttlMs)'))
    else if (current.status === 'cancelled') controller.abort(new TaskStopped('the task was cancelled'))
  })
  const limit = tool.runLimit
  const timer =
    limit.option === 'timeoutSeconds' && Number.isFinite(limit.seconds)
      ? setTimeout(
          () => controller.abort(new TaskStopped(`timed out after ${limit.seconds} s (timeoutSeconds)`)),
          limit.seconds * 1000,
        )
      : undefined
  const ctx = new TaskContext(store, task, controller.signal)
  const name = tool.definition.name
  let settle: (current: StoredTask) => StoredTask
  try {
    const checked = tool.input(task.arguments)
    const parsed = checked instanceof Promise ? await checked : checked
    if (!parsed.ok)
      throw new ToolError(`Invalid arguments for tool '${name}': ${describeIssues(parsed.issues)}`)
    const value = await Promise.race([
      Promise.resolve(tool.handler(parsed.value, ctx)),
      new Promise<never>((_, reject) => {
        const stop = () => reject(controller.signal.reason)
        if (controller.signal.aborted) stop()
        controller.signal.addEventListener('abort', stop, { once: true })
      }),
    ])
    const result = (await toCallToolResult(value, tool.output, name)) as Record<string, unknown>
    settle = (current) => completed(current, result)
  } catch (error) {
    if (error instanceof RpcError) {
      settle = (current) =>
        failed(current, `Tool '${name}' failed: ${error.message}`, {
          code: error.code,
          message: error.message,
          ...(error.data === undefined ? {} : { data: error.data }),
        })
    } else {
      const message =
        error instanceof TaskStopped
          ? `Tool '${name}' was stopped: ${error.message}`
          : error instanceof ToolError
            ? error.message
            : `Tool '${name}' failed: ${error instanceof Error ? error.message : String(error)}`
      settle = (current) => completed(current, textResult(message, true) as Record<string, unknown>)
    }
  } finally {
    clearTimeout(timer)
    ctx.dispose()
    unwatch()
  }
  // A cancelled or expired task stays as it is: terminal states are never overwritten.
  await store.mutate(task.taskId, (current) => (isTerminal(current) ? undefined : settle(current)))
}

function completed(task: StoredTask, result: Record<string, unknown>): StoredTask {
  task.status = 'completed'
  task.result = result
  task.statusMessage = result.isError === true ? 'The tool reported an error' : 'Completed'
  return finished(task)
}

/** Settles `task` as failed with `message`; `error` defaults to an internal error saying the same. */
export function failed(
  task: StoredTask,
  message: string,
  error: StoredTask['error'] = { code: ErrorCode.InternalError, message },
): StoredTask {
  task.status = 'failed'
  task.statusMessage = message
  task.error = error
  return finished(task)
}

function finished(task: StoredTask): StoredTask {
  task.inputRequests = {}
  task.answers = {}
  delete task.progress
  task.lastUpdatedAt = Date.now()
  return task
}
