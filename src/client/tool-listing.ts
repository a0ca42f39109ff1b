/**
 * `tools/list` for one client: pages followed (within limits, refusing loops), each definition
 * checked (`tool-definitions.ts`, `x-mcp-header`), the list kept in the tool-list cache when
 * `cacheToolsList` is on, and the last definitions remembered: their annotations decide whether
 * a `tools/call` may be retried, and are learned (one listing, shared) when a decision needs them.
 */
import { type ErrorSite, McpProtocolError } from '../protocol/errors.js'
import { printable } from '../protocol/printable.js'
import type { Tool } from '../protocol/types.js'
import type { ClientSession } from '../transport/client/client-session.js'
import { type ToolFilter, toolAllowed } from './options.js'
import { SharedFetch } from './shared-fetch.js'
import type { ToolListCache } from './tool-cache.js'
import { checkToolDefinition, type ResolvedToolListLimits } from './tool-definitions.js'

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
  /** `ttlMs` ≤ 0 means "stale at once" (not cached) instead of "no guidance". */
  strictCacheHints: boolean
  limits: ResolvedToolListLimits
  onWarning: (message: string) => void
}

export class ToolListing {
  readonly #o: ToolListingOptions
  /** Tools from the last list, by name. */
  readonly known = new Map<string, Tool>()
  #learning: SharedFetch<unknown> | undefined

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

  /**
   * Whether the tool's annotations make it safe to repeat, listing the tools first when it is
   * not known yet (through the cache; concurrent callers share one listing). A listing that
   * fails answers `false`: when unsure, a call is not repeated.
   */
  async idempotent(name: string, signal: AbortSignal | undefined): Promise<boolean> {
    if (!this.known.has(name)) {
      this.#learning ??= new SharedFetch((shared) =>
        this.list(shared).finally(() => {
          this.#learning = undefined
        }),
      )
      await this.#learning.wait(signal).catch(() => {
        signal?.throwIfAborted()
      })
    }
    return annotatedIdempotent(this.known.get(name))
  }

  /** Drops the cached list of this server (for every partition). */
  invalidate(): void {
    this.#o.cache?.invalidate(this.#o.cacheKey)
  }

  async #fetch(partition: string, signal: AbortSignal | undefined): Promise<Tool[]> {
    const { limits, site } = this.#o
    const tools: Tool[] = []
    const cursors = new Set<string>()
    let cursor: string | undefined
    let scope: 'public' | 'private' = 'private'
    let ttlMs: number | undefined
    let stale = false
    for (let page = 1; ; page++) {
      const result = await this.#o.run('tools/list', cursor === undefined ? {} : { cursor }, {
        signal,
        idempotent: true,
      })
      if (!Array.isArray(result.tools))
        throw new McpProtocolError('tools/list result has no "tools" array', site)
      if (tools.length + result.tools.length > limits.maxTools) {
        throw new McpProtocolError(
          `tools/list returned more than ${limits.maxTools} tools (toolListLimits.maxTools)`,
          site,
        )
      }
      const checked: Tool[] = []
      for (const raw of result.tools as unknown[]) {
        const check = checkToolDefinition(raw, limits)
        if (!check.ok) {
          this.#o.onWarning(check.problem)
          continue
        }
        for (const note of check.notes) this.#o.onWarning(note)
        checked.push(check.tool)
      }
      for (const tool of this.#o.session.acceptTools(checked)) tools.push(tool)
      if (result.cacheScope === 'public') scope = 'public'
      const hint = result.ttlMs
      if (typeof hint === 'number' && Number.isFinite(hint)) {
        // A positive hint bounds the cache; 0 or less is "no guidance" unless strictCacheHints.
        if (hint > 0) ttlMs = Math.min(ttlMs ?? Number.POSITIVE_INFINITY, hint)
        else if (this.#o.strictCacheHints) stale = true
      }
      // Absent (or null) ends the list; any string, the empty one included, is a cursor.
      const next = result.nextCursor
      if (typeof next !== 'string') break
      if (cursors.has(next)) {
        throw new McpProtocolError(
          `tools/list returned the cursor "${printable(next, { maxChars: 80, oneLine: true })}" a second time: the server pages in a loop`,
          site,
        )
      }
      if (page >= limits.maxPages) {
        throw new McpProtocolError(
          `tools/list still had more pages after ${limits.maxPages} (toolListLimits.maxPages): the server may page forever`,
          site,
        )
      }
      cursors.add(next)
      cursor = next
    }
    const ours = this.#o.ttlSeconds
    if (ours !== undefined) ttlMs = Math.min(ttlMs ?? Number.POSITIVE_INFINITY, ours * 1000)
    if (!stale) this.#o.cache?.set(this.#o.cacheKey, { tools, scope, identity: partition, ttlMs })
    return tools
  }
}

/** `idempotentHint` or `readOnlyHint` set to `true` (a string "false" is not true). */
export function annotatedIdempotent(tool: Tool | undefined): boolean {
  const annotations = tool?.annotations
  return annotations?.idempotentHint === true || annotations?.readOnlyHint === true
}
