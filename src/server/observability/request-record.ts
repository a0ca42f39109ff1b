/**
 * What is recorded of each answered request: its span (when the app registered an
 * OpenTelemetry provider), its metrics and its request log line, each only when enabled.
 * Requests that nothing records pay one `undefined` check.
 */
import type { IncomingMessage } from 'node:http'
import { ErrorCode, isObject, type JsonRpcRequest, type JsonRpcResponse } from '../../protocol/jsonrpc.js'
import { META_CLIENT_INFO } from '../../protocol/versions.js'
import type { HttpExchange } from '../../transport/server/http-exchange.js'
import { toolNameOf } from '../../transport/server/request-checks.js'
import type { AnswerRecorder, AnswerRecording } from '../../transport/server/server-policies.js'
import { ACCESS_LINE, type AccessLineWriter, loggedAccessLine } from './access-line.js'
import { secretRedactor } from './redact.js'
import { endRequestSpan, type RequestSpan, runInContext, startRequestSpan, tracingEnabled } from './spans.js'

/** How one answered request ended (for request logs, metrics and spans). */
export type RequestOutcomeKind = 'ok' | 'error' | 'tool_error' | 'cancelled'

/** One answered JSON-RPC request, as the metrics see it. */
export interface AnsweredRequest {
  /** The JSON-RPC method; `other` for methods the server does not implement (bounded label values). */
  rpcMethod: string
  /** The called tool, for `tools/call` of a known tool. */
  tool: string | undefined
  outcome: RequestOutcomeKind
  /** The HTTP status sent (200 for SSE answers). */
  status: number
  seconds: number
}

/** Receives what the handler did (metrics). Called synchronously; must be cheap and must not throw. */
export interface RequestObserver {
  answered(request: AnsweredRequest): void
  /** A request refused before the dispatcher (bad envelope, auth, scope, rate limit, load shedding). */
  rejected(status: number, tool: string | undefined): void
}

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

function recordAnswer(record: AnsweredRecord, sinks: RecordSinks): void {
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

export interface AnswerRecorderOptions {
  /** A logger with `info` enabled gets one line per answered request. */
  logger:
    | { info?: (fields: object, msg: string) => void; isLevelEnabled?: (level: string) => boolean }
    | undefined
  logArguments: boolean | undefined
  redact: readonly string[] | undefined
  observer: RequestObserver | undefined
}

/** The transport's `AnswerRecorder` for the server's logging, metrics and tracing options. */
export function answerRecorder(options: AnswerRecorderOptions): AnswerRecorder {
  // Decided once: requests pay for tracing and logging only when info lines are wanted.
  const log = options.logger
  const requestLog = log?.info && (log.isLevelEnabled?.('info') ?? true) ? log : undefined
  const fastLine = (requestLog as { [ACCESS_LINE]?: AccessLineWriter } | undefined)?.[ACCESS_LINE]
  const writeLine: AccessLineWriter | undefined =
    fastLine ??
    (requestLog?.info
      ? loggedAccessLine(requestLog as { info: (fields: object, msg: string) => void })
      : undefined)
  const sinks: RecordSinks = {
    observer: options.observer,
    writeLine,
    redactArguments: options.logArguments ? secretRedactor(options.redact) : undefined,
  }
  return {
    begin(req, request, exchange): AnswerRecording | undefined {
      const tool = toolNameOf(request)
      // Spans only when the app registered a tracer provider; logs only with info on.
      const traced: RequestSpan | undefined = tracingEnabled()
        ? startRequestSpan({
            method: request.method,
            tool,
            requestId: request.id,
            protocolVersion: exchange.protocolVersion,
            sessionId: exchange.session?.id,
            headers: req.headers,
            incoming: exchange.trace,
            clientAddress: req.socket.remoteAddress,
          })
        : undefined
      if (traced) exchange.useTrace(traced.trace)
      if (!writeLine && !sinks.observer && !traced) return undefined
      const started = performance.now()
      if (writeLine || traced) {
        // Sent with the answer's other headers (one writeHead, no setHeader bookkeeping).
        const trace = exchange.trace
        // Object.assign: a spread followed by a property takes V8's slow path (~1.6 µs per request).
        exchange.extraHeaders = Object.assign({}, exchange.extraHeaders, {
          traceparent: `00-${trace.traceId}-${trace.spanId}-${trace.flags}`,
        })
      }
      return {
        run: traced ? (dispatch) => runInContext(traced.context, dispatch) : (dispatch) => dispatch(),
        end: ({ response, status, gone }) =>
          recordAnswer(
            {
              req,
              request,
              era: exchange.era,
              clientInfo:
                exchange.era === 'modern' ? exchange.meta?.[META_CLIENT_INFO] : exchange.session?.clientInfo,
              sessionId: exchange.session?.id,
              exchange,
              response,
              status,
              gone,
              tool,
              seconds: (performance.now() - started) / 1000,
              traced,
            },
            sinks,
          ),
      }
    },
  }
}
