/** JSON-RPC 2.0 message shapes and error codes, independent of any transport. */

export type RequestId = string | number

export interface JsonRpcRequest {
  jsonrpc: '2.0'
  id: RequestId
  method: string
  params?: Record<string, unknown>
}

export interface JsonRpcNotification {
  jsonrpc: '2.0'
  method: string
  params?: Record<string, unknown>
}

export interface JsonRpcErrorObject {
  code: number
  message: string
  data?: unknown
}

export interface JsonRpcSuccess {
  jsonrpc: '2.0'
  id: RequestId
  result: Record<string, unknown>
}

export interface JsonRpcFailure {
  jsonrpc: '2.0'
  id: RequestId | null
  error: JsonRpcErrorObject
}

export type JsonRpcResponse = JsonRpcSuccess | JsonRpcFailure
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse

/** Standard JSON-RPC codes and the MCP protocol range. */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Generic server/transport error used by 2025-era peers (bad session, not initialized). */
  ServerError: -32000,
  /** 2025-era servers: the `Mcp-Session-Id` names no session (HTTP 404). */
  SessionNotFound: -32001,
  ResourceNotFound: -32002,
  HeaderMismatch: -32020,
  MissingRequiredClientCapability: -32021,
  UnsupportedProtocolVersion: -32022,
  /**
   * toolwire's "try again later" (rate limits, load shedding, caps, shutdown), always with HTTP
   * 429 or 503 and `Retry-After`; `data` says `{ reason, limit?, retryAfterSeconds }`. Outside the
   * JSON-RPC reserved range, as the 2026-07-28 specification asks of codes it does not define
   * (-32000…-32019 are legacy, -32020…-32099 reserved to the specification).
   */
  RequestRejected: -31000,
} as const

/** A JSON-RPC error raised by a handler or by request validation; becomes an error response. */
export class RpcError extends Error {
  override readonly name = 'RpcError'
  readonly code: number
  readonly data: unknown

  constructor(code: number, message: string, data?: unknown) {
    super(message)
    this.code = code
    this.data = data
  }

  toJSON(): JsonRpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data }
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
}

export type ClassifiedMessage =
  | { kind: 'request'; message: JsonRpcRequest }
  | { kind: 'notification'; message: JsonRpcNotification }
  | { kind: 'response'; message: JsonRpcResponse }
  | { kind: 'invalid'; id: RequestId | null; reason: string }

/**
 * Decides what a parsed JSON value is. Never throws: anything that is not a valid
 * JSON-RPC 2.0 message comes back as `invalid` with a reason that names the field.
 */
export function classifyMessage(value: unknown): ClassifiedMessage {
  if (!isObject(value)) return { kind: 'invalid', id: null, reason: 'the body must be a JSON-RPC object' }
  const id = isRequestId(value.id) ? value.id : null
  if (value.jsonrpc !== '2.0') return { kind: 'invalid', id, reason: 'field "jsonrpc" must be "2.0"' }
  if ('method' in value) {
    if (typeof value.method !== 'string' || value.method.length === 0) {
      return { kind: 'invalid', id, reason: 'field "method" must be a non-empty string' }
    }
    if (value.params !== undefined && !isObject(value.params)) {
      return { kind: 'invalid', id, reason: 'field "params" must be an object' }
    }
    if (!('id' in value)) return { kind: 'notification', message: value as unknown as JsonRpcNotification }
    if (id === null) return { kind: 'invalid', id: null, reason: 'field "id" must be a string or a number' }
    return { kind: 'request', message: value as unknown as JsonRpcRequest }
  }
  if ('result' in value || 'error' in value) {
    if ('result' in value && !isObject(value.result)) {
      return { kind: 'invalid', id, reason: 'field "result" must be an object' }
    }
    if ('error' in value && !isObject(value.error)) {
      return { kind: 'invalid', id, reason: 'field "error" must be an object' }
    }
    return { kind: 'response', message: value as unknown as JsonRpcResponse }
  }
  return { kind: 'invalid', id, reason: 'a JSON-RPC message needs "method", "result" or "error"' }
}

export function errorResponse(id: RequestId | null, error: JsonRpcErrorObject): JsonRpcFailure {
  return { jsonrpc: '2.0', id, error }
}

export function successResponse(id: RequestId, result: Record<string, unknown>): JsonRpcSuccess {
  return { jsonrpc: '2.0', id, result }
}
