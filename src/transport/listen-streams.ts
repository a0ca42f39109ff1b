/**
 * `subscriptions/listen` (2026-07-28): long-lived SSE answers that carry only the change
 * notifications their filter asked for. The stream opens with
 * `notifications/subscriptions/acknowledged` naming what the server agreed to deliver, and
 * ends when the client closes it (or the server shuts down).
 */
import type { ServerResponse } from 'node:http'
import { isObject, type JsonRpcNotification } from '../protocol/jsonrpc.js'
import { SSE_HEADERS, SSE_KEEPALIVE, sseEvent } from './sse.js'

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
  open(res: ServerResponse, request: { filter: unknown; deliverable: readonly ListenFilterKey[] }): void {
    const requested = isObject(request.filter) ? request.filter : {}
    const honoured: Record<string, unknown> = {}
    const listener: Listener = { res, methods: new Set(), resources: new Set() }
    for (const key of request.deliverable) {
      if (requested[key] === true) {
        honoured[key] = true
        listener.methods.add(LISTEN_FILTERS[key])
      }
    }
    res.writeHead(200, SSE_HEADERS)
    res.write(
      sseEvent({
        jsonrpc: '2.0',
        method: 'notifications/subscriptions/acknowledged',
        params: { notifications: honoured },
      }),
    )
    this.#listeners.add(listener)
    const keepAlive = setInterval(() => res.write(SSE_KEEPALIVE), this.#keepAliveSeconds * 1000).unref()
    res.on('close', () => {
      clearInterval(keepAlive)
      this.#listeners.delete(listener)
    })
  }

  /** Sends a change notification to every stream whose filter accepts it; returns how many. */
  broadcast(notification: JsonRpcNotification): number {
    let sent = 0
    const frame = sseEvent(notification)
    for (const listener of this.#listeners) {
      if (listener.methods.has(notification.method) && !listener.res.writableEnded) {
        listener.res.write(frame)
        sent++
      }
    }
    return sent
  }

  close(): void {
    for (const listener of this.#listeners) listener.res.end()
    this.#listeners.clear()
  }
}
