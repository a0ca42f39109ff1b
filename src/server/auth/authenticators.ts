/**
 * Who is calling: API keys (stored as SHA-256 hashes, compared in constant time) or your own
 * `verify` function, turned into an `Identity` for tool handlers, scopes and logs.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { createRemoteJWKSet, importSPKI, jwtVerify } from 'jose'
import { ToolwireConfigError } from '../../protocol/errors.js'
import { ErrorCode, RpcError } from '../../protocol/jsonrpc.js'
import { HttpRejection } from '../../transport/server/request-checks.js'
import type { Identity } from '../../transport/server/request-dispatcher.js'
import type { AuthOutcome } from '../admission.js'

export type { Identity }

export interface ApiKeyEntry {
  /** A name for the key (shown as the identity's subject and in logs). */
  id: string
  /** SHA-256 of the key, hex: `hashApiKey(key)`. Store this, not the key. */
  sha256: string
  scopes?: readonly string[]
}

export interface JwtOptions {
  /** Where the issuer publishes its signing keys (JWKS), fetched and cached by jose. */
  jwksUrl?: string
  /** Or one public key (SPKI PEM). */
  publicKey?: string
  /** Required `iss`. */
  issuer: string
  /** Required `aud` (this server). */
  audience: string | readonly string[]
  /** Accepted signing algorithms. @default ['RS256', 'ES256', 'EdDSA'] */
  algorithms?: readonly string[]
  /** Clock skew allowed on `exp`/`nbf`, in seconds. @default 5 */
  clockToleranceSeconds?: number
}

export interface IntrospectionOptions {
  /** The authorization server's RFC 7662 introspection endpoint. */
  url: string
  /** This server's client id and secret there (HTTP Basic). */
  clientId: string
  clientSecret: string
  /** The authorization server's issuer (named in the RFC 9728 metadata; `iss` checked when present). */
  issuer: string
  /** Required `aud` (this server), checked when the answer carries one. @default not checked */
  audience?: string | readonly string[]
  /** Active tokens are remembered this long (and never past their `exp`), in seconds. @default 30 */
  cacheSeconds?: number
  /** Seconds an introspection request may take. @default 5 */
  timeoutSeconds?: number
}

export type AuthOptions =
  | { apiKeys: readonly ApiKeyEntry[] }
  | { jwt: JwtOptions }
  /** Opaque tokens checked at the authorization server (RFC 7662 token introspection). */
  | { introspection: IntrospectionOptions }
  /** The identity is the verified client certificate's subject CN (needs `serve({ tls })` with `requestCert`). */
  | { mtls: true }
  | {
      /** Returns the identity for a bearer token, or `undefined` to refuse it. */
      verify: (token: string, req: IncomingMessage) => Promise<Identity | undefined> | Identity | undefined
    }

/** Verified JWTs remembered at most (oldest dropped first). */
const MAX_CACHED_TOKENS = 10_000

/** RFC 9728: where clients learn how to get a token for this server. */
export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource'

/** `https://host` of a request, as the client addressed it (behind a proxy: X-Forwarded-*). */
export function publicOrigin(req: IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-proto']
  const proto =
    typeof forwarded === 'string'
      ? forwarded.split(',')[0]!.trim()
      : 'encrypted' in req.socket
        ? 'https'
        : 'http'
  return `${proto}://${req.headers['x-forwarded-host'] ?? req.headers.host ?? 'localhost'}`
}

function jwtAuthenticator(options: JwtOptions): (req: IncomingMessage) => Promise<AuthOutcome> | AuthOutcome {
  if (!options.issuer) throw new ToolwireConfigError('serve: auth.jwt.issuer is required')
  if (!options.audience || options.audience.length === 0)
    throw new ToolwireConfigError('serve: auth.jwt.audience is required')
  if (!options.jwksUrl === !options.publicKey) {
    throw new ToolwireConfigError('serve: auth.jwt needs exactly one of "jwksUrl" or "publicKey"')
  }
  const algorithms = [...(options.algorithms ?? ['RS256', 'ES256', 'EdDSA'])]
  let key: Promise<Parameters<typeof jwtVerify>[1]>
  if (options.jwksUrl) {
    let url: URL
    try {
      url = new URL(options.jwksUrl)
    } catch {
      throw new ToolwireConfigError(`serve: auth.jwt.jwksUrl is not a valid URL: ${options.jwksUrl}`)
    }
    key = Promise.resolve(createRemoteJWKSet(url))
  } else {
    key = importSPKI(options.publicKey!, algorithms[0]!)
    key.catch(() => {})
  }
  const verifyOptions = {
    issuer: options.issuer,
    audience: [...(typeof options.audience === 'string' ? [options.audience] : options.audience)],
    algorithms,
    clockTolerance: options.clockToleranceSeconds ?? 5,
  }
  // Verified tokens are remembered until they expire: a signature check per request cost 70% of
  // throughput on the echo benchmark, and a JWT cannot be revoked before its `exp` anyway.
  const verified = new Map<string, { identity: Identity; expiresAtMs: number }>()
  const remember = (token: string, identity: Identity, exp: number | undefined) => {
    if (exp === undefined) return
    if (verified.size >= MAX_CACHED_TOKENS) verified.delete(verified.keys().next().value!)
    verified.set(token, { identity, expiresAtMs: exp * 1000 })
  }
  const verify = async (token: string, challenge: string): Promise<AuthOutcome> => {
    try {
      const { payload } = await jwtVerify(token, await key, verifyOptions)
      if (typeof payload.sub !== 'string') return { refused: 'invalid', challenge }
      const identity = identityOfClaims(payload, payload.sub)
      remember(token, identity, payload.exp)
      return { identity }
    } catch {
      // Expired, not yet valid, wrong issuer or audience, bad signature, unknown key: all 401.
      return { refused: 'invalid', challenge }
    }
  }
  // A remembered token is answered synchronously: no promise on the hot path.
  return (req) => {
    const token = bearer(req)
    if (token !== undefined) {
      const hit = verified.get(token)
      if (hit && hit.expiresAtMs > Date.now()) return { identity: hit.identity }
      if (hit) verified.delete(token)
    }
    const challenge = `resource_metadata="${publicOrigin(req)}${PROTECTED_RESOURCE_PATH}"`
    if (token === undefined) return { refused: 'missing', challenge }
    return verify(token, challenge)
  }
}

/**
 * Parses `id:sha256-hex[:scope scope…]` (the environment's and the CLI's way to configure an
 * API key); undefined when malformed.
 */
export function parseApiKeyEntry(entry: string): ApiKeyEntry | undefined {
  const [id, sha256, scopes] = entry.split(':')
  if (!id || !sha256 || !/^[0-9a-f]{64}$/i.test(sha256)) return undefined
  return {
    id,
    sha256: sha256.toLowerCase(),
    ...(scopes ? { scopes: scopes.split(/\s+/).filter(Boolean) } : {}),
  }
}

/** The hash to store for an API key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

function bearer(req: IncomingMessage): string | undefined {
  const value = req.headers.authorization
  if (value?.startsWith('Bearer ')) return value.slice(7).trim() || undefined
  const apiKey = req.headers['x-api-key']
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : undefined
}

/** Builds the request authenticator for `serve({ auth })`. */
export function authenticator(
  options: AuthOptions,
): (req: IncomingMessage) => Promise<AuthOutcome> | AuthOutcome {
  if ('apiKeys' in options) {
    const keys = options.apiKeys.map((entry, i) => {
      if (!entry.id || !/^[0-9a-f]{64}$/.test(entry.sha256 ?? '')) {
        throw new ToolwireConfigError(
          `serve: auth.apiKeys[${i}] needs an "id" and a 64-hex "sha256" (use hashApiKey(key))`,
        )
      }
      return {
        identity: { subject: entry.id, clientId: entry.id, scopes: entry.scopes ?? [] },
        hash: Buffer.from(entry.sha256, 'hex'),
      }
    })
    return (req): AuthOutcome => {
      const token = bearer(req)
      if (token === undefined) return { refused: 'missing' }
      const presented = createHash('sha256').update(token).digest()
      let found: Identity | undefined
      // Every entry is compared, in constant time, so timing reveals nothing about which matched.
      for (const key of keys) if (timingSafeEqual(key.hash, presented)) found ??= key.identity
      return found ? { identity: found } : { refused: 'invalid' }
    }
  }
  if ('jwt' in options) return jwtAuthenticator(options.jwt)
  if ('introspection' in options) return introspectionAuthenticator(options.introspection)
  if ('mtls' in options) {
    return (req): AuthOutcome => {
      const socket = req.socket as TLSSocket
      if (typeof socket.getPeerCertificate !== 'function') return { refused: 'missing' }
      const cert = socket.getPeerCertificate()
      if (!cert || Object.keys(cert).length === 0) return { refused: 'missing' }
      const cn = cert.subject?.CN
      const subject = Array.isArray(cn) ? cn[0] : cn
      if (!socket.authorized || !subject) return { refused: 'invalid' }
      return { identity: { subject, clientId: subject, scopes: [] } }
    }
  }
  if (typeof options.verify !== 'function') {
    throw new ToolwireConfigError('serve: option "auth" needs "apiKeys" or a "verify" function')
  }
  return async (req) => {
    const token = bearer(req)
    if (token === undefined) return { refused: 'missing' }
    const identity = await options.verify(token, req)
    return identity ? { identity } : { refused: 'invalid' }
  }
}

/** The identity claims of a JWT payload or an introspection answer. */
function identityOfClaims(claims: Record<string, unknown>, subject: string): Identity {
  const scope = claims.scope ?? claims.scp
  const scopes =
    typeof scope === 'string'
      ? scope.split(' ').filter(Boolean)
      : Array.isArray(scope)
        ? scope.map(String)
        : []
  const clientId =
    typeof claims.client_id === 'string'
      ? claims.client_id
      : typeof claims.azp === 'string'
        ? claims.azp
        : undefined
  return { subject, ...(clientId ? { clientId } : {}), scopes }
}

function introspectionAuthenticator(
  options: IntrospectionOptions,
): (req: IncomingMessage) => Promise<AuthOutcome> | AuthOutcome {
  if (!options.url || !URL.canParse(options.url))
    throw new ToolwireConfigError(`serve: auth.introspection.url is not a valid URL: ${options.url}`)
  if (!options.clientId || !options.clientSecret)
    throw new ToolwireConfigError('serve: auth.introspection needs "clientId" and "clientSecret"')
  if (!options.issuer) throw new ToolwireConfigError('serve: auth.introspection.issuer is required')
  const cacheMs = (options.cacheSeconds ?? 30) * 1000
  const timeoutMs = (options.timeoutSeconds ?? 5) * 1000
  if (!(cacheMs >= 0) || !(timeoutMs > 0))
    throw new ToolwireConfigError(
      'serve: auth.introspection "cacheSeconds" must be ≥ 0 and "timeoutSeconds" > 0',
    )
  const audiences =
    options.audience === undefined
      ? undefined
      : typeof options.audience === 'string'
        ? [options.audience]
        : options.audience
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`
  const active = new Map<string, { identity: Identity; untilMs: number }>()
  const asking = new Map<string, Promise<AuthOutcome>>()

  const introspect = async (token: string, challenge: string): Promise<AuthOutcome> => {
    let answer: Record<string, unknown>
    try {
      const res = await fetch(options.url, {
        method: 'POST',
        headers: {
          authorization: basic,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      answer = (await res.json()) as Record<string, unknown>
    } catch (error) {
      // Not the caller's fault: a 503 they may retry, not a 401 that sends them to re-authorize.
      throw new HttpRejection(
        503,
        new RpcError(
          ErrorCode.InternalError,
          `Service unavailable: the token could not be checked at the authorization server (${(error as Error).message})`,
        ),
      ).withHeaders({ 'retry-after': '1' })
    }
    const nowMs = Date.now()
    const exp = typeof answer.exp === 'number' ? answer.exp * 1000 : undefined
    const aud =
      typeof answer.aud === 'string'
        ? [answer.aud]
        : Array.isArray(answer.aud)
          ? answer.aud.map(String)
          : undefined
    const valid =
      answer.active === true &&
      (exp === undefined || exp > nowMs) &&
      (typeof answer.iss !== 'string' ||
        answer.iss.replace(/\/+$/, '') === options.issuer.replace(/\/+$/, '')) &&
      (!audiences || !aud || aud.some((a) => audiences.includes(a)))
    if (!valid) return { refused: 'invalid', challenge }
    const subject =
      typeof answer.sub === 'string'
        ? answer.sub
        : typeof answer.client_id === 'string'
          ? answer.client_id
          : undefined
    if (!subject) return { refused: 'invalid', challenge }
    const identity = identityOfClaims(answer, subject)
    if (cacheMs > 0) {
      if (active.size >= MAX_CACHED_TOKENS) active.delete(active.keys().next().value!)
      active.set(token, { identity, untilMs: Math.min(nowMs + cacheMs, exp ?? Number.POSITIVE_INFINITY) })
    }
    return { identity }
  }

  return (req) => {
    const token = bearer(req)
    if (token !== undefined) {
      const hit = active.get(token)
      if (hit && hit.untilMs > Date.now()) return { identity: hit.identity }
      if (hit) active.delete(token)
    }
    const challenge = `resource_metadata="${publicOrigin(req)}${PROTECTED_RESOURCE_PATH}"`
    if (token === undefined) return { refused: 'missing', challenge }
    // Concurrent requests with one new token share one introspection.
    let pending = asking.get(token)
    if (!pending) {
      pending = introspect(token, challenge).finally(() => asking.delete(token))
      asking.set(token, pending)
    }
    return pending
  }
}
