/**
 * One client's conversation with one MCP endpoint: decides the server's era
 * (`era-negotiation.ts`), then frames every request for that era, resumes broken 2025-era
 * answers, recovers a lost 2025-era session, and keeps its notification stream.
 */
import { McpProtocolError } from '../../protocol/errors.js'
import type { JsonRpcMessage, JsonRpcNotification, JsonRpcRequest } from '../../protocol/jsonrpc.js'
import type { ClientCapabilities, Implementation, ServerDescription, Tool } from '../../protocol/types.js'
import {
  LATEST_LEGACY_PROTOCOL_VERSION,
  MODERN_PROTOCOL_VERSION,
  type ProtocolEra,
} from '../../protocol/versions.js'
import { sleep, type WireSignal } from './call-signal.js'
import type { ClientWire, PostOutcome, PostRequest } from './client-wire.js'
import { initialize, type NegotiationRequest, type Negotiator, probeModern } from './era-negotiation.js'
import { keepNotificationStream } from './notification-stream.js'
import { resultOf } from './outcome-result.js'
import { RequestFraming } from './request-framing.js'
import {
  MAX_SERVER_REQUESTS_PER_CALL,
  MAX_SERVER_REQUESTS_PER_NOTIFICATION_STREAM,
  serverRequestsOfStream,
} from './server-requests.js'

export interface ClientSessionOptions {
  wire: ClientWire
  /** Extra headers sent on every request (e.g. `Authorization`). */
  headers: Record<string, string>
  clientInfo: Implementation
  capabilities: ClientCapabilities
  /** `auto` negotiates; `modern`/`legacy` skip the probe. */
  era: ProtocolEra | 'auto'
  /** Server notifications from the 2025-era GET stream. */
  onNotification?: (notification: JsonRpcNotification) => void
  /** Warnings, e.g. a tool rejected for an invalid `x-mcp-header`. */
  onWarning?: (message: string) => void
  /** Headers for requests the session sends on its own (GET stream, DELETE, cancel): e.g. the current token. */
  backgroundHeaders?: () => Record<string, string>
  /** A 2025-era server forgot our session (404) and the session was re-initialized. */
  onReconnect?: (reason: string) => void
  /** The 2025-era GET notification stream was re-opened: notifications may have been missed. */
  onStreamReopened?: () => void
  /** Answers requests the server sends mid-call (sampling, elicitation, roots). @default refuse them */
  onServerRequest?: (request: JsonRpcRequest) => Promise<Record<string, unknown>>
}

export interface RequestOptions {
  signal?: WireSignal | undefined
  onMessage?: ((message: JsonRpcMessage) => void) | undefined
  extraMeta?: Record<string, unknown> | undefined
  /** Headers of this request only (Authorization, traceparent). */
  headers?: Record<string, string> | undefined
}

const MAX_RESUMPTIONS = 3
const MAX_RESUME_WAIT_MS = 30_000

export class ClientSession {
  readonly #o: ClientSessionOptions
  readonly #framing: RequestFraming
  readonly #negotiator: Negotiator
  #nextId = 1
  #era: ProtocolEra | undefined
  #version = MODERN_PROTOCOL_VERSION
  #sessionId: string | undefined
  #server: ServerDescription | undefined
  #listening: AbortController | undefined
  #reinitializing: Promise<void> | undefined

  constructor(options: ClientSessionOptions) {
    this.#o = options
    this.#framing = new RequestFraming(options)
    this.#negotiator = {
      wire: options.wire,
      framing: this.#framing,
      nextId: () => this.#nextId++,
      clientInfo: options.clientInfo,
      capabilities: options.capabilities,
    }
    this.#frame(MODERN_PROTOCOL_VERSION)
  }

  get era(): ProtocolEra | undefined {
    return this.#era
  }
  get protocolVersion(): string {
    return this.#version
  }
  get sessionId(): string | undefined {
    return this.#sessionId
  }
  get server(): ServerDescription | undefined {
    return this.#server
  }

  /** Negotiates the era (again, after a stdio server was restarted: the old listener stops). */
  async connect(signal?: WireSignal, headers?: Record<string, string>): Promise<ServerDescription> {
    this.#listening?.abort()
    this.#listening = undefined
    if (this.#o.era !== 'legacy') {
      this.#era = 'modern'
      const probe = await probeModern(this.#negotiator, { signal, headers }).catch((error: unknown) => {
        this.#era = undefined
        throw error
      })
      if (probe.kind === 'modern') {
        this.#server = probe.server
        return probe.server
      }
      this.#era = undefined
      if (this.#o.era === 'modern') {
        throw new McpProtocolError(
          'the server does not speak protocol 2026-07-28 (era: "modern" was forced)',
          this.#o.wire.site,
        )
      }
      return this.#initialize(probe.version, { signal, headers })
    }
    return this.#initialize(LATEST_LEGACY_PROTOCOL_VERSION, { signal, headers })
  }

  /** Sends a request and returns its result, or throws a typed error. */
  async request(
    method: string,
    params: Record<string, unknown>,
    options: RequestOptions = {},
  ): Promise<Record<string, unknown>> {
    const sessionId = this.#sessionId
    const outcome = await this.#send(method, params, options)
    // A 2025-era server that forgot our session answers 404 before running anything, so the
    // request is replayed once on a new session (one re-initialization for all callers).
    if (outcome.status === 404 && sessionId !== undefined && this.#era === 'legacy') {
      await this.#reinitialize(sessionId, options)
      return resultOf(await this.#send(method, params, options), {
        method,
        site: this.#o.wire.site,
        era: this.#era,
      })
    }
    return resultOf(outcome, { method, site: this.#o.wire.site, era: this.#era })
  }

  async #send(
    method: string,
    params: Record<string, unknown>,
    options: RequestOptions,
  ): Promise<PostOutcome> {
    const id = this.#nextId++
    const legacy = this.#era === 'legacy'
    // Serialized before the era's `_meta` is set on `params` (its JSON is cached per framing).
    const json = legacy || options.extraMeta ? undefined : this.#framing.json(id, method, params)
    const body: JsonRpcRequest = {
      jsonrpc: '2.0',
      id,
      method,
      params: this.#framing.params(params, options.extraMeta, legacy),
    }
    const base = this.#framing.headers(method, params, legacy)
    const forward = options.onMessage
    let serverRequest: ((request: JsonRpcRequest) => void) | undefined
    const request: PostRequest = {
      body,
      json,
      // Object.assign, not a spread: V8 copies `{ ...a, ...b }` key by key (~2 µs on this path).
      headers: options.headers ? Object.assign({}, base, options.headers) : base,
      signal: options.signal,
      onMessage: (message: JsonRpcMessage) => {
        if (!('method' in message && 'id' in message)) return forward?.(message)
        serverRequest ??= this.#serverRequests(
          `the response stream of ${method}`,
          MAX_SERVER_REQUESTS_PER_CALL,
        )
        serverRequest(message)
      },
    }
    try {
      const outcome = await this.#o.wire.post(request, id)
      return outcome.broken === undefined ? outcome : await this.#resume(outcome, { request, id })
    } catch (error) {
      if (options.signal?.aborted && this.#era === 'legacy') this.#cancel(id, options.signal.reason)
      throw error
    }
  }

  /**
   * An SSE answer broke before its response. 2025 era with a session and an event id: resume
   * with GET + Last-Event-ID after the server's `retry` delay (a few times). Otherwise the
   * request is lost (2026-07-28: streams are not resumable) and the typed error says it may
   * have been delivered, so the retry rules decide whether to re-issue it.
   */
  async #resume(
    outcome: PostOutcome,
    { request, id }: { request: Omit<PostRequest, 'body'>; id: number },
  ): Promise<PostOutcome> {
    let current = outcome
    for (let attempt = 0; attempt < MAX_RESUMPTIONS; attempt++) {
      const lastEventId = current.lastEventId
      const wire = this.#o.wire
      if (this.#era !== 'legacy' || !this.#sessionId || lastEventId === undefined || !wire.resume) break
      await sleep(Math.min(current.retryMs ?? 0, MAX_RESUME_WAIT_MS), request.signal)
      this.#o.onReconnect?.(`resuming the response stream after event ${lastEventId}`)
      const resumed = await wire.resume(request, { lastEventId, expectId: id })
      if (resumed.response) return resumed
      if (resumed.broken === undefined) break
      current = { ...resumed, lastEventId: resumed.lastEventId ?? lastEventId }
    }
    throw current.broken ?? outcome.broken
  }

  #reinitialize(lostSessionId: string, options: RequestOptions): Promise<void> {
    if (this.#sessionId !== lostSessionId) return this.#reinitializing ?? Promise.resolve()
    this.#reinitializing ??= (async () => {
      this.#listening?.abort()
      this.#sessionId = undefined
      await this.#initialize(this.#version, { signal: options.signal, headers: options.headers })
      this.#o.onReconnect?.('the server no longer knew the session (HTTP 404)')
    })().finally(() => {
      this.#reinitializing = undefined
    })
    return this.#reinitializing
  }

  /**
   * 2026-07-28: holds a `subscriptions/listen` stream open, passing its change notifications
   * to `onNotification`; resolves or rejects when the stream ends (the caller re-listens).
   */
  async subscribe(
    filter: Record<string, unknown>,
    options: {
      onNotification: (n: JsonRpcNotification) => void
      signal: WireSignal
      headers?: Record<string, string>
    },
  ): Promise<void> {
    const onMessage = (message: JsonRpcMessage) => {
      if (
        'method' in message &&
        !('id' in message) &&
        message.method !== 'notifications/subscriptions/acknowledged'
      ) {
        options.onNotification(message)
      }
    }
    await this.#send(
      'subscriptions/listen',
      { notifications: filter },
      { signal: options.signal, onMessage, headers: options.headers },
    )
  }

  /** Learns the `x-mcp-header` parameters of listed tools; returns only the valid tools. */
  acceptTools(tools: readonly Tool[]): Tool[] {
    return this.#framing.acceptTools(tools, this.#o.onWarning)
  }

  /** Ends the session: stops the GET stream and DELETEs a 2025-era session. */
  async close(): Promise<void> {
    this.#listening?.abort()
    this.#listening = undefined
    if (this.#sessionId) {
      const headers = this.#background()
      this.#sessionId = undefined
      await this.#o.wire.delete(headers)
    }
  }

  #background(): Record<string, string> {
    const extra = this.#o.backgroundHeaders?.()
    return extra ? { ...this.#framing.base, ...extra } : this.#framing.base
  }

  /** The server-request handler of one stream (bounded; 2026-07-28: never answered). */
  #serverRequests(what: string, max: number, onExhausted?: () => void): (request: JsonRpcRequest) => void {
    return serverRequestsOfStream(
      {
        wire: this.#o.wire,
        handle: this.#o.onServerRequest,
        headers: () => this.#background(),
        onWarning: this.#o.onWarning,
      },
      { era: this.#era, max, what, ...(onExhausted ? { onExhausted } : {}) },
    )
  }

  /** 2025 era: tell the server to stop (2026-07-28 servers see the closed stream instead). */
  #cancel(requestId: number, reason: unknown): void {
    const params = { requestId, reason: reason instanceof Error ? reason.message : 'cancelled' }
    this.#o.wire
      .post(
        { body: { jsonrpc: '2.0', method: 'notifications/cancelled', params }, headers: this.#background() },
        undefined,
      )
      .catch(() => {})
  }

  #frame(version: string): void {
    this.#version = version
    this.#framing.frame(version, this.#sessionId)
  }

  async #initialize(version: string, request: NegotiationRequest): Promise<ServerDescription> {
    this.#era = 'legacy'
    this.#frame(version)
    const initialized = await initialize(this.#negotiator, version, request)
    this.#sessionId = initialized.sessionId
    this.#frame(initialized.version)
    this.#server = initialized.server
    await this.#o.wire.post(
      {
        body: { jsonrpc: '2.0', method: 'notifications/initialized' },
        headers: { ...this.#framing.base, ...request.headers },
        signal: request.signal,
      },
      undefined,
    )
    if ((this.#sessionId || this.#o.wire.persistent) && this.#o.onNotification) this.#listen()
    return this.#server
  }

  #listen(): void {
    const controller = new AbortController()
    this.#listening = controller
    const onNotification = this.#o.onNotification!
    // A server flooding its notification stream with requests loses the stream.
    const serverRequest = this.#serverRequests(
      'its notification stream',
      MAX_SERVER_REQUESTS_PER_NOTIFICATION_STREAM,
      () => controller.abort(),
    )
    keepNotificationStream(
      {
        wire: this.#o.wire,
        headers: () => this.#background(),
        onMessage: (message) => {
          if (!('method' in message)) return
          if ('id' in message) serverRequest(message)
          else onNotification(message)
        },
        onReopened: this.#o.onStreamReopened,
        onWarning: this.#o.onWarning,
      },
      controller.signal,
    )
  }
}
