/** The inspector's request history: what was asked, how it went, how long it took, its trace id. */

/** One request as the page shows it. */
export interface HistoryEntry {
  id: number
  /** The MCP method (`tools/call`, `tools/list`, …) or `connect`, `load`. */
  method: string
  /** A one-line summary: the tool name, the server URL. */
  target: string
  status: 'ok' | 'tool-error' | 'error' | 'cancelled' | 'pending'
  startedAt: string
  durationMs?: number
  traceId?: string
  /** The JSON-RPC request, as the client sent it (without the transport's `_meta`). */
  request: Record<string, unknown>
  /** The JSON-RPC response (`result` or `error`). */
  response?: Record<string, unknown>
  /** The same call as a `toolwire call …` command (tool calls only). */
  command?: string
}

export interface RequestHistoryOptions {
  /** Entries kept; older ones are dropped. @default 200 */
  maxEntries?: number
}

export class RequestHistory {
  readonly #entries: HistoryEntry[] = []
  readonly #max: number
  #next = 1

  constructor(options: RequestHistoryOptions = {}) {
    this.#max = options.maxEntries ?? 200
  }

  /** Records a request that has started; finish it with `finish`. */
  start(request: {
    method: string
    target: string
    params: Record<string, unknown>
    command?: string
  }): HistoryEntry {
    const { method, target, params, command } = request
    const id = this.#next++
    const entry: HistoryEntry = {
      id,
      method,
      target,
      status: 'pending',
      startedAt: new Date().toISOString(),
      request: { jsonrpc: '2.0', id, method, params },
      ...(command === undefined ? {} : { command }),
    }
    this.#entries.push(entry)
    if (this.#entries.length > this.#max) this.#entries.shift()
    return entry
  }

  /** Completes an entry with its outcome. */
  finish(
    entry: HistoryEntry,
    outcome: {
      status: Exclude<HistoryEntry['status'], 'pending'>
      startedMs: number
      result?: unknown
      error?: { code: number | string; message: string; data?: unknown }
      traceId?: string | undefined
    },
  ): HistoryEntry {
    entry.status = outcome.status
    entry.durationMs = Math.round((performance.now() - outcome.startedMs) * 10) / 10
    if (outcome.traceId) entry.traceId = outcome.traceId
    entry.response =
      outcome.error === undefined
        ? { jsonrpc: '2.0', id: entry.id, result: outcome.result ?? {} }
        : { jsonrpc: '2.0', id: entry.id, error: outcome.error }
    return entry
  }

  /** Newest first. */
  list(): HistoryEntry[] {
    return [...this.#entries].reverse()
  }

  get(id: number): HistoryEntry | undefined {
    return this.#entries.find((e) => e.id === id)
  }
}
