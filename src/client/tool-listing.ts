/**
 * `tools/list` for one client: pages followed, tools checked (`x-mcp-header`), the list kept
 * in the tool-list cache when `cacheToolsList` is on, and the last definitions remembered (their
 * annotations decide whether a `tools/call` may be retried).
 */
import { type ErrorSite, McpProtocolError } from '../protocol/errors.js'
import type { Tool } from '../protocol/types.js'
import type { ClientSession } from '../transport/client/client-session.js'
import { type ToolFilter, toolAllowed } from './options.js'
import type { ToolListCache } from './tool-cache.js'

/** A JSON-RPC request through the client's policies. */
export type RunRequest = (
  method: string,
  params: Record<string, unknown>,
  options: { signal: AbortSignal | undefined; idempotent: boolean },
) => Promise<Record<string, unknown>>

export interface ToolListingOptions {
  serverName: string
  /** The cache's key for this server. */
  cacheKey: string
  site: ErrorSite
  session: ClientSession
  run: RunRequest
  cache: ToolListCache | undefined
  /** The caller's cache partition (a hash of its credentials). */
  partition: (signal: AbortSignal | undefined) => Promise<string>
  filter: ToolFilter | undefined
  /** Our own limit on a cached list's age, in seconds. */
  ttlSeconds: number | undefined
}

export class ToolListing {
  readonly #o: ToolListingOptions
  /** Tools from the last list, by name. */
  readonly known = new Map<string, Tool>()

  constructor(options: ToolListingOptions) {
    this.#o = options
  }

  /** The tools, filtered by `toolFilter`; from the cache when it holds a fresh list. */
  async list(signal: AbortSignal | undefined): Promise<Tool[]> {
    const { cache, session } = this.#o
    const partition = cache ? await this.#o.partition(signal) : ''
    const cached = cache?.get(this.#o.cacheKey, partition)
    const tools = cached ?? (await this.#fetch(partition, signal))
    this.known.clear()
    for (const tool of session.acceptTools(tools)) this.known.set(tool.name, tool)
    return tools.filter((tool) => toolAllowed(this.#o.filter, this.#o.serverName, tool))
  }

  /** Drops the cached list of this server (for every partition). */
  invalidate(): void {
    this.#o.cache?.invalidate(this.#o.cacheKey)
  }

  async #fetch(partition: string, signal: AbortSignal | undefined): Promise<Tool[]> {
    const tools: Tool[] = []
    let cursor: string | undefined
    let scope: 'public' | 'private' = 'private'
    let ttlMs: number | undefined
    do {
      const page = await this.#o.run('tools/list', cursor === undefined ? {} : { cursor }, {
        signal,
        idempotent: true,
      })
      if (!Array.isArray(page.tools))
        throw new McpProtocolError('tools/list result has no "tools" array', this.#o.site)
      tools.push(...this.#o.session.acceptTools(page.tools as Tool[]))
      if (page.cacheScope === 'public') scope = 'public'
      // ttlMs 0 means "no guidance" (SDK default); a positive hint bounds our cache.
      if (typeof page.ttlMs === 'number' && page.ttlMs > 0)
        ttlMs = Math.min(ttlMs ?? Number.POSITIVE_INFINITY, page.ttlMs)
      cursor = typeof page.nextCursor === 'string' && page.nextCursor.length > 0 ? page.nextCursor : undefined
    } while (cursor !== undefined)
    const ours = this.#o.ttlSeconds
    if (ours !== undefined) ttlMs = Math.min(ttlMs ?? Number.POSITIVE_INFINITY, ours * 1000)
    this.#o.cache?.set(this.#o.cacheKey, { tools, scope, identity: partition, ttlMs })
    return tools
  }
}
