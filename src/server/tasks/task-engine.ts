/**
 * The server's tasks (MCP Tasks extension): creating one for a `tools/call`, and the methods
 * `tasks/get`, `tasks/update`, `tasks/cancel`. Every task is bound to the principal that created
 * it: another caller gets "not found", exactly as for a task that never existed.
 */
import { randomUUID } from 'node:crypto'
import { ToolwireConfigError } from '../../protocol/errors.js'
import { ErrorCode, isObject, type JsonRpcRequest, RpcError } from '../../protocol/jsonrpc.js'
import {
  type CreateTaskResult,
  parseTaskIdParams,
  parseUpdateTaskParams,
  TASKS_REQUIRED_CAPABILITIES,
} from '../../protocol/tasks.js'
import { META_CLIENT_CAPABILITIES, META_CLIENT_INFO } from '../../protocol/versions.js'
import type { Exchange, Identity } from '../../transport/server/request-dispatcher.js'
import type { StoreOptions } from '../store/store-options.js'
import type { RegisteredTool } from '../tool-call.js'
import { clientDeclaresTasks } from './become-task.js'
import { MemoryTaskStore } from './memory-task-store.js'
import { executeTask, failed } from './task-execution.js'
import { detailedTask, isTerminal, type StoredTask } from './task-record.js'
import type { TaskStore } from './task-store.js'
import { type TasksOptions, type TasksSettings, tasksSettings } from './tasks-options.js'

export type { TasksOptions }

type Params = Record<string, unknown>

export class TaskEngine {
  readonly #settings: TasksSettings
  readonly #tool: (name: string) => RegisteredTool | undefined
  #store: Promise<TaskStore> | undefined
  #storeOptions: StoreOptions | undefined
  /** Called with every change of a task this replica makes (for `notifications/tasks`). */
  onChange: ((task: StoredTask) => void) | undefined

  constructor(options: TasksOptions | undefined, tool: (name: string) => RegisteredTool | undefined) {
    this.#settings = tasksSettings(options)
    this.#tool = tool
  }

  /** Keeps tasks in the fleet store (Redis, run as BullMQ jobs) instead of this process's memory. */
  useStore(options: StoreOptions): void {
    if (
      this.#storeOptions?.redisUrl === options.redisUrl &&
      this.#storeOptions.keyPrefix === options.keyPrefix
    )
      return
    if (this.#store) {
      throw new ToolwireConfigError(
        'ToolServer: option "store" must be the same for every handler of one server (tasks already use another store)',
      )
    }
    this.#storeOptions = options
  }

  /** The store, started on first use (a server whose tools never become tasks loads nothing). */
  store(): Promise<TaskStore> {
    this.#store ??= this.#openStore().then((store) => {
      const deps = { store, tool: this.#tool, leaseSeconds: this.#settings.leaseSeconds }
      store.start((taskId) =>
        executeTask(deps, taskId).catch((error: unknown) =>
          // Never `working` forever: a task the replica could not run is failed, saying why.
          store
            .mutate(taskId, (task) =>
              isTerminal(task)
                ? undefined
                : failed(
                    task,
                    `The task could not run: ${error instanceof Error ? error.message : String(error)}`,
                  ),
            )
            .then(
              () => {},
              () => {},
            ),
        ),
      )
      return store
    })
    return this.#store
  }

  async #openStore(): Promise<TaskStore> {
    const options = this.#storeOptions
    if (!options) return new MemoryTaskStore()
    const { RedisTaskStore } = await import('./redis-task-store.js')
    return RedisTaskStore.open(options, this.#settings)
  }

  /** Starts this replica's workers now (a fleet replica that accepts no call still runs tasks). */
  async start(): Promise<void> {
    await this.store()
  }

  async close(): Promise<void> {
    const store = this.#store
    this.#store = undefined
    if (store) await (await store).close()
  }

  /** `tools/call` of a `required` tool from a client that cannot take a task: -32021 (spec). */
  refuse(tool: string): never {
    throw new RpcError(
      ErrorCode.MissingRequiredClientCapability,
      `Tool '${tool}' runs only as a task: declare the io.modelcontextprotocol/tasks extension in the request's client capabilities`,
      { requiredCapabilities: TASKS_REQUIRED_CAPABILITIES },
    )
  }

  /** Creates the task for a `tools/call` and answers once it is durably stored (spec). */
  async create(
    tool: RegisteredTool,
    args: Params,
    call: { exchange: Exchange; request: JsonRpcRequest; preAnswers: StoredTask['preAnswers'] },
  ): Promise<Params> {
    const { exchange } = call
    const now = Date.now()
    const meta = exchange.meta ?? {}
    const clientInfo = meta[META_CLIENT_INFO]
    const capabilities = meta[META_CLIENT_CAPABILITIES]
    const task: StoredTask = {
      // 122 random bits (spec: unguessable, they may act as bearer tokens).
      taskId: randomUUID(),
      status: 'working',
      statusMessage: 'Started',
      createdAt: now,
      lastUpdatedAt: now,
      ttlMs: this.#settings.ttlSeconds * 1000,
      pollIntervalMs: this.#settings.pollIntervalMs,
      tool: tool.definition.name,
      arguments: args,
      principal: principalOf(exchange),
      ...(exchange.identity ? { identity: exchange.identity } : {}),
      ...(isObject(clientInfo) ? { clientInfo } : {}),
      ...(isObject(capabilities) ? { clientCapabilities: capabilities } : {}),
      protocolVersion: exchange.protocolVersion,
      traceId: exchange.traceId,
      preAnswers: call.preAnswers,
      inputRequests: {},
      answers: {},
      runs: 0,
      rerunnable: tool.repeatable,
    }
    await (await this.store()).create(task)
    this.onChange?.(task)
    const { _meta, ...seed } = detailedTask(task)
    const result: CreateTaskResult = { ...seed, status: 'working', resultType: 'task' }
    return result as unknown as Params
  }

  /** The `tasks/*` methods, for the server's method table. */
  methods(): Array<[string, (params: Params, exchange: Exchange) => Promise<Params>]> {
    return [
      ['tasks/get', (params, exchange) => this.#get(params, exchange)],
      ['tasks/update', (params, exchange) => this.#update(params, exchange)],
      ['tasks/cancel', (params, exchange) => this.#cancel(params, exchange)],
    ]
  }

  async #get(params: Params, exchange: Exchange): Promise<Params> {
    const taskId = this.#checked('tasks/get', params, exchange)
    const task = await (await this.store()).get(taskId)
    return detailedTask(this.#owned(task, exchange)) as unknown as Params
  }

  async #update(params: Params, exchange: Exchange): Promise<Params> {
    this.#checked('tasks/update', params, exchange)
    const parsed = parseUpdateTaskParams(params)
    if (!parsed.ok) throw new RpcError(ErrorCode.InvalidParams, parsed.error)
    const { taskId, inputResponses } = parsed.value
    const principal = principalOf(exchange)
    const task = await (await this.store()).mutate(taskId, (current) => {
      if (current.principal !== principal || isTerminal(current)) return undefined
      let changed = false
      // Spec: answers to keys not outstanding (never asked, already answered) are ignored.
      for (const [key, answer] of Object.entries(inputResponses)) {
        if (!Object.hasOwn(current.inputRequests, key) || Object.hasOwn(current.answers, key)) continue
        current.answers[key] = answer
        changed = true
      }
      if (!changed) return undefined
      current.lastUpdatedAt = Date.now()
      return current
    })
    this.#owned(task, exchange)
    return {}
  }

  async #cancel(params: Params, exchange: Exchange): Promise<Params> {
    const taskId = this.#checked('tasks/cancel', params, exchange)
    const principal = principalOf(exchange)
    const task = await (await this.store()).mutate(taskId, (current) =>
      current.principal !== principal || isTerminal(current)
        ? undefined
        : cancelled(current, 'Cancelled by the client'),
    )
    const owned = this.#owned(task, exchange)
    if (owned.status === 'cancelled') this.onChange?.(owned)
    return {}
  }

  /**
   * Sends `taskId`'s full state now and at each change, when `identity` created it (another
   * caller gets nothing, as if the task did not exist). Returns the function that stops.
   */
  watch(taskId: string, identity: Identity | undefined, send: (task: Params) => void): () => void {
    const principal = principalOf({ identity })
    let stopped = false
    let unwatch: (() => void) | undefined
    const deliver = (task: StoredTask | undefined) => {
      if (!stopped && task && task.principal === principal) send(detailedTask(task) as unknown as Params)
    }
    void this.store().then(
      async (store) => {
        if (stopped) return
        unwatch = store.watch(taskId, deliver)
        deliver(await store.get(taskId))
      },
      () => {},
    )
    return () => {
      stopped = true
      unwatch?.()
    }
  }

  /** Cancels `taskId` whoever created it (the server's own decision). */
  async cancelTask(taskId: string, statusMessage: string): Promise<boolean> {
    const task = await (await this.store()).mutate(taskId, (current) =>
      isTerminal(current) ? undefined : cancelled(current, statusMessage),
    )
    return task?.status === 'cancelled' && task.statusMessage === statusMessage
  }

  /** Spec: the tasks methods need the extension declared on the request (-32021 otherwise). */
  #checked(method: string, params: Params, exchange: Exchange): string {
    if (!clientDeclaresTasks(exchange)) {
      throw new RpcError(
        ErrorCode.MissingRequiredClientCapability,
        `${method} needs the io.modelcontextprotocol/tasks extension declared in the request's client capabilities`,
        { requiredCapabilities: TASKS_REQUIRED_CAPABILITIES },
      )
    }
    const parsed = parseTaskIdParams(params)
    if (!parsed.ok) throw new RpcError(ErrorCode.InvalidParams, parsed.error)
    return parsed.value
  }

  /** The task when `exchange`'s caller created it; otherwise -32602 "not found" (spec), whoever asks. */
  #owned(task: StoredTask | undefined, exchange: Exchange): StoredTask {
    if (!task || task.principal !== principalOf(exchange)) {
      throw new RpcError(ErrorCode.InvalidParams, 'Failed to retrieve task: Task not found (or expired)')
    }
    return task
  }
}

function cancelled(task: StoredTask, statusMessage: string): StoredTask {
  task.status = 'cancelled'
  task.statusMessage = statusMessage
  task.inputRequests = {}
  task.answers = {}
  delete task.progress
  task.lastUpdatedAt = Date.now()
  return task
}

/** The caller a task is bound to: the authenticated subject and client id ('' without auth). */
function principalOf(exchange: Pick<Exchange, 'identity'>): string {
  const identity = exchange.identity
  return identity ? `${identity.subject}\u0000${identity.clientId ?? ''}` : ''
}
