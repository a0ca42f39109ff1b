/**
 * One client's conversation with one MCP endpoint: decides the server's era (2026-07-28
 * first, falling back to the 2025 `initialize` handshake as the spec's Backward Compatibility
 * section describes), then frames every request for that era.
 */
import { McpHttpError, McpProtocolError } from '../../protocol/errors.js'
import {
  ErrorCode,
  isObject,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  RpcError,
} from '../../protocol/jsonrpc.js'
import type { ClientCapabilities, Implementation, ServerDescription, Tool } from '../../protocol/types.js'
import {
  isLegacyVersion,
  LATEST_LEGACY_PROTOCOL_VERSION,
  META_SERVER_INFO,
  MODERN_PROTOCOL_VERSION,
  type ProtocolEra,
} from '../../protocol/versions.js'
import { sleep, type WireSignal } from './call-signal.js'
import type { HttpWire, PostOutcome, PostRequest } from './http-wire.js'
import { RequestFraming } from './request-framing.js'

export interface ClientSessionOptions {
  wire: HttpWire
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

/** HTTP statuses reported as `McpHttpError` even when the body carries a JSON-RPC error. */
const HTTP_LEVEL_STATUS = new Set([401, 403, 408, 429])

const MODERN_ERRORS = new Set<number>([
  ErrorCode.UnsupportedProtocolVersion,
  ErrorCode.HeaderMismatch,
  ErrorCode.MissingRequiredClientCapability,
])

export class ClientSession {
  readonly #o: ClientSessionOptions
  readonly #framing: RequestFraming
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

  async connect(signal?: WireSignal, headers?: Record<string, string>): Promise<ServerDescription> {
    if (this.#o.era !== 'legacy') {
      const probe = await this.#probeModern(signal, headers)
      if (probe.kind === 'modern') return probe.server
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
      return this.#result(method, await this.#send(method, params, options))
    }
    return this.#result(method, outcome)
  }

  async #send(
    method: string,
    params: Record<string, unknown>,
    options: RequestOptions,
  ): Promise<PostOutcome> {
    const id = this.#nextId++
    const body: JsonRpcRequest = {
      jsonrpc: '2.0',
      id,
      method,
      params: this.#framing.params(params, options.extraMeta, this.#era === 'legacy'),
    }
    const base = this.#framing.headers(method, params, this.#era === 'legacy')
    const forward = options.onMessage
    const request = {
      headers: options.headers ? { ...base, ...options.headers } : base,
      signal: options.signal,
      onMessage: (message: JsonRpcMessage) => {
        if ('method' in message && 'id' in message) this.#answerServer(message)
        else forward?.(message)
      },
    }
    try {
      const outcome = await this.#o.wire.post({ body, ...request }, id)
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
      if (this.#era !== 'legacy' || !this.#sessionId || lastEventId === undefined) break
      await sleep(Math.min(current.retryMs ?? 0, MAX_RESUME_WAIT_MS), request.signal)
      this.#o.onReconnect?.(`resuming the response stream after event ${lastEventId}`)
      const resumed = await this.#o.wire.resume(request, { lastEventId, expectId: id })
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
    filter: Record<string, boolean>,
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

  /** Answers a request the server sent on a response stream, POSTing the JSON-RPC response back. */
  #answerServer(request: JsonRpcRequest): void {
    const handle = this.#o.onServerRequest
    const answering = handle
      ? Promise.resolve().then(() => handle(request))
      : Promise.reject(
          new RpcError(ErrorCode.MethodNotFound, `This client does not handle ${request.method}`),
        )
    answering
      .then(
        (result): JsonRpcResponse => ({ jsonrpc: '2.0', id: request.id, result }),
        (error: unknown): JsonRpcResponse => ({
          jsonrpc: '2.0',
          id: request.id,
          error:
            error instanceof RpcError
              ? error.toJSON()
              : {
                  code: ErrorCode.InternalError,
                  message: error instanceof Error ? error.message : String(error),
                },
        }),
      )
      .then((body) => this.#o.wire.post({ body, headers: this.#background() }, undefined))
      .catch((error: unknown) =>
        this.#o.onWarning?.(`answering the server's ${request.method} failed: ${String(error)}`),
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

  #result(method: string, outcome: PostOutcome): Record<string, unknown> {
    const response = outcome.response
    if (HTTP_LEVEL_STATUS.has(outcome.status) || outcome.status >= 500) {
      throw httpError(outcome, method, this.#o.wire.site)
    }
    if (response && 'error' in response) {
      const { code, message, data } = response.error
      throw new McpProtocolError(`${method} failed: ${message} (JSON-RPC ${code})`, this.#o.wire.site, {
        rpcCode: code,
        data,
      })
    }
    if (outcome.status >= 300 || !response) {
      throw httpError(outcome, method, this.#o.wire.site)
    }
    return response.result
  }

  async #probeModern(
    signal: WireSignal | undefined,
    extraHeaders: Record<string, string> | undefined,
  ): Promise<{ kind: 'modern'; server: ServerDescription } | { kind: 'legacy'; version: string }> {
    this.#era = 'modern'
    const id = this.#nextId++
    const body: JsonRpcRequest = {
      jsonrpc: '2.0',
      id,
      method: 'server/discover',
      params: { _meta: this.#framing.meta },
    }
    const headers = this.#framing.headers('server/discover', {}, false)
    const outcome = await this.#o.wire.post(
      { body, headers: extraHeaders ? { ...headers, ...extraHeaders } : headers, signal },
      id,
    )
    const response = outcome.response
    if (outcome.status === 200 && response && 'result' in response) {
      const result = response.result
      const serverInfo =
        (isObject(result._meta) ? result._meta[META_SERVER_INFO] : undefined) ?? result.serverInfo
      this.#server = {
        protocolVersion: MODERN_PROTOCOL_VERSION,
        serverInfo: (serverInfo ?? { name: 'unknown', version: '0' }) as Implementation,
        capabilities: (result.capabilities ?? {}) as ServerDescription['capabilities'],
        ...(typeof result.instructions === 'string' ? { instructions: result.instructions } : {}),
      }
      return { kind: 'modern', server: this.#server }
    }
    this.#era = undefined
    if (response && 'error' in response && MODERN_ERRORS.has(response.error.code)) {
      // A modern server that will not speak 2026-07-28 with us: use its best 2025 version.
      const supported = (response.error.data as { supported?: unknown } | undefined)?.supported
      const legacy = Array.isArray(supported)
        ? supported.find((v): v is string => typeof v === 'string' && isLegacyVersion(v))
        : undefined
      if (response.error.code === ErrorCode.UnsupportedProtocolVersion && legacy)
        return { kind: 'legacy', version: legacy }
      throw new McpProtocolError(
        `server/discover was refused: ${response.error.message}`,
        this.#o.wire.site,
        {
          rpcCode: response.error.code,
          data: response.error.data,
        },
      )
    }
    if (HTTP_LEVEL_STATUS.has(outcome.status) || outcome.status >= 500) {
      throw httpError(outcome, 'server/discover', this.#o.wire.site)
    }
    // Anything else (4xx without a modern error, or "method not found") is a 2025-era server.
    return { kind: 'legacy', version: LATEST_LEGACY_PROTOCOL_VERSION }
  }

  async #initialize(
    version: string,
    options: { signal?: WireSignal | undefined; headers?: Record<string, string> | undefined },
  ): Promise<ServerDescription> {
    const { signal, headers: extraHeaders } = options
    this.#era = 'legacy'
    this.#frame(version)
    const id = this.#nextId++
    const body: JsonRpcRequest = {
      jsonrpc: '2.0',
      id,
      method: 'initialize',
      params: {
        protocolVersion: version,
        capabilities: this.#o.capabilities,
        clientInfo: this.#o.clientInfo,
      },
    }
    const { 'mcp-protocol-version': _omit, ...headers } = this.#framing.base
    const outcome = await this.#o.wire.post({ body, headers: { ...headers, ...extraHeaders }, signal }, id)
    const result = this.#result('initialize', outcome)
    const negotiated = typeof result.protocolVersion === 'string' ? result.protocolVersion : version
    if (!isLegacyVersion(negotiated)) {
      throw new McpProtocolError(
        `the server chose protocol version ${negotiated}, which toolwire does not speak`,
        this.#o.wire.site,
      )
    }
    const sessionId = outcome.headers['mcp-session-id']
    this.#sessionId = typeof sessionId === 'string' ? sessionId : undefined
    this.#frame(negotiated)
    this.#server = {
      protocolVersion: negotiated,
      serverInfo: (result.serverInfo ?? { name: 'unknown', version: '0' }) as Implementation,
      capabilities: (result.capabilities ?? {}) as ServerDescription['capabilities'],
      ...(typeof result.instructions === 'string' ? { instructions: result.instructions } : {}),
    }
    await this.#o.wire.post(
      {
        body: { jsonrpc: '2.0', method: 'notifications/initialized' },
        headers: { ...this.#framing.base, ...extraHeaders },
        signal,
      },
      undefined,
    )
    if (this.#sessionId && this.#o.onNotification) this.#listen()
    return this.#server
  }

  /**
   * Keeps the 2025-era GET notification stream open: re-opened with backoff when it ends or
   * fails (a notification may have been missed, so `onStreamReopened` lets the owner drop what it
   * cached); given up on 404/405 (no stream there; a lost session is recovered by `request`).
   */
  #listen(): void {
    const controller = new AbortController()
    this.#listening = controller
    const onNotification = this.#o.onNotification!
    const forward = (message: JsonRpcMessage) => {
      if (!('method' in message)) return
      if ('id' in message) this.#answerServer(message)
      else onNotification(message)
    }
    const run = async () => {
      for (let attempt = 0; !controller.signal.aborted; attempt++) {
        if (attempt > 0) {
          await sleep(
            Math.min(MAX_RESUME_WAIT_MS, 500 * 2 ** Math.min(attempt - 1, 6)),
            controller.signal,
          ).catch(() => {})
          if (controller.signal.aborted) return
          this.#o.onStreamReopened?.()
        }
        try {
          const status = await this.#o.wire.listen(this.#background(), forward, controller.signal)
          if (status === 404 || status === 405) return
          if (status === 200) attempt = 0
        } catch (error) {
          if (controller.signal.aborted) return
          this.#o.onWarning?.(`the GET notification stream failed, re-opening it: ${String(error)}`)
        }
      }
    }
    void run()
  }
}

function httpError(outcome: PostOutcome, method: string, site: HttpWire['site']): McpHttpError {
  const retryAfter = Number(outcome.headers['retry-after'])
  const challenge = outcome.headers['www-authenticate']
  return new McpHttpError(
    {
      status: outcome.status,
      method,
      ...(outcome.status === 404 ? { detail: 'not found (wrong URL, or the session expired)' } : {}),
      ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
      ...(challenge ? { wwwAuthenticate: Array.isArray(challenge) ? challenge.join(', ') : challenge } : {}),
    },
    site,
  )
}
