/**
 * The authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636 S256): the user is sent to
 * the authorization endpoint, and the code that comes back is exchanged with the verifier.
 */
import { createHash, randomBytes } from 'node:crypto'
import { type ErrorSite, McpAuthError } from '../../../../protocol/errors.js'
import { printable } from '../../../../protocol/printable.js'
import type { AuthorizationServer } from '../authorization-server-metadata.js'
import type { OAuthOptions } from '../oauth-options.js'

export interface AuthorizationRequest {
  server: AuthorizationServer
  clientId: string
  resource: string
  scope: string | undefined
  site: ErrorSite
  signal?: AbortSignal | undefined
}

/** Sends the user to authorize; returns the token request's form (code, redirect URI, verifier). */
export async function authorizationCodeForm(
  options: Pick<OAuthOptions, 'authorize' | 'redirectUrl'>,
  request: AuthorizationRequest,
): Promise<Record<string, string>> {
  const { authorize, redirectUrl } = options
  const { server, site } = request
  if (!authorize || !redirectUrl || !server.authorizationEndpoint) {
    throw new McpAuthError(
      'the server needs a user to authorize this client: pass oauth({ redirectUrl, authorize }) (authorize opens the URL and returns where the user was sent back), or use grantType "client_credentials" with a client secret or private key',
      site,
      { status: 401 },
    )
  }
  if (server.advertised && !server.codeChallengeMethods?.includes('S256')) {
    throw new McpAuthError(
      'the authorization server does not advertise PKCE (S256) support: refusing the authorization code flow',
      site,
      { status: 401 },
    )
  }
  const verifier = randomBytes(32).toString('base64url')
  const state = randomBytes(16).toString('base64url')
  const url = new URL(server.authorizationEndpoint)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('client_id', request.clientId)
  url.searchParams.set('redirect_uri', redirectUrl)
  url.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'))
  url.searchParams.set('code_challenge_method', 'S256')
  url.searchParams.set('state', state)
  if (request.scope) url.searchParams.set('scope', request.scope)
  url.searchParams.set('resource', request.resource)
  const back = new URL(String(await authorize(url, { signal: request.signal })), redirectUrl)
  // State first: an answer that is not ours (error or not) is refused without reading it further.
  if (back.searchParams.get('state') !== state) {
    throw new McpAuthError('the authorization response carries the wrong state: refusing it', site, {
      status: 401,
    })
  }
  const error = back.searchParams.get('error')
  if (error) {
    const description = back.searchParams.get('error_description')
    const text = (value: string) => printable(value, { maxChars: 200, oneLine: true })
    throw new McpAuthError(
      `the authorization was refused: ${text(error)}${description ? ` (${text(description)})` : ''}`,
      site,
      { status: 401 },
    )
  }
  const code = back.searchParams.get('code')
  if (!code) throw new McpAuthError('the authorization response carries no code', site, { status: 401 })
  return { grant_type: 'authorization_code', code, redirect_uri: redirectUrl, code_verifier: verifier }
}
