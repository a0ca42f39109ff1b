/**
 * The MCP Tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663): a `tools/call` may answer
 * `resultType: "task"` with a task handle that the client polls (`tasks/get`), feeds
 * (`tasks/update`) and cancels (`tasks/cancel`). Types and validators written from the
 * extension's published schema (modelcontextprotocol/ext-tasks, `schema/draft/schema.ts`,
 * `specification/draft/tasks.md`); the validators check what crosses the wire once (hand-written: the
 * protocol layer depends on no schema library).
 */
/** The extension's identifier, in `capabilities.extensions` of both sides. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks'

/** `_meta` key of a task's last progress report (toolwire's; the extension has no progress field). */
export const META_TASK_PROGRESS = 'io.toolwire/progress'

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled'

/** Statuses a task never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'cancelled'])

/** A task's operational metadata (schema `Task`). */
export interface Task {
  taskId: string
  status: TaskStatus
  statusMessage?: string
  /** ISO 8601. */
  createdAt: string
  /** ISO 8601. */
  lastUpdatedAt: string
  /** Milliseconds from creation the server keeps the task; `null`: unlimited. */
  ttlMs: number | null
  /** Milliseconds the client should wait between polls. */
  pollIntervalMs?: number
}

/** A server-to-client request carried by an `input_required` task (`elicitation/create`, …). */
export interface TaskInputRequest {
  method: string
  params?: Record<string, unknown>
}

/** A task with the payload of its status inlined (schema `DetailedTask`): `tasks/get`, `notifications/tasks`. */
export type DetailedTask =
  | (Task & { status: 'working' })
  | (Task & { status: 'input_required'; inputRequests: Record<string, TaskInputRequest> })
  | (Task & { status: 'completed'; result: Record<string, unknown> })
  | (Task & { status: 'failed'; error: { code: number; message: string; data?: unknown } })
  | (Task & { status: 'cancelled' })

/** What `tools/call` answers when it became a task (schema `CreateTaskResult`). */
export type CreateTaskResult = Task & { resultType: 'task'; _meta?: Record<string, unknown> }

/** Progress a task reported last (`ctx.progress`), in `_meta['io.toolwire/progress']`. */
export interface TaskProgress {
  progress: number
  total?: number
  message?: string
}

/** A parse outcome: the value, or what is wrong with it (naming the field). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string }

const STATUSES: ReadonlySet<string> = new Set([
  'working',
  'input_required',
  'completed',
  'failed',
  'cancelled',
])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const isIso = (value: unknown) => typeof value === 'string' && !Number.isNaN(Date.parse(value))
const isMs = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0

/** What is wrong with `value` as a `Task` (schema `Task`), or undefined. */
function taskProblem(value: Record<string, unknown>): string | undefined {
  if (typeof value.taskId !== 'string' || value.taskId === '') return 'taskId must be a non-empty string'
  if (typeof value.status !== 'string' || !STATUSES.has(value.status))
    return `status must be one of ${[...STATUSES].join(', ')}`
  if (value.statusMessage !== undefined && typeof value.statusMessage !== 'string')
    return 'statusMessage must be a string'
  if (!isIso(value.createdAt)) return 'createdAt must be an ISO 8601 timestamp'
  if (!isIso(value.lastUpdatedAt)) return 'lastUpdatedAt must be an ISO 8601 timestamp'
  if (value.ttlMs !== null && !isMs(value.ttlMs)) return 'ttlMs must be a non-negative integer or null'
  if (value.pollIntervalMs !== undefined && !isMs(value.pollIntervalMs))
    return 'pollIntervalMs must be a non-negative integer'
  if (value._meta !== undefined && !isRecord(value._meta)) return '_meta must be an object'
  return undefined
}

/** What is wrong with `value` as a `DetailedTask` (status payloads included), or undefined. */
function detailedProblem(value: Record<string, unknown>): string | undefined {
  const problem = taskProblem(value)
  if (problem) return problem
  switch (value.status) {
    case 'input_required': {
      const requests = value.inputRequests
      if (!isRecord(requests)) return 'inputRequests must be an object (input_required)'
      for (const [key, request] of Object.entries(requests)) {
        if (!isRecord(request) || typeof request.method !== 'string')
          return `inputRequests.${key} must be a request with a method`
        if (request.params !== undefined && !isRecord(request.params))
          return `inputRequests.${key}.params must be an object`
      }
      return undefined
    }
    case 'completed':
      return isRecord(value.result) ? undefined : 'result must be an object (completed)'
    case 'failed': {
      const error = value.error
      return isRecord(error) && Number.isInteger(error.code) && typeof error.message === 'string'
        ? undefined
        : 'error must be a JSON-RPC error object with code and message (failed)'
    }
    default:
      return undefined
  }
}

function parsed<T>(
  value: unknown,
  problem: (value: Record<string, unknown>) => string | undefined,
): Parsed<T> {
  if (!isRecord(value)) return { ok: false, error: 'not an object' }
  const error = problem(value)
  return error ? { ok: false, error } : { ok: true, value: value as T }
}

/** Validates a `DetailedTask` (the params of `notifications/tasks`). */
export function parseDetailedTask(
  value: unknown,
): Parsed<DetailedTask & { _meta?: Record<string, unknown> }> {
  return parsed(value, detailedProblem)
}

/** Validates a `CreateTaskResult` (`resultType: "task"`). */
export function parseCreateTaskResult(value: unknown): Parsed<CreateTaskResult> {
  return parsed(value, (v) => (v.resultType === 'task' ? taskProblem(v) : 'resultType must be "task"'))
}

/** Validates a `tasks/get` result: a `DetailedTask` with `resultType: "complete"`. */
export function parseGetTaskResult(
  value: unknown,
): Parsed<DetailedTask & { resultType: 'complete'; _meta?: Record<string, unknown> }> {
  return parsed(value, (v) =>
    v.resultType === 'complete' ? detailedProblem(v) : 'resultType must be "complete"',
  )
}

/** Validates an empty acknowledgement (`tasks/update`, `tasks/cancel` results). */
export function parseTaskAck(value: unknown): Parsed<{ resultType: 'complete' }> {
  return parsed(value, (v) => (v.resultType === 'complete' ? undefined : 'resultType must be "complete"'))
}

/** The longest task id accepted (ours are UUIDs; a bound keeps keys and logs small). */
const MAX_TASK_ID = 256

/** Validates the params of `tasks/get` and `tasks/cancel`; the value is the task id. */
export function parseTaskIdParams(params: unknown): Parsed<string> {
  const taskId = isRecord(params) ? params.taskId : undefined
  return typeof taskId === 'string' && taskId !== '' && taskId.length <= MAX_TASK_ID
    ? { ok: true, value: taskId }
    : { ok: false, error: `params.taskId must be a non-empty string of at most ${MAX_TASK_ID} characters` }
}

/** Validates the params of `tasks/update`. */
export function parseUpdateTaskParams(
  params: unknown,
): Parsed<{ taskId: string; inputResponses: Record<string, Record<string, unknown>> }> {
  const id = parseTaskIdParams(params)
  if (!id.ok) return id
  const responses = (params as Record<string, unknown>).inputResponses
  if (!isRecord(responses) || !Object.values(responses).every(isRecord)) {
    return {
      ok: false,
      error: 'params.inputResponses must be an object mapping each input request key to its result object',
    }
  }
  return {
    ok: true,
    value: { taskId: id.value, inputResponses: responses as Record<string, Record<string, unknown>> },
  }
}

/** The `requiredCapabilities` of a -32021 answer when the client must declare the extension. */
export const TASKS_REQUIRED_CAPABILITIES = { extensions: { [TASKS_EXTENSION]: {} } } as const
