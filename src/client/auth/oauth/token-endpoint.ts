/**
 * One token request (RFC 6749 §3.2) for every grant: the client authenticates as it is
 * registered (Basic, form fields, a signed JWT, or not at all), and the answer becomes
 * `OAuthTokens` or an `McpAuthError` carrying the server's OAuth error.
 */
import type { ErrorSite } from '../../../protocol/errors.js'
import { type ClientKey, signClientAssertion } from './client-assertion.js'
import { basicAuthorization, type OAuthHttp, refusal } from './oauth-http.js'
import type { OAuthClientInformation, OAuthTokens } from './oauth-state.js'

export interface TokenEndpoint {
  url: string
  /** The authorization server's issuer (the audience of client assertions), when known. */
  issuer: string | undefined
  /** `token_endpoint_auth_signing_alg_values_supported`. */
  signingAlgorithms?: readonly string[] | undefined
}

export interface TokenRequest {
  endpoint: TokenEndpoint
  client: OAuthClientInformation
  /** For `private_key_jwt` clients. */
  key?: ClientKey | undefined
  /** The grant's form fields (`grant_type` and what it needs). */
  form: Record<string, string>
  /** The scope asked for: the tokens' scope when the answer names none. */
  scope?: string | undefined
  /** A refresh token to keep when the answer brings no new one. */
  refreshToken?: string | undefined
  site: ErrorSite
  signal?: AbortSignal | undefined
}

export async function requestTokens(http: OAuthHttp, request: TokenRequest): Promise<OAuthTokens> {
  const { endpoint, client } = request
  const form = new URLSearchParams(request.form)
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  switch (client.tokenEndpointAuthMethod) {
    case 'client_secret_basic':
      headers.authorization = basicAuthorization(client.clientId, client.clientSecret ?? '')
      break
    case 'client_secret_post':
      form.set('client_id', client.clientId)
      form.set('client_secret', client.clientSecret ?? '')
      break
    case 'private_key_jwt':
      form.set('client_id', client.clientId)
      form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      form.set(
        'client_assertion',
        await signClientAssertion(request.key ?? { privateKey: '' }, {
          clientId: client.clientId,
          audience: endpoint.issuer ?? endpoint.url,
          advertisedAlgorithms: endpoint.signingAlgorithms,
        }),
      )
      break
    default:
      form.set('client_id', client.clientId)
  }
  const reply = await http.post(
    endpoint.url,
    { headers, body: form.toString() },
    { site: request.site, what: 'token request', signal: request.signal },
  )
  const { status, body } = reply
  if (status !== 200 || typeof body.access_token !== 'string') {
    throw refusal(
      `the token endpoint refused the ${request.form.grant_type} grant (HTTP ${status})`,
      reply,
      request.site,
    )
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : undefined
  const refreshToken = typeof body.refresh_token === 'string' ? body.refresh_token : request.refreshToken
  const scope = typeof body.scope === 'string' ? body.scope : request.scope
  return {
    accessToken: body.access_token,
    ...(refreshToken ? { refreshToken } : {}),
    ...(expiresIn === undefined ? {} : { expiresAt: Date.now() + expiresIn * 1000 }),
    ...(scope ? { scope } : {}),
    ...(request.form.resource ? { resource: request.form.resource } : {}),
  }
}
