/**
 * Requests a 2025-era server sends the client on a stream (sampling, elicitation, roots, ping):
 * answered with the owner's handler, the JSON-RPC response POSTed back.
 */
import { ErrorCode, type JsonRpcRequest, type JsonRpcResponse, RpcError } from '../../protocol/jsonrpc.js'
import type { HttpWire } from './http-wire.js'

export interface ServerRequestAnswering {
  wire: HttpWire
  /** Answers one request; `undefined` refuses every request with -32601. */
  handle: ((request: JsonRpcRequest) => Promise<Record<string, unknown>>) | undefined
  /** Headers for the answer POST (session, token). */
  headers: () => Record<string, string>
  onWarning: ((message: string) => void) | undefined
}

/** Answers `request` in the background; a failure to deliver the answer is a warning. */
export function answerServerRequest(answering: ServerRequestAnswering, request: JsonRpcRequest): void {
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
      answering.onWarning?.(`answering the server's ${request.method} failed: ${String(error)}`),
    )
}
