/**
 * toolwire's own MCP 2026-07-28 compliance suite: one test per wire-testable normative statement
 * (MUST / MUST NOT / SHOULD / SHOULD NOT / REQUIRED) of the specification pages in
 * modelcontextprotocol/modelcontextprotocol `docs/specification/2026-07-28/` and
 * `schema/2026-07-28/schema.ts` (mirror read at b0f60ba, 2026-08-22) that binds a Streamable HTTP
 * server or client. Each test name starts with the page it comes from.
 *
 * - Server statements: raw HTTP (undici, or node:net for bytes undici refuses to send) against a
 *   real `serve()` on port 0. Client statements: toolwire's `MCPServerStreamableHttp` against a
 *   hand-written node:http peer (`peer.ts`) that speaks 2026-07-28 and misbehaves on purpose.
 * - Tests toolwire fails today are listed in `known-failures.ts` and registered with `it.fails`
 *   by `spec()`: a fix turns them red until they are removed from the list (a baseline).
 * - Out of scope: stdio, the authorization server / OAuth client flows (judged by the official
 *   conformance suite, `npm run conformance`), statements about UI, users, model behaviour,
 *   storage or intermediaries, and security advice that no wire exchange can observe.
 * - Coverage: 454 normative sentences/bullets on the 22 in-scope pages (basic, versioning,
 *   transports, patterns/*, authorization index + server discovery, server/*, server/utilities/*,
 *   client/*; schema.ts restates them); about 183 of them bind a Streamable HTTP server or
 *   client observably and have a case here (200 cases: a few statements are split per method
 *   or capability, and a few cases pin lowercase "must"/descriptive rules or robustness).
 * - Files: transports / transport-headers / basic / patterns / server-features / utilities /
 *   client-features / authorization (server side); client / client-basic / client-patterns /
 *   client-utilities (client side); fixture.ts and peer.ts are the two test servers.
 *
 * AMBIGUITIES (the spec is unclear; the reading these tests apply):
 *  1. basic/patterns/cancellation says a server MUST send `notifications/cancelled` when it tears
 *     down a listen stream, while basic/patterns/subscriptions (and schema.ts) say the server
 *     SHOULD answer the listen request with a result, and that `notifications/cancelled` is
 *     sent on stdio. Reading: on Streamable HTTP the closing result is the signal; we test the
 *     result and that `notifications/cancelled` is never sent for anything else.
 *  2. A client declaring `elicitation: { url: {} }` only, calling a tool that needs a form: the
 *     spec forbids the form request (client/elicitation) and basic/index says a request needing
 *     an undeclared capability gets 400 -32021. Reading: 400 -32021 with
 *     `data.requiredCapabilities.elicitation.form`, never an input request.
 *  3. "Missing capability" vs tool error: basic/index makes -32021 a MUST whenever processing
 *     needs an undeclared capability, even if the need arises deep inside a tool handler.
 *     Reading: it applies to `ctx.elicit/sample/roots`, not only to up-front checks.
 *  4. `ttlMs` absent / 0 / negative (server/utilities/caching): SHOULD be treated as immediately
 *     stale. Reading for a client cache (`cacheToolsList`): the next `listTools()` refetches; a
 *     list-changed stream is no licence to keep such a list.
 *  5. Mcp-Param-* with raw non-ASCII bytes: RFC 9110 tolerates obs-text, but the MCP value
 *     encoding rules require base64 for non-ASCII, and servers MUST reject a recognized
 *     Mcp-Param header with invalid characters. Reading: reject with 400 -32020 even when the
 *     latin-1 reading of the bytes happens to equal the body value.
 *  6. requestState expiry and binding are SHOULDs (basic/patterns/mrtr): "identifier for the
 *     originating request, e.g. the method name and a digest of its salient parameters".
 *     Reading: replaying to another tool, or with other arguments, is refused (-32602), and a
 *     state presented a day later is refused.
 *  7. Unknown `resultType` MUST be "considered invalid" (basic/index). Reading: the client
 *     rejects the call with an error for every method (discover and lists included), it does
 *     not silently treat it as complete.
 *  8. A JSON-RPC request arriving on a 2026-07-28 response stream is itself a server violation;
 *     the spec does not say how a client reacts. Reading: it must not answer it by POSTing a
 *     JSON-RPC response (clients MUST NOT send responses); ignoring it or failing the call are
 *     both acceptable.
 *  9. Completion on an unknown prompt name: SHOULD be -32602 (server/utilities/completion), but
 *     the same page lists -32601 "Capability not supported". Reading: -32602 when completions
 *     are supported and the ref names nothing.
 * 10. Error code for rate limiting / load shedding: not defined by the spec; -32020..-32099 are
 *     reserved, so any code there that the schema does not define is forbidden. Reading: use
 *     an application code outside the JSON-RPC reserved range (or none), never -32029.
 * 11. The 401/403 JSON-RPC error body is a MAY, but if one is sent its code falls under "new
 *     implementations SHOULD NOT use -32000..-32019". Reading: the SHOULD NOT applies.
 * 12. Sampling with `tools` towards a client without `sampling.tools`: the server MUST NOT send
 *     it (client/sampling) and the client MUST return an error (schema.ts). Over MRTR the client
 *     has no error channel; reading: the client fails the call without running its handler.
 * 13. The page cap when following `nextCursor` is not in the spec (robustness): we require a
 *     client to give up before 1000 pages of a server that never ends.
 * 14. "Integer values MUST be within the safe range" (x-mcp-header) does not say who enforces it
 *     (client refusing the call, omitting the header, or the server rejecting). Not tested.
 * 15. "MUST handle unsupported dialects gracefully by returning an appropriate error" (basic,
 *     JSON Schema) does not say what a client does with a listed tool in an unknown dialect, nor
 *     which error a server returns. Not tested.
 * 16. Notifications and requests on HTTP: transports says no client notifications are defined
 *     and that header rules for notification POSTs are undefined. Reading: a notification POST
 *     with modern `_meta` gets 202; one naming an unsupported version gets a 4xx.
 */
import { request } from 'undici'
import { it } from 'vitest'
import { KNOWN_FAILURES } from './known-failures.js'

/**
 * Registers a compliance case: `it`, or `it.fails` for a listed known failure.
 * `COMPLIANCE_STRICT=1 npx vitest run test/compliance` runs known failures as plain cases, to read
 * their assertion errors.
 */
export function spec(name: string, body: () => Promise<void>): void {
  const known = KNOWN_FAILURES.includes(name) && !process.env.COMPLIANCE_STRICT
  if (known) it.fails(name, body)
  else it(name, body)
}

// Constants copied from the spec (never imported from src/).
export const V = '2026-07-28'
export const PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion'
export const CLIENT_INFO = 'io.modelcontextprotocol/clientInfo'
export const CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities'
export const SERVER_INFO = 'io.modelcontextprotocol/serverInfo'
export const LOG_LEVEL = 'io.modelcontextprotocol/logLevel'
export const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId'
export const HEADER_MISMATCH = -32020
export const MISSING_CAPABILITY = -32021
export const UNSUPPORTED_VERSION = -32022
/** Codes the 2026-07-28 schema defines in the reserved -32020..-32099 sub-range. */
export const DEFINED_MCP_CODES = [HEADER_MISMATCH, MISSING_CAPABILITY, UNSUPPORTED_VERSION]

export type Json = Record<string, unknown>

export interface Framed {
  headers: Record<string, string>
  body: Json
}

export interface FrameOptions {
  id?: string | number
  /** `_meta.clientCapabilities` (default `{}`). */
  caps?: Json
  /** Extra `_meta` entries (progressToken, logLevel, …). */
  meta?: Json
  /** Header overrides; `undefined` removes a header. */
  headers?: Record<string, string | undefined>
}

/** A 2026-07-28 request with the `_meta` envelope and the standard headers the spec requires. */
export function frame(method: string, params: Json = {}, options: FrameOptions = {}): Framed {
  const name = method === 'resources/read' ? params.uri : params.name
  const mirrorsName = ['tools/call', 'prompts/get', 'resources/read'].includes(method)
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': V,
    'mcp-method': method,
    ...(mirrorsName && typeof name === 'string' ? { 'mcp-name': name } : {}),
  }
  for (const [key, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) delete headers[key]
    else headers[key] = value
  }
  const meta = {
    [PROTOCOL_VERSION]: V,
    [CLIENT_INFO]: { name: 'compliance', version: '1.0.0' },
    [CLIENT_CAPABILITIES]: options.caps ?? {},
    ...options.meta,
  }
  return {
    headers,
    body: { jsonrpc: '2.0', id: options.id ?? 1, method, params: { ...params, _meta: meta } },
  }
}

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  /** The JSON body, or the last JSON-RPC response of an SSE body. */
  json: Json & { id?: unknown; result?: Json; error?: { code: number; message: string; data?: unknown } }
  /** Every JSON-RPC message of an SSE body (empty for JSON). */
  events: Json[]
}

/** POSTs (or other methods) and reads the whole answer, JSON or SSE. */
export async function post(
  url: string,
  framed: { headers: Record<string, string>; body?: Json | string },
  method: 'POST' | 'GET' | 'DELETE' = 'POST',
): Promise<Answer> {
  const body = typeof framed.body === 'object' ? JSON.stringify(framed.body) : framed.body
  const res = await request(url, { method, headers: framed.headers, ...(body === undefined ? {} : { body }) })
  const text = await res.body.text()
  const events = String(res.headers['content-type']).startsWith('text/event-stream') ? sseMessages(text) : []
  let json: Answer['json'] = {}
  if (events.length > 0) json = events.filter((m) => 'result' in m || 'error' in m).at(-1) ?? {}
  else {
    try {
      json = JSON.parse(text)
    } catch {
      // Empty or not JSON: tests read `text`.
    }
  }
  return { status: res.statusCode, headers: res.headers, text, json, events }
}

/** Sends a framed request. */
export function call(url: string, method: string, params: Json = {}, options: FrameOptions = {}) {
  return post(url, frame(method, params, options))
}

/** The JSON-RPC messages (`data:` lines) of an SSE text. */
export function sseMessages(text: string): Json[] {
  const messages: Json[] = []
  for (const block of text.split(/\r?\n\r?\n/)) {
    const data = block
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n')
    if (data) messages.push(JSON.parse(data))
  }
  return messages
}

/** A long-lived SSE answer read message by message (subscriptions/listen). */
export interface SseStream extends AsyncDisposable {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** The next JSON-RPC message; `undefined` once the stream ended. */
  next(): Promise<Json | undefined>
  close(): void
}

export async function openStream(url: string, framed: Framed): Promise<SseStream> {
  const res = await request(url, {
    method: 'POST',
    headers: framed.headers,
    body: JSON.stringify(framed.body),
  })
  const chunks = res.body[Symbol.asyncIterator]()
  const queued: Json[] = []
  let buffer = ''
  let ended = false
  const close = () => res.body.destroy()
  return {
    status: res.statusCode,
    headers: res.headers,
    async next() {
      while (queued.length === 0 && !ended) {
        const chunk = await chunks.next().catch(() => ({ done: true, value: undefined }))
        if (chunk.done) {
          ended = true
          break
        }
        buffer += String(chunk.value)
        const cut = buffer.lastIndexOf('\n\n')
        if (cut === -1) continue
        queued.push(...sseMessages(buffer.slice(0, cut)))
        buffer = buffer.slice(cut + 2)
      }
      return queued.shift()
    },
    close,
    async [Symbol.asyncDispose]() {
      close()
    },
  }
}

/** The `_meta` of a result or notification params. */
export function metaOf(value: unknown): Json {
  const meta = (value as { _meta?: unknown } | undefined)?._meta
  return typeof meta === 'object' && meta !== null ? (meta as Json) : {}
}
