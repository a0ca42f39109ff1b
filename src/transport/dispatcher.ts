/** The seam between the HTTP transport and whatever answers JSON-RPC requests. */
import type { IncomingHttpHeaders } from 'node:http'
import type { JsonRpcNotification, JsonRpcRequest } from '../protocol/jsonrpc.js'
import type { ProtocolEra } from '../protocol/versions.js'
import type { ParamHeader } from './header-values.js'
import type { ListenFilterKey } from './listen-streams.js'
import type { LegacySession } from './sessions.js'

/** The authenticated caller (`ctx.identity`). */
export interface Identity {
  subject: string
  clientId?: string
  scopes: readonly string[]
}

/** What an authenticator decided about a request. */
export type AuthOutcome =
  | { identity: Identity }
  /** `challenge`: extra `WWW-Authenticate` parameters, e.g. RFC 9728 `resource_metadata="…"`. */
  | { refused: 'missing' | 'invalid'; challenge?: string }

/** What a rate limiter decided about a request, with the `RateLimit-*` headers to send. */
export type RateLimitDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; headers: Record<string, string>; retryAfterSeconds: number; message: string }

/** Everything the transport knows about one request, handed to the dispatcher. */
export interface Exchange {
  readonly era: ProtocolEra
  /** The request's protocol version (2026-07-28 `_meta`, or the session's negotiated one). */
  readonly protocolVersion: string
  /** The 2026-07-28 `_meta` envelope of the request, when modern. */
  readonly meta: Record<string, unknown> | undefined
  readonly session: LegacySession | undefined
  readonly headers: IncomingHttpHeaders
  /** Aborted when the client goes away, cancels, or the session ends (created on first read). */
  readonly signal: AbortSignal
  /** Whether the request was cancelled, without creating a signal. */
  readonly aborted: boolean
  /** Sends a request-related notification; switches the answer to an SSE stream. */
  notify(notification: JsonRpcNotification): void
  /** Sends the client a request (sampling, elicitation, roots) and resolves with its result. */
  request(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>>
  /** Ends the connection of a resumable answer early; the client reconnects for the rest. */
  closeStream(): boolean
  /** Cancels the request (e.g. a per-tool timeout): `signal` aborts with `reason`. */
  abort(reason: unknown): void
  /** W3C trace id of the request: from its `traceparent` header, else a new one. */
  readonly traceId: string
  /** Who is calling, when the server authenticates requests. */
  readonly identity: Identity | undefined
}

export interface Dispatcher {
  /** Answers a request with a result object, or throws an `RpcError`. */
  handleRequest(request: JsonRpcRequest, exchange: Exchange): Promise<Record<string, unknown>>
  /** The `x-mcp-header` parameters of a tool, for `Mcp-Param-*` validation. */
  paramHeaders(toolName: string): readonly ParamHeader[] | undefined
  /** Scopes a caller needs for a tool (checked when the server authenticates requests). */
  requiredScopes?(toolName: string): readonly string[] | undefined
  /** Whether the server has resources (so `subscriptions/listen` honours `resourceSubscriptions`). */
  hasResources?(): boolean
  /** The `subscriptions/listen` filters this server can deliver (2026-07-28). */
  readonly listenable?: readonly ListenFilterKey[]
}

/** How one answered request ended (for request logs, metrics and spans). */
export type RequestOutcomeKind = 'ok' | 'error' | 'tool_error' | 'cancelled'

/** One answered JSON-RPC request, as the handler reports it to its observer. */
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
