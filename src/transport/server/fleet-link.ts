/**
 * One replica's part in a fleet: 2025-era sessions are records in the fleet store, cached
 * here (a session created on replica A answers on B), kept fresh by the bus (log level,
 * subscriptions, DELETE), and their idle expiry is the store's. What reaches every replica
 * goes over the bus: notifications for GET and listen streams, cancellations, a client's
 * answer to a request another replica is waiting on. Resumable answers are mirrored into the
 * store so `Last-Event-ID` resumes on any replica.
 *
 * Outage policy: while the store is down, session-bound requests get 503 `store_unavailable`
 * (Retry-After) rather than answers a restarted fleet could not honour; stateless requests
 * (2026-07-28, or 2025 without sessions) need nothing shared and keep working.
 */
import type { ServerResponse } from 'node:http'
import {
  type JsonRpcNotification,
  type JsonRpcResponse,
  type RequestId,
  RpcError,
} from '../../protocol/jsonrpc.js'
import type { AnswerEvent, FleetMessage, FleetStore, SessionRecord } from './fleet-store.js'
import type { LegacySession, SessionStore } from './legacy-sessions.js'
import type { ListenStreams } from './listen-streams.js'
import { type HttpRejection, tryLater } from './request-checks.js'
import type { TransportLogger } from './server-policies.js'
import { SSE_HEADERS, sseFrame } from './sse-framing.js'

/** Methods whose handler changes the session record (the other replicas must see it). */
const RECORD_CHANGES = new Set(['logging/setLevel', 'resources/subscribe', 'resources/unsubscribe'])
/** How often a replica resuming another replica's answer looks for new events. */
const TAIL_POLL_MS = 200

export interface FleetLinkInit {
  store: FleetStore
  sessions: SessionStore
  listens: ListenStreams
  logger: TransportLogger
  idleSeconds: number
}

export class FleetLink {
  readonly store: FleetStore
  readonly #sessions: SessionStore
  readonly #listens: ListenStreams
  readonly #logger: TransportLogger
  readonly #idleSeconds: number
  /** The store's expiry is restarted at most this often per session (not on every request). */
  readonly #touchEveryMs: number
  readonly #loading = new Map<string, Promise<SessionRecord | undefined>>()
  readonly #keeper: NodeJS.Timeout

  constructor(init: FleetLinkInit) {
    this.store = init.store
    this.#sessions = init.sessions
    this.#listens = init.listens
    this.#logger = init.logger
    this.#idleSeconds = init.idleSeconds
    this.#touchEveryMs = Math.min(30_000, (init.idleSeconds * 1000) / 10)
    init.store.subscribe((message) => this.#receive(message))
    // A session busy only with a long call or a GET stream sends no requests: its record must
    // not expire in the store meanwhile.
    this.#keeper = setInterval(() => {
      for (const session of this.#sessions.values())
        if (session.openStreams > 0 || session.inFlight.size > 0) this.touch(session)
    }, this.#touchEveryMs).unref()
  }

  /** Stops refreshing the expiry of busy sessions. */
  close(): void {
    clearInterval(this.#keeper)
  }

  get replicaId(): string {
    return this.store.replicaId
  }

  /** 503 `store_unavailable` when the store is down. */
  assertAvailable(id: RequestId | null): void {
    if (!this.store.available) throw storeUnavailable(id)
  }

  /** Records a session `initialize` just opened here. */
  async created(session: LegacySession, requestId: RequestId): Promise<void> {
    session.touchedMs = Date.now()
    try {
      await this.store.saveSession(recordOf(session), this.#idleSeconds)
    } catch (error) {
      this.#sessions.delete(session.id)
      this.#logger.warn({ err: error, sessionId: session.id }, 'fleet store failed: session not recorded')
      throw storeUnavailable(requestId)
    }
  }

  /** The session from the store when it is not cached here; undefined when it does not exist. */
  async adopt(sessionId: string, owner: string): Promise<LegacySession | undefined> {
    let loading = this.#loading.get(sessionId)
    if (!loading) {
      loading = this.store.loadSession(sessionId).finally(() => this.#loading.delete(sessionId))
      this.#loading.set(sessionId, loading)
    }
    let record: SessionRecord | undefined
    try {
      record = await loading
    } catch (error) {
      this.#logger.warn({ err: error, sessionId }, 'fleet store failed: session not loaded')
      throw storeUnavailable(null)
    }
    if (!record) return undefined
    const session = this.#sessions.adopt(record)
    if (session.owner !== owner) return undefined
    session.touchedMs = Date.now()
    return session
  }

  /** Restarts the session's idle expiry in the store, at most every `#touchEveryMs`. */
  touch(session: LegacySession): void {
    const now = Date.now()
    if (now - (session.touchedMs ?? 0) < this.#touchEveryMs) return
    session.touchedMs = now
    this.store.touchSession(session.id, this.#idleSeconds)
  }

  /** Whether a method's handler changes the session record (log level, subscriptions). */
  changesRecord(method: string): boolean {
    return RECORD_CHANGES.has(method)
  }

  /** After such a request: saves the record and tells the fleet, before the answer is sent. */
  async answered(session: LegacySession): Promise<void> {
    try {
      await this.store.saveSession(recordOf(session), this.#idleSeconds)
      this.store.publish({ kind: 'sessionChanged', sessionId: session.id })
    } catch (error) {
      this.#logger.warn(
        { err: error, sessionId: session.id },
        'fleet store failed: session change not shared',
      )
    }
  }

  /** DELETE: the session ends on every replica. */
  async ended(sessionId: string): Promise<void> {
    try {
      await this.store.deleteSession(sessionId)
    } catch (error) {
      this.#logger.warn({ err: error, sessionId }, 'fleet store failed: session not deleted')
      throw storeUnavailable(null)
    }
    this.store.publish({ kind: 'sessionEnded', sessionId })
  }

  /** The id of a request this replica sends a client: names the replica its answer goes to. */
  requestId(session: LegacySession): string {
    return `toolwire-${session.nextId++}@${this.store.replicaId}`
  }

  /** A client's answer to a request another replica sent: sends it there. False when it is ours or nobody's. */
  forwardAnswer(session: LegacySession, response: JsonRpcResponse): boolean {
    const id = String(response.id)
    const at = id.lastIndexOf('@')
    if (!id.startsWith('toolwire-') || at < 0) return false
    const replica = id.slice(at + 1)
    if (replica === this.store.replicaId) return false
    this.store.publish({ kind: 'answer', replica, sessionId: session.id, response })
    return true
  }

  cancel(session: LegacySession, requestId: string | number, reason: string): void {
    this.store.publish({ kind: 'cancel', sessionId: session.id, requestId, reason })
  }

  /**
   * Logs the notification (so GET streams that reconnect anywhere receive it), then delivers it
   * on every replica. Returns this replica's open notification streams.
   */
  broadcast(notification: JsonRpcNotification): number {
    void this.#log(notification, undefined).then((eventId) => {
      this.store.publish({ kind: 'broadcast', notification, eventId })
      this.#sessions.broadcast(notification, undefined, streamEventId(eventId))
      this.#listens.broadcast(notification)
    })
    return this.#sessions.streamCount + this.#listens.size
  }

  /** `notifications/resources/updated`, logged and delivered like `broadcast`. */
  resourceUpdated(uri: string): number {
    void this.#log(resourceUpdatedNotification(uri), uri).then((eventId) => {
      this.store.publish({ kind: 'resourceUpdated', uri, eventId })
      localResourceUpdated(this.#sessions, this.#listens, { uri, eventId })
    })
    return this.#sessions.streamCount + this.#listens.size
  }

  /**
   * A GET stream reopened with `Last-Event-ID: n:<id>` (on any replica): the notifications the
   * session missed since, after the stream is attached. A notification that arrives meanwhile
   * may come twice (they say "something changed": receiving one twice is harmless; missing one
   * is not).
   */
  async replayNotifications(session: LegacySession, res: ServerResponse, lastEventId: string): Promise<void> {
    if (!/^n:\d+-\d+$/.test(lastEventId)) return
    let missed: Awaited<ReturnType<FleetStore['readNotifications']>>
    try {
      missed = await this.store.readNotifications(lastEventId.slice(2))
    } catch (error) {
      this.#logger.warn(
        { err: error, sessionId: session.id },
        'fleet store failed: missed notifications not replayed',
      )
      return
    }
    for (const entry of missed) {
      if (res.writableEnded || res.destroyed) return
      if (entry.uri !== undefined && !session.subscriptions.has(entry.uri)) continue
      res.write(sseFrame(entry.json, `n:${entry.id}`))
    }
  }

  async #log(notification: JsonRpcNotification, uri: string | undefined): Promise<string | undefined> {
    try {
      return await this.store.logNotification(JSON.stringify(notification), uri)
    } catch (error) {
      this.#logger.warn(
        { err: error, method: notification.method },
        'fleet store failed: notification not logged',
      )
      return undefined
    }
  }

  /** Where the events of a resumable answer are mirrored: `<replica>.` opens its stream id. */
  get streamIdPrefix(): string {
    return `${this.store.replicaId}.`
  }

  mirror(session: LegacySession): (streamId: string, event: AnswerEvent) => void {
    return (streamId, event) => this.store.appendEvent({ sessionId: session.id, streamId }, event)
  }

  /**
   * Resumes an answer another replica wrote (or this one already released): replays the
   * events after `afterSeq`, then follows new ones while their writer is alive. False when
   * the store knows no such answer.
   */
  async resume(
    session: LegacySession,
    at: { streamId: string; seq: number },
    { res, admit }: { res: ServerResponse; admit: () => void },
  ): Promise<boolean> {
    const key = { sessionId: session.id, streamId: at.streamId }
    let read: Awaited<ReturnType<FleetStore['readEvents']>>
    try {
      read = await this.store.readEvents(key, at.seq)
    } catch {
      throw storeUnavailable(null)
    }
    if (!read.exists) return false
    admit()
    res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': session.id })
    const writer = at.streamId.slice(0, Math.max(0, at.streamId.indexOf('.')))
    let last = at.seq
    for (;;) {
      for (const [seq, frame] of read.events) {
        res.write(frame)
        last = seq
      }
      if (read.done || res.destroyed || res.writableEnded) break
      await new Promise((resolve) => setTimeout(resolve, TAIL_POLL_MS))
      if (res.destroyed) break
      try {
        read = await this.store.readEvents(key, last)
        // Nothing new and its writer is gone: the rest will never come (the client retries).
        if (read.events.length === 0 && !(await this.store.replicaAlive(writer))) break
      } catch {
        break
      }
    }
    res.end()
    return true
  }

  #receive(message: FleetMessage): void {
    switch (message.kind) {
      case 'broadcast':
        this.#sessions.broadcast(message.notification, undefined, streamEventId(message.eventId))
        this.#listens.broadcast(message.notification)
        return
      case 'resourceUpdated':
        localResourceUpdated(this.#sessions, this.#listens, message)
        return
      case 'sessionEnded':
        this.#sessions.delete(message.sessionId)
        return
      case 'sessionChanged': {
        if (!this.#sessions.cached(message.sessionId)) return
        this.store.loadSession(message.sessionId).then(
          (record) => {
            if (record) this.#sessions.adopt(record)
            else this.#sessions.delete(message.sessionId)
          },
          (error: unknown) => this.#logger.warn({ err: error }, 'fleet store failed: session not reloaded'),
        )
        return
      }
      case 'cancel':
        this.#sessions
          .cached(message.sessionId)
          ?.inFlight.get(message.requestId)
          ?.abort(new Error(message.reason))
        return
      case 'answer': {
        if (message.replica !== this.store.replicaId) return
        const pending = this.#sessions.cached(message.sessionId)?.pending.get(String(message.response.id))
        if (!pending) return
        const response = message.response
        if ('result' in response) pending.resolve(response.result as Record<string, unknown>)
        else pending.reject(new RpcError(response.error.code, response.error.message, response.error.data))
        return
      }
    }
  }
}

/** `notifications/resources/updated` to this replica's subscribed sessions and listen streams. */
export function localResourceUpdated(
  sessions: SessionStore,
  listens: ListenStreams,
  { uri, eventId }: { uri: string; eventId?: string | undefined },
): number {
  return (
    sessions.broadcast(
      resourceUpdatedNotification(uri),
      (session) => session.subscriptions.has(uri),
      streamEventId(eventId),
    ) + listens.resourceUpdated(uri)
  )
}

function resourceUpdatedNotification(uri: string): JsonRpcNotification {
  return { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri } }
}

/** The SSE event id of a logged notification on GET streams. */
function streamEventId(logId: string | undefined): string | undefined {
  return logId === undefined ? undefined : `n:${logId}`
}

function recordOf(session: LegacySession): SessionRecord {
  return {
    id: session.id,
    owner: session.owner,
    protocolVersion: session.protocolVersion,
    clientInfo: session.clientInfo,
    clientCapabilities: session.clientCapabilities,
    logLevel: session.logLevel,
    subscriptions: [...session.subscriptions],
  }
}

/** The answer while the fleet store is down: the request needs shared state it cannot reach. */
export function storeUnavailable(id: string | number | null): HttpRejection {
  return tryLater(
    'Session store unavailable: 2025-era sessions are shared by the fleet and the store cannot be reached; retry shortly',
    undefined,
    { reason: 'store_unavailable', retryAfterSeconds: 2, id },
  )
}
