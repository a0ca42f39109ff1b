/** `new ToolServer({ tasks })`: how tasks are kept and run, with defaults and validation in one place. */
import { ToolwireConfigError } from '../../protocol/errors.js'

export interface TasksOptions {
  /**
   * Seconds a task is kept after its creation (its `ttlMs`); then it is dropped, and a handler
   * still running is stopped. @default 3600
   */
  ttlSeconds?: number
  /** Milliseconds clients are asked to wait between two `tasks/get` (`pollIntervalMs`). @default 1000 */
  pollIntervalMs?: number
  /**
   * Fleet store only: seconds a replica holds a running task without renewing its lease before
   * another replica takes it over (runs it again when the tool is idempotent or read-only,
   * otherwise marks it `failed`). A task whose replica died is settled within about twice this.
   * @default 30
   */
  leaseSeconds?: number
  /** Fleet store only: tasks one replica runs at once; more wait in the queue. @default 32 */
  maxConcurrentTasks?: number
  /**
   * In-memory store: tasks one caller (principal) may have kept at once, whatever their status,
   * until their TTL ends; one more is refused with JSON-RPC -31000 (`data.limit`
   * `tasks.maxTasksPerPrincipal`), so one tenant cannot fill the process's memory. @default 1000
   */
  maxTasksPerPrincipal?: number
}

export interface TasksSettings {
  ttlSeconds: number
  pollIntervalMs: number
  leaseSeconds: number
  maxConcurrentTasks: number
  maxTasksPerPrincipal: number
}

export function tasksSettings(options: TasksOptions = {}): TasksSettings {
  const settings = {
    ttlSeconds: options.ttlSeconds ?? 3600,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    leaseSeconds: options.leaseSeconds ?? 30,
    maxConcurrentTasks: options.maxConcurrentTasks ?? 32,
    maxTasksPerPrincipal: options.maxTasksPerPrincipal ?? 1000,
  }
  for (const [name, value] of Object.entries(settings)) {
    const integer =
      name === 'pollIntervalMs' || name === 'maxConcurrentTasks' || name === 'maxTasksPerPrincipal'
    if (!(value > 0) || (integer && !Number.isInteger(value)) || !Number.isFinite(value)) {
      throw new ToolwireConfigError(
        `ToolServer: option "tasks.${name}" must be a positive ${integer ? 'integer' : 'number'}, got ${value}`,
      )
    }
  }
  return settings
}
