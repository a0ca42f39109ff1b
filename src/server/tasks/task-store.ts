/**
 * Where tasks live and how they get run. The in-memory store (the default) keeps them in this
 * process; `RedisTaskStore` keeps them in Redis and runs them as BullMQ jobs on any replica.
 * The task methods and the tool API never know which one is behind them.
 */
import type { StoredTask } from './task-record.js'

/** Runs the task `taskId` on this replica until it is settled (the handler returned or was stopped). */
export type TaskRunner = (taskId: string) => Promise<void>

export interface TaskStore {
  /** Stores `task` durably and schedules it to run; resolves once `get(task.taskId)` finds it. */
  create(task: StoredTask): Promise<void>
  get(taskId: string): Promise<StoredTask | undefined>
  /**
   * Changes a task atomically: `change` gets the current task and returns the new one, or
   * `undefined` to leave it as it is. Resolves with the task as stored afterwards
   * (`undefined`: no such task, or it expired).
   */
  mutate(
    taskId: string,
    change: (task: StoredTask) => StoredTask | undefined,
  ): Promise<StoredTask | undefined>
  /**
   * Calls `onChange` whenever the task changes (eventually, on a fleet store), with `undefined`
   * once it is gone. Returns the function that stops watching.
   */
  watch(taskId: string, onChange: (task: StoredTask | undefined) => void): () => void
  /**
   * How many tasks `principal` has in this store now (any status, until their TTL ends), for
   * `tasks.maxTasksPerPrincipal`. Stores that bound themselves otherwise may omit it.
   */
  keptBy?(principal: string): number
  /** Starts running tasks on this replica with `runner`. */
  start(runner: TaskRunner): void
  /** Stops running tasks and releases connections. */
  close(): Promise<void>
}
