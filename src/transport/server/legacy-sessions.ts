/** 2025-era Streamable HTTP sessions: one per `initialize`, each with an optional GET stream. */
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { JsonRpcNotification } from '../../protocol/jsonrpc.js'
import type { ReplayableStream } from './replayable-stream.js'
import { SSE_KEEPALIVE, sseEvent } from './sse-framing.js'

export interface LegacySession {
  readonly id: string
  readonly protocolVersion: string
  readonly clientInfo: Record<string, unknown> | undefined
  readonly clientCapabilities: Record<string, unknown>
  /** Minimum level the client asked for with `logging/setLevel`. */
  logLevel: string | undefined
  lastSeenMs: number
  stream: ServerResponse | undefined
  /** In-flight requests of this session, for `notifications/cancelled`. */
  readonly inFlight: Map<string | number, { abort(reason: unknown): void }>
  /** Resource URIs the client subscribed to (`resources/subscribe`). */
  readonly subscriptions: Set<string>
  /** Resumable POST answers, by stream id (2025-11-25). */
  readonly streams: Map<string, ReplayableStream>
  /** Requests this server sent the client (sampling, elicitation, roots), by JSON-RPC id. */
  readonly pending: Map<string, PendingRequest>
  /** Counter for stream and server-request ids. */
  nextId: number
}

export interface PendingRequest {
  resolve(result: Record<string, unknown>): void
  reject(error: Error): void
}

export interface SessionStoreOptions {
  idleTimeoutSeconds: number
  keepAliveSeconds: number
}

export class SessionStore {
  readonly #sessions = new Map<string, LegacySession>()
  readonly #options: SessionStoreOptions
  readonly #sweeper: NodeJS.Timeout

  constructor(options: SessionStoreOptions) {
    this.#options = options
    const everyMs = Math.max(1000, Math.min(60_000, (options.idleTimeoutSeconds * 1000) / 2))
    this.#sweeper = setInterval(() => this.#sweep(), everyMs).unref()
  }

  get size(): number {
    return this.#sessions.size
  }

  /** Sessions with an open GET stream. */
  get streamCount(): number {
    let count = 0
    for (const session of this.#sessions.values())
      if (session.stream && !session.stream.writableEnded) count++
    return count
  }

  create(init: Pick<LegacySession, 'protocolVersion' | 'clientInfo' | 'clientCapabilities'>): LegacySession {
    // randomUUID draws from the CSPRNG: session ids must not be guessable (spec, Security).
    const session: LegacySession = {
      id: randomUUID(),
      ...init,
      logLevel: undefined,
      lastSeenMs: Date.now(),
      stream: undefined,
      inFlight: new Map(),
      subscriptions: new Set(),
      streams: new Map(),
      pending: new Map(),
      nextId: 1,
    }
    this.#sessions.set(session.id, session)
    return session
  }

  get(id: string): LegacySession | undefined {
    const session = this.#sessions.get(id)
    if (session) session.lastSeenMs = Date.now()
    return session
  }

  /** Ends a session: aborts its in-flight calls and closes its GET stream. */
  delete(id: string): boolean {
    const session = this.#sessions.get(id)
    if (!session) return false
    this.#sessions.delete(id)
    for (const controller of session.inFlight.values()) controller.abort(new Error('session terminated'))
    for (const pending of session.pending.values()) pending.reject(new Error('session terminated'))
    session.pending.clear()
    session.streams.clear()
    session.stream?.end()
    return true
  }

  /** Attaches a GET stream to the session; keep-alive comments flow until it closes. */
  attachStream(session: LegacySession, res: ServerResponse): void {
    session.stream = res
    const keepAlive = setInterval(
      () => res.write(SSE_KEEPALIVE),
      this.#options.keepAliveSeconds * 1000,
    ).unref()
    res.on('close', () => {
      clearInterval(keepAlive)
      if (session.stream === res) session.stream = undefined
    })
  }

  /**
   * Sends a notification on every open GET stream (e.g. `notifications/tools/list_changed`),
   * or only on those of sessions `to` accepts.
   */
  broadcast(notification: JsonRpcNotification, to?: (session: LegacySession) => boolean): number {
    let sent = 0
    const frame = sseEvent(notification)
    for (const session of this.#sessions.values()) {
      if (session.stream && !session.stream.writableEnded && (!to || to(session))) {
        session.stream.write(frame)
        sent++
      }
    }
    return sent
  }

  close(): void {
    clearInterval(this.#sweeper)
    for (const id of [...this.#sessions.keys()]) this.delete(id)
  }

  #sweep(): void {
    const oldest = Date.now() - this.#options.idleTimeoutSeconds * 1000
    for (const session of this.#sessions.values()) {
      if (session.lastSeenMs < oldest && !session.stream && session.inFlight.size === 0)
        this.delete(session.id)
    }
  }
}
