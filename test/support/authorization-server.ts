/**
 * A local OAuth 2.1 authorization server for the client's OAuth tests: RFC 8414 metadata,
 * dynamic registration, authorization code + PKCE (approving at once with a redirect), refresh
 * tokens and client credentials. It issues ES256 JWTs (audience = the `resource` asked for)
 * that a toolwire server verifies through its JWKS, and records every request.
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { listen, type TestHttpServer } from './sdk-servers.js'

export interface AuthorizationServerRequest {
  path: string
  method: string
  query: URLSearchParams
  form: URLSearchParams
  authorization: string | undefined
}

export interface TestAuthorizationServer extends TestHttpServer {
  issuer: string
  jwksUrl: string
  requests: AuthorizationServerRequest[]
  /** Grants the token endpoint was asked for, in order. */
  grants(): string[]
  /** Seconds issued access tokens live. */
  settings: { expiresIn: number; defaultScope: string; secretClients: Map<string, string> }
  /** Tokens the introspection endpoint reports inactive. */
  revoked: Set<string>
  /** Introspection requests answered. */
  introspections: () => number
}

export async function startAuthorizationServer(): Promise<TestAuthorizationServer> {
  const keys = await generateKeyPair('ES256', { extractable: true })
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'as-1', alg: 'ES256', use: 'sig' }
  const requests: AuthorizationServerRequest[] = []
  const settings = { expiresIn: 3600, defaultScope: 'crm.read', secretClients: new Map<string, string>() }
  const codes = new Map<string, { challenge: string; scope: string; resource: string; clientId: string }>()
  const refreshTokens = new Map<string, { scope: string; resource: string; clientId: string }>()
  let issuer = ''
  let registered = 0
  const issued = new Map<string, { scope: string; resource: string; clientId: string; exp: number }>()
  const revoked = new Set<string>()
  let introspections = 0

  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))

  const issue = async (res: ServerResponse, grant: { scope: string; resource: string; clientId: string }) => {
    const accessToken = await new SignJWT({ scope: grant.scope, client_id: grant.clientId })
      .setProtectedHeader({ alg: 'ES256', kid: 'as-1' })
      .setIssuer(issuer)
      .setSubject(`user-of-${grant.clientId}`)
      .setAudience(grant.resource)
      .setIssuedAt()
      .setExpirationTime(`${settings.expiresIn}s`)
      .sign(keys.privateKey)
    issued.set(accessToken, { ...grant, exp: Math.floor(Date.now() / 1000) + settings.expiresIn })
    const refresh = `refresh-${refreshTokens.size + 1}`
    refreshTokens.set(refresh, grant)
    json(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: settings.expiresIn,
      scope: grant.scope,
      ...(grant.scope.split(' ').includes('offline_access') ? { refresh_token: refresh } : {}),
    })
  }

  /** The client id the token request authenticates as (Basic for secret clients, else the form). */
  const authenticatedClient = (req: IncomingMessage, form: URLSearchParams): string | undefined => {
    const header = req.headers.authorization
    if (header?.startsWith('Basic ')) {
      const [id, secret] = Buffer.from(header.slice(6), 'base64')
        .toString()
        .split(':')
        .map(decodeURIComponent)
      return id && settings.secretClients.get(id) === secret ? id : undefined
    }
    const id = form.get('client_id') ?? undefined
    return id && !settings.secretClients.has(id) ? id : undefined
  }

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const chunks: Buffer[] = []
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
    const text = Buffer.concat(chunks).toString()
    const form = new URLSearchParams(req.headers['content-type']?.includes('json') ? '' : text)
    requests.push({
      path: url.pathname,
      method: req.method ?? 'GET',
      query: url.searchParams,
      form,
      authorization: req.headers.authorization,
    })
    if (url.pathname === '/.well-known/oauth-authorization-server') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        registration_endpoint: `${issuer}/register`,
        response_types_supported: ['code'],
        jwks_uri: `${issuer}/jwks`,
        grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
        token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['crm.read', 'crm.write', 'offline_access'],
      })
    }
    if (url.pathname === '/jwks') return json(res, 200, { keys: [jwk] })
    if (url.pathname === '/introspect' && req.method === 'POST') {
      // RFC 7662: only an authenticated resource server may ask.
      if (!authenticatedClient(req, form) || !req.headers.authorization?.startsWith('Basic '))
        return json(res, 401, { error: 'invalid_client' })
      introspections++
      const token = form.get('token') ?? ''
      const grant = issued.get(token)
      if (!grant || revoked.has(token) || grant.exp * 1000 <= Date.now())
        return json(res, 200, { active: false })
      return json(res, 200, {
        active: true,
        iss: issuer,
        sub: `user-of-${grant.clientId}`,
        client_id: grant.clientId,
        aud: grant.resource,
        scope: grant.scope,
        exp: grant.exp,
      })
    }
    if (url.pathname === '/register' && req.method === 'POST') {
      const metadata = JSON.parse(text) as Record<string, unknown>
      const clientId = `registered-${++registered}`
      if (metadata.token_endpoint_auth_method === 'none')
        return json(res, 201, { ...metadata, client_id: clientId })
      const secret = `secret-${registered}`
      settings.secretClients.set(clientId, secret)
      return json(res, 201, { ...metadata, client_id: clientId, client_secret: secret })
    }
    if (url.pathname === '/authorize') {
      const q = url.searchParams
      const redirect = new URL(q.get('redirect_uri') ?? 'http://invalid/')
      if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge') || !q.get('resource')) {
        redirect.searchParams.set('error', 'invalid_request')
      } else {
        const code = `code-${codes.size + 1}`
        codes.set(code, {
          challenge: q.get('code_challenge')!,
          scope: q.get('scope') ?? settings.defaultScope,
          resource: q.get('resource')!,
          clientId: q.get('client_id') ?? '',
        })
        redirect.searchParams.set('code', code)
      }
      if (q.get('state')) redirect.searchParams.set('state', q.get('state')!)
      return res.writeHead(302, { location: redirect.toString() }).end()
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const clientId = authenticatedClient(req, form)
      if (!clientId) return json(res, 401, { error: 'invalid_client', error_description: 'unknown client' })
      const grant = form.get('grant_type')
      if (grant === 'authorization_code') {
        const code = codes.get(form.get('code') ?? '')
        const verifier = form.get('code_verifier') ?? ''
        codes.delete(form.get('code') ?? '')
        if (!code || createHash('sha256').update(verifier).digest('base64url') !== code.challenge)
          return json(res, 400, { error: 'invalid_grant', error_description: 'bad code or verifier' })
        return issue(res, code)
      }
      if (grant === 'refresh_token') {
        const refreshed = refreshTokens.get(form.get('refresh_token') ?? '')
        if (!refreshed)
          return json(res, 400, { error: 'invalid_grant', error_description: 'unknown refresh token' })
        return issue(res, refreshed)
      }
      if (grant === 'client_credentials') {
        return issue(res, {
          scope: form.get('scope') ?? settings.defaultScope,
          resource: form.get('resource') ?? '',
          clientId,
        })
      }
      return json(res, 400, { error: 'unsupported_grant_type' })
    }
    json(res, 404, { error: 'not_found' })
  })
  issuer = new URL(server.url).origin
  return Object.assign(server, {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    requests,
    settings,
    revoked,
    introspections: () => introspections,
    grants: () => requests.filter((r) => r.path === '/token').map((r) => r.form.get('grant_type') ?? ''),
  })
}
