/**
 * What `oauth()` keeps between calls and processes: the clients it registered, by
 * authorization server, and its tokens, by protected resource. A token is only ever sent to the
 * resource it was issued for, and a refresh token only to the authorization server that issued it.
 */
import { isObject } from '../../../protocol/jsonrpc.js'
import type { AccessToken } from '../token-source.js'
import { coversResource } from './resource-metadata.js'

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
  /** The authorization server that issued them: the only one their refresh token goes to. */
  issuer?: string
}

/**
 * What `store` keeps between processes. One provider may serve several MCP servers (and one
 * store several providers): registrations are kept per authorization server and tokens per
 * resource, so none replaces another's.
 */
export interface OAuthState {
  /** Dynamically registered clients, by authorization server issuer. */
  clients?: Record<string, OAuthClientInformation>
  /** Tokens, by the RFC 8707 resource they were issued for. */
  resources?: Record<string, OAuthTokens>
  /** Earlier single-server layout (read and migrated, no longer written): the registration's issuer. */
  issuer?: string
  /** Earlier single-server layout: the registration. */
  client?: OAuthClientInformation
  /** Earlier single-server layout: the tokens. */
  tokens?: OAuthTokens
}

/**
 * Persists `OAuthState` (a file, a keychain, a database row); the default keeps it in memory.
 * `save` receives every client and resource the provider knows; a store shared by several
 * providers should merge by key (`fileOAuthStore` does) rather than replace.
 */
export interface OAuthStore {
  load(): Promise<OAuthState | undefined> | OAuthState | undefined
  save(state: OAuthState): Promise<void> | void
}

/** Tokens are refreshed this long before they expire. */
const REFRESH_SKEW_MS = 30_000
const AUTH_METHODS: readonly string[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
]

/** An access token that is there and not about to expire. */
export function usable(tokens: OAuthTokens): boolean {
  return (
    tokens.accessToken !== '' &&
    (tokens.expiresAt === undefined || tokens.expiresAt - REFRESH_SKEW_MS > Date.now())
  )
}

export function accessTokenOf(tokens: OAuthTokens): AccessToken {
  return {
    token: tokens.accessToken,
    ...(tokens.expiresAt === undefined ? {} : { expiresAt: tokens.expiresAt }),
  }
}

/** The stored tokens for the MCP endpoint `server`: those of the longest resource covering it. */
export function tokensFor(state: OAuthState, server: URL): OAuthTokens | undefined {
  let best: string | undefined
  for (const resource of Object.keys(state.resources ?? {})) {
    if (coversResource(resource, server) && (best === undefined || resource.length > best.length))
      best = resource
  }
  return best === undefined ? undefined : state.resources?.[best]
}

/** `update`'s clients and resources over `base`'s: what another provider saved is kept. */
export function mergeOAuthState(base: OAuthState, update: OAuthState): OAuthState {
  return {
    clients: { ...base.clients, ...update.clients },
    resources: { ...base.resources, ...update.resources },
  }
}

/**
 * Loaded state, parsed once: entries of the wrong shape are dropped (and reported), the earlier
 * single-server layout is migrated. Never throws.
 */
export function parseOAuthState(value: unknown, report: (problem: string) => void): OAuthState {
  const state: OAuthState = { clients: {}, resources: {} }
  if (value === undefined || value === null) return state
  if (!isObject(value)) {
    report('the saved OAuth state is not an object: ignored')
    return state
  }
  for (const [issuer, client] of Object.entries(isObject(value.clients) ? value.clients : {})) {
    const parsed = clientOf(client)
    if (parsed) state.clients![issuer] = parsed
    else report(`the saved client for ${issuer} is malformed: ignored`)
  }
  for (const [resource, tokens] of Object.entries(isObject(value.resources) ? value.resources : {})) {
    const parsed = tokensOf(tokens)
    if (parsed) state.resources![resource] = { ...parsed, resource }
    else report(`the saved tokens for ${resource} are malformed: ignored`)
  }
  // Earlier layout: one registration (for `issuer`) and one set of tokens (for `tokens.resource`).
  const legacyIssuer = typeof value.issuer === 'string' ? value.issuer : undefined
  if (value.client !== undefined) {
    const client = clientOf(value.client)
    if (client && legacyIssuer) state.clients![legacyIssuer] ??= client
    else if (!client) report('the saved client is malformed: ignored')
  }
  if (value.tokens !== undefined) {
    const tokens = tokensOf(value.tokens)
    // Tokens that do not say which resource they are for cannot be sent anywhere safely.
    if (tokens?.resource)
      state.resources![tokens.resource] ??= { ...tokens, ...(legacyIssuer ? { issuer: legacyIssuer } : {}) }
    else if (!tokens) report('the saved tokens are malformed: ignored')
  }
  return state
}

function clientOf(value: unknown): OAuthClientInformation | undefined {
  if (!isObject(value)) return undefined
  const { clientId, clientSecret, tokenEndpointAuthMethod: method } = value
  if (typeof clientId !== 'string' || clientId === '') return undefined
  if (clientSecret !== undefined && typeof clientSecret !== 'string') return undefined
  if (typeof method !== 'string' || !AUTH_METHODS.includes(method)) return undefined
  return {
    clientId,
    ...(clientSecret === undefined ? {} : { clientSecret }),
    tokenEndpointAuthMethod: method as TokenEndpointAuthMethod,
  }
}

function tokensOf(value: unknown): OAuthTokens | undefined {
  if (!isObject(value)) return undefined
  const { accessToken, refreshToken, expiresAt, scope, resource, issuer } = value
  if (typeof accessToken !== 'string') return undefined
  const optionalText = [refreshToken, scope, resource, issuer].every(
    (v) => v === undefined || typeof v === 'string',
  )
  if (!optionalText) return undefined
  if (expiresAt !== undefined && !(typeof expiresAt === 'number' && Number.isFinite(expiresAt)))
    return undefined
  return {
    accessToken,
    ...(typeof refreshToken === 'string' ? { refreshToken } : {}),
    ...(typeof expiresAt === 'number' ? { expiresAt } : {}),
    ...(typeof scope === 'string' ? { scope } : {}),
    ...(typeof resource === 'string' ? { resource } : {}),
    ...(typeof issuer === 'string' ? { issuer } : {}),
  }
}
