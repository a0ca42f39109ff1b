/**
 * The client credentials grant (RFC 6749 §4.4), the one implementation behind both
 * `clientCredentials()` and `oauth()`: a confidential client asks for a token for itself.
 */
import type { ErrorSite } from '../../../../protocol/errors.js'
import type { ClientKey } from '../client-assertion.js'
import type { OAuthHttp } from '../oauth-http.js'
import type { OAuthClientInformation, OAuthTokens } from '../oauth-state.js'
import { requestTokens, type TokenEndpoint } from '../token-endpoint.js'

export interface ClientCredentialsGrant {
  endpoint: TokenEndpoint
  client: OAuthClientInformation
  key?: ClientKey | undefined
  scope?: string | undefined
  /** RFC 8707 `resource`: the server the token is for. */
  resource?: string | undefined
  /** The `audience` parameter some authorization servers want instead of `resource`. */
  audience?: string | undefined
  site: ErrorSite
  signal?: AbortSignal | undefined
}

export function clientCredentialsGrant(http: OAuthHttp, grant: ClientCredentialsGrant): Promise<OAuthTokens> {
  const form: Record<string, string> = { grant_type: 'client_credentials' }
  if (grant.scope) form.scope = grant.scope
  if (grant.audience) form.audience = grant.audience
  if (grant.resource) form.resource = grant.resource
  return requestTokens(http, {
    endpoint: grant.endpoint,
    client: grant.client,
    key: grant.key,
    form,
    scope: grant.scope,
    site: grant.site,
    signal: grant.signal,
  })
}
