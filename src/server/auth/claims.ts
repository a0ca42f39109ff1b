/** What the authenticators share: the presented credential, the identity a token's claims give, a cache bound. */
import type { IncomingMessage } from 'node:http'
import type { Identity } from '../../transport/server/request-dispatcher.js'

/** Verified tokens remembered at most (oldest dropped first). */
export const MAX_CACHED_TOKENS = 10_000

/** RFC 9728: where clients learn how to get a token for this server. */
export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource'

/** The `WWW-Authenticate` parameter pointing at the RFC 9728 metadata of `publicUrl`, if known. */
export function resourceMetadataChallenge(publicUrl: string | undefined): string | undefined {
  return publicUrl ? `resource_metadata="${new URL(publicUrl).origin}${PROTECTED_RESOURCE_PATH}"` : undefined
}

/** The bearer token (`Authorization: Bearer …`) or API key (`X-API-Key`) of a request. */
export function bearer(req: IncomingMessage): string | undefined {
  const value = req.headers.authorization
  if (value?.startsWith('Bearer ')) return value.slice(7).trim() || undefined
  const apiKey = req.headers['x-api-key']
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : undefined
}

/** The identity claims of a JWT payload or an introspection answer. */
export function identityOfClaims(claims: Record<string, unknown>, subject: string): Identity {
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
