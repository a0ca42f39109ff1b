/**
 * A task as the server stores it: the extension's `Task` plus what is needed to run it on any
 * replica (the tool, its arguments, who asked) and its in-flight questions and answers.
 */
import type { DetailedTask, TaskInputRequest, TaskProgress, TaskStatus } from '../../protocol/tasks.js'
import { META_TASK_PROGRESS, TERMINAL_STATUSES } from '../../protocol/tasks.js'
import type { Identity } from '../../transport/server/request-dispatcher.js'

export interface StoredTask {
  taskId: string
  status: TaskStatus
  statusMessage?: string
  /** Epoch milliseconds. */
  createdAt: number
  /** Epoch milliseconds. */
  lastUpdatedAt: number
  ttlMs: number
  pollIntervalMs: number
  tool: string
  arguments: Record<string, unknown>
  /** Who created the task (`subject\0clientId`, '' without auth): nobody else finds it. */
  principal: string
  identity?: Identity
  clientInfo?: Record<string, unknown>
  clientCapabilities?: Record<string, unknown>
  protocolVersion: string
  traceId: string
  /** Answers given before the task was created (multi round-trip rounds), by question key. */
  preAnswers: Record<string, Record<string, unknown>>
  /** Outstanding server-to-client requests, by key (unique over the task's lifetime). */
  inputRequests: Record<string, TaskInputRequest>
  /** Answers received for outstanding requests, not yet taken by the handler. */
  answers: Record<string, Record<string, unknown>>
  progress?: TaskProgress
  result?: Record<string, unknown>
  error?: { code: number; message: string; data?: unknown }
  /** Times a replica started the handler (more than one: a replica died while running it). */
  runs: number
  /** The tool is idempotent or read-only: a task whose replica died may run again. */
  rerunnable: boolean
}

export function isTerminal(task: StoredTask): boolean {
  return TERMINAL_STATUSES.has(task.status)
}

/** The wire form of a stored task (`tasks/get`, `notifications/tasks`). */
export function detailedTask(task: StoredTask): DetailedTask & { _meta?: Record<string, unknown> } {
  const base = {
    taskId: task.taskId,
    ...(task.statusMessage === undefined ? {} : { statusMessage: task.statusMessage }),
    createdAt: new Date(task.createdAt).toISOString(),
    lastUpdatedAt: new Date(task.lastUpdatedAt).toISOString(),
    ttlMs: task.ttlMs,
    pollIntervalMs: task.pollIntervalMs,
    ...(task.progress && !isTerminal(task) ? { _meta: { [META_TASK_PROGRESS]: task.progress } } : {}),
  }
  switch (task.status) {
    case 'input_required':
      return { ...base, status: 'input_required', inputRequests: { ...task.inputRequests } }
    case 'completed':
      return { ...base, status: 'completed', result: task.result ?? { content: [] } }
    case 'failed':
      return {
        ...base,
        status: 'failed',
        error: task.error ?? { code: -32603, message: task.statusMessage ?? 'failed' },
      }
    default:
      return { ...base, status: task.status }
  }
}
