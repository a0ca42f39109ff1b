/** Tasks in the memory of one process: the default, at no cost when no tool becomes a task. */
import type { StoredTask } from './task-record.js'
import type { TaskRunner, TaskStore } from './task-store.js'

/** Seconds between sweeps of expired tasks. */
const SWEEP_SECONDS = 5

export class MemoryTaskStore implements TaskStore {
  readonly #tasks = new Map<string, StoredTask>()
  readonly #watchers = new Map<string, Set<(task: StoredTask | undefined) => void>>()
  readonly #perPrincipal = new Map<string, number>()
  #runner: TaskRunner | undefined
  #sweeper: NodeJS.Timeout | undefined

  async create(task: StoredTask): Promise<void> {
    this.#tasks.set(task.taskId, structuredClone(task))
    this.#perPrincipal.set(task.principal, (this.#perPrincipal.get(task.principal) ?? 0) + 1)
    this.#sweeper ??= setInterval(() => this.#sweep(), SWEEP_SECONDS * 1000).unref()
    const runner = this.#runner
    if (runner) setImmediate(() => void runner(task.taskId))
  }

  async get(taskId: string): Promise<StoredTask | undefined> {
    const task = this.#live(taskId)
    return task && structuredClone(task)
  }

  async mutate(
    taskId: string,
    change: (task: StoredTask) => StoredTask | undefined,
  ): Promise<StoredTask | undefined> {
    const task = this.#live(taskId)
    if (!task) return undefined
    const next = change(structuredClone(task))
    if (!next) return structuredClone(task)
    this.#tasks.set(taskId, next)
    this.#notify(taskId, next)
    return structuredClone(next)
  }

  watch(taskId: string, onChange: (task: StoredTask | undefined) => void): () => void {
    const set = this.#watchers.get(taskId) ?? new Set()
    this.#watchers.set(taskId, set)
    set.add(onChange)
    return () => {
      set.delete(onChange)
      if (set.size === 0) this.#watchers.delete(taskId)
    }
  }

  keptBy(principal: string): number {
    return this.#perPrincipal.get(principal) ?? 0
  }

  start(runner: TaskRunner): void {
    this.#runner = runner
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper)
    this.#sweeper = undefined
    this.#runner = undefined
  }

  /** The task unless it outlived its `ttlMs` (then it is dropped, and its watchers told). */
  #live(taskId: string): StoredTask | undefined {
    const task = this.#tasks.get(taskId)
    if (task && task.createdAt + task.ttlMs <= Date.now()) {
      this.#drop(taskId)
      return undefined
    }
    return task
  }

  #sweep(): void {
    const now = Date.now()
    for (const [taskId, task] of this.#tasks) if (task.createdAt + task.ttlMs <= now) this.#drop(taskId)
    if (this.#tasks.size === 0) {
      clearInterval(this.#sweeper)
      this.#sweeper = undefined
    }
  }

  #drop(taskId: string): void {
    const task = this.#tasks.get(taskId)
    if (!task) return
    this.#tasks.delete(taskId)
    const kept = (this.#perPrincipal.get(task.principal) ?? 1) - 1
    if (kept > 0) this.#perPrincipal.set(task.principal, kept)
    else this.#perPrincipal.delete(task.principal)
    this.#notify(taskId, undefined)
  }

  #notify(taskId: string, task: StoredTask | undefined): void {
    const set = this.#watchers.get(taskId)
    if (!set) return
    for (const onChange of [...set]) onChange(task && structuredClone(task))
  }
}
