/** `oauth()` options: documented, and validated at construction with messages naming the option. */
import type { Dispatcher } from 'undici'
import { ToolwireConfigError } from '../../../protocol/errors.js'
import { checkConfiguredEndpoint } from './endpoint-policy.js'
import type { OAuthStore } from './oauth-state.js'

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

export interface OAuthOptions {
  /** A pre-registered client id. @default dynamic registration or `clientMetadataUrl` */
  clientId?: string
  /** The pre-registered client's secret (confidential clients). */
  clientSecret?: string
  /**
   * The authorization server (its issuer URL) pre-registered credentials (`clientSecret`,
   * `privateKey`) belong to. They are never sent to another one, whatever a server's metadata
   * names. @default only an authorization server on the MCP server's own host receives them
   */
  expectedIssuer?: string
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
  /**
   * Allow plain `http://` OAuth endpoints on non-loopback hosts. Off, every endpoint must be
   * https (or http on 127.0.0.1 / ::1 / localhost), as OAuth 2.1 requires. @default false
   */
  allowInsecureHttp?: boolean
  /** Problems that do not stop authorization (a corrupt store ignored). @default console.warn */
  onWarning?: (message: string) => void
  dispatcher?: Dispatcher
}

/** Throws `ToolwireConfigError` for options that cannot work, naming the option. */
export function validateOAuthOptions(options: OAuthOptions): void {
  if (options.authorize && !options.redirectUrl)
    throw new ToolwireConfigError(
      'oauth: "authorize" needs "redirectUrl" (where the server sends the user back)',
    )
  if (options.authorize && typeof options.authorize !== 'function')
    throw new ToolwireConfigError('oauth: "authorize" must be a function')
  for (const key of ['redirectUrl', 'clientMetadataUrl', 'expectedIssuer'] as const) {
    const value = options[key]
    if (value !== undefined && !URL.canParse(value))
      throw new ToolwireConfigError(`oauth: "${key}" is not a valid URL: ${value}`)
  }
  const policy = { allowInsecureHttp: options.allowInsecureHttp }
  if (options.clientMetadataUrl)
    checkConfiguredEndpoint(options.clientMetadataUrl, { option: 'oauth: "clientMetadataUrl"', policy })
  if (options.identityAssertion) {
    const idp = options.identityAssertion
    if (!idp.tokenEndpoint || !URL.canParse(idp.tokenEndpoint))
      throw new ToolwireConfigError(
        `oauth: "identityAssertion.tokenEndpoint" is not a valid URL: ${idp.tokenEndpoint}`,
      )
    checkConfiguredEndpoint(idp.tokenEndpoint, { option: 'oauth: "identityAssertion.tokenEndpoint"', policy })
    if (!idp.clientId) throw new ToolwireConfigError('oauth: "identityAssertion.clientId" is required')
    if (!idp.idToken) throw new ToolwireConfigError('oauth: "identityAssertion.idToken" is required')
  }
  if (options.clientSecret && !options.clientId)
    throw new ToolwireConfigError('oauth: "clientSecret" needs "clientId"')
}
