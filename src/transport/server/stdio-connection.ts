/**
 * The MCP stdio transport, server side: JSON-RPC messages as lines on an input and an output
 * stream (a process's stdin and stdout). One connection is one client: a 2025-era client's
 * `initialize` makes the connection its session; 2026-07-28 requests carry their own `_meta`
 * (stdio has no headers, so the `_meta` version is its own cross-check). Requests run
 * concurrently (bounded), answers are written as they finish, `notifications/cancelled` aborts
 * a call, and change notifications reach the client when its session or `subscriptions/listen`
 * asked for them. Nothing but protocol messages is ever written to the output.
 */
import type { Readable, Writable } from 'node:stream'
import { decideEra } from '../../protocol/era.js'
import {
  classifyMessage,
  ErrorCode,
  isObject,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type RequestId,
  RpcError,
} from '../../protocol/jsonrpc.js'
import { LineSplitter } from '../../protocol/line-framing.js'
import {
  isLegacyVersion,
  LATEST_LEGACY_PROTOCOL_VERSION,
  META_PROTOCOL_VERSION,
} from '../../protocol/versions.js'
import { type LegacySession, newLegacySession } from './legacy-sessions.js'
import { LISTEN_FILTERS, type ListenFilterKey } from './listen-streams.js'
import type { RequestDispatcher } from './request-dispatcher.js'
import { StdioExchange } from './stdio-exchange.js'

export interface StdioConnectionOptions {
  input: Readable
  output: Writable
  /** Cap on one incoming message, in bytes. */
  maxMessageBytes: number
  /** Requests answered at once; more are refused with -31000 until some finish. */
  maxConcurrentRequests: number
  /** Problems worth an operator's attention (written to stderr by `serveStdio`). */
  onWarning: (message: string, details?: Record<string, unknown>) => void
}

const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId'
/** Requests the server may have waiting on the client at once (sampling, elicitation, roots). */
const MAX_PENDING_SERVER_REQUESTS = 64

export class StdioConnection {
  readonly #dispatcher: RequestDispatcher
  readonly #o: StdioConnectionOptions
  readonly #inFlight = new Map<RequestId, StdioExchange>()
  readonly #pending = new Map<
    string,
    { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }
  >()
  readonly #listens = new Map<RequestId, Set<string>>()
  #session: LegacySession | undefined
  #nextServerId = 1
  #closed = false
  readonly #ended: Promise<void>
  #end!: () => void

  constructor(dispatcher: RequestDispatcher, options: StdioConnectionOptions) {
    this.#dispatcher = dispatcher
    this.#o = options
    this.#ended = new Promise((resolve) => {
      this.#end = resolve
    })
    const lines = new LineSplitter({
      maxLineBytes: options.maxMessageBytes,
      onLine: (line) => this.#onLine(line),
      onOversized: (bytes) => {
        options.onWarning('message over maxMessageBytes dropped', {
          bytes,
          maxMessageBytes: options.maxMessageBytes,
        })
        this.#write({
          jsonrpc: '2.0',
          id: null,
          error: {
            code: ErrorCode.InvalidRequest,
            message: `Message exceeds maxMessageBytes (${options.maxMessageBytes} bytes)`,
          },
        })
      },
    })
    options.input.on('data', (chunk: Buffer | string) =>
      lines.feed(typeof chunk === 'string' ? Buffer.from(chunk) : chunk),
    )
    options.input.once('end', () => {
      lines.end()
      void this.close('the client closed the input')
    })
    options.input.once('error', () => void this.close('the input failed'))
    options.output.on('error', () => void this.close('the output failed'))
  }

  /** Resolves once the client has gone (input ended) or `close()` was called, and calls have settled. */
  get ended(): Promise<void> {
    return this.#ended
  }

  /** Requests being answered now. */
  get inFlightCount(): number {
    return this.#inFlight.size
  }

  /** Sends a change notification when the client asked for it (its session, or a listen filter). */
  broadcast(notification: JsonRpcNotification): number {
    if (this.#session) {
      this.#write(notification)
      return 1
    }
    let sent = 0
    for (const [id, methods] of this.#listens) {
      if (!methods.has(notification.method)) continue
      const params = notification.params ?? {}
      const meta = isObject(params._meta) ? params._meta : {}
      this.#write({ ...notification, params: { ...params, _meta: { ...meta, [SUBSCRIPTION_ID]: id } } })
      sent++
    }
    return sent
  }

  resourceUpdated(uri: string): number {
    if (!this.#session?.subscriptions.has(uri)) return 0
    this.#write({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri } })
    return 1
  }

  /** Stops: aborts calls in flight, answers open listens, waits for the calls to settle. */
  async close(reason = 'the server is shutting down'): Promise<void> {
    if (this.#closed) return this.#ended
    this.#closed = true
    const settling = [...this.#inFlight.values()].map((exchange) => {
      exchange.abort(new Error(reason))
      return exchange
    })
    for (const pending of this.#pending.values()) pending.reject(new Error(reason))
    this.#pending.clear()
    for (const id of this.#listens.keys())
      this.#write({ jsonrpc: '2.0', id, result: { resultType: 'complete' } })
    this.#listens.clear()
    // Handlers that honour their signal finish at once; the answers they write still go out.
    const deadline = Date.now() + 2000
    while (this.#inFlight.size > 0 && Date.now() < deadline && settling.length > 0)
      await new Promise((resolve) => setTimeout(resolve, 20))
    this.#end()
    return this.#ended
  }

  #write(message: object): void {
    if (this.#o.output.writable) this.#o.output.write(`${JSON.stringify(message)}\n`)
  }

  #onLine(line: string): void {
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch {
      this.#write({
        jsonrpc: '2.0',
        id: null,
        error: { code: ErrorCode.ParseError, message: 'Parse error: the line is not JSON' },
      })
      return
    }
    if (Array.isArray(parsed)) {
      this.#write({
        jsonrpc: '2.0',
        id: null,
        error: { code: ErrorCode.InvalidRequest, message: 'JSON-RPC batches are not supported' },
      })
      return
    }
    const classified = classifyMessage(parsed)
    if (classified.kind === 'invalid') {
      this.#write({
        jsonrpc: '2.0',
        id: classified.id ?? null,
        error: { code: ErrorCode.InvalidRequest, message: `Invalid request: ${classified.reason}` },
      })
      return
    }
    if (classified.kind === 'response') this.#onResponse(classified.message)
    else if (classified.kind === 'notification') this.#onNotification(classified.message)
    else void this.#onRequest(classified.message)
  }

  #onResponse(response: JsonRpcResponse): void {
    const pending = this.#pending.get(String(response.id))
    if (!pending) return
    this.#pending.delete(String(response.id))
    if ('result' in response) pending.resolve(isObject(response.result) ? response.result : {})
    else pending.reject(new RpcError(response.error.code, response.error.message, response.error.data))
  }

  #onNotification(notification: JsonRpcNotification): void {
    if (notification.method === 'notifications/cancelled' && isObject(notification.params)) {
      const id = notification.params.requestId as RequestId
      this.#inFlight.get(id)?.abort(new Error('cancelled by the client'))
      // 2026-07-28 clients end a listen by cancelling it.
      if (this.#listens.delete(id)) this.#write({ jsonrpc: '2.0', id, result: { resultType: 'complete' } })
    }
  }

  async #onRequest(request: JsonRpcRequest): Promise<void> {
    const fail = (error: RpcError) => this.#write({ jsonrpc: '2.0', id: request.id, error: error.toJSON() })
    if (this.#closed) return fail(new RpcError(ErrorCode.RequestRejected, 'Server shutting down'))
    if (this.#inFlight.has(request.id)) {
      return fail(
        new RpcError(ErrorCode.InvalidRequest, `Request id ${JSON.stringify(request.id)} is already in use`),
      )
    }
    if (this.#inFlight.size >= this.#o.maxConcurrentRequests) {
      return fail(
        new RpcError(
          ErrorCode.RequestRejected,
          `Server busy: ${this.#inFlight.size} requests in progress (maxConcurrentRequests)`,
          {
            reason: 'maxConcurrentRequests',
          },
        ),
      )
    }
    const meta = isObject(request.params?._meta) ? request.params._meta : undefined
    const claim = meta?.[META_PROTOCOL_VERSION]
    const decision = decideEra(request, typeof claim === 'string' ? claim : undefined)
    if (decision.era === 'rejected') return fail(decision.error)
    if (decision.era === 'modern' && request.method === 'subscriptions/listen') return this.#listen(request)
    let version = decision.version
    if (decision.era === 'legacy') {
      if (request.method === 'initialize') this.#initialize(request)
      version = this.#session?.protocolVersion ?? version
    }
    const exchange = new StdioExchange({
      request,
      era: decision.era,
      protocolVersion: version,
      meta: decision.era === 'modern' ? decision.meta : undefined,
      session: decision.era === 'legacy' ? this.#session : undefined,
      write: (message) => this.#write(message),
      ask: (method, params, signal) => this.#ask(method, params, signal),
      onOutlived: (what) => this.#o.onWarning('a handler still runs long after its request ended', { what }),
    })
    this.#inFlight.set(request.id, exchange)
    try {
      const result = await this.#dispatcher.handleRequest(request, exchange)
      this.#answer(request, result, exchange)
    } catch (error) {
      if (error instanceof RpcError) fail(error)
      else {
        const fallback = exchange.aborted
          ? this.#dispatcher.fallbackResult?.(
              request,
              { kind: 'abandoned', reason: exchange.abortReason },
              exchange,
            )
          : undefined
        if (fallback) this.#write({ jsonrpc: '2.0', id: request.id, result: fallback })
        else
          fail(
            new RpcError(ErrorCode.InternalError, error instanceof Error ? error.message : 'Internal error'),
          )
      }
    } finally {
      exchange.finish()
      this.#inFlight.delete(request.id)
    }
  }

  #answer(request: JsonRpcRequest, result: Record<string, unknown>, exchange: StdioExchange): void {
    let line: string
    try {
      line = JSON.stringify({ jsonrpc: '2.0', id: request.id, result })
    } catch (error) {
      const fallback = this.#dispatcher.fallbackResult?.(
        request,
        { kind: 'unencodable', error: error as Error },
        exchange,
      )
      this.#write(
        fallback
          ? { jsonrpc: '2.0', id: request.id, result: fallback }
          : {
              jsonrpc: '2.0',
              id: request.id,
              error: {
                code: ErrorCode.InternalError,
                message: `The result cannot be encoded as JSON: ${(error as Error).message}`,
              },
            },
      )
      return
    }
    if (this.#o.output.writable) this.#o.output.write(`${line}\n`)
  }

  #initialize(request: JsonRpcRequest): void {
    const params = request.params ?? {}
    const requested = typeof params.protocolVersion === 'string' ? params.protocolVersion : undefined
    this.#session = newLegacySession(
      {
        owner: '',
        protocolVersion: requested && isLegacyVersion(requested) ? requested : LATEST_LEGACY_PROTOCOL_VERSION,
        clientInfo: isObject(params.clientInfo) ? params.clientInfo : undefined,
        clientCapabilities: isObject(params.capabilities) ? params.capabilities : {},
      },
      'stdio',
    )
  }

  #listen(request: JsonRpcRequest): void {
    const filter = request.params?.notifications
    if (!isObject(filter)) {
      this.#write({
        jsonrpc: '2.0',
        id: request.id,
        error: {
          code: ErrorCode.InvalidParams,
          message: 'params.notifications (the subscription filter) must be an object',
        },
      })
      return
    }
    const honoured: Record<string, boolean> = {}
    const methods = new Set<string>()
    for (const key of this.#dispatcher.listenable ?? []) {
      if (filter[key] === true) {
        honoured[key] = true
        methods.add(LISTEN_FILTERS[key as ListenFilterKey])
      }
    }
    this.#listens.set(request.id, methods)
    this.#write({
      jsonrpc: '2.0',
      method: 'notifications/subscriptions/acknowledged',
      params: { notifications: honoured, _meta: { [SUBSCRIPTION_ID]: request.id } },
    })
  }

  #ask(
    method: string,
    params: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    if (this.#pending.size >= MAX_PENDING_SERVER_REQUESTS) {
      return Promise.reject(
        new Error(`more than ${MAX_PENDING_SERVER_REQUESTS} requests to the client are waiting`),
      )
    }
    const id = `s${this.#nextServerId++}`
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#pending.delete(id)
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.#pending.set(id, {
        resolve: (result) => {
          signal.removeEventListener('abort', onAbort)
          resolve(result)
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort)
          reject(error)
        },
      })
      this.#write({ jsonrpc: '2.0', id, method, params })
    })
  }
}
