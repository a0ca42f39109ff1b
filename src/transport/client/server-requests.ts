/**
 * Requests a server sends the client on a stream (sampling, elicitation, roots, ping).
 * 2025 era: answered with the owner's handler, the JSON-RPC response POSTed back, at most a
 * bounded number per stream (a server cannot make the client send POSTs without end).
 * 2026-07-28: never answered — clients of this revision send no JSON-RPC responses (servers ask
 * through `input_required` results); such a request is reported once per stream and ignored.
 */

import { ErrorCode, type JsonRpcRequest, type JsonRpcResponse, RpcError } from '../../protocol/jsonrpc.js'
import { printable } from '../../protocol/printable.js'
import type { ProtocolEra } from '../../protocol/versions.js'
import type { ClientWire } from './client-wire.js'

/** Server requests answered at most on one call's response stream. */
export const MAX_SERVER_REQUESTS_PER_CALL = 32
/** Server requests answered at most on one 2025-era GET notification stream connection. */
export const MAX_SERVER_REQUESTS_PER_NOTIFICATION_STREAM = 256

export interface ServerRequestAnswering {
  wire: ClientWire
  /** Answers one request; `undefined` refuses every request with -32601. */
  handle: ((request: JsonRpcRequest) => Promise<Record<string, unknown>>) | undefined
  /** Headers for the answer POST (session, token). */
  headers: () => Record<string, string>
  onWarning: ((message: string) => void) | undefined
}

/** The server-request handler of one stream; `onExhausted` hears when its budget runs out. */
export function serverRequestsOfStream(
  answering: ServerRequestAnswering,
  stream: { era: ProtocolEra | undefined; max: number; what: string; onExhausted?: () => void },
): (request: JsonRpcRequest) => void {
  let answered = 0
  let reported = false
  const reportOnce = (message: string) => {
    if (reported) return
    reported = true
    answering.onWarning?.(message)
  }
  return (request) => {
    const method = printable(request.method, { maxChars: 80, oneLine: true })
    if (stream.era === 'modern') {
      reportOnce(
        `the server sent a JSON-RPC request (${method}) on ${stream.what}: clients of protocol 2026-07-28 never answer requests, so it is ignored`,
      )
      return
    }
    if (answered >= stream.max) {
      reportOnce(
        `the server sent more than ${stream.max} requests on ${stream.what}: the rest are not answered`,
      )
      stream.onExhausted?.()
      return
    }
    answered++
    answerServerRequest(answering, request)
  }
}

/** Answers `request` in the background; a failure to deliver the answer is a warning. */
function answerServerRequest(answering: ServerRequestAnswering, request: JsonRpcRequest): void {
  const handle = answering.handle
  const answer = handle
    ? Promise.resolve().then(() => handle(request))
    : Promise.reject(new RpcError(ErrorCode.MethodNotFound, `This client does not handle ${request.method}`))
  answer
    .then(
      (result): JsonRpcResponse => ({ jsonrpc: '2.0', id: request.id, result }),
      (error: unknown): JsonRpcResponse => ({
        jsonrpc: '2.0',
        id: request.id,
        error:
          error instanceof RpcError
            ? error.toJSON()
            : {
                code: ErrorCode.InternalError,
                message: error instanceof Error ? error.message : String(error),
              },
      }),
    )
    .then((body) => answering.wire.post({ body, headers: answering.headers() }, undefined))
    .catch((error: unknown) =>
      answering.onWarning?.(
        `answering the server's ${printable(request.method, { maxChars: 80, oneLine: true })} failed: ${String(error)}`,
      ),
    )
}
