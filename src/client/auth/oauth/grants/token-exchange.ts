/**
 * Enterprise-managed authorization (SEP-990): the user's ID token is exchanged at the
 * company's identity provider (RFC 8693) for an identity assertion (ID-JAG), which the MCP
 * server's authorization server takes as a JWT bearer grant (RFC 7523 §2.1).
 */
import type { ErrorSite } from '../../../../protocol/errors.js'
import { basicAuthorization, type OAuthHttp, refusal } from '../oauth-http.js'
import type { IdentityAssertionOptions } from '../oauth-options.js'

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

export interface IdentityAssertionRequest {
  /** The authorization server that will take the assertion (its issuer). */
  audience: string
  resource: string
  scope: string | undefined
  site: ErrorSite
  signal?: AbortSignal | undefined
}

/** RFC 8693 token exchange at the identity provider: the user's ID token for an ID-JAG. */
export async function exchangeIdToken(
  http: OAuthHttp,
  idp: IdentityAssertionOptions,
  request: IdentityAssertionRequest,
): Promise<string> {
  const idToken = typeof idp.idToken === 'function' ? await idp.idToken() : idp.idToken
  const form = new URLSearchParams({
    grant_type: TOKEN_EXCHANGE,
    subject_token: idToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
    requested_token_type: 'urn:ietf:params:oauth:token-type:id-jag',
    audience: request.audience,
    resource: request.resource,
    client_id: idp.clientId,
  })
  if (request.scope) form.set('scope', request.scope)
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  if (idp.clientSecret) headers.authorization = basicAuthorization(idp.clientId, idp.clientSecret)
  const reply = await http.post(
    idp.tokenEndpoint,
    { headers, body: form.toString() },
    { site: request.site, what: 'token exchange', signal: request.signal },
  )
  if (reply.status !== 200 || typeof reply.body.access_token !== 'string') {
    throw refusal(
      `the identity provider refused the token exchange (HTTP ${reply.status})`,
      reply,
      request.site,
    )
  }
  return reply.body.access_token
}

/** The JWT bearer grant's form for an identity assertion. */
export function jwtBearerForm(assertion: string, scope: string | undefined): Record<string, string> {
  return { grant_type: JWT_BEARER, assertion, ...(scope ? { scope } : {}) }
}
