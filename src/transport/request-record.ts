/**
 * What happens after a request is answered: its outcome goes to the span, the metrics observer
 * and the request log line, each only when enabled.
 */
import type { IncomingMessage } from 'node:http'
import { ErrorCode, isObject, type JsonRpcRequest, type JsonRpcResponse } from '../protocol/jsonrpc.js'
import type { AccessLineWriter } from './access-line.js'
import type { RequestObserver, RequestOutcomeKind } from './dispatcher.js'
import type { HttpExchange } from './http-exchange.js'
import { endRequestSpan, type RequestSpan } from './tracing.js'

export interface AnsweredRecord {
  req: IncomingMessage
  request: JsonRpcRequest
  era: 'modern' | 'legacy'
  /** The caller's `clientInfo` (2026-07-28 `_meta`, or the 2025 session's). */
  clientInfo: unknown
  sessionId: string | undefined
  exchange: HttpExchange
  response: JsonRpcResponse
  /** The HTTP status sent (200 for SSE answers). */
  status: number
  /** The client went away before the answer. */
  gone: boolean
  tool: string | undefined
  seconds: number
  traced: RequestSpan | undefined
}

export interface RecordSinks {
  observer: RequestObserver | undefined
  writeLine: AccessLineWriter | undefined
  redactArguments: ((value: unknown) => unknown) | undefined
}

export function recordAnswer(record: AnsweredRecord, sinks: RecordSinks): void {
  const { request, response, tool, exchange } = record
  const rpcError = 'error' in response ? response.error : undefined
  const toolFailed = 'result' in response && response.result.isError === true
  const outcome: RequestOutcomeKind = record.gone
    ? 'cancelled'
    : rpcError
      ? 'error'
      : toolFailed
        ? 'tool_error'
        : 'ok'
  if (record.traced) {
    endRequestSpan(record.traced.span, { kind: outcome, rpcCode: rpcError?.code, message: rpcError?.message })
  }
  sinks.observer?.answered({
    rpcMethod: rpcError?.code === ErrorCode.MethodNotFound ? 'other' : request.method,
    tool: tool !== undefined && rpcError === undefined ? tool : undefined,
    outcome,
    status: record.status,
    seconds: record.seconds,
  })
  if (!sinks.writeLine) return
  const trace = exchange.trace
  sinks.writeLine({
    traceId: trace.traceId,
    spanId: trace.spanId,
    parentSpanId: trace.parentId,
    era: record.era,
    sessionId: record.sessionId,
    rpcMethod: request.method,
    tool,
    outcome,
    rpcCode: rpcError?.code,
    status: record.status,
    durationMs: Math.round(record.seconds * 1e6) / 1000,
    client: isObject(record.clientInfo) ? record.clientInfo.name : undefined,
    identity: exchange.identity?.subject,
    remote: record.req.socket.remoteAddress,
    arguments:
      sinks.redactArguments && tool !== undefined
        ? sinks.redactArguments(request.params?.arguments)
        : undefined,
  })
}
