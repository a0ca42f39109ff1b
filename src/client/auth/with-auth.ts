/**
 * Sets the bearer token on every call. On HTTP 401 the token is invalidated, the provider is
 * asked again with the server's challenge, and the call repeated once; on HTTP 403
 * `insufficient_scope` the provider is asked for a token with the scopes the server names
 * (step-up), once per call. Both answers mean the server did not run the call, so repeating
 * it is safe.
 */
import { type ErrorSite, McpAuthError, McpHttpError } from '../../protocol/errors.js'
import type { Call, Send } from '../call.js'
import type { AuthChallenge, TokenSource } from './token-source.js'
import { parseBearerChallenge } from './www-authenticate.js'

// `call.headers` is created afresh for each logical request, so setting the header in place is
// safe, and each attempt (retry, refresh) sets it again: no copies on the hot path.
function withToken(call: Call, token: string | undefined): Call {
  if (token === undefined) delete call.headers.authorization
  else call.headers.authorization = `Bearer ${token}`
  return call
}

/** The challenge in a refusal that new credentials can answer; undefined for any other error. */
function challengeOf(error: unknown): AuthChallenge | undefined {
  if (!(error instanceof McpHttpError)) return undefined
  if (error.status === 401) return { status: 401, wwwAuthenticate: error.wwwAuthenticate }
  if (error.status === 403 && parseBearerChallenge(error.wwwAuthenticate).error === 'insufficient_scope')
    return { status: 403, wwwAuthenticate: error.wwwAuthenticate }
  return undefined
}

export function withAuth(send: Send, tokens: TokenSource, site: ErrorSite): Send {
  return async (call) => {
    let token = tokens.peek() ?? (await tokens.get(call.signal))
    let askedAfter401 = false
    let steppedUp = false
    for (;;) {
      try {
        return await send(withToken(call, token))
      } catch (error) {
        const challenge = challengeOf(error)
        if (!challenge) throw error
        if (challenge.status === 401 ? askedAfter401 : steppedUp) {
          throw new McpAuthError(
            challenge.status === 401
              ? 'the server refused the token (HTTP 401) even after refreshing it: check the credentials, scopes and audience'
              : `the server still answers 403 insufficient_scope after a token with the scopes it named was obtained: the client may not be granted them (${challenge.wwwAuthenticate ?? 'no WWW-Authenticate'})`,
            site,
            { status: challenge.status, cause: error },
          )
        }
        if (challenge.status === 401) askedAfter401 = true
        else steppedUp = true
        if (token !== undefined) tokens.invalidate(token)
        token = await tokens.get(call.signal, challenge)
      }
    }
  }
}
