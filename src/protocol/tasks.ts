/**
 * The MCP Tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663): a `tools/call` may answer
 * `resultType: "task"` with a task handle that the client polls (`tasks/get`), feeds
 * (`tasks/update`) and cancels (`tasks/cancel`). Types and validators written from the
 * extension's published schema (modelcontextprotocol/ext-tasks, `schema/draft/schema.ts`,
 * `specification/draft/tasks.md`); the validators parse what crosses the wire once, at the client.
 */
import { z } from 'zod'

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

const iso = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO 8601 timestamp')

const taskShape = {
  taskId: z.string().min(1),
  statusMessage: z.string().optional(),
  createdAt: iso,
  lastUpdatedAt: iso,
  ttlMs: z.number().int().nonnegative().nullable(),
  pollIntervalMs: z.number().int().nonnegative().optional(),
  _meta: z.record(z.string(), z.unknown()).optional(),
}

const inputRequestSchema = z.looseObject({
  method: z.string(),
  params: z.record(z.string(), z.unknown()).optional(),
})

/** Validates a `DetailedTask` (the result of `tasks/get`, the params of `notifications/tasks`). */
export const detailedTaskSchema = z.discriminatedUnion('status', [
  z.looseObject({ ...taskShape, status: z.literal('working') }),
  z.looseObject({
    ...taskShape,
    status: z.literal('input_required'),
    inputRequests: z.record(z.string(), inputRequestSchema),
  }),
  z.looseObject({ ...taskShape, status: z.literal('completed'), result: z.record(z.string(), z.unknown()) }),
  z.looseObject({
    ...taskShape,
    status: z.literal('failed'),
    error: z.looseObject({ code: z.number().int(), message: z.string(), data: z.unknown().optional() }),
  }),
  z.looseObject({ ...taskShape, status: z.literal('cancelled') }),
])

/** Validates a `CreateTaskResult`. */
export const createTaskResultSchema = z.looseObject({
  ...taskShape,
  resultType: z.literal('task'),
  status: z.enum(['working', 'input_required', 'completed', 'failed', 'cancelled']),
})

/** Validates a `tasks/get` result: a `DetailedTask` with `resultType: "complete"`. */
export const getTaskResultSchema = z.intersection(
  detailedTaskSchema,
  z.looseObject({ resultType: z.literal('complete') }),
)

/** Validates the params of `tasks/get` and `tasks/cancel`. */
export const taskIdParamsSchema = z.looseObject({ taskId: z.string().min(1).max(256) })

/** Validates the params of `tasks/update`. */
export const updateTaskParamsSchema = z.looseObject({
  taskId: z.string().min(1).max(256),
  inputResponses: z.record(z.string(), z.record(z.string(), z.unknown())),
})

/** Validates an empty acknowledgement (`tasks/update`, `tasks/cancel` results). */
export const taskAckSchema = z.looseObject({ resultType: z.literal('complete') })

/** The `requiredCapabilities` of a -32021 answer when the client must declare the extension. */
export const TASKS_REQUIRED_CAPABILITIES = { extensions: { [TASKS_EXTENSION]: {} } } as const
