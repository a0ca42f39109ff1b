/**
 * The tool-list cache shared by all clients of a process: entries are partitioned by server URL
 * and caller identity (a `private` list is never served to another identity), expire on the
 * server's `ttlMs` hint and our own TTL, are handed out as copies, and are bounded in number
 * (the least recently used goes first: rotating tokens leave no trail behind).
 */
import { ToolwireConfigError } from '../protocol/errors.js'
import type { Tool } from '../protocol/types.js'

interface Entry {
  tools: Tool[]
  expiresAt: number | undefined
}

export interface ToolListCacheOptions {
  /** Lists kept at most (one per server and identity); the least recently used is dropped. @default 1000 */
  maxEntries?: number
}

export class ToolListCache {
  /** In use order: the first entry is the least recently used. */
  readonly #entries = new Map<string, Entry>()
  readonly #maxEntries: number

  constructor(options: ToolListCacheOptions = {}) {
    const max = options.maxEntries ?? 1000
    if (!Number.isInteger(max) || max < 1)
      throw new ToolwireConfigError(`ToolListCache: option "maxEntries" must be an integer ≥ 1, got ${max}`)
    this.#maxEntries = max
  }

  /** Lists held now (expired ones included until they are looked up or pushed out). */
  get size(): number {
    return this.#entries.size
  }

  /** The cached list for `url`, shared (`public`) or for this identity, when fresh. */
  get(url: string, identity: string): Tool[] | undefined {
    const entry = this.#fresh(`${url}\npublic`) ?? this.#fresh(`${url}\n${identity}`)
    return entry ? structuredClone(entry.tools) : undefined
  }

  set(
    url: string,
    entry: { tools: Tool[]; scope: 'public' | 'private'; identity: string; ttlMs: number | undefined },
  ): void {
    const key = `${url}\n${entry.scope === 'public' ? 'public' : entry.identity}`
    this.#entries.delete(key)
    this.#entries.set(key, {
      tools: structuredClone(entry.tools),
      expiresAt: entry.ttlMs === undefined ? undefined : Date.now() + entry.ttlMs,
    })
    if (this.#entries.size > this.#maxEntries) this.#evict()
  }

  /** Drops every entry of `url` (all identities). */
  invalidate(url: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(`${url}\n`)) this.#entries.delete(key)
  }

  clear(): void {
    this.#entries.clear()
  }

  /** Expired entries first, then the least recently used, down to the cap. */
  #evict(): void {
    const now = Date.now()
    for (const [key, entry] of this.#entries)
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.#entries.delete(key)
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break
      this.#entries.delete(key)
    }
  }

  #fresh(key: string): Entry | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.#entries.delete(key)
      return undefined
    }
    // Most recently used goes last.
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    return entry
  }
}

/** The process-wide cache `cacheToolsList` uses unless a client is given its own. */
export const sharedToolListCache = new ToolListCache()
