/** `clientCredentials()`: OAuth 2.0 client-credentials tokens from a token endpoint you name. */
import type { Dispatcher } from 'undici'
import { ToolwireConfigError } from '../../protocol/errors.js'
import { SharedFetch } from '../shared-fetch.js'
import { checkConfiguredEndpoint } from './oauth/endpoint-policy.js'
import { clientCredentialsGrant } from './oauth/grants/client-credentials.js'
import { OAuthHttp } from './oauth/oauth-http.js'
import type { OAuthClientInformation } from './oauth/oauth-state.js'
import type { AccessToken, TokenProvider } from './token-source.js'

export interface ClientCredentialsOptions {
  /** The authorization server's token endpoint. */
  tokenUrl: string
  clientId: string
  clientSecret: string
  /** Space-separated scopes to request. */
  scope?: string
  /** The resource/audience to request the token for (RFC 8707 `resource`, and `audience`). */
  audience?: string
  /** How the client authenticates: HTTP Basic (RFC 6749 §2.3.1) or form fields. @default 'basic' */
  authMethod?: 'basic' | 'post'
  /** Refresh this many seconds before expiry. @default 30 */
  skewSeconds?: number
  /** Seconds the token request may take. @default 10 */
  timeoutSeconds?: number
  /** Allow a plain `http://` `tokenUrl` on a non-loopback host (development networks only). @default false */
  allowInsecureHttp?: boolean
  dispatcher?: Dispatcher
}

/**
 * OAuth 2.0 client-credentials tokens: fetched once, cached until `expires_in` minus a skew,
 * refreshed single-flight however many callers wait.
 *
 * @example
 * ```ts
 * const crm = new MCPServerStreamableHttp({
 *   params: { url },
 *   auth: clientCredentials({ tokenUrl, clientId: 'agent', clientSecret: process.env.SECRET!, scope: 'crm.read' }),
 * })
 * ```
 */
export function clientCredentials(options: ClientCredentialsOptions): TokenProvider {
  let url: URL
  try {
    url = new URL(options.tokenUrl)
  } catch {
    throw new ToolwireConfigError(
      `clientCredentials: option "tokenUrl" is not a valid URL: ${options.tokenUrl}`,
    )
  }
  checkConfiguredEndpoint(url.href, {
    option: 'clientCredentials: option "tokenUrl"',
    policy: { allowInsecureHttp: options.allowInsecureHttp },
  })
  if (!options.clientId) throw new ToolwireConfigError('clientCredentials: option "clientId" is required')
  if (!options.clientSecret)
    throw new ToolwireConfigError('clientCredentials: option "clientSecret" is required')
  const site = { url: `${url.origin}${url.pathname}` }
  const skewMs = (options.skewSeconds ?? 30) * 1000
  const http = new OAuthHttp({
    timeoutMs: (options.timeoutSeconds ?? 10) * 1000,
    dispatcher: options.dispatcher,
  })
  const client: OAuthClientInformation = {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    tokenEndpointAuthMethod:
      (options.authMethod ?? 'basic') === 'basic' ? 'client_secret_basic' : 'client_secret_post',
  }
  let cached: AccessToken | undefined
  let pending: SharedFetch<AccessToken> | undefined

  const fetchToken = async (signal: AbortSignal): Promise<AccessToken> => {
    const tokens = await clientCredentialsGrant(http, {
      endpoint: { url: url.href, issuer: undefined },
      client,
      scope: options.scope,
      audience: options.audience,
      resource: options.audience,
      site,
      signal,
    })
    return {
      token: tokens.accessToken,
      ...(tokens.expiresAt === undefined ? {} : { expiresAt: tokens.expiresAt }),
    }
  }

  return {
    async getToken({ signal }) {
      if (cached && (cached.expiresAt === undefined || cached.expiresAt - skewMs > Date.now())) return cached
      // One request for every caller; each may give up without failing the others.
      pending ??= new SharedFetch(async (shared) => {
        try {
          cached = await fetchToken(shared)
          return cached
        } finally {
          pending = undefined
        }
      })
      return pending.wait(signal)
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined
    },
  }
}
