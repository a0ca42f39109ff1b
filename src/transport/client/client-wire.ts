/**
 * What a client session needs from the wire under it: send one JSON-RPC message and read the
 * answer for its id, hear what the server sends on its own, and map failures to typed errors.
 * Two wires implement it: `HttpWire` (Streamable HTTP) and `StdioWire` (a child process's
 * stdin/stdout). The session keeps its era and framing logic; the wire knows only bytes.
 */
import type { ErrorSite } from '../../protocol/errors.js'
import type { JsonRpcMessage, JsonRpcResponse, RequestId } from '../../protocol/jsonrpc.js'
import type { WireSignal } from './call-signal.js'

export interface PostOutcome {
  /** HTTP status; stdio answers read as 200 (a response) or 202 (a notification sent). */
  status: number
  /** The JSON-RPC response, when the body carried one (also for 4xx answers of MCP servers). */
  response: JsonRpcResponse | undefined
  headers: Record<string, string | string[] | undefined>
  /** `retry` field of the SSE stream, in ms, when the server sent one. */
  retryMs?: number
  /** Id of the last SSE event received, for 2025-era resumption. */
  lastEventId?: string
  /** Set when an SSE answer ended or broke before the response: why (a typed error). */
  broken?: unknown
}

export interface PostRequest {
  body: JsonRpcMessage
  /** `body` serialized, when the caller already has it (the session frames it with a cached `_meta`). */
  json?: string | undefined
  /** HTTP headers of the request (a stdio wire ignores them). */
  headers: Record<string, string>
  signal?: WireSignal | undefined
  /** Called for each server notification (or request) that belongs to this request. */
  onMessage?: ((message: JsonRpcMessage) => void) | undefined
}

export interface ClientWire {
  /** Server name (and URL, when there is one) for typed errors. */
  readonly site: ErrorSite
  /**
   * A wire that is one long-lived channel (stdio): the server may send messages at any time,
   * so a 2025-era session listens from the handshake on, with or without a session id.
   */
  readonly persistent?: boolean
  /** Sends one message and reads the answer for `expectId` (none for notifications and responses). */
  post(request: PostRequest, expectId: RequestId | undefined): Promise<PostOutcome>
  /** 2025 era, HTTP only: resumes a broken SSE answer with `Last-Event-ID`. */
  resume?(
    request: Omit<PostRequest, 'body'>,
    resumption: { lastEventId: string; expectId: RequestId },
  ): Promise<PostOutcome>
  /**
   * Delivers what the server sends outside any request until the channel ends or `signal`
   * aborts; resolves with a status (200: it ended; 404/405: there is no such channel).
   */
  listen(
    headers: Record<string, string>,
    onMessage: (message: JsonRpcMessage) => void,
    signal: AbortSignal,
  ): Promise<number>
  /** Ends a 2025-era session (HTTP DELETE); best effort. */
  delete(headers: Record<string, string>): Promise<void>
  /** Maps a failure to a typed error (abort reasons pass through untouched). */
  translate(error: unknown, signal?: WireSignal): unknown
}
