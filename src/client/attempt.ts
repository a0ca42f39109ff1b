/**
 * One attempt on the wire, the innermost `send`: bounded by its timeout and the caller's
 * signal, through one cheap per-attempt cancellation token.
 */
import { type ErrorSite, McpTimeoutError } from '../protocol/errors.js'
import { CallSignal } from '../transport/client/call-signal.js'
import type { ClientSession } from '../transport/client/client-session.js'
import type { Call } from './call.js'

/** `call.method` for the era probe / handshake instead of a JSON-RPC method. */
export const CONNECT = 'connect'

export async function attempt(
  session: ClientSession,
  call: Call,
  site: ErrorSite,
): Promise<Record<string, unknown>> {
  call.signal?.throwIfAborted()
  const signal = new CallSignal()
  const timer = setTimeout(
    () =>
      signal.abort(
        new McpTimeoutError(
          { timeout: 'request', seconds: call.timeoutSeconds, option: call.timeoutOption },
          site,
        ),
      ),
    call.timeoutSeconds * 1000,
  )
  const unlink = call.signal ? signal.follow(call.signal) : undefined
  try {
    if (call.method === CONNECT) {
      return (await session.connect(signal, call.headers)) as unknown as Record<string, unknown>
    }
    return await session.request(call.method, call.params, {
      signal,
      onMessage: call.onMessage,
      extraMeta: call.extraMeta,
      headers: call.headers,
    })
  } finally {
    clearTimeout(timer)
    unlink?.()
  }
}
