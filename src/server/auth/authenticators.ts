/**
 * Who is calling: API keys (stored as SHA-256 hashes, compared in constant time), JWTs
 * (`jwt.ts`), token introspection (`introspection.ts`), client certificates, or your own
 * `verify` function, turned into an `Identity` for tool handlers, scopes, sessions and logs.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { ToolwireConfigError } from '../../protocol/errors.js'
import type { Identity } from '../../transport/server/request-dispatcher.js'
import type { AuthOutcome } from '../admission.js'
import { bearer, resourceMetadataChallenge } from './claims.js'
import { type IntrospectionOptions, introspectionAuthenticator } from './introspection.js'
import { type JwtOptions, jwtAuthenticator } from './jwt.js'

export { PROTECTED_RESOURCE_PATH } from './claims.js'
export type { Identity, IntrospectionOptions, JwtOptions }

export interface ApiKeyEntry {
  /** A name for the key (shown as the identity's subject and in logs). */
  id: string
  /** SHA-256 of the key, hex: `hashApiKey(key)`. Store this, not the key. */
  sha256: string
  scopes?: readonly string[]
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

/**
 * Builds the request authenticator for `serve({ auth })`. `publicUrl`: the endpoint's public
 * URL, whose RFC 9728 metadata 401 challenges point at (JWT and introspection modes); never
 * taken from request headers.
 */
export function authenticator(
  options: AuthOptions,
  publicUrl: string | undefined,
): (req: IncomingMessage) => Promise<AuthOutcome> | AuthOutcome {
  const site = { challenge: resourceMetadataChallenge(publicUrl) }
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
  if ('jwt' in options) return jwtAuthenticator(options.jwt, site)
  if ('introspection' in options) return introspectionAuthenticator(options.introspection, site)
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
