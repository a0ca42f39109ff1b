/** The refresh token grant (RFC 6749 §6): new tokens without the user, for the same resource. */
import type { ErrorSite } from '../../../../protocol/errors.js'
import type { ClientKey } from '../client-assertion.js'
import type { OAuthHttp } from '../oauth-http.js'
import type { OAuthClientInformation, OAuthTokens } from '../oauth-state.js'
import { requestTokens, type TokenEndpoint } from '../token-endpoint.js'

export interface RefreshRequest {
  endpoint: TokenEndpoint
  client: OAuthClientInformation
  key?: ClientKey | undefined
  tokens: OAuthTokens & { refreshToken: string }
  resource: string
  site: ErrorSite
  signal?: AbortSignal | undefined
}

/** New tokens, keeping the refresh token when the server rotates none in. */
export function refreshGrant(http: OAuthHttp, request: RefreshRequest): Promise<OAuthTokens> {
  const { tokens } = request
  return requestTokens(http, {
    endpoint: request.endpoint,
    client: request.client,
    key: request.key,
    form: { grant_type: 'refresh_token', refresh_token: tokens.refreshToken, resource: request.resource },
    scope: tokens.scope,
    refreshToken: tokens.refreshToken,
    site: request.site,
    signal: request.signal,
  })
}
