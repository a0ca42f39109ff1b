/**
 * Who the client is at an authorization server: a pre-registered client (`clientId`, with a
 * secret or a private key), a Client ID Metadata Document URL, or a client registered on the
 * spot (RFC 7591 dynamic registration).
 */
import { type ErrorSite, McpAuthError } from '../../../protocol/errors.js'
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
  site: ErrorSite
  signal?: AbortSignal | undefined
}

/** The client's identity at `server`: configured, a metadata document, or a new registration. */
export async function identifyClient(
  http: OAuthHttp,
  options: OAuthOptions,
  context: RegistrationContext,
): Promise<OAuthClientInformation> {
  const { server } = context
  if (options.clientId) {
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
  if ((status !== 200 && status !== 201) || typeof body.client_id !== 'string') {
    throw refusal(
      `the authorization server refused the client registration (HTTP ${status})`,
      reply,
      context.site,
    )
  }
  const secret = typeof body.client_secret === 'string' ? body.client_secret : undefined
  const granted =
    typeof body.token_endpoint_auth_method === 'string' ? body.token_endpoint_auth_method : method
  return {
    clientId: body.client_id,
    ...(secret ? { clientSecret: secret } : {}),
    tokenEndpointAuthMethod: (AUTH_METHODS.includes(granted)
      ? granted
      : secret
        ? 'client_secret_basic'
        : 'none') as TokenEndpointAuthMethod,
  }
}
