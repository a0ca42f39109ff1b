/**
 * `subscriptions/listen` (2026-07-28): long-lived SSE answers that carry only the change
 * notifications their filter asked for. The stream opens with
 * `notifications/subscriptions/acknowledged` naming what the server agreed to deliver, and
 * ends when the client closes it (or the server shuts down).
 */
import type { ServerResponse } from 'node:http'
import {
  ErrorCode,
  isObject,
  type JsonRpcNotification,
  type RequestId,
  RpcError,
} from '../../protocol/jsonrpc.js'
import { TASKS_EXTENSION, TASKS_REQUIRED_CAPABILITIES } from '../../protocol/tasks.js'
import { META_CLIENT_CAPABILITIES } from '../../protocol/versions.js'
import { SSE_HEADERS, SSE_KEEPALIVE, sseEvent } from './sse-framing.js'

/** Filter keys of `subscriptions/listen` and the notification each one lets through. */
export const LISTEN_FILTERS = {
  toolsListChanged: 'notifications/tools/list_changed',
  promptsListChanged: 'notifications/prompts/list_changed',
  resourcesListChanged: 'notifications/resources/list_changed',
} as const
export type ListenFilterKey = keyof typeof LISTEN_FILTERS

interface Listener {
  res: ServerResponse
  methods: Set<string>
  resources: Set<string>
  requestId: RequestId
}

/**
 * Tasks extension: `notifications/tasks` for the task ids a listen names. `watch` calls `send`
 * with the task's full state at each change, for tasks of the caller only, and returns the
 * function that stops watching.
 */
export type TaskWatch = (taskId: string, send: (task: Record<string, unknown>) => void) => () => void

/** Task ids one listen may name. */
const MAX_TASK_IDS = 100

/**
 * The task ids of a listen filter, checked: the client must declare the extension on the
 * request (spec: -32021 otherwise), at most `MAX_TASK_IDS` string ids.
 */
export function listenTaskIds(
  filter: Record<string, unknown>,
  meta: unknown,
): string[] | RpcError | undefined {
  const ids = filter.taskIds
  if (ids === undefined) return undefined
  const capabilities = isObject(meta) ? meta[META_CLIENT_CAPABILITIES] : undefined
  const extensions = isObject(capabilities) ? capabilities.extensions : undefined
  if (!isObject(extensions) || !isObject(extensions[TASKS_EXTENSION])) {
    return new RpcError(
      ErrorCode.MissingRequiredClientCapability,
      "notifications.taskIds needs the io.modelcontextprotocol/tasks extension declared in the request's client capabilities",
      { requiredCapabilities: TASKS_REQUIRED_CAPABILITIES },
    )
  }
  if (!Array.isArray(ids) || ids.length > MAX_TASK_IDS || !ids.every((id) => typeof id === 'string')) {
    return new RpcError(
      ErrorCode.InvalidParams,
      `params.notifications.taskIds must be an array of at most ${MAX_TASK_IDS} task ids`,
    )
  }
  return [...new Set(ids as string[])]
}

export class ListenStreams {
  readonly #listeners = new Set<Listener>()
  readonly #keepAliveSeconds: number

  constructor(options: { keepAliveSeconds: number }) {
    this.#keepAliveSeconds = options.keepAliveSeconds
  }

  get size(): number {
    return this.#listeners.size
  }

  /**
   * Opens a listen stream for `filter`, honouring only what `deliverable` names; acknowledges
   * the honoured filter as the first event.
   */
  open(
    res: ServerResponse,
    request: {
      filter: unknown
      deliverable: readonly ListenFilterKey[]
      /** Whether the server has resources, so `resourceSubscriptions` can be honoured. */
      resources: boolean
      requestId: RequestId
      /** Task ids to send `notifications/tasks` for (checked by `listenTaskIds`), and how. */
      tasks?: { ids: readonly string[]; watch: TaskWatch } | undefined
    },
  ): void {
    const requested = isObject(request.filter) ? request.filter : {}
    const honoured: Record<string, unknown> = {}
    const listener: Listener = { res, methods: new Set(), resources: new Set(), requestId: request.requestId }
    const uris = requested.resourceSubscriptions
    if (request.resources && Array.isArray(uris)) {
      for (const uri of uris) if (typeof uri === 'string') listener.resources.add(uri)
      honoured.resourceSubscriptions = [...listener.resources]
    }
    for (const key of request.deliverable) {
      if (requested[key] === true) {
        honoured[key] = true
        listener.methods.add(LISTEN_FILTERS[key])
      }
    }
    const tasks = request.tasks
    if (tasks) honoured.taskIds = tasks.ids
    res.writeHead(200, SSE_HEADERS)
    res.write(
      sseEvent({
        jsonrpc: '2.0',
        method: 'notifications/subscriptions/acknowledged',
        params: { notifications: honoured, _meta: { [SUBSCRIPTION_ID]: request.requestId } },
      }),
    )
    this.#listeners.add(listener)
    const unwatch = (tasks?.ids ?? []).map((taskId) =>
      tasks!.watch(taskId, (task) => {
        if (res.writableEnded) return
        res.write(stamped({ jsonrpc: '2.0', method: 'notifications/tasks', params: task }, request.requestId))
      }),
    )
    const keepAlive = setInterval(() => res.write(SSE_KEEPALIVE), this.#keepAliveSeconds * 1000).unref()
    res.on('close', () => {
      clearInterval(keepAlive)
      this.#listeners.delete(listener)
      for (const stop of unwatch) stop()
    })
  }

  /** Sends a change notification to every stream whose filter accepts it; returns how many. */
  broadcast(notification: JsonRpcNotification): number {
    let sent = 0
    for (const listener of this.#listeners) {
      if (listener.methods.has(notification.method) && !listener.res.writableEnded) {
        listener.res.write(stamped(notification, listener.requestId))
        sent++
      }
    }
    return sent
  }

  /** Sends `notifications/resources/updated` to the streams subscribed to `uri`; returns how many. */
  resourceUpdated(uri: string): number {
    let sent = 0
    const notification: JsonRpcNotification = {
      jsonrpc: '2.0',
      method: 'notifications/resources/updated',
      params: { uri },
    }
    for (const listener of this.#listeners) {
      if (listener.resources.has(uri) && !listener.res.writableEnded) {
        listener.res.write(stamped(notification, listener.requestId))
        sent++
      }
    }
    return sent
  }

  /**
   * Ends every stream gracefully: the listen request's result, stamped with its subscription id
   * and `resultMeta` (who answered: every 2026-07-28 result carries `serverInfo`).
   */
  close(resultMeta: Record<string, unknown> = {}): void {
    for (const listener of this.#listeners) {
      if (listener.res.writableEnded) continue
      listener.res.end(
        sseEvent({
          jsonrpc: '2.0',
          id: listener.requestId,
          result: {
            resultType: 'complete',
            _meta: { ...resultMeta, [SUBSCRIPTION_ID]: listener.requestId },
          },
        }),
      )
    }
    this.#listeners.clear()
  }
}

/** Notifications on a listen stream name the `subscriptions/listen` request that opened it. */
const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId'

function stamped(notification: JsonRpcNotification, requestId: RequestId): string {
  const params = notification.params ?? {}
  const meta = isObject(params._meta) ? params._meta : {}
  return sseEvent({
    ...notification,
    params: { ...params, _meta: { ...meta, [SUBSCRIPTION_ID]: requestId } },
  })
}
