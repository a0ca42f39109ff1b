/**
 * What one POST's outcome means to the caller: the JSON-RPC result, or a typed error (an HTTP
 * status that carries no MCP answer, the server's JSON-RPC error, or a result this client
 * cannot read).
 */
import { type ErrorSite, McpHttpError, McpProtocolError } from '../../protocol/errors.js'
import { printable } from '../../protocol/printable.js'
import type { ProtocolEra } from '../../protocol/versions.js'
import type { PostOutcome } from './client-wire.js'

/** HTTP statuses reported as `McpHttpError` even when the body carries a JSON-RPC error. */
export const HTTP_LEVEL_STATUS = new Set([401, 403, 408, 429, 502, 503, 504])

/** 2026-07-28 methods whose results may ask for input (multi round-trip requests). */
const INPUT_REQUIRED_METHODS = new Set(['tools/call', 'prompts/get', 'resources/read'])

export interface ResultContext {
  method: string
  site: ErrorSite
  era: ProtocolEra | undefined
}

export function resultOf(outcome: PostOutcome, context: ResultContext): Record<string, unknown> {
  const { method, site } = context
  const response = outcome.response
  // A JSON-RPC error for this very request (its id) is the MCP server's answer, even on a 500:
  // the server is up and said why the request failed. Gateways' statuses stay HTTP errors.
  const answeredError = response && 'error' in response && response.id !== null
  if (HTTP_LEVEL_STATUS.has(outcome.status) || (outcome.status >= 500 && !answeredError)) {
    throw httpError(outcome, method, site)
  }
  if (response && 'error' in response) {
    const { code, message, data } = response.error
    throw new McpProtocolError(
      `${method} failed: ${printable(String(message), { maxChars: 500, oneLine: true })} (JSON-RPC ${code}${outcome.status >= 500 ? `, HTTP ${outcome.status}` : ''})`,
      site,
      { rpcCode: code, data },
    )
  }
  if (outcome.status >= 300 || !response) throw httpError(outcome, method, site)
  if (context.era === 'modern') checkResultType(response.result, context)
  return response.result
}

/**
 * 2026-07-28: `resultType` is `complete`, or `input_required` where the method allows it;
 * anything else is a result this client must not read as complete. (An absent `resultType` is
 * read as `complete`, as from earlier revisions.)
 */
function checkResultType(result: Record<string, unknown>, { method, site }: ResultContext): void {
  const type = result.resultType
  if (type === undefined || type === 'complete') return
  if (type === 'input_required' && INPUT_REQUIRED_METHODS.has(method)) return
  // Tasks extension: only `tools/call` may become a task; the client refuses it unless it declared tasks.
  if (type === 'task' && method === 'tools/call') return
  throw new McpProtocolError(
    `${method} answered with resultType ${printable(JSON.stringify(type) ?? '', { maxChars: 80, oneLine: true })}, which is not a valid result of ${method}`,
    site,
  )
}

export function httpError(outcome: PostOutcome, method: string, site: ErrorSite): McpHttpError {
  const retryAfter = retryAfterSeconds(outcome.headers['retry-after'])
  const challenge = outcome.headers['www-authenticate']
  // The server's own words ("the token is not valid") say more than the status alone.
  const said =
    outcome.response && 'error' in outcome.response
      ? printable(String(outcome.response.error.message), { maxChars: 300, oneLine: true })
      : undefined
  const detail = outcome.status === 404 ? 'not found (wrong URL, or the session expired)' : said
  return new McpHttpError(
    {
      status: outcome.status,
      method,
      ...(detail ? { detail } : {}),
      ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
      ...(challenge ? { wwwAuthenticate: Array.isArray(challenge) ? challenge.join(', ') : challenge } : {}),
    },
    site,
  )
}

/** `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; `undefined` when absent or unreadable. */
export function retryAfterSeconds(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header
  if (value === undefined || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000)
}
