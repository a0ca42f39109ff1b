/**
 * 2025-era Streamable HTTP sessions: one per `initialize`, each with an optional GET stream.
 * A session belongs to the caller that created it (authenticated subject and client id): to
 * anyone else it does not exist. Sessions are capped (`maxSessions`) and reaped when idle.
 */
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { JsonRpcNotification } from '../../protocol/jsonrpc.js'
import type { SessionRecord } from './fleet-store.js'
import type { ReplayableStream } from './replayable-stream.js'
import type { Identity } from './request-dispatcher.js'
import { SSE_KEEPALIVE, sseEvent } from './sse-framing.js'

export interface LegacySession {
  readonly id: string
  /** Who created the session (`ownerOf(identity)`); '' when the server does not authenticate. */
  readonly owner: string
  readonly protocolVersion: string
  readonly clientInfo: Record<string, unknown> | undefined
  readonly clientCapabilities: Record<string, unknown>
  /** Minimum level the client asked for with `logging/setLevel`. */
  logLevel: string | undefined
  lastSeenMs: number
  /** When the fleet store's idle expiry was last restarted (fleet only). */
  touchedMs?: number
  stream: ServerResponse | undefined
  /** Open GET connections: the standalone stream and resumed answers. */
  openStreams: number
  /** In-flight requests of this session, for `notifications/cancelled`. */
  readonly inFlight: Map<string | number, { abort(reason: unknown): void }>
  /** Resource URIs the client subscribed to (`resources/subscribe`). */
  readonly subscriptions: Set<string>
  /** Resumable POST answers, by stream id (2025-11-25). */
  readonly streams: Map<string, ReplayableStream>
  /** Requests this server sent the client (sampling, elicitation, roots), by JSON-RPC id. */
  readonly pending: Map<string, PendingRequest>
  /** Counter for server-request ids. */
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

/** The owner key of an identity: sessions are bound to subject and client id together. */
export function ownerOf(identity: Identity | undefined): string {
  return identity ? `${identity.subject}\u0000${identity.clientId ?? ''}` : ''
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

  /** Every session held here. */
  values(): IterableIterator<LegacySession> {
    return this.#sessions.values()
  }

  /** Sessions with an open GET stream. */
  get streamCount(): number {
    let count = 0
    for (const session of this.#sessions.values())
      if (session.stream && !session.stream.writableEnded) count++
    return count
  }

  create(
    init: Pick<LegacySession, 'owner' | 'protocolVersion' | 'clientInfo' | 'clientCapabilities'>,
    // randomUUID draws from the CSPRNG: session ids must not be guessable (spec, Security).
    id: string = randomUUID(),
  ): LegacySession {
    const session = newLegacySession(init, id)
    this.#sessions.set(session.id, session)
    return session
  }

  /**
   * Caches a session another replica of the fleet created (or refreshes the cached copy:
   * log level and subscriptions are updated in place, streams stay attached).
   */
  adopt(record: SessionRecord): LegacySession {
    const cached = this.#sessions.get(record.id)
    if (!cached) {
      const { owner, protocolVersion, clientInfo, clientCapabilities } = record
      const session = this.create({ owner, protocolVersion, clientInfo, clientCapabilities }, record.id)
      session.logLevel = record.logLevel
      for (const uri of record.subscriptions) session.subscriptions.add(uri)
      return session
    }
    cached.logLevel = record.logLevel
    cached.subscriptions.clear()
    for (const uri of record.subscriptions) cached.subscriptions.add(uri)
    return cached
  }

  /** The session `id` names, whoever owns it (fleet messages, already authorized where they came from). */
  cached(id: string): LegacySession | undefined {
    return this.#sessions.get(id)
  }

  /** The session `id` names, if it belongs to `owner`: another caller's session is not found. */
  get(id: string, owner: string): LegacySession | undefined {
    const session = this.#sessions.get(id)
    if (!session || session.owner !== owner) return undefined
    session.lastSeenMs = Date.now()
    return session
  }

  /** Ends a session: aborts its in-flight calls, drops its kept answers, closes its GET stream. */
  delete(id: string): boolean {
    const session = this.#sessions.get(id)
    if (!session) return false
    this.#sessions.delete(id)
    for (const controller of session.inFlight.values()) controller.abort(new Error('session terminated'))
    for (const pending of session.pending.values()) pending.reject(new Error('session terminated'))
    session.pending.clear()
    for (const stream of [...session.streams.values()]) stream.release()
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

  /** Ends every standalone GET stream (shutdown: sessions stay until their calls are done). */
  endStreams(): void {
    for (const session of this.#sessions.values()) session.stream?.end()
  }

  /**
   * Sends a notification on every open GET stream (e.g. `notifications/tools/list_changed`),
   * or only on those of sessions `to` accepts.
   */
  broadcast(
    notification: JsonRpcNotification,
    to?: (session: LegacySession) => boolean,
    eventId?: string,
  ): number {
    let sent = 0
    const frame = sseEvent(notification, eventId)
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
      if (session.lastSeenMs < oldest && session.openStreams === 0 && session.inFlight.size === 0)
        this.delete(session.id)
    }
  }
}

/** A fresh session record: no stream, nothing in flight, seen now. */
export function newLegacySession(
  init: Pick<LegacySession, 'owner' | 'protocolVersion' | 'clientInfo' | 'clientCapabilities'>,
  id: string,
): LegacySession {
  return {
    id,
    ...init,
    logLevel: undefined,
    lastSeenMs: Date.now(),
    touchedMs: 0,
    stream: undefined,
    openStreams: 0,
    inFlight: new Map(),
    subscriptions: new Set(),
    streams: new Map(),
    pending: new Map(),
    nextId: 1,
  }
}
