/** What `oauth()` knows between calls and processes: the client's registration and its tokens. */
import type { AccessToken } from '../token-source.js'

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

/** Tokens are refreshed this long before they expire. */
const REFRESH_SKEW_MS = 30_000

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
