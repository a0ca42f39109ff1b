/**
 * The tool-list cache shared by all clients of a process: entries are partitioned by server URL
 * and caller identity (a `private` list is never served to another identity), expire on the
 * server's `ttlMs` hint and our own TTL, and are handed out as copies.
 */
import type { Tool } from '../protocol/types.js'

interface Entry {
  tools: Tool[]
  expiresAt: number | undefined
}

export class ToolListCache {
  readonly #entries = new Map<string, Entry>()

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
    this.#entries.set(key, {
      tools: structuredClone(entry.tools),
      expiresAt: entry.ttlMs === undefined ? undefined : Date.now() + entry.ttlMs,
    })
  }

  /** Drops every entry of `url` (all identities). */
  invalidate(url: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(`${url}\n`)) this.#entries.delete(key)
  }

  clear(): void {
    this.#entries.clear()
  }

  #fresh(key: string): Entry | undefined {
    const entry = this.#entries.get(key)
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.#entries.delete(key)
      return undefined
    }
    return entry
  }
}

/** The process-wide cache `cacheToolsList` uses unless a client is given its own. */
export const sharedToolListCache = new ToolListCache()
