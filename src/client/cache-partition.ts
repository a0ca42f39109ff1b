/**
 * Which callers may share a cached tool list: those that present the same credentials. Anything
 * that may carry one partitions the cache: the full URL (a `?tenant=` or `?key=` query), every
 * configured header (not only `Authorization`: `X-API-Key`, cookies), the bearer token, the
 * client certificate, and a custom dispatcher (which may add its own). Only a hash is kept.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { Dispatcher } from 'undici'
import type { TlsOptions } from './connection-pools.js'

/** A client-specific id for dispatchers we cannot look inside: when unsure, do not share. */
const dispatcherIds = new WeakMap<Dispatcher, string>()

export class CachePartition {
  readonly #fixed: string
  /** A client whose token provider has no token yet (OAuth before the challenge) shares with no one. */
  readonly #unauthenticated = `unauthenticated-${randomUUID()}`

  constructor(client: {
    url: URL
    headers: Record<string, string>
    tls?: TlsOptions | undefined
    dispatcher?: Dispatcher | undefined
  }) {
    const hash = createHash('sha256')
    hash.update(`${client.url.href}\n`)
    for (const name of Object.keys(client.headers).sort()) hash.update(`${name}\0${client.headers[name]}\n`)
    const tls = client.tls
    if (tls) {
      for (const part of [tls.cert, tls.key, ...(Array.isArray(tls.ca) ? tls.ca : [tls.ca])])
        hash.update(`${part ?? ''}\0`)
      hash.update(`${tls.servername ?? ''}|${tls.rejectUnauthorized ?? true}`)
    }
    if (client.dispatcher) {
      const id = dispatcherIds.get(client.dispatcher) ?? randomUUID()
      dispatcherIds.set(client.dispatcher, id)
      hash.update(`dispatcher ${id}`)
    }
    this.#fixed = hash.digest('hex')
  }

  /** The partition of a caller with `token` (`null`: the client has no token provider). */
  of(token: string | undefined | null): string {
    if (token === undefined) return this.#unauthenticated
    if (token === null) return this.#fixed.slice(0, 32)
    return createHash('sha256').update(`${this.#fixed}\n${token}`).digest('hex').slice(0, 32)
  }
}
