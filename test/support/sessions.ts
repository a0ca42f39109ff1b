/** 2025-era session helpers for raw HTTP tests: initialize, then send within the session. */
import { JSON_HEADERS, send } from './raw.js'

export interface OpenedSession {
  sessionId: string
  /** Headers of requests within the session (plus whatever `open` was given, e.g. credentials). */
  headers: Record<string, string>
}

/** Initializes a 2025-era session (2025-11-25 unless told otherwise) and returns its headers. */
export async function openSession(
  url: string,
  options: { headers?: Record<string, string>; protocolVersion?: string; capabilities?: object } = {},
): Promise<OpenedSession> {
  const protocolVersion = options.protocolVersion ?? '2025-11-25'
  const res = await send(url, {
    headers: { ...JSON_HEADERS, ...options.headers },
    body: {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion,
        capabilities: options.capabilities ?? {},
        clientInfo: { name: 'adversary', version: '1' },
      },
    },
  })
  const sessionId = res.headers['mcp-session-id']
  if (typeof sessionId !== 'string') throw new Error(`initialize failed: ${res.status} ${res.text}`)
  return {
    sessionId,
    headers: {
      ...JSON_HEADERS,
      ...options.headers,
      'mcp-protocol-version': protocolVersion,
      'mcp-session-id': sessionId,
    },
  }
}

/** A JSON-RPC request body. */
export function rpc(id: string | number, method: string, params?: Record<string, unknown>) {
  return { jsonrpc: '2.0', id, method, ...(params ? { params } : {}) }
}

/** A tools/call request body. */
export function toolCall(
  id: string | number,
  name: string,
  args: Record<string, unknown> = {},
  meta?: object,
) {
  return rpc(id, 'tools/call', { name, arguments: args, ...(meta ? { _meta: meta } : {}) })
}
