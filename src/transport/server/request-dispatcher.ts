/** The seam between the server transport and whatever answers JSON-RPC requests (a `ToolServer`). */
import type { IncomingHttpHeaders } from 'node:http'
import type { ParamHeader } from '../../protocol/header-values.js'
import type { JsonRpcNotification, JsonRpcRequest } from '../../protocol/jsonrpc.js'
import type { Implementation } from '../../protocol/types.js'
import type { ProtocolEra } from '../../protocol/versions.js'
import type { LegacySession } from './legacy-sessions.js'
import type { ListenFilterKey } from './listen-streams.js'

/** The authenticated caller (`ctx.identity`). */
export interface Identity {
  subject: string
  clientId?: string
  scopes: readonly string[]
}

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
  /** Why the request was aborted (`signal.reason`, without creating a signal). */
  readonly abortReason: unknown
  /**
   * Bounds the request's run time without a timer of its own: checked about once a second,
   * it is aborted with a `RunTimeExceeded` once `limit.seconds` have passed.
   */
  limitRunTime(limit: RunLimit): void
  /**
   * Says that `work` (a handler) goes on after the request ended: it is logged if it is still
   * running a while later (it ignores `signal`).
   */
  outlived(work: Promise<unknown>, what: string): void
  /** W3C trace id of the request: from its `traceparent` header, else a new one. */
  readonly traceId: string
  /** Who is calling, when the server authenticates requests. */
  readonly identity: Identity | undefined
}

/** Why the transport asks the dispatcher for a stand-in result. */
export type FallbackProblem =
  | { kind: 'unencodable'; error: Error }
  /** Aborted (`reason`) a while ago, and its handler still has not returned. */
  | { kind: 'abandoned'; reason: unknown }

/** A run-time bound and the option that set it (made once per tool, not per request). */
export interface RunLimit {
  readonly seconds: number
  readonly option: string
}

/** The abort reason of a request that ran longer than its bound (`limitRunTime`). */
export class RunTimeExceeded extends Error {
  override name = 'RunTimeExceeded'
  constructor(
    readonly seconds: number,
    /** The option that set the bound, named in messages. */
    readonly option: string,
  ) {
    super(`timed out after ${seconds} s (${option})`)
  }
}

export interface RequestDispatcher {
  /** Answers a request with a result object, or throws an `RpcError`. */
  handleRequest(request: JsonRpcRequest, exchange: Exchange): Promise<Record<string, unknown>>
  /** The `x-mcp-header` parameters of a tool, for `Mcp-Param-*` validation. */
  paramHeaders(toolName: string): readonly ParamHeader[] | undefined
  /** Whether the server has resources (so `subscriptions/listen` honours `resourceSubscriptions`). */
  hasResources?(): boolean
  /** The `subscriptions/listen` filters this server can deliver (2026-07-28). */
  readonly listenable?: readonly ListenFilterKey[]
  /**
   * Tasks extension: watches a task for `notifications/tasks` on a `subscriptions/listen` stream;
   * `send` gets its full state at each change, only when `identity` created it.
   */
  watchTask?(
    taskId: string,
    identity: Identity | undefined,
    send: (task: Record<string, unknown>) => void,
  ): () => void
  /** Who answers: stamped into the `_meta` of results the transport writes itself (2026-07-28). */
  readonly info?: Implementation
  /**
   * A stand-in result when the real one cannot be sent: JSON cannot encode it (a BigInt, a
   * cycle), or the request was aborted and its handler never returned. E.g. a tool error naming
   * the cause; `undefined` answers with an -32603 error naming it.
   */
  fallbackResult?(
    request: JsonRpcRequest,
    problem: FallbackProblem,
    exchange: Exchange,
  ): Record<string, unknown> | undefined
}
