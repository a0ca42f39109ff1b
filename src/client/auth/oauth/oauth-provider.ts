/**
 * OAuth 2.1 for MCP servers that ask for it (MCP authorization, revisions 2025-03-26 to
 * 2025-11-25). On the server's 401 the provider reads the challenge, discovers where tokens come
 * from (`discovery.ts`), identifies the client (`registration.ts`), gets a token for the server
 * (RFC 8707 `resource`) with the grant that fits (`grants/`), refreshes it, and answers a 403
 * `insufficient_scope` with a token for the scopes named. One provider may serve several
 * servers: what it learns and holds is kept per resource and per authorization server.
 */
import { type ErrorSite, McpAuthError } from '../../../protocol/errors.js'
import { printable } from '../../../protocol/printable.js'
import type { AccessToken, AuthChallenge, GetTokenOptions, TokenProvider } from '../token-source.js'
import { type BearerChallenge, parseBearerChallenge } from '../www-authenticate.js'
import type { AuthorizationServer } from './authorization-server-metadata.js'
import type { ClientKey } from './client-assertion.js'
import { type Discovery, discover } from './discovery.js'
import type { EndpointPolicy } from './endpoint-policy.js'
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
  parseOAuthState,
  tokensFor,
  usable,
} from './oauth-state.js'
import { identifyClient } from './registration.js'
import { canonicalResource } from './resource-metadata.js'
import { requestTokens, type TokenEndpoint } from './token-endpoint.js'

interface Attempt {
  resourceUrl: URL
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
  readonly #policy: EndpointPolicy
  readonly #warn: (message: string) => void
  #state: OAuthState = { clients: {}, resources: {} }
  #loaded: Promise<void> | undefined
  /** What each MCP endpoint's challenge led to, by canonical endpoint URL. */
  readonly #discoveries = new Map<string, Discovery>()
  /** Pre-registered or metadata-document clients, by issuer (never persisted: they are configuration). */
  readonly #configuredClients = new Map<string, OAuthClientInformation>()

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
    this.#policy = { allowInsecureHttp: options.allowInsecureHttp }
    this.#warn =
      options.onWarning ??
      ((message) => console.warn(`toolwire oauth: ${printable(message, { oneLine: true })}`))
  }

  async getToken({ signal, challenge, resourceUrl }: GetTokenOptions): Promise<AccessToken | undefined> {
    this.#loaded ??= this.#load()
    await this.#loaded
    const server = new URL(resourceUrl)
    const key = canonicalResource(server)
    const site: ErrorSite = { url: resourceUrl }
    if (!challenge) {
      const known = this.#discoveries.get(key)
      const tokens = this.#tokensOf(server, known)
      if (tokens && usable(tokens)) return accessTokenOf(tokens)
      if (known) {
        const refreshed = tokens?.refreshToken
          ? await this.#refresh(known, tokens, { site, signal })
          : undefined
        if (refreshed) return refreshed
        // Grants without a user in the loop: a new token at once, the server being known.
        if (this.#grantType(known.server) !== 'authorization_code')
          return this.#obtain(known, { resourceUrl: server, scope: tokens?.scope, site, signal })
      }
      return undefined // learn where to get one from the server's 401
    }
    const bearer = parseBearerChallenge(challenge.wwwAuthenticate)
    const discovery = await discover(this.#http, resourceUrl, { bearer, policy: this.#policy, signal })
    this.#discoveries.set(key, discovery)
    const tokens = this.#tokensOf(server, discovery)
    if (challenge.status === 401 && tokens?.refreshToken) {
      const refreshed = await this.#refresh(discovery, tokens, { site, signal })
      if (refreshed) return refreshed
    }
    return this.#obtain(discovery, {
      resourceUrl: server,
      scope: this.#scopeFor(discovery, { bearer, challenge, tokens }),
      site,
      signal,
    })
  }

  invalidate(token: string): void {
    for (const [resource, tokens] of Object.entries(this.#state.resources ?? {})) {
      if (tokens.accessToken !== token) continue
      const { accessToken: _refused, expiresAt: _e, ...rest } = tokens
      this.#state.resources![resource] = { ...rest, accessToken: '' }
    }
  }

  async #load(): Promise<void> {
    let saved: unknown
    try {
      saved = await this.#o.store?.load()
    } catch (error) {
      this.#warn(
        `the OAuth store could not be read, starting without saved state (${error instanceof Error ? error.message : String(error)})`,
      )
    }
    this.#state = parseOAuthState(saved, (problem) => this.#warn(`${problem} (OAuth store)`))
  }

  /** The tokens for `server`: once discovered, only those issued for its resource. */
  #tokensOf(server: URL, discovery: Discovery | undefined): OAuthTokens | undefined {
    if (!discovery) return tokensFor(this.#state, server)
    return this.#state.resources?.[discovery.resource]
  }

  #scopeFor(
    discovery: Discovery,
    at: { bearer: BearerChallenge; challenge: AuthChallenge; tokens: OAuthTokens | undefined },
  ): string | undefined {
    const words = (text: string | undefined) => (text ?? '').split(' ').filter(Boolean)
    let scopes = words(this.#o.scope ?? at.bearer.scope ?? discovery.resourceScopes?.join(' '))
    // Step-up keeps what was asked before and adds what the server names now.
    if (at.challenge.status === 403)
      scopes = [...new Set([...words(at.tokens?.scope), ...scopes, ...words(at.bearer.scope)])]
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
    const issuer = issuerOf(server)
    const configured = this.#o.clientId !== undefined || (this.#o.clientMetadataUrl && server.cimd)
    const known = configured ? this.#configuredClients.get(issuer) : this.#state.clients?.[issuer]
    if (known) return known
    const client = await identifyClient(this.#http, this.#o, {
      server,
      grantType: this.#grantType(server),
      resourceUrl: at.resourceUrl,
      site: at.site,
      signal: at.signal,
    })
    if (configured) this.#configuredClients.set(issuer, client)
    else {
      this.#state.clients![issuer] = client
      await this.#save()
    }
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
                audience: issuerOf(server),
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
    return this.#keep(discovery, tokens)
  }

  async #refresh(
    discovery: Discovery,
    tokens: OAuthTokens,
    at: { site: ErrorSite; signal?: AbortSignal | undefined },
  ): Promise<AccessToken | undefined> {
    const { site, signal } = at
    const refreshToken = tokens.refreshToken
    // A refresh token goes only to the authorization server that issued it.
    if (!refreshToken || tokens.issuer !== issuerOf(discovery.server)) return undefined
    const client =
      this.#configuredClients.get(issuerOf(discovery.server)) ??
      this.#state.clients?.[issuerOf(discovery.server)]
    if (!client) return undefined
    try {
      return await this.#keep(
        discovery,
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
      // A refresh token the server refused is forgotten (authorize again); a network failure keeps it.
      if (!(error instanceof McpAuthError) || error.status === undefined) throw error
      const { refreshToken: _refused, ...rest } = tokens
      this.#state.resources![discovery.resource] = { ...rest, accessToken: '' }
      return undefined
    }
  }

  async #keep(discovery: Discovery, tokens: OAuthTokens): Promise<AccessToken> {
    const kept = { ...tokens, resource: discovery.resource, issuer: issuerOf(discovery.server) }
    this.#state.resources![discovery.resource] = kept
    await this.#save()
    return accessTokenOf(kept)
  }

  async #save(): Promise<void> {
    await this.#o.store?.save(structuredClone(this.#state))
  }
}

/** The authorization server's identity: its issuer, else (2025-03-26 defaults) its token endpoint's origin. */
function issuerOf(server: AuthorizationServer): string {
  return server.issuer ?? new URL(server.tokenEndpoint).origin
}

function tokenEndpointOf(server: AuthorizationServer): TokenEndpoint {
  return { url: server.tokenEndpoint, issuer: server.issuer, signingAlgorithms: server.signingAlgorithms }
}
