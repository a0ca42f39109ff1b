/**
 * The authorization server's metadata (RFC 8414, OpenID Connect discovery), found at the URLs
 * the MCP specification orders, and checked to be the issuer's own (RFC 8414 §3.3).
 */
import { type ErrorSite, McpAuthError } from '../../../protocol/errors.js'
import { printable } from '../../../protocol/printable.js'
import { checkEndpoint, type EndpointPolicy } from './endpoint-policy.js'
import type { OAuthHttp } from './oauth-http.js'

/** What the client uses of an authorization server's metadata. */
export interface AuthorizationServer {
  issuer: string | undefined
  authorizationEndpoint: string | undefined
  tokenEndpoint: string
  registrationEndpoint: string | undefined
  grantTypes: readonly string[] | undefined
  authMethods: readonly string[] | undefined
  signingAlgorithms: readonly string[] | undefined
  codeChallengeMethods: readonly string[] | undefined
  scopes: readonly string[] | undefined
  /** Client ID Metadata Documents are supported. */
  cimd: boolean
  /** Found through metadata (false: the 2025-03-26 default endpoints). */
  advertised: boolean
}

/** RFC 8414 §3.1 and OpenID Connect discovery, path-inserted first, as the MCP spec orders them. */
export function authorizationServerMetadataUrls(issuer: URL): string[] {
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

/** The metadata of the authorization server `issuer`, refusing metadata that names another issuer. */
interface Lookup {
  site: ErrorSite
  policy: EndpointPolicy
  signal?: AbortSignal | undefined
}

export async function fetchAuthorizationServer(
  http: OAuthHttp,
  issuer: string,
  at: Lookup,
): Promise<AuthorizationServer> {
  let metadata: Record<string, unknown> | undefined
  for (const url of authorizationServerMetadataUrls(new URL(issuer))) {
    checkEndpoint(url, { what: 'authorization server metadata URL', site: at.site, policy: at.policy })
    metadata = await http.getJson(url, at)
    if (metadata) break
  }
  if (!metadata) {
    throw new McpAuthError(
      `the authorization server ${issuer} publishes no OAuth or OpenID Connect metadata`,
      at.site,
      { status: 401 },
    )
  }
  return authorizationServerOf(metadata, { ...at, issuer })
}

/**
 * 2025-03-26 servers without resource metadata: the MCP server's origin is the authorization
 * server, with RFC 8414 metadata at its root or else the default endpoints.
 */
export async function legacyAuthorizationServer(
  http: OAuthHttp,
  server: URL,
  at: Lookup,
): Promise<AuthorizationServer> {
  const url = `${server.origin}/.well-known/oauth-authorization-server`
  checkEndpoint(url, { what: 'authorization server metadata URL', site: at.site, policy: at.policy })
  const metadata = await http.getJson(url, at)
  // 2025-03-26: the metadata sits at the server's root; its issuer must be on the server's origin.
  if (metadata) return authorizationServerOf(metadata, { ...at, issuer: server.origin, sameOriginOnly: true })
  return {
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
  }
}

function strings(value: unknown): readonly string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined
}

/** Same issuer, ignoring a trailing slash. */
function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '')
}

function authorizationServerOf(
  metadata: Record<string, unknown>,
  at: Lookup & { issuer: string; sameOriginOnly?: boolean },
): AuthorizationServer {
  const { site } = at
  const text = (key: string) => (typeof metadata[key] === 'string' ? (metadata[key] as string) : undefined)
  // RFC 8414 §3.3: the metadata must name its issuer, and it must be the one asked for (a
  // mismatch is an authorization server mix-up).
  const issuer = text('issuer')
  const matches =
    issuer !== undefined &&
    (at.sameOriginOnly
      ? URL.canParse(issuer) && new URL(issuer).origin === at.issuer
      : sameIssuer(issuer, at.issuer))
  if (!matches) {
    const named =
      issuer === undefined ? 'no issuer' : `issuer ${printable(issuer, { maxChars: 200, oneLine: true })}`
    throw new McpAuthError(
      `the authorization server metadata found for ${at.issuer} names ${named}: refusing it`,
      site,
      { status: 401 },
    )
  }
  const endpoint = (key: string, what: string) => {
    const url = text(key)
    return url === undefined ? undefined : checkEndpoint(url, { what, site, policy: at.policy })
  }
  const tokenEndpoint = endpoint('token_endpoint', 'token endpoint')
  if (!tokenEndpoint) {
    throw new McpAuthError('the authorization server metadata has no token_endpoint', site, { status: 401 })
  }
  return {
    issuer,
    authorizationEndpoint: endpoint('authorization_endpoint', 'authorization endpoint'),
    tokenEndpoint,
    registrationEndpoint: endpoint('registration_endpoint', 'registration endpoint'),
    grantTypes: strings(metadata.grant_types_supported),
    authMethods: strings(metadata.token_endpoint_auth_methods_supported),
    signingAlgorithms: strings(metadata.token_endpoint_auth_signing_alg_values_supported),
    codeChallengeMethods: strings(metadata.code_challenge_methods_supported),
    scopes: strings(metadata.scopes_supported),
    cimd: metadata.client_id_metadata_document_supported === true,
    advertised: true,
  }
}
