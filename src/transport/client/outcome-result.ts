/**
 * What one POST's outcome means to the caller: the JSON-RPC result, or a typed error (an HTTP
 * status that carries no MCP answer, or the server's JSON-RPC error).
 */
import { type ErrorSite, McpHttpError, McpProtocolError } from '../../protocol/errors.js'
import type { PostOutcome } from './http-wire.js'

/** HTTP statuses reported as `McpHttpError` even when the body carries a JSON-RPC error. */
export const HTTP_LEVEL_STATUS = new Set([401, 403, 408, 429])

export function resultOf(outcome: PostOutcome, method: string, site: ErrorSite): Record<string, unknown> {
  const response = outcome.response
  if (HTTP_LEVEL_STATUS.has(outcome.status) || outcome.status >= 500) {
    throw httpError(outcome, method, site)
  }
  if (response && 'error' in response) {
    const { code, message, data } = response.error
    throw new McpProtocolError(`${method} failed: ${message} (JSON-RPC ${code})`, site, {
      rpcCode: code,
      data,
    })
  }
  if (outcome.status >= 300 || !response) throw httpError(outcome, method, site)
  return response.result
}

export function httpError(outcome: PostOutcome, method: string, site: ErrorSite): McpHttpError {
  const retryAfter = Number(outcome.headers['retry-after'])
  const challenge = outcome.headers['www-authenticate']
  return new McpHttpError(
    {
      status: outcome.status,
      method,
      ...(outcome.status === 404 ? { detail: 'not found (wrong URL, or the session expired)' } : {}),
      ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
      ...(challenge ? { wwwAuthenticate: Array.isArray(challenge) ? challenge.join(', ') : challenge } : {}),
    },
    site,
  )
}
