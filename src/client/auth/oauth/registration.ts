/**
 * Who the client is at an authorization server: a pre-registered client (`clientId`, with a
 * secret or a private key), a Client ID Metadata Document URL, or a client registered on the
 * spot (RFC 7591 dynamic registration).
 */
import { type ErrorSite, McpAuthError } from '../../../protocol/errors.js'
import { hasUnprintable, printable } from '../../../protocol/printable.js'
import type { AuthorizationServer } from './authorization-server-metadata.js'
import { JWT_BEARER } from './grants/token-exchange.js'
import { type OAuthHttp, refusal } from './oauth-http.js'
import type { GrantType, OAuthOptions } from './oauth-options.js'
import type { OAuthClientInformation, TokenEndpointAuthMethod } from './oauth-state.js'

const AUTH_METHODS: readonly string[] = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'none',
]

export interface RegistrationContext {
  server: AuthorizationServer
  grantType: GrantType
  /** The MCP endpoint the client is authorizing for. */
  resourceUrl: URL
  site: ErrorSite
  signal?: AbortSignal | undefined
}

/** Longest `client_id` / `client_secret` accepted from a registration, in characters. */
const MAX_CLIENT_ID_CHARS = 1024
const MAX_CLIENT_SECRET_CHARS = 4096

/** The client's identity at `server`: configured, a metadata document, or a new registration. */
export async function identifyClient(
  http: OAuthHttp,
  options: OAuthOptions,
  context: RegistrationContext,
): Promise<OAuthClientInformation> {
  const { server } = context
  if (options.clientId) {
    if (options.clientSecret || options.privateKey) checkIssuerBinding(options, context)
    return {
      clientId: options.clientId,
      ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
      tokenEndpointAuthMethod: preRegisteredAuthMethod(options, server),
    }
  }
  if (options.clientMetadataUrl && server.cimd) {
    return {
      clientId: options.clientMetadataUrl,
      tokenEndpointAuthMethod: options.privateKey ? 'private_key_jwt' : 'none',
    }
  }
  if (server.registrationEndpoint)
    return register(http, options, { ...context, at: server.registrationEndpoint })
  throw new McpAuthError(
    'the authorization server offers no dynamic client registration: register a client there and pass its "clientId" (and "clientSecret") to oauth()',
    context.site,
    { status: 401 },
  )
}

/**
 * Pre-registered credentials are the user's, not the server's: they only go to the
 * authorization server they belong to (`expectedIssuer`), by default one on the MCP server's own
 * host. A hostile resource naming another authorization server gets nothing.
 */
function checkIssuerBinding(options: OAuthOptions, context: RegistrationContext): void {
  const issuer = context.server.issuer ?? new URL(context.server.tokenEndpoint).origin
  const shown = printable(issuer, { maxChars: 200, oneLine: true })
  if (options.expectedIssuer !== undefined) {
    if (issuer.replace(/\/+$/, '') === options.expectedIssuer.replace(/\/+$/, '')) return
    throw new McpAuthError(
      `the server sends this client to the authorization server ${shown}, not the expectedIssuer ${options.expectedIssuer}: the client's credentials are not sent there`,
      context.site,
      { status: 401 },
    )
  }
  if (URL.canParse(issuer) && new URL(issuer).hostname === context.resourceUrl.hostname) return
  throw new McpAuthError(
    `the server sends this client to the authorization server ${shown}, on another host than the MCP server: pre-registered credentials go there only when oauth({ expectedIssuer }) (CLI: --oauth-issuer) names it`,
    context.site,
    { status: 401 },
  )
}

/** A `client_id` (or secret) from a registration answer: a non-empty printable string of sane length. */
function credential(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= max && !hasUnprintable(value)
    ? value
    : undefined
}

function preRegisteredAuthMethod(
  options: OAuthOptions,
  server: AuthorizationServer,
): TokenEndpointAuthMethod {
  if (options.privateKey) return 'private_key_jwt'
  if (!options.clientSecret) return 'none'
  const supported = server.authMethods ?? ['client_secret_basic']
  return !supported.includes('client_secret_basic') && supported.includes('client_secret_post')
    ? 'client_secret_post'
    : 'client_secret_basic'
}

/** RFC 7591: registers this client for the grant it will use. */
async function register(
  http: OAuthHttp,
  options: OAuthOptions,
  context: RegistrationContext & { at: string },
): Promise<OAuthClientInformation> {
  const codeFlow = context.grantType === 'authorization_code'
  const supported = context.server.authMethods ?? ['client_secret_basic']
  const method = options.privateKey
    ? 'private_key_jwt'
    : supported.includes('none') && codeFlow
      ? 'none'
      : (supported.find((m) => m === 'client_secret_basic' || m === 'client_secret_post') ?? 'none')
  const reply = await http.post(
    context.at,
    {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: options.clientName ?? 'toolwire',
        redirect_uris: options.redirectUrl ? [options.redirectUrl] : [],
        grant_types: codeFlow
          ? ['authorization_code', 'refresh_token']
          : [context.grantType === 'jwt_bearer' ? JWT_BEARER : 'client_credentials'],
        response_types: codeFlow ? ['code'] : [],
        token_endpoint_auth_method: method,
      }),
    },
    { site: context.site, what: 'client registration', signal: context.signal },
  )
  const { status, body } = reply
  if (status !== 200 && status !== 201) {
    throw refusal(
      `the authorization server refused the client registration (HTTP ${status})`,
      reply,
      context.site,
    )
  }
  const clientId = credential(body.client_id, MAX_CLIENT_ID_CHARS)
  const secret =
    body.client_secret === undefined ? undefined : credential(body.client_secret, MAX_CLIENT_SECRET_CHARS)
  if (clientId === undefined || (body.client_secret !== undefined && secret === undefined)) {
    throw new McpAuthError(
      `the client registration answered no usable ${clientId === undefined ? 'client_id' : 'client_secret'} (a non-empty printable string of at most ${clientId === undefined ? MAX_CLIENT_ID_CHARS : MAX_CLIENT_SECRET_CHARS} characters): refusing it`,
      context.site,
      { status },
    )
  }
  const granted =
    typeof body.token_endpoint_auth_method === 'string' ? body.token_endpoint_auth_method : method
  return {
    clientId,
    ...(secret ? { clientSecret: secret } : {}),
    tokenEndpointAuthMethod: (AUTH_METHODS.includes(granted)
      ? granted
      : secret
        ? 'client_secret_basic'
        : 'none') as TokenEndpointAuthMethod,
  }
}
