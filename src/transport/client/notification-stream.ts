/**
 * The 2025-era GET notification stream of a session, kept open: re-opened with backoff when it
 * ends or fails (a notification may have been missed, so `onReopened` lets the owner drop what
 * it cached); given up on 404/405 (no stream there; a lost session is recovered by requests),
 * and for good when the server breaks the protocol on it (an event past `maxResponseBytes`).
 */
import { McpProtocolError } from '../../protocol/errors.js'
import type { JsonRpcMessage } from '../../protocol/jsonrpc.js'
import { sleep } from './call-signal.js'
import type { ClientWire } from './client-wire.js'

/** Longest wait before re-opening, in ms. */
const MAX_REOPEN_WAIT_MS = 30_000

export interface NotificationStream {
  wire: ClientWire
  /** Headers of each GET (session, version, current token). */
  headers: () => Record<string, string>
  onMessage: (message: JsonRpcMessage) => void
  onReopened: (() => void) | undefined
  onWarning: ((message: string) => void) | undefined
}

/** Holds the stream open until `signal` aborts. */
export function keepNotificationStream(stream: NotificationStream, signal: AbortSignal): void {
  const run = async () => {
    for (let attempt = 0; !signal.aborted; attempt++) {
      if (attempt > 0) {
        await sleep(Math.min(MAX_REOPEN_WAIT_MS, 500 * 2 ** Math.min(attempt - 1, 6)), signal).catch(() => {})
        if (signal.aborted) return
        stream.onReopened?.()
      }
      try {
        const status = await stream.wire.listen(stream.headers(), stream.onMessage, signal)
        if (status === 404 || status === 405) return
        if (status === 200) attempt = 0
      } catch (error) {
        if (signal.aborted) return
        // A server that breaks the protocol on it (an oversized event) does not get it back.
        if (error instanceof McpProtocolError) {
          stream.onWarning?.(`the GET notification stream was closed for good: ${error.message}`)
          return
        }
        stream.onWarning?.(`the GET notification stream failed, re-opening it: ${String(error)}`)
      }
    }
  }
  void run()
}
