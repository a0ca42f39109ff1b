/**
 * `auth: { jwt }`: access tokens verified locally, against the issuer's JWKS or one public key.
 * A pinned key's algorithms follow from the key itself (an ES256 key verifies ES256 tokens
 * without configuration); a configuration that cannot verify anything is refused at startup,
 * naming the option. Tokens without `exp` are refused unless `requireExpiration: false`.
 */
import { createPublicKey, KeyObject } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { JWK, JWTVerifyGetKey } from 'jose'
import { ToolwireConfigError } from '../../protocol/errors.js'
import { tryLater } from '../../transport/server/request-checks.js'
import type { Identity } from '../../transport/server/request-dispatcher.js'
import type { AuthOutcome } from '../admission.js'
import { bearer, identityOfClaims, MAX_CACHED_TOKENS } from './claims.js'

export interface JwtOptions {
  /** Where the issuer publishes its signing keys (JWKS), fetched and cached by jose. */
  jwksUrl?: string
  /**
   * Or one public key: SPKI PEM, or a public JWK. Its type decides the algorithms accepted
   * (RSA: RS256/384/512 and PS256/384/512; EC P-256/384/521: ES256/384/512; Ed25519: EdDSA),
   * unless `algorithms` narrows them.
   */
  publicKey?: string | JWK
  /** Required `iss`. */
  issuer: string
  /** Required `aud` (this server). */
  audience: string | readonly string[]
  /**
   * Accepted signing algorithms. With `publicKey`, those the key cannot verify are refused at
   * startup. @default with `publicKey`: the key's (see above); with `jwksUrl`: RS256, ES256, EdDSA
   */
  algorithms?: readonly string[]
  /** Clock skew allowed on `exp`/`nbf`, in seconds. @default 5 */
  clockToleranceSeconds?: number
  /**
   * Refuse tokens without an `exp` claim (RFC 9068 access tokens carry one; a token without it
   * could never be revoked). `false` accepts them; they are then checked on every request
   * rather than remembered. @default true
   */
  requireExpiration?: boolean
}

const JWKS_DEFAULT_ALGORITHMS = ['RS256', 'ES256', 'EdDSA']

let jose: Promise<typeof import('jose')> | undefined
/** jose, imported once, when the first token is verified. */
function loadJose(): Promise<typeof import('jose')> {
  jose ??= import('jose')
  return jose
}

/** The algorithms a public key can verify, by key type (and curve). */
function algorithmsOf(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512']
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve
      const alg = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' }[curve ?? '']
      return alg ? [alg] : []
    }
    case 'ed25519':
    case 'ed448':
      return ['EdDSA', ...(key.asymmetricKeyType === 'ed25519' ? ['Ed25519'] : [])]
    default:
      return []
  }
}

/** The pinned key and the algorithms it verifies, or a configuration error naming the option. */
function pinnedKey(options: JwtOptions): { key: KeyObject; algorithms: string[] } {
  const given = options.publicKey
  // createPublicKey derives a public key from a private one: a private key here is a leak, refuse it.
  if (typeof given === 'string' ? /PRIVATE KEY/.test(given) : given !== undefined && 'd' in given) {
    throw new ToolwireConfigError('serve: auth.jwt.publicKey must be a public key, not a private one')
  }
  let key: KeyObject
  try {
    key =
      typeof options.publicKey === 'string'
        ? createPublicKey(options.publicKey)
        : createPublicKey({ key: options.publicKey as import('node:crypto').JsonWebKey, format: 'jwk' })
  } catch (error) {
    throw new ToolwireConfigError(
      `serve: auth.jwt.publicKey is not a usable public key (SPKI PEM or public JWK): ${(error as Error).message}`,
    )
  }
  const supported = algorithmsOf(key)
  const jwkAlg = typeof options.publicKey === 'object' ? options.publicKey.alg : undefined
  const wanted = options.algorithms ?? (jwkAlg ? [jwkAlg] : supported)
  const algorithms = wanted.filter((alg) => supported.includes(alg))
  if (algorithms.length === 0) {
    throw new ToolwireConfigError(
      `serve: auth.jwt.algorithms (${wanted.join(', ') || 'none'}) cannot be verified with auth.jwt.publicKey, a ${key.asymmetricKeyType ?? 'unknown'} key${supported.length ? ` (it verifies ${supported.join(', ')})` : ''}`,
    )
  }
  return { key, algorithms }
}

/** jose errors that say the keys could not be fetched (not that the token is bad). */
const KEY_SOURCE_ERRORS = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC'])

function keysUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  return typeof code === 'string' ? KEY_SOURCE_ERRORS.has(code) : true
}

export function jwtAuthenticator(
  options: JwtOptions,
  site: { challenge: string | undefined },
): (req: IncomingMessage) => Promise<AuthOutcome> | AuthOutcome {
  if (!options.issuer) throw new ToolwireConfigError('serve: auth.jwt.issuer is required')
  if (!options.audience || options.audience.length === 0)
    throw new ToolwireConfigError('serve: auth.jwt.audience is required')
  if (!options.jwksUrl === !options.publicKey) {
    throw new ToolwireConfigError('serve: auth.jwt needs exactly one of "jwksUrl" or "publicKey"')
  }
  // jose is loaded with the first token to verify: a server without JWT auth never loads it.
  let keyOf: () => Promise<KeyObject | JWTVerifyGetKey> | KeyObject
  let algorithms: string[]
  if (options.jwksUrl) {
    if (!URL.canParse(options.jwksUrl))
      throw new ToolwireConfigError(`serve: auth.jwt.jwksUrl is not a valid URL: ${options.jwksUrl}`)
    const jwksUrl = new URL(options.jwksUrl)
    let remote: Promise<JWTVerifyGetKey> | undefined
    keyOf = () => {
      remote ??= loadJose().then((jose) => jose.createRemoteJWKSet(jwksUrl))
      return remote
    }
    algorithms = [...(options.algorithms ?? JWKS_DEFAULT_ALGORITHMS)]
  } else {
    const pinned = pinnedKey(options)
    keyOf = () => pinned.key
    algorithms = pinned.algorithms
  }
  const requireExpiration = options.requireExpiration ?? true
  const verifyOptions = {
    issuer: options.issuer,
    audience: [...(typeof options.audience === 'string' ? [options.audience] : options.audience)],
    algorithms,
    clockTolerance: options.clockToleranceSeconds ?? 5,
    ...(requireExpiration ? { requiredClaims: ['exp'] } : {}),
  }
  const challenge = site.challenge
  const refused = (kind: 'missing' | 'invalid'): AuthOutcome =>
    challenge ? { refused: kind, challenge } : { refused: kind }
  // Verified tokens are remembered until they expire: a signature check per request cost 70% of
  // throughput on the echo benchmark, and a JWT cannot be revoked before its `exp` anyway.
  const verified = new Map<string, VerifiedToken>()
  const remember = (token: string, identity: Identity, exp: number | undefined) => {
    if (exp === undefined) return
    if (verified.size >= MAX_CACHED_TOKENS) verified.delete(verified.keys().next().value!)
    verified.set(token, { outcome: { identity }, expiresAtMs: exp * 1000 })
  }
  const verify = async (token: string): Promise<AuthOutcome> => {
    try {
      const { jwtVerify } = await loadJose()
      const resolved = await keyOf()
      const { payload } =
        resolved instanceof KeyObject
          ? await jwtVerify(token, resolved, verifyOptions)
          : await jwtVerify(token, resolved, verifyOptions)
      if (typeof payload.sub !== 'string') return refused('invalid')
      const identity = identityOfClaims(payload, payload.sub)
      remember(token, identity, payload.exp)
      return { identity }
    } catch (error) {
      // The issuer's keys could not be fetched: not the caller's fault, a 503 it may retry.
      if (options.jwksUrl && keysUnavailable(error)) {
        throw tryLater(
          `Service unavailable: the token could not be checked, the signing keys at auth.jwt.jwksUrl are unavailable (${(error as Error).message})`,
          undefined,
          { reason: 'unavailable' },
        )
      }
      // Expired, no exp, not yet valid, wrong issuer or audience, bad signature, unknown key: all 401.
      return refused('invalid')
    }
  }
  // A remembered token is answered synchronously: no promise on the hot path. Keep-alive
  // clients send the same header on every request of a connection: the connection remembers
  // its last one, so those requests compare one string instead of hashing a token.
  // One key per authenticator: two servers mounted on one app (one connection) with different
  // issuers or audiences never see each other's verdicts.
  const lastToken = Symbol('toolwire.jwt.lastToken')
  return (req) => {
    const header = req.headers.authorization
    const socket = req.socket as unknown as Record<symbol, ConnectionToken | undefined> | undefined
    const last = socket?.[lastToken]
    if (last !== undefined && last.header === header && last.token.expiresAtMs > Date.now())
      return last.token.outcome
    const token = bearer(req)
    if (token === undefined) return refused('missing')
    const hit = verified.get(token)
    if (hit && hit.expiresAtMs > Date.now()) {
      if (socket && header !== undefined) socket[lastToken] = { header, token: hit }
      return hit.outcome
    }
    if (hit) verified.delete(token)
    return verify(token)
  }
}

interface VerifiedToken {
  /** The same outcome object for every request bearing the token. */
  outcome: { identity: Identity }
  expiresAtMs: number
}

/** A connection's last `Authorization` header and what it was verified as. */
interface ConnectionToken {
  header: string
  token: VerifiedToken
}
