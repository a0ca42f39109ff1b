/**
 * What the replicas of a fleet share, as the transport sees it: 2025-era session records,
 * the events of resumable answers, liveness of replicas, and a bus for the messages that must
 * reach every replica (notifications, cancellations, session changes, a client's answer to a
 * request another replica sent). The transport never knows which engine is behind it: without
 * a store it keeps everything in this process (today's behaviour); `src/server/store/` has the
 * Redis implementation.
 */
import type { JsonRpcNotification, JsonRpcResponse, RequestId } from '../../protocol/jsonrpc.js'

/** A 2025-era session as every replica knows it. */
export interface SessionRecord {
  id: string
  /** `ownerOf(identity)` of the caller that created it ('' without authentication). */
  owner: string
  protocolVersion: string
  clientInfo: Record<string, unknown> | undefined
  clientCapabilities: Record<string, unknown>
  logLevel: string | undefined
  /** Resource URIs the client subscribed to. */
  subscriptions: string[]
}

/** A message every replica receives (the sender applies it to itself first). */
export type FleetMessage =
  /** `eventId`: its entry in the notification log (the GET streams' event id), when it was logged. */
  | { kind: 'broadcast'; notification: JsonRpcNotification; eventId: string | undefined }
  | { kind: 'resourceUpdated'; uri: string; eventId: string | undefined }
  /** The record changed (log level, subscriptions): cached copies reload it. */
  | { kind: 'sessionChanged'; sessionId: string }
  /** DELETE (or expiry noticed): cached copies end, their calls are cancelled. */
  | { kind: 'sessionEnded'; sessionId: string }
  | { kind: 'cancel'; sessionId: string; requestId: RequestId; reason: string }
  /** A client's answer to a request `replica` sent it, POSTed to another replica. */
  | { kind: 'answer'; replica: string; sessionId: string; response: JsonRpcResponse }

/** An entry of the fleet's notification log: what 2025-era GET streams received. */
export interface LoggedNotification {
  id: string
  json: string
  /** For `resources/updated`: only sessions subscribed to it receive it. */
  uri: string | undefined
}

/** Names one resumable answer's events: they belong to one session. */
export interface EventStreamKey {
  sessionId: string
  streamId: string
}

/** One event of a resumable answer, as kept in the store. */
export interface AnswerEvent {
  seq: number
  /** The SSE frame, id included. */
  frame: string
  /** The answer itself (the last event). */
  final: boolean
}

export interface StoredEvents {
  /** `[seq, frame]` after the sequence number asked for, in order. */
  events: Array<[seq: number, frame: string]>
  /** The final event (the answer) is among those stored. */
  done: boolean
  /** Anything is stored under that key at all. */
  exists: boolean
}

/**
 * The shared state of a fleet. Every call is bounded in time (a store that does not answer
 * fails the call); methods returning `void` are fire-and-forget and report failures themselves.
 */
export interface FleetStore {
  /** This replica's id (random per process): part of the ids it gives streams and requests. */
  readonly replicaId: string
  /** Connected and usable now; false while the store is down (session-bound requests get 503). */
  readonly available: boolean
  saveSession(record: SessionRecord, idleSeconds: number): Promise<void>
  loadSession(id: string): Promise<SessionRecord | undefined>
  /** Restarts the session's idle expiry. */
  touchSession(id: string, idleSeconds: number): void
  deleteSession(id: string): Promise<boolean>
  /** Appends one event of a resumable answer (bounded and expiring in the store). */
  appendEvent(key: EventStreamKey, event: AnswerEvent): void
  readEvents(key: EventStreamKey, afterSeq: number): Promise<StoredEvents>
  /** Logs a notification for 2025-era GET streams (bounded); resolves with its event id. */
  logNotification(json: string, uri: string | undefined): Promise<string>
  /** Logged notifications after `afterId` (a GET stream resuming with `Last-Event-ID`). */
  readNotifications(afterId: string): Promise<LoggedNotification[]>
  /** Whether the replica is alive (it refreshes a heartbeat while it runs). */
  replicaAlive(replicaId: string): Promise<boolean>
  publish(message: FleetMessage): void
  /** Every message another replica publishes reaches `listener`. */
  subscribe(listener: (message: FleetMessage) => void): void
}
