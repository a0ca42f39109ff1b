/**
 * OAuth 2.1 for MCP servers that ask for it (MCP authorization, revisions 2025-03-26 to
 * 2025-11-25). On the server's 401 the provider reads the challenge, discovers the protected
 * resource metadata (RFC 9728) and the authorization server's metadata (RFC 8414, OpenID
 * Connect discovery), identifies the client (pre-registered, a Client ID Metadata Document, or
 * dynamic registration per RFC 7591), gets a token for the server (RFC 8707 `resource`) by
 * authorization code + PKCE or client credentials (secret or private-key JWT), refreshes it with
 * its refresh token, and answers a 403 `insufficient_scope` with a token for the scopes named.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { importPKCS8, SignJWT } from 'jose'
import type { Dispatcher } from 'undici'
import { type ErrorSite, McpAuthError, ToolwireConfigError } from '../../../protocol/errors.js'
import type { AccessToken, AuthChallenge, GetTokenOptions, TokenProvider } from '../tokens.js'
import { type BearerChallenge, parseBearerChallenge } from '../www-authenticate.js'
import { basicAuthorization, type OAuthReply, oauthExchange } from './oauth-http.js'

export type GrantType = 'authorization_code' | 'client_credentials' | 'jwt_bearer'

export interface IdentityAssertionOptions {
  /** The identity provider's token endpoint (token exchange). */
  tokenEndpoint: string
  /** The user's OpenID Connect ID token, or a function returning a current one. */
  idToken: string | (() => Promise<string> | string)
  /** This client's id at the identity provider. */
  clientId: string
  /** Its secret there, sent with HTTP Basic, when the identity provider wants one. */
  clientSecret?: string
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

export type TokenEndpointAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'private_key_jwt'
  | 'none'

/** The client as the authorization server knows it. */
export interface OAuthClientInformation {
  clientId: string
  clientSecret?: string
  tokenEndpointAuthMethod: TokenEndpointAuthMethod
}

export interface OAuthTokens {
  accessToken: string
  refreshToken?: string
  /** Epoch milliseconds. */
  expiresAt?: number
  /** The scopes requested for these tokens. */
  scope?: string
  /** The RFC 8707 resource they were issued for: never sent to another server. */
  resource?: string
}

/** What `store` keeps between processes: the registration and the tokens, per authorization server. */
export interface OAuthState {
  issuer?: string
  client?: OAuthClientInformation
  tokens?: OAuthTokens
}

/** Persists `OAuthState` (a file, a keychain, a database row); the default keeps it in memory. */
export interface OAuthStore {
  load(): Promise<OAuthState | undefined> | OAuthState | undefined
  save(state: OAuthState): Promise<void> | void
}

export interface OAuthOptions {
  /** A pre-registered client id. @default dynamic registration or `clientMetadataUrl` */
  clientId?: string
  /** The pre-registered client's secret (confidential clients). */
  clientSecret?: string
  /** A PKCS#8 PEM private key: the client authenticates with a signed JWT (`private_key_jwt`, RFC 7523). */
  privateKey?: string
  /** The JWT's algorithm. @default the server's first advertised signing algorithm, else 'RS256' */
  signingAlgorithm?: string
  /** An HTTPS URL serving this client's metadata document, used as `client_id` where the server supports it. */
  clientMetadataUrl?: string
  /** `client_name` for dynamic registration. @default 'toolwire' */
  clientName?: string
  /** Where the authorization server sends the user back (authorization code grant). */
  redirectUrl?: string
  /**
   * Shows the user the authorization URL (opens a browser) and resolves with the URL the
   * authorization server redirected back to (`redirectUrl` with `code` and `state`).
   */
  authorize?: (authorizationUrl: URL, context: { signal?: AbortSignal | undefined }) => Promise<string | URL>
  /**
   * Enterprise-managed authorization (SEP-990, cross-app access): the user's ID token from the
   * company's identity provider is exchanged there (RFC 8693) for an identity assertion
   * (ID-JAG), which the MCP server's authorization server takes as a JWT bearer grant (RFC 7523).
   * No browser; the client authenticates to the authorization server with `clientId`/`clientSecret`.
   */
  identityAssertion?: IdentityAssertionOptions
  /**
   * @default 'jwt_bearer' with `identityAssertion`; else 'authorization_code' when `authorize`
   * is given and the server supports it; else 'client_credentials'
   */
  grantType?: GrantType
  /** Scopes to ask for. @default the challenge's `scope`, else the resource's `scopes_supported`, else none */
  scope?: string
  /** Ask for `offline_access` (a refresh token) when the server lists it, in the authorization code grant. @default true */
  offlineAccess?: boolean
  /** Keeps the registration and tokens. @default memory */
  store?: OAuthStore
  /** Seconds each request to the authorization server may take. @default 10 */
  timeoutSeconds?: number
  dispatcher?: Dispatcher
}

interface AuthorizationServer {
  issuer: string | undefined
  authorizationEndpoint: string | undefined
  tokenEndpoint: string
  registrationEndpoint: string | undefined
  grantTypes: readonly string[] | undefined
  authMethods: readonly string[] | undefined
  signingAlgorithms: readonly string[] | undefined
  codeChallengeMethods: readonly string[] | undefined
  scopes: readonly string[] | undefined
  cimd: boolean
  /** Found through metadata (false: the 2025-03-26 default endpoints). */
  advertised: boolean
}

interface Discovery {
  server: AuthorizationServer
  /** The RFC 8707 resource to ask tokens for. */
  resource: string
  resourceScopes: readonly string[] | undefined
}

const REFRESH_SKEW_MS = 30_000

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
  readonly #timeoutMs: number
  #state: OAuthState = {}
  #loaded: Promise<void> | undefined
  #discovery: Discovery | undefined

  constructor(options: OAuthOptions) {
    if (options.authorize && !options.redirectUrl)
      throw new ToolwireConfigError(
        'oauth: "authorize" needs "redirectUrl" (where the server sends the user back)',
      )
    if (options.authorize && typeof options.authorize !== 'function')
      throw new ToolwireConfigError('oauth: "authorize" must be a function')
    for (const key of ['redirectUrl', 'clientMetadataUrl'] as const) {
      const value = options[key]
      if (value !== undefined && !URL.canParse(value))
        throw new ToolwireConfigError(`oauth: "${key}" is not a valid URL: ${value}`)
    }
    if (options.identityAssertion) {
      const idp = options.identityAssertion
      if (!idp.tokenEndpoint || !URL.canParse(idp.tokenEndpoint))
        throw new ToolwireConfigError(
          `oauth: "identityAssertion.tokenEndpoint" is not a valid URL: ${idp.tokenEndpoint}`,
        )
      if (!idp.clientId) throw new ToolwireConfigError('oauth: "identityAssertion.clientId" is required')
      if (!idp.idToken) throw new ToolwireConfigError('oauth: "identityAssertion.idToken" is required')
    }
    if (options.clientSecret && !options.clientId)
      throw new ToolwireConfigError('oauth: "clientSecret" needs "clientId"')
    this.#o = options
    this.#timeoutMs = (options.timeoutSeconds ?? 10) * 1000
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
    this.#discovery = await this.#discover(resourceUrl, bearer, signal)
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

  // --- discovery -------------------------------------------------------------------------

  async #discover(resourceUrl: string, bearer: BearerChallenge, signal?: AbortSignal): Promise<Discovery> {
    const server = new URL(resourceUrl)
    const site: ErrorSite = { url: resourceUrl }
    const candidates = bearer.resourceMetadata
      ? [bearer.resourceMetadata]
      : [
          `${server.origin}/.well-known/oauth-protected-resource${server.pathname.replace(/\/$/, '')}`,
          `${server.origin}/.well-known/oauth-protected-resource`,
        ]
    let resourceMetadata: Record<string, unknown> | undefined
    for (const url of new Set(candidates)) {
      resourceMetadata = await this.#getJson(url, site, signal)
      if (resourceMetadata) break
    }
    if (!resourceMetadata) {
      // 2025-03-26: no resource metadata; the MCP server's origin is the authorization server,
      // with RFC 8414 metadata at its root or the default endpoints.
      const metadata = await this.#getJson(
        `${server.origin}/.well-known/oauth-authorization-server`,
        site,
        signal,
      )
      return {
        server: metadata
          ? authorizationServer(metadata, site)
          : {
              issuer: server.origin,
              authorizationEndpoint: `${server.origin}/authorize`,
              tokenEndpoint: `${server.origin}/token`,
              registrationEndpoint: `${server.origin}/register`,
              grantTypes: undefined,
              authMethods: undefined,
              signingAlgorithms: undefined,
              codeChallengeMethods: undefined,
              scopes: undefined,
              cimd: false,
              advertised: false,
            },
        resource: canonical(server),
        resourceScopes: undefined,
      }
    }
    const resource =
      typeof resourceMetadata.resource === 'string' ? resourceMetadata.resource : canonical(server)
    if (!coversResource(resource, server)) {
      throw new McpAuthError(
        `the server's protected resource metadata is for ${resource}, not ${canonical(server)}: refusing to authorize (a token for it could be replayed elsewhere)`,
        site,
        { status: 401 },
      )
    }
    const issuers = resourceMetadata.authorization_servers
    const issuer = Array.isArray(issuers) && typeof issuers[0] === 'string' ? issuers[0] : undefined
    if (!issuer || !URL.canParse(issuer)) {
      throw new McpAuthError('the protected resource metadata names no authorization server', site, {
        status: 401,
      })
    }
    let metadata: Record<string, unknown> | undefined
    for (const url of authorizationServerMetadataUrls(new URL(issuer))) {
      metadata = await this.#getJson(url, site, signal)
      if (metadata) break
    }
    if (!metadata) {
      throw new McpAuthError(
        `the authorization server ${issuer} publishes no OAuth or OpenID Connect metadata`,
        site,
        { status: 401 },
      )
    }
    // RFC 8414 §3.3: metadata for another issuer is refused (an authorization server mix-up).
    const declared = typeof metadata.issuer === 'string' ? metadata.issuer : undefined
    if (declared !== undefined && declared.replace(/\/+$/, '') !== issuer.replace(/\/+$/, '')) {
      throw new McpAuthError(
        `the authorization server metadata found for ${issuer} names issuer ${declared}: refusing it`,
        site,
        { status: 401 },
      )
    }
    const scopes = resourceMetadata.scopes_supported
    return {
      server: authorizationServer(metadata, site),
      resource,
      resourceScopes: Array.isArray(scopes) ? scopes.map(String) : undefined,
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

  // --- the client ------------------------------------------------------------------------

  async #client(
    server: AuthorizationServer,
    site: ErrorSite,
    signal?: AbortSignal,
  ): Promise<OAuthClientInformation> {
    const known = this.#state.client
    const configured = this.#o.clientId === undefined || known?.clientId === this.#o.clientId
    if (known && configured && this.#state.issuer === server.issuer) return known
    let client: OAuthClientInformation
    if (this.#o.clientId) {
      client = {
        clientId: this.#o.clientId,
        ...(this.#o.clientSecret ? { clientSecret: this.#o.clientSecret } : {}),
        tokenEndpointAuthMethod: this.#authMethod(server, Boolean(this.#o.clientSecret)),
      }
    } else if (this.#o.clientMetadataUrl && server.cimd) {
      client = {
        clientId: this.#o.clientMetadataUrl,
        tokenEndpointAuthMethod: this.#o.privateKey ? 'private_key_jwt' : 'none',
      }
    } else if (server.registrationEndpoint) {
      client = await this.#register(
        { ...server, registrationEndpoint: server.registrationEndpoint },
        site,
        signal,
      )
    } else {
      throw new McpAuthError(
        'the authorization server offers no dynamic client registration: register a client there and pass its "clientId" (and "clientSecret") to oauth()',
        site,
        { status: 401 },
      )
    }
    this.#state = { ...(server.issuer ? { issuer: server.issuer } : {}), client }
    await this.#save()
    return client
  }

  #authMethod(server: AuthorizationServer, hasSecret: boolean): TokenEndpointAuthMethod {
    if (this.#o.privateKey) return 'private_key_jwt'
    if (!hasSecret) return 'none'
    const supported = server.authMethods ?? ['client_secret_basic']
    return !supported.includes('client_secret_basic') && supported.includes('client_secret_post')
      ? 'client_secret_post'
      : 'client_secret_basic'
  }

  async #register(
    server: AuthorizationServer & { registrationEndpoint: string },
    site: ErrorSite,
    signal?: AbortSignal,
  ): Promise<OAuthClientInformation> {
    const codeFlow = this.#grantType(server) === 'authorization_code'
    const supported = server.authMethods ?? ['client_secret_basic']
    const method = this.#o.privateKey
      ? 'private_key_jwt'
      : supported.includes('none') && codeFlow
        ? 'none'
        : (supported.find((m) => m === 'client_secret_basic' || m === 'client_secret_post') ?? 'none')
    const { status, body } = await this.#post(
      server.registrationEndpoint,
      {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: this.#o.clientName ?? 'toolwire',
          redirect_uris: this.#o.redirectUrl ? [this.#o.redirectUrl] : [],
          grant_types: codeFlow
            ? ['authorization_code', 'refresh_token']
            : [this.#grantType(server) === 'jwt_bearer' ? JWT_BEARER : 'client_credentials'],
          response_types: codeFlow ? ['code'] : [],
          token_endpoint_auth_method: method,
        }),
      },
      { site, what: 'client registration', signal },
    )
    if ((status !== 200 && status !== 201) || typeof body.client_id !== 'string') {
      throw oauthError(
        `the authorization server refused the client registration (HTTP ${status})`,
        { body, status },
        site,
      )
    }
    const secret = typeof body.client_secret === 'string' ? body.client_secret : undefined
    const granted =
      typeof body.token_endpoint_auth_method === 'string' ? body.token_endpoint_auth_method : method
    return {
      clientId: body.client_id,
      ...(secret ? { clientSecret: secret } : {}),
      tokenEndpointAuthMethod: ([
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
        'none',
      ].includes(granted)
        ? granted
        : secret
          ? 'client_secret_basic'
          : 'none') as TokenEndpointAuthMethod,
    }
  }

  // --- grants ----------------------------------------------------------------------------

  async #obtain(
    discovery: Discovery,
    at: { scope: string | undefined; site: ErrorSite; signal?: AbortSignal | undefined },
  ): Promise<AccessToken> {
    const { server, resource } = discovery
    const client = await this.#client(server, at.site, at.signal)
    const form: Record<string, string> = { resource }
    const grant = this.#grantType(server)
    if (grant === 'client_credentials') {
      form.grant_type = 'client_credentials'
      if (at.scope) form.scope = at.scope
    } else if (grant === 'jwt_bearer') {
      form.grant_type = JWT_BEARER
      form.assertion = await this.#identityAssertion(discovery, at)
      if (at.scope) form.scope = at.scope
    } else {
      Object.assign(form, await this.#authorizationCode(discovery, client, at))
    }
    return this.#tokenRequest(server, client, { form, scope: at.scope, site: at.site, signal: at.signal })
  }

  async #authorizationCode(
    { server, resource }: Discovery,
    client: OAuthClientInformation,
    at: { scope: string | undefined; site: ErrorSite; signal?: AbortSignal | undefined },
  ): Promise<Record<string, string>> {
    const authorize = this.#o.authorize
    if (!authorize || !this.#o.redirectUrl || !server.authorizationEndpoint) {
      throw new McpAuthError(
        'the server needs a user to authorize this client: pass oauth({ redirectUrl, authorize }) (authorize opens the URL and returns where the user was sent back), or use grantType "client_credentials" with a client secret or private key',
        at.site,
        { status: 401 },
      )
    }
    if (server.advertised && !server.codeChallengeMethods?.includes('S256')) {
      throw new McpAuthError(
        'the authorization server does not advertise PKCE (S256) support: refusing the authorization code flow',
        at.site,
        { status: 401 },
      )
    }
    const verifier = randomBytes(32).toString('base64url')
    const state = randomBytes(16).toString('base64url')
    const url = new URL(server.authorizationEndpoint)
    url.searchParams.set('response_type', 'code')
    url.searchParams.set('client_id', client.clientId)
    url.searchParams.set('redirect_uri', this.#o.redirectUrl)
    url.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'))
    url.searchParams.set('code_challenge_method', 'S256')
    url.searchParams.set('state', state)
    if (at.scope) url.searchParams.set('scope', at.scope)
    url.searchParams.set('resource', resource)
    const back = new URL(String(await authorize(url, { signal: at.signal })), this.#o.redirectUrl)
    if (back.searchParams.get('error')) {
      const description = back.searchParams.get('error_description')
      throw new McpAuthError(
        `the authorization was refused: ${back.searchParams.get('error')}${description ? ` (${description})` : ''}`,
        at.site,
        { status: 401 },
      )
    }
    if (back.searchParams.get('state') !== state) {
      throw new McpAuthError('the authorization response carries the wrong state: refusing it', at.site, {
        status: 401,
      })
    }
    const code = back.searchParams.get('code')
    if (!code) throw new McpAuthError('the authorization response carries no code', at.site, { status: 401 })
    return {
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.#o.redirectUrl,
      code_verifier: verifier,
    }
  }

  /** RFC 8693 token exchange at the identity provider: the user's ID token for an ID-JAG. */
  async #identityAssertion(
    { server, resource }: Discovery,
    at: { scope: string | undefined; site: ErrorSite; signal?: AbortSignal | undefined },
  ): Promise<string> {
    const idp = this.#o.identityAssertion!
    const idToken = typeof idp.idToken === 'function' ? await idp.idToken() : idp.idToken
    const form = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE,
      subject_token: idToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      requested_token_type: 'urn:ietf:params:oauth:token-type:id-jag',
      audience: server.issuer ?? new URL(server.tokenEndpoint).origin,
      resource,
      client_id: idp.clientId,
    })
    if (at.scope) form.set('scope', at.scope)
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
    if (idp.clientSecret) headers.authorization = basicAuthorization(idp.clientId, idp.clientSecret)
    const { status, body } = await this.#post(
      idp.tokenEndpoint,
      { headers, body: form.toString() },
      { site: at.site, what: 'token exchange', signal: at.signal },
    )
    if (status !== 200 || typeof body.access_token !== 'string') {
      throw oauthError(
        `the identity provider refused the token exchange (HTTP ${status})`,
        { body, status },
        at.site,
      )
    }
    return body.access_token
  }

  async #refresh(
    tokens: OAuthTokens,
    site: ErrorSite,
    signal?: AbortSignal,
  ): Promise<AccessToken | undefined> {
    const discovery = this.#discovery
    const client = this.#state.client
    if (!discovery || !client || !tokens.refreshToken) return undefined
    try {
      return await this.#tokenRequest(discovery.server, client, {
        form: {
          grant_type: 'refresh_token',
          refresh_token: tokens.refreshToken,
          resource: discovery.resource,
        },
        scope: tokens.scope,
        site,
        signal,
        refreshToken: tokens.refreshToken,
      })
    } catch (error) {
      if (signal?.aborted) throw error
      // A refused refresh token: forget it and authorize again.
      this.#state.tokens = { ...tokens, accessToken: '' }
      delete this.#state.tokens.refreshToken
      return undefined
    }
  }

  async #tokenRequest(
    server: AuthorizationServer,
    client: OAuthClientInformation,
    at: {
      form: Record<string, string>
      scope: string | undefined
      site: ErrorSite
      signal?: AbortSignal | undefined
      refreshToken?: string
    },
  ): Promise<AccessToken> {
    const form = new URLSearchParams(at.form)
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
        form.set('client_assertion', await this.#assertion(server, client.clientId))
        break
      default:
        form.set('client_id', client.clientId)
    }
    const { status, body } = await this.#post(
      server.tokenEndpoint,
      { headers, body: form.toString() },
      { site: at.site, what: 'token request', signal: at.signal },
    )
    if (status !== 200 || typeof body.access_token !== 'string') {
      throw oauthError(
        `the token endpoint refused the ${at.form.grant_type} grant (HTTP ${status})`,
        { body, status },
        at.site,
      )
    }
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : undefined
    const refreshToken = typeof body.refresh_token === 'string' ? body.refresh_token : at.refreshToken
    const scope = typeof body.scope === 'string' ? body.scope : at.scope
    const tokens: OAuthTokens = {
      accessToken: body.access_token,
      ...(refreshToken ? { refreshToken } : {}),
      ...(expiresIn === undefined ? {} : { expiresAt: Date.now() + expiresIn * 1000 }),
      ...(scope ? { scope } : {}),
      ...(at.form.resource ? { resource: at.form.resource } : {}),
    }
    this.#state.tokens = tokens
    await this.#save()
    return accessTokenOf(tokens)
  }

  async #assertion(server: AuthorizationServer, clientId: string): Promise<string> {
    const algorithm = this.#o.signingAlgorithm ?? server.signingAlgorithms?.[0] ?? 'RS256'
    let key: Awaited<ReturnType<typeof importPKCS8>>
    try {
      key = await importPKCS8(this.#o.privateKey!, algorithm)
    } catch (error) {
      throw new ToolwireConfigError(
        `oauth: "privateKey" is not a PKCS#8 PEM key for ${algorithm}: ${(error as Error).message}`,
      )
    }
    return new SignJWT({})
      .setProtectedHeader({ alg: algorithm })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(server.issuer ?? server.tokenEndpoint)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(randomUUID())
      .sign(key)
  }

  // --- HTTP ------------------------------------------------------------------------------

  async #save(): Promise<void> {
    await this.#o.store?.save(structuredClone(this.#state))
  }

  async #getJson(
    url: string,
    site: ErrorSite,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown> | undefined> {
    const { status, body } = await this.#send(
      url,
      { method: 'GET', headers: {} },
      { site, what: 'metadata', signal },
    )
    return status === 200 && Object.keys(body).length > 0 ? body : undefined
  }

  #post(
    url: string,
    message: { headers: Record<string, string>; body: string },
    at: { site: ErrorSite; what: string; signal?: AbortSignal | undefined },
  ) {
    return this.#send(url, { method: 'POST', ...message }, at)
  }

  async #send(
    url: string,
    message: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
    at: { site: ErrorSite; what: string; signal?: AbortSignal | undefined },
  ): Promise<OAuthReply> {
    try {
      return await oauthExchange(url, message, {
        timeoutMs: this.#timeoutMs,
        signal: at.signal,
        dispatcher: this.#o.dispatcher,
      })
    } catch (error) {
      if (at.signal?.aborted) throw error
      const timedOut = (error as Error).name === 'TimeoutError'
      throw new McpAuthError(
        `the ${at.what} to ${url} failed: ${timedOut ? `no answer within ${this.#timeoutMs / 1000} s` : (error as Error).message}`,
        at.site,
        { cause: error },
      )
    }
  }
}

function usable(tokens: OAuthTokens): boolean {
  return (
    tokens.accessToken !== '' &&
    (tokens.expiresAt === undefined || tokens.expiresAt - REFRESH_SKEW_MS > Date.now())
  )
}

function accessTokenOf(tokens: OAuthTokens): AccessToken {
  return {
    token: tokens.accessToken,
    ...(tokens.expiresAt === undefined ? {} : { expiresAt: tokens.expiresAt }),
  }
}

function oauthError(
  summary: string,
  { body, status }: { body: Record<string, unknown>; status: number },
  site: ErrorSite,
): McpAuthError {
  const code = typeof body.error === 'string' ? `: ${body.error}` : ''
  const description = typeof body.error_description === 'string' ? ` (${body.error_description})` : ''
  return new McpAuthError(`${summary}${code}${description}`, site, { status })
}

/** The URL without query or fragment: the RFC 8707 resource identifier of an MCP endpoint. */
function canonical(url: URL): string {
  return `${url.origin}${url.pathname === '/' ? '' : url.pathname}`
}

/** The metadata's resource is the server's URL or a path prefix of it, on the same origin. */
function coversResource(resource: string, server: URL): boolean {
  if (!URL.canParse(resource)) return false
  const declared = new URL(resource)
  if (declared.origin !== server.origin) return false
  const prefix = declared.pathname.replace(/\/$/, '')
  return server.pathname === prefix || server.pathname.startsWith(`${prefix}/`) || prefix === ''
}

/** RFC 8414 §3.1 and OpenID Connect discovery, path-inserted first, as the MCP spec orders them. */
function authorizationServerMetadataUrls(issuer: URL): string[] {
  const path = issuer.pathname.replace(/\/+$/, '')
  const origin = issuer.origin
  if (!path)
    return [`${origin}/.well-known/oauth-authorization-server`, `${origin}/.well-known/openid-configuration`]
  return [
    `${origin}/.well-known/oauth-authorization-server${path}`,
    `${origin}/.well-known/openid-configuration${path}`,
    `${origin}${path}/.well-known/openid-configuration`,
  ]
}

function strings(value: unknown): readonly string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined
}

function authorizationServer(metadata: Record<string, unknown>, site: ErrorSite): AuthorizationServer {
  const text = (key: string) => (typeof metadata[key] === 'string' ? (metadata[key] as string) : undefined)
  const tokenEndpoint = text('token_endpoint')
  if (!tokenEndpoint) {
    throw new McpAuthError('the authorization server metadata has no token_endpoint', site, { status: 401 })
  }
  return {
    issuer: text('issuer'),
    authorizationEndpoint: text('authorization_endpoint'),
    tokenEndpoint,
    registrationEndpoint: text('registration_endpoint'),
    grantTypes: strings(metadata.grant_types_supported),
    authMethods: strings(metadata.token_endpoint_auth_methods_supported),
    signingAlgorithms: strings(metadata.token_endpoint_auth_signing_alg_values_supported),
    codeChallengeMethods: strings(metadata.code_challenge_methods_supported),
    scopes: strings(metadata.scopes_supported),
    cimd: metadata.client_id_metadata_document_supported === true,
    advertised: true,
  }
}
