/**
 * Sets the bearer token on every call; on HTTP 401 the token is invalidated, refreshed once
 * and the call repeated (a 401 means the server did not run it, so repeating is safe).
 */
import { type ErrorSite, McpAuthError, McpHttpError } from '../protocol/errors.js'
import type { Call, Send } from './call.js'
import type { TokenSource } from './tokens.js'

// `call.headers` is created afresh for each logical request, so setting the header in place is
// safe, and each attempt (retry, refresh) sets it again: no copies on the hot path.
function withToken(call: Call, token: string): Call {
  call.headers.authorization = `Bearer ${token}`
  return call
}

function isUnauthorized(error: unknown): error is McpHttpError {
  return error instanceof McpHttpError && error.status === 401
}

export function withAuth(send: Send, tokens: TokenSource, site: ErrorSite): Send {
  return async (call) => {
    const token = tokens.peek() ?? (await tokens.get(call.signal))
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
