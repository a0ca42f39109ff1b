/**
 * Who is calling: API keys (stored as SHA-256 hashes, compared in constant time) or your own
 * `verify` function, turned into an `Identity` for tool handlers, scopes and logs.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { ToolwireConfigError } from '../protocol/errors.js'
import type { AuthOutcome, Identity } from '../transport/dispatcher.js'

export type { Identity }

export interface ApiKeyEntry {
  /** A name for the key (shown as the identity's subject and in logs). */
  id: string
  /** SHA-256 of the key, hex: `hashApiKey(key)`. Store this, not the key. */
  sha256: string
  scopes?: readonly string[]
}

export type AuthOptions =
  | { apiKeys: readonly ApiKeyEntry[] }
  | {
      /** Returns the identity for a bearer token, or `undefined` to refuse it. */
      verify: (token: string, req: IncomingMessage) => Promise<Identity | undefined> | Identity | undefined
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
export function authenticator(options: AuthOptions): (req: IncomingMessage) => Promise<AuthOutcome> {
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
    return async (req) => {
      const token = bearer(req)
      if (token === undefined) return { refused: 'missing' }
      const presented = createHash('sha256').update(token).digest()
      let found: Identity | undefined
      // Every entry is compared, in constant time, so timing reveals nothing about which matched.
      for (const key of keys) if (timingSafeEqual(key.hash, presented)) found ??= key.identity
      return found ? { identity: found } : { refused: 'invalid' }
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
