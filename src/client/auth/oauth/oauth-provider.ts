/**
 * OAuth 2.1 for MCP servers that ask for it (MCP authorization, revisions 2025-03-26 to
 * 2025-11-25). On the server's 401 the provider reads the challenge, discovers where tokens come
 * from (`discovery.ts`), identifies the client (`registration.ts`), gets a token for the server
 * (RFC 8707 `resource`) with the grant that fits (`grants/`), refreshes it, and answers a 403
 * `insufficient_scope` with a token for the scopes named.
 */
import { type ErrorSite, McpAuthError } from '../../../protocol/errors.js'
import type { AccessToken, AuthChallenge, GetTokenOptions, TokenProvider } from '../token-source.js'
import { type BearerChallenge, parseBearerChallenge } from '../www-authenticate.js'
import type { AuthorizationServer } from './authorization-server-metadata.js'
import type { ClientKey } from './client-assertion.js'
import { type Discovery, discover } from './discovery.js'
import { authorizationCodeForm } from './grants/authorization-code.js'
import { clientCredentialsGrant } from './grants/client-credentials.js'
import { refreshGrant } from './grants/refresh.js'
import { exchangeIdToken, jwtBearerForm } from './grants/token-exchange.js'
import { OAuthHttp } from './oauth-http.js'
import { type GrantType, type OAuthOptions, validateOAuthOptions } from './oauth-options.js'
import {
  accessTokenOf,
  type OAuthClientInformation,
  type OAuthState,
  type OAuthTokens,
  usable,
} from './oauth-state.js'
import { identifyClient } from './registration.js'
import { coversResource } from './resource-metadata.js'
import { requestTokens, type TokenEndpoint } from './token-endpoint.js'

interface Attempt {
  scope: string | undefined
  site: ErrorSite
  signal?: AbortSignal | undefined
}

/**
 * An OAuth token provider for `auth`.
 *
 * @example
 * ```ts
 * const crm = new MCPServerStreamableHttp({
 *   params: { url: 'https://crm.example.com/mcp' },
 *   auth: oauth({ clientId: 'agent', clientSecret: process.env.CRM_SECRET, grantType: 'client_credentials' }),
 * })
 * ```
 */
export function oauth(options: OAuthOptions = {}): TokenProvider {
  return new OAuthProvider(options)
}

class OAuthProvider implements TokenProvider {
  readonly #o: OAuthOptions
  readonly #http: OAuthHttp
  readonly #key: ClientKey | undefined
  #state: OAuthState = {}
  #loaded: Promise<void> | undefined
  #discovery: Discovery | undefined

  constructor(options: OAuthOptions) {
    validateOAuthOptions(options)
    this.#o = options
    this.#http = new OAuthHttp({
      timeoutMs: (options.timeoutSeconds ?? 10) * 1000,
      dispatcher: options.dispatcher,
    })
    this.#key = options.privateKey
      ? { privateKey: options.privateKey, signingAlgorithm: options.signingAlgorithm }
      : undefined
  }

  async getToken({ signal, challenge, resourceUrl }: GetTokenOptions): Promise<AccessToken | undefined> {
    this.#loaded ??= Promise.resolve(this.#o.store?.load()).then((state) => {
      if (state) this.#state = { ...state }
    })
    await this.#loaded
    const site: ErrorSite = { url: resourceUrl }
    // Tokens a shared store holds for another server are not this server's to use.
    const stored = this.#state.tokens
    const tokens =
      stored?.resource === undefined || coversResource(stored.resource, new URL(resourceUrl))
        ? stored
        : undefined
    if (!challenge) {
      if (tokens && usable(tokens)) return accessTokenOf(tokens)
      if (this.#discovery) {
        const refreshed = tokens?.refreshToken ? await this.#refresh(tokens, site, signal) : undefined
        if (refreshed) return refreshed
        // Grants without a user in the loop: a new token at once, the server being known.
        if (this.#grantType(this.#discovery.server) !== 'authorization_code')
          return this.#obtain(this.#discovery, { scope: tokens?.scope, site, signal })
      }
      return undefined // learn where to get one from the server's 401
    }
    const bearer = parseBearerChallenge(challenge.wwwAuthenticate)
    this.#discovery = await discover(this.#http, resourceUrl, { bearer, signal })
    if (challenge.status === 401 && tokens?.refreshToken) {
      const refreshed = await this.#refresh(tokens, site, signal)
      if (refreshed) return refreshed
    }
    return this.#obtain(this.#discovery, {
      scope: this.#scopeFor(this.#discovery, bearer, challenge),
      site,
      signal,
    })
  }

  invalidate(token: string): void {
    const tokens = this.#state.tokens
    if (tokens?.accessToken === token) {
      const { accessToken: _refused, expiresAt: _e, ...rest } = tokens
      this.#state.tokens = { ...rest, accessToken: '' }
    }
  }

  #scopeFor(discovery: Discovery, bearer: BearerChallenge, challenge: AuthChallenge): string | undefined {
    const words = (text: string | undefined) => (text ?? '').split(' ').filter(Boolean)
    let scopes = words(this.#o.scope ?? bearer.scope ?? discovery.resourceScopes?.join(' '))
    // Step-up keeps what was asked before and adds what the server names now.
    if (challenge.status === 403)
      scopes = [...new Set([...words(this.#state.tokens?.scope), ...scopes, ...words(bearer.scope)])]
    if (
      this.#o.offlineAccess !== false &&
      this.#grantType(discovery.server) === 'authorization_code' &&
      discovery.server.scopes?.includes('offline_access') &&
      !scopes.includes('offline_access')
    )
      scopes.push('offline_access')
    return scopes.length > 0 ? scopes.join(' ') : undefined
  }

  #grantType(server: AuthorizationServer): GrantType {
    if (this.#o.grantType) return this.#o.grantType
    if (this.#o.identityAssertion) return 'jwt_bearer'
    const grants = server.grantTypes ?? ['authorization_code']
    if (this.#o.authorize && grants.includes('authorization_code')) return 'authorization_code'
    // Client credentials need a confidential client; without one, the code flow explains what is missing.
    return this.#o.clientSecret || this.#o.privateKey ? 'client_credentials' : 'authorization_code'
  }

  async #client(server: AuthorizationServer, at: Attempt): Promise<OAuthClientInformation> {
    const known = this.#state.client
    const configured = this.#o.clientId === undefined || known?.clientId === this.#o.clientId
    if (known && configured && this.#state.issuer === server.issuer) return known
    const client = await identifyClient(this.#http, this.#o, {
      server,
      grantType: this.#grantType(server),
      site: at.site,
      signal: at.signal,
    })
    this.#state = { ...(server.issuer ? { issuer: server.issuer } : {}), client }
    await this.#save()
    return client
  }

  async #obtain(discovery: Discovery, at: Attempt): Promise<AccessToken> {
    const { server, resource } = discovery
    const client = await this.#client(server, at)
    const endpoint = tokenEndpointOf(server)
    const grant = this.#grantType(server)
    let tokens: OAuthTokens
    if (grant === 'client_credentials') {
      tokens = await clientCredentialsGrant(this.#http, {
        endpoint,
        client,
        key: this.#key,
        scope: at.scope,
        resource,
        site: at.site,
        signal: at.signal,
      })
    } else {
      const form =
        grant === 'jwt_bearer'
          ? jwtBearerForm(
              await exchangeIdToken(this.#http, this.#o.identityAssertion!, {
                audience: server.issuer ?? new URL(server.tokenEndpoint).origin,
                resource,
                scope: at.scope,
                site: at.site,
                signal: at.signal,
              }),
              at.scope,
            )
          : await authorizationCodeForm(this.#o, {
              server,
              clientId: client.clientId,
              resource,
              scope: at.scope,
              site: at.site,
              signal: at.signal,
            })
      tokens = await requestTokens(this.#http, {
        endpoint,
        client,
        key: this.#key,
        form: { resource, ...form },
        scope: at.scope,
        site: at.site,
        signal: at.signal,
      })
    }
    return this.#keep(tokens)
  }

  async #refresh(
    tokens: OAuthTokens,
    site: ErrorSite,
    signal?: AbortSignal,
  ): Promise<AccessToken | undefined> {
    const discovery = this.#discovery
    const client = this.#state.client
    const refreshToken = tokens.refreshToken
    if (!discovery || !client || !refreshToken) return undefined
    try {
      return await this.#keep(
        await refreshGrant(this.#http, {
          endpoint: tokenEndpointOf(discovery.server),
          client,
          key: this.#key,
          tokens: { ...tokens, refreshToken },
          resource: discovery.resource,
          site,
          signal,
        }),
      )
    } catch (error) {
      if (signal?.aborted) throw error
      if (!(error instanceof McpAuthError)) throw error
      // A refused refresh token: forget it and authorize again.
      this.#state.tokens = { ...tokens, accessToken: '' }
      delete this.#state.tokens.refreshToken
      return undefined
    }
  }

  async #keep(tokens: OAuthTokens): Promise<AccessToken> {
    this.#state.tokens = tokens
    await this.#save()
    return accessTokenOf(tokens)
  }

  async #save(): Promise<void> {
    await this.#o.store?.save(structuredClone(this.#state))
  }
}

function tokenEndpointOf(server: AuthorizationServer): TokenEndpoint {
  return { url: server.tokenEndpoint, issuer: server.issuer, signingAlgorithms: server.signingAlgorithms }
}
