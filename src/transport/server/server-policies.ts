/**
 * The seams through which the server layer (`src/server/`) adds its policies to the transport:
 * who may ask (authentication, rate limits, scopes), and what is recorded of each answer
 * (spans, request log lines, metrics). The transport calls them; it implements none of them.
 */
import type { IncomingMessage } from 'node:http'
import type { JsonRpcRequest, JsonRpcResponse } from '../../protocol/jsonrpc.js'
import type { HttpExchange } from './http-exchange.js'
import type { Identity } from './request-dispatcher.js'

/** Admission of one request. Each step throws an `HttpRejection` to refuse it. */
export interface RequestAdmission {
  /** Runs `next` once the request is authenticated; synchronously when authentication is. */
  afterAuth(req: IncomingMessage, next: () => Promise<void> | void): Promise<void> | undefined
  /** The `RateLimit-*` headers to answer with (or a 429 rejection); absent without rate limits. */
  limitRate?:
    | ((
        req: IncomingMessage,
        request: JsonRpcRequest,
      ) => Record<string, string> | Promise<Record<string, string>>)
    | undefined
  /** Refuses a call whose tool needs scopes the caller does not hold (403). */
  checkScopes(req: IncomingMessage, request: JsonRpcRequest): void
  /** The identity `afterAuth` established. */
  identityOf(req: IncomingMessage): Identity | undefined
}

/** Records answered requests. `begin` returns nothing when nothing is recorded (no cost). */
export interface AnswerRecorder {
  /**
   * Called before dispatch. May replace the exchange's trace ids (a span) and add response
   * headers (`traceparent`) through `exchange.extraHeaders`.
   */
  begin(req: IncomingMessage, request: JsonRpcRequest, exchange: HttpExchange): AnswerRecording | undefined
}

export interface AnswerRecording {
  /** Runs the dispatcher (inside the request's span context, when traced). */
  run<T>(dispatch: () => T): T
  /** The request was answered (or its client went away: `gone`). */
  end(answer: { response: JsonRpcResponse; status: number; gone: boolean }): void
}

/** The logger the transport writes to: pino's shape. */
export interface TransportLogger {
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
  debug(fields: object, message: string): void
  info?(fields: object, message: string): void
  isLevelEnabled?(level: string): boolean
}
