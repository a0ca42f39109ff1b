/**
 * 2026-07-28: keeps a `subscriptions/listen` stream open so change notifications reach the
 * client (`tools/list_changed` for the tool-list cache, the other lists' changes, updates of
 * subscribed resources); re-listens with backoff when the stream ends. A change may have been
 * missed while it was down, so every reconnection is reported (`onReconnect`).
 */
import type { JsonRpcNotification } from '../protocol/jsonrpc.js'
import { CallSignal, sleep } from '../transport/client/call-signal.js'
import type { ClientSession } from '../transport/client/client-session.js'
import { newTraceContext } from './trace-propagation.js'

/** What a listen stream asks for (`params.notifications` of `subscriptions/listen`). */
export interface ChangeFilter {
  toolsListChanged?: boolean
  resourcesListChanged?: boolean
  promptsListChanged?: boolean
  resourceSubscriptions?: string[]
}

export interface ChangeListenerOptions {
  filter: ChangeFilter
  /** The bearer token for each (re)connection, when the client has `auth`. */
  token: (() => Promise<string | undefined>) | undefined
  backoff: { retryBackoffSecondsBase: number; retryBackoffSecondsMax: number }
  /** A change notification arrived. */
  onNotification: (notification: JsonRpcNotification) => void
  /** The stream ended and is about to be re-opened: changes may have been missed. */
  onReconnect: () => void
}

/** Starts listening; abort the returned signal to stop. */
export function listenForChanges(session: ClientSession, options: ChangeListenerOptions): CallSignal {
  const signal = new CallSignal()
  const run = async () => {
    for (let failures = 0; !signal.aborted; ) {
      const headers: Record<string, string> = { traceparent: newTraceContext().traceparent }
      try {
        const token = await options.token?.()
        if (token !== undefined) headers.authorization = `Bearer ${token}`
        await session.subscribe(
          { ...options.filter },
          {
            signal,
            headers,
            onNotification: (notification) => {
              failures = 0
              options.onNotification(notification)
            },
          },
        )
      } catch {
        failures++
      }
      if (signal.aborted) return
      options.onReconnect()
      const { retryBackoffSecondsBase: base, retryBackoffSecondsMax: max } = options.backoff
      await sleep(1000 * Math.random() * Math.min(max, base * 2 ** Math.min(failures, 10)), signal).catch(
        () => {},
      )
    }
  }
  void run()
  return signal
}
