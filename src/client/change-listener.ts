/**
 * 2026-07-28: keeps a `subscriptions/listen` stream open so `tools/list_changed` reaches the
 * tool-list cache; re-listens with backoff when the stream ends. A change may have been missed
 * while it was down, so every reconnection counts as a change too.
 */
import { CallSignal, sleep } from '../transport/client/call-signal.js'
import type { ClientSession } from '../transport/client/client-session.js'
import { newTraceContext } from './trace-propagation.js'

export interface ChangeListenerOptions {
  /** The bearer token for each (re)connection, when the client has `auth`. */
  token: (() => Promise<string | undefined>) | undefined
  backoff: { retryBackoffSecondsBase: number; retryBackoffSecondsMax: number }
  /** The tool list changed (or may have). */
  onChange: () => void
}

/** Starts listening; abort the returned signal to stop. */
export function listenForToolChanges(session: ClientSession, options: ChangeListenerOptions): CallSignal {
  const signal = new CallSignal()
  const run = async () => {
    for (let failures = 0; !signal.aborted; ) {
      const headers: Record<string, string> = { traceparent: newTraceContext().traceparent }
      try {
        const token = await options.token?.()
        if (token !== undefined) headers.authorization = `Bearer ${token}`
        await session.subscribe(
          { toolsListChanged: true },
          {
            signal,
            headers,
            onNotification: (notification) => {
              failures = 0
              if (notification.method === 'notifications/tools/list_changed') options.onChange()
            },
          },
        )
      } catch {
        failures++
      }
      if (signal.aborted) return
      options.onChange()
      const { retryBackoffSecondsBase: base, retryBackoffSecondsMax: max } = options.backoff
      await sleep(1000 * Math.random() * Math.min(max, base * 2 ** Math.min(failures, 10)), signal).catch(
        () => {},
      )
    }
  }
  void run()
  return signal
}
