/**
 * Sets the bearer token on every call; on HTTP 401 the token is invalidated, refreshed once
 * and the call repeated (a 401 means the server did not run it, so repeating is safe).
 */
import { type ErrorSite, McpAuthError, McpHttpError } from '../protocol/errors.js'
import type { Call, Send } from './call.js'
import type { TokenSource } from './tokens.js'

function withToken(call: Call, token: string): Call {
  return { ...call, headers: { ...call.headers, authorization: `Bearer ${token}` } }
}

function isUnauthorized(error: unknown): error is McpHttpError {
  return error instanceof McpHttpError && error.status === 401
}

export function withAuth(send: Send, tokens: TokenSource, site: ErrorSite): Send {
  return async (call) => {
    const token = await tokens.get(call.signal)
    try {
      return await send(withToken(call, token))
    } catch (error) {
      if (!isUnauthorized(error)) throw error
      tokens.invalidate(token)
      const fresh = await tokens.get(call.signal)
      try {
        return await send(withToken(call, fresh))
      } catch (again) {
        if (!isUnauthorized(again)) throw again
        tokens.invalidate(fresh)
        throw new McpAuthError(
          'the server refused the token (HTTP 401) even after refreshing it: check the credentials, scopes and audience',
          site,
          { status: 401, cause: again },
        )
      }
    }
  }
}
