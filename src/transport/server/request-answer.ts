/**
 * Answering one JSON-RPC request: run the dispatcher (inside its recording), encode the
 * answer (inside the same try: a result JSON cannot encode is answered, with its id, not lost
 * to a 500), and send it as JSON or as the end of the SSE stream it became. A request aborted
 * long ago whose handler never returns is answered without it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  ErrorCode,
  errorResponse,
  type JsonRpcRequest,
  type JsonRpcResponse,
  RpcError,
  successResponse,
} from '../../protocol/jsonrpc.js'
import type { Endpoint } from './endpoint.js'
import { HttpExchange } from './http-exchange.js'
import type { LegacySession } from './legacy-sessions.js'
import type { FallbackProblem } from './request-dispatcher.js'

export interface AnswerContext {
  req: IncomingMessage
  res: ServerResponse
  request: JsonRpcRequest
  era: 'modern' | 'legacy'
  version: string
  meta?: Record<string, unknown>
  session?: LegacySession | undefined
  extraHeaders?: Record<string, string> | undefined
}

/** Spec 2026-07-28: the HTTP status of errors the transport binding defines (others are 200). */
const MODERN_ERROR_STATUS = new Map<number, number>([
  [ErrorCode.MethodNotFound, 404],
  [ErrorCode.MissingRequiredClientCapability, 400],
  [ErrorCode.HeaderMismatch, 400],
  [ErrorCode.UnsupportedProtocolVersion, 400],
])

export async function answer(endpoint: Endpoint, at: AnswerContext): Promise<void> {
  const { req, res, request, session } = at
  const { dispatcher, recorder, requests } = endpoint
  const exchange = new HttpExchange(res, {
    request,
    era: at.era,
    protocolVersion: at.version,
    meta: at.meta,
    session,
    headers: req.headers,
    extraHeaders: at.extraHeaders,
    identity: endpoint.admission.identityOf(req),
    retryMs: endpoint.settings.retryMs,
    requests,
    budget: endpoint.replayBudget,
    fleet: endpoint.fleet,
    answerAbandoned: endpoint.answerAbandoned,
  })
  session?.inFlight.set(request.id, exchange)
  requests.admit(exchange)
  const recording = recorder?.begin(req, request, exchange)
  let response: JsonRpcResponse
  let json: string
  let status = 200
  const dispatching = recording
    ? recording.run(() => dispatcher.handleRequest(request, exchange))
    : dispatcher.handleRequest(request, exchange)
  exchange.dispatching = dispatching
  try {
    const result = await dispatching
    response = successResponse(request.id, result)
    try {
      json = JSON.stringify(response)
    } catch (error) {
      endpoint.logger.warn(
        { method: request.method, err: error },
        `the result of ${request.method} cannot be encoded as JSON`,
      )
      response = successResponse(
        request.id,
        fallback(endpoint, exchange, { kind: 'unencodable', error: error as Error }),
      )
      json = JSON.stringify(response)
    }
  } catch (error) {
    const rpc =
      error instanceof RpcError
        ? error
        : new RpcError(ErrorCode.InternalError, 'Internal error while handling the request')
    if (!(error instanceof RpcError))
      endpoint.logger.error({ err: error, method: request.method }, 'MCP handler failed')
    if (at.era === 'modern') status = MODERN_ERROR_STATUS.get(rpc.code) ?? 200
    response = errorResponse(request.id, rpc.toJSON())
    json = encodeError(response)
  } finally {
    exchange.release()
  }
  // A change to the session record reaches the fleet before the client can ask another replica.
  if (session && endpoint.fleet?.changesRecord(request.method)) await endpoint.fleet.answered(session)
  const gone = exchange.gone
  exchange.writeAnswer(status, json)
  recording?.end({ response, status: exchange.streaming ? 200 : status, gone })
}

/**
 * Answers a request aborted a while ago (cancelled, its session ended) whose handler still has
 * not returned, so its connection is not held forever: the dispatcher's stand-in result (a
 * cancelled tool call), else an error.
 */
export function answerAbandoned(endpoint: Endpoint, exchange: HttpExchange): void {
  if (exchange.answered || exchange.gone) return
  const id = exchange.rpc.id
  let json: string
  try {
    const problem: FallbackProblem = { kind: 'abandoned', reason: exchange.abortReason }
    json = JSON.stringify(successResponse(id, fallback(endpoint, exchange, problem)))
  } catch (error) {
    json = encodeError(errorResponse(id, (error as RpcError).toJSON()))
  }
  exchange.writeAnswer(200, json)
}

/** The dispatcher's stand-in result for `problem`, else (it throws) an -32603 error naming it. */
function fallback(
  endpoint: Endpoint,
  exchange: HttpExchange,
  problem: FallbackProblem,
): Record<string, unknown> {
  const replacement = endpoint.dispatcher.fallbackResult?.(exchange.rpc, problem, exchange)
  if (replacement) return replacement
  const method = exchange.rpc.method
  throw new RpcError(
    ErrorCode.InternalError,
    problem.kind === 'unencodable'
      ? `Internal error: the result of ${method} cannot be encoded as JSON (${problem.error.message})`
      : `Request cancelled (${problem.reason instanceof Error ? problem.reason.message : 'aborted'}): the ${method} handler did not stop`,
  )
}

/** An error response's JSON; `data` JSON cannot encode is dropped rather than losing the answer. */
function encodeError(response: JsonRpcResponse): string {
  try {
    return JSON.stringify(response)
  } catch {
    if (!('error' in response)) throw new Error('unreachable: only error responses reach here')
    const { code, message } = response.error
    return JSON.stringify({ ...response, error: { code, message } })
  }
}
