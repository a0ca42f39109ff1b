/** Raw HTTP helpers for transport tests: send exactly the bytes a test wants, over real sockets. */
import { request } from 'undici'
import { MODERN_PROTOCOL_VERSION } from '../../src/protocol/versions.js'

export const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL_VERSION,
  'io.modelcontextprotocol/clientInfo': { name: 'raw-test', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
}

export const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
}

export interface RawAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json: {
    jsonrpc?: string
    id?: unknown
    result?: Record<string, unknown>
    error?: { code: number; message: string; data?: unknown }
  }
}

export async function send(
  url: string,
  options: {
    method?: 'GET' | 'POST' | 'DELETE' | 'PUT'
    headers?: Record<string, string>
    body?: string | object
    signal?: AbortSignal
  } = {},
): Promise<RawAnswer> {
  const body = typeof options.body === 'object' ? JSON.stringify(options.body) : options.body
  const res = await request(url, {
    method: options.method ?? 'POST',
    headers: options.headers ?? JSON_HEADERS,
    ...(body === undefined ? {} : { body }),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const text = await res.body.text()
  let json: RawAnswer['json'] = {}
  try {
    json = JSON.parse(text)
  } catch {
    // Not JSON (SSE or empty): tests read `text`.
  }
  return { status: res.statusCode, headers: res.headers, text, json }
}

/** A 2026-07-28 request with the headers the spec requires. */
export function modern(
  method: string,
  params: Record<string, unknown> = {},
  extraHeaders: Record<string, string> = {},
  clientCapabilities?: Record<string, unknown>,
) {
  const name = (params.name ?? params.uri) as string | undefined
  const meta = clientCapabilities
    ? { ...MODERN_META, 'io.modelcontextprotocol/clientCapabilities': clientCapabilities }
    : MODERN_META
  return {
    headers: {
      ...JSON_HEADERS,
      'mcp-protocol-version': MODERN_PROTOCOL_VERSION,
      'mcp-method': method,
      ...(name === undefined ? {} : { 'mcp-name': name }),
      ...extraHeaders,
    },
    body: { jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: meta } },
  }
}

/** Parses the `data:` lines of an SSE body into JSON messages (priming events carry none). */
export function sseMessages(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line.length > 'data: '.length)
    .map((line) => JSON.parse(line.slice(6)))
}
