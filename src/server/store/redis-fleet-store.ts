/**
 * The fleet store on Redis: sessions are hashes with an idle expiry, resumable answers are
 * Redis Streams (bounded with MAXLEN, expiring), replicas refresh a heartbeat key, and one
 * pub/sub channel carries the fleet's messages. ioredis is loaded on first use, so a server
 * without a store never loads it.
 *
 * Nothing waits on a Redis that does not answer: commands are not queued while disconnected
 * and each one times out (`commandTimeoutMs`); the transport turns failures into 503
 * `store_unavailable` for session-bound requests. ioredis reconnects on its own.
 */
import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { ToolwireConfigError } from '../../protocol/errors.js'
import { importOptional } from '../../protocol/optional-package.js'
import type {
  AnswerEvent,
  EventStreamKey,
  FleetMessage,
  FleetStore,
  LoggedNotification,
  SessionRecord,
  StoredEvents,
} from '../../transport/server/fleet-store.js'
import type { StoreOptions } from './store-options.js'

/** How long a finished answer's events stay resumable, and a replica heartbeat's lifetime. */
const EVENTS_TTL_MS = 5 * 60_000
const HEARTBEAT_EVERY_MS = 1000
const HEARTBEAT_TTL_MS = 3000
/** Events kept per resumable answer (the oldest are trimmed past it). */
const MAX_EVENTS_PER_STREAM = 1000
/** Notifications kept for GET streams that reconnect, and how long after the last one. */
const MAX_LOGGED_NOTIFICATIONS = 1000
const NOTIFICATIONS_TTL_MS = 60 * 60_000

export interface RedisFleetStoreInit {
  /** Told of failures of fire-and-forget writes (they never fail a request). */
  onError: (error: unknown, what: string) => void
  /** Each Redis command's time limit, in milliseconds. @default 1000 */
  commandTimeoutMs?: number
}

type Lines = Record<string, string>

export class RedisFleetStore implements FleetStore {
  readonly replicaId = randomBytes(6).toString('hex')
  readonly #prefix: string
  readonly #init: RedisFleetStoreInit
  readonly #listeners: Array<(message: FleetMessage) => void> = []
  readonly #connecting: Promise<void>
  #client: Redis | undefined
  #subscriber: Redis | undefined
  #heartbeat: NodeJS.Timeout | undefined
  #closed = false

  /** Starts connecting at once; `ready()` says when the first connection is up. */
  constructor(options: StoreOptions, init: RedisFleetStoreInit) {
    if (!/^rediss?:\/\//.test(options.redisUrl)) {
      throw new ToolwireConfigError(
        `option "store.redisUrl" must be a redis:// or rediss:// URL, got "${options.redisUrl}"`,
      )
    }
    this.#prefix = options.keyPrefix ?? 'toolwire:'
    this.#init = init
    this.#connecting = this.#connect(options.redisUrl)
    this.#connecting.catch(() => {})
  }

  /** Resolves once connected (rejects when ioredis is not installed). */
  ready(): Promise<void> {
    return this.#connecting
  }

  get available(): boolean {
    return this.#client?.status === 'ready' && this.#subscriber?.status === 'ready'
  }

  async #connect(url: string): Promise<void> {
    const Client: typeof Redis = (
      await importOptional('ioredis', 'The fleet store (option "store")', () => import('ioredis'))
    ).Redis
    if (this.#closed) return
    const client = new Client(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: this.#init.commandTimeoutMs ?? 1000,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 100, 1000),
    })
    // The subscriber queues its SUBSCRIBE until connected and renews it after reconnecting.
    const subscriber = new Client(url, {
      lazyConnect: true,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 100, 1000),
    })
    this.#client = client
    this.#subscriber = subscriber
    client.on('error', () => {}) // status says it; every failed command reports its own error
    subscriber.on('error', () => {})
    const channel = `${this.#prefix}fleet`
    subscriber.on('message', (_channel: string, text: string) => this.#deliver(text))
    const beat = () => {
      client
        .set(this.#key('replica', this.replicaId), '1', 'PX', HEARTBEAT_TTL_MS)
        .catch((error: unknown) => this.#init.onError(error, 'heartbeat'))
    }
    this.#heartbeat = setInterval(() => {
      if (client.status === 'ready') beat()
    }, HEARTBEAT_EVERY_MS).unref()
    client.on('ready', beat)
    await Promise.all([client.connect(), subscriber.connect().then(() => subscriber.subscribe(channel))])
  }

  #key(kind: string, ...parts: string[]): string {
    return parts.length === 0 ? `${this.#prefix}${kind}` : `${this.#prefix}${kind}:${parts.join(':')}`
  }

  #redis(): Redis {
    if (!this.#client) throw new Error('the fleet store is not connected yet')
    return this.#client
  }

  async saveSession(record: SessionRecord, idleSeconds: number): Promise<void> {
    const key = this.#key('session', record.id)
    const fields: Lines = {
      owner: record.owner,
      version: record.protocolVersion,
      capabilities: JSON.stringify(record.clientCapabilities),
      subscriptions: JSON.stringify(record.subscriptions),
      clientInfo: record.clientInfo ? JSON.stringify(record.clientInfo) : '',
      logLevel: record.logLevel ?? '',
    }
    const done = await this.#redis()
      .multi()
      .hset(key, fields)
      .pexpire(key, Math.ceil(idleSeconds * 1000))
      .exec()
    const failed = done?.find(([error]) => error)
    if (!done || failed) throw failed?.[0] ?? new Error('session not saved (transaction discarded)')
  }

  async loadSession(id: string): Promise<SessionRecord | undefined> {
    const fields = (await this.#redis().hgetall(this.#key('session', id))) as Lines
    if (fields.owner === undefined || fields.version === undefined) return undefined
    return {
      id,
      owner: fields.owner,
      protocolVersion: fields.version,
      clientInfo: fields.clientInfo ? parseObject(fields.clientInfo) : undefined,
      clientCapabilities: parseObject(fields.capabilities ?? '{}'),
      logLevel: fields.logLevel || undefined,
      subscriptions: parseStrings(fields.subscriptions ?? '[]'),
    }
  }

  touchSession(id: string, idleSeconds: number): void {
    this.#client
      ?.pexpire(this.#key('session', id), Math.ceil(idleSeconds * 1000))
      .catch((error: unknown) => this.#init.onError(error, 'session expiry'))
  }

  async deleteSession(id: string): Promise<boolean> {
    return (await this.#redis().del(this.#key('session', id))) > 0
  }

  appendEvent(key: EventStreamKey, { seq, frame, final }: AnswerEvent): void {
    const client = this.#client
    if (!client) return
    const stream = this.#key('events', key.sessionId, key.streamId)
    const fields = final ? ['frame', frame, 'final', '1'] : ['frame', frame]
    client
      .pipeline()
      .xadd(stream, 'MAXLEN', '~', MAX_EVENTS_PER_STREAM, `${seq}-0`, ...fields)
      .pexpire(stream, EVENTS_TTL_MS)
      .exec()
      .then((results) => {
        const failed = results?.find(([error]) => error)
        if (failed) this.#init.onError(failed[0], 'resumable event')
      })
      .catch((error: unknown) => this.#init.onError(error, 'resumable event'))
  }

  async readEvents(key: EventStreamKey, afterSeq: number): Promise<StoredEvents> {
    const stream = this.#key('events', key.sessionId, key.streamId)
    const entries = await this.#redis().xrange(stream, `${afterSeq + 1}-0`, '+', 'COUNT', 1000)
    const events: Array<[number, string]> = []
    let done = false
    for (const [id, fields] of entries) {
      const at = fields.indexOf('frame')
      if (at >= 0) events.push([Number.parseInt(id, 10), fields[at + 1] ?? ''])
      if (fields.includes('final')) done = true
    }
    const exists = events.length > 0 || (await this.#redis().exists(stream)) > 0
    return { events, done, exists }
  }

  async logNotification(json: string, uri: string | undefined): Promise<string> {
    const key = this.#key('notifications')
    const fields = uri === undefined ? ['json', json] : ['json', json, 'uri', uri]
    const results = await this.#redis()
      .pipeline()
      .xadd(key, 'MAXLEN', '~', MAX_LOGGED_NOTIFICATIONS, '*', ...fields)
      .pexpire(key, NOTIFICATIONS_TTL_MS)
      .exec()
    const [error, id] = results?.[0] ?? [new Error('notification not logged')]
    if (error || typeof id !== 'string') throw error ?? new Error('notification not logged')
    return id
  }

  async readNotifications(afterId: string): Promise<LoggedNotification[]> {
    const entries = await this.#redis().xrange(this.#key('notifications'), `(${afterId}`, '+', 'COUNT', 1000)
    return entries.map(([id, fields]) => {
      const at = fields.indexOf('uri')
      return {
        id,
        json: fields[fields.indexOf('json') + 1] ?? '{}',
        uri: at >= 0 ? fields[at + 1] : undefined,
      }
    })
  }

  async replicaAlive(replicaId: string): Promise<boolean> {
    return (await this.#redis().exists(this.#key('replica', replicaId))) > 0
  }

  publish(message: FleetMessage): void {
    this.#client
      ?.publish(`${this.#prefix}fleet`, JSON.stringify({ from: this.replicaId, message }))
      .catch((error: unknown) => this.#init.onError(error, `fleet message ${message.kind}`))
  }

  subscribe(listener: (message: FleetMessage) => void): void {
    this.#listeners.push(listener)
  }

  /**
   * The secret every replica signs MRTR request state with: the first replica's random one
   * (`SET NX`), so a round started on one replica continues on any other.
   */
  async sharedSecret(): Promise<string> {
    await this.#connecting
    const key = this.#key('request-state-secret')
    await this.#redis().set(key, randomBytes(32).toString('base64url'), 'NX')
    const secret = await this.#redis().get(key)
    if (!secret) throw new Error('the shared request state secret vanished')
    return secret
  }

  /** Stops the heartbeat and disconnects (sessions and answers stay for the other replicas). */
  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#heartbeat)
    const client = this.#client
    const subscriber = this.#subscriber
    if (client?.status === 'ready') await client.del(this.#key('replica', this.replicaId)).catch(() => {})
    client?.disconnect()
    subscriber?.disconnect()
  }

  #deliver(text: string): void {
    let parsed: { from?: unknown; message?: FleetMessage }
    try {
      parsed = JSON.parse(text) as typeof parsed
    } catch {
      return
    }
    if (parsed.from === this.replicaId || !parsed.message) return
    for (const listener of this.#listeners) {
      try {
        listener(parsed.message)
      } catch (error) {
        this.#init.onError(error, `fleet message ${parsed.message.kind}`)
      }
    }
  }
}

function parseObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text)
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function parseStrings(text: string): string[] {
  const value: unknown = JSON.parse(text)
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}
