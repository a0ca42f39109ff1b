/**
 * The Streamable HTTP server transport: a plain node `(req, res)` handler serving both
 * protocol eras on one endpoint. It validates the HTTP envelope, decides the era, keeps
 * 2025-era sessions, and answers JSON — or SSE once a request emits notifications.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { decideEra } from '../../protocol/era.js'
import { ToolwireConfigError } from '../../protocol/errors.js'
import {
  classifyMessage,
  ErrorCode,
  errorResponse,
  isObject,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type RequestId,
  RpcError,
  successResponse,
} from '../../protocol/jsonrpc.js'
import { isLegacyVersion, LATEST_LEGACY_PROTOCOL_VERSION } from '../../protocol/versions.js'
import { HttpExchange } from './http-exchange.js'
import { type LegacySession, SessionStore } from './legacy-sessions.js'
import { ListenStreams } from './listen-streams.js'
import { parseEventId } from './replayable-stream.js'
import { acceptsBoth, checkModernHeaders, HttpRejection, header, pathOf, readJson } from './request-checks.js'
import type { RequestDispatcher } from './request-dispatcher.js'
import type { AnswerRecorder, RequestAdmission, TransportLogger } from './server-policies.js'
import { SSE_HEADERS } from './sse-framing.js'

/** The transport's own options (the public `HttpHandlerOptions` add logging, auth, limits). */
export interface StreamableHttpOptions {
  /**
   * Serve 2025-era clients with stateful sessions (`Mcp-Session-Id`, GET stream, DELETE).
   * Turn off behind a load balancer without sticky sessions: 2025-era clients are then served
   * statelessly. 2026-07-28 requests are always stateless.
   * @default true
   */
  legacySessions?: boolean
  /**
   * Browser origins allowed to call the endpoint (DNS-rebinding protection). Requests without
   * an `Origin` header (non-browser clients) are always allowed.
   * @default localhost, 127.0.0.1 and [::1] on any port
   */
  allowedOrigins?: readonly string[]
  /** Largest accepted request body, in bytes. @default 4194304 (4 MiB) */
  maxBodyBytes?: number
  /**
   * Requests answered at once; past it, POSTs get 503 with `Retry-After` (load shedding).
   * @default unlimited
   */
  maxConcurrentRequests?: number
  /** A 2025-era session unused this long is dropped, in seconds. @default 1800 */
  sessionIdleTimeoutSeconds?: number
  /** Interval of keep-alive comments on idle GET streams, in seconds. @default 15 */
  sseKeepAliveSeconds?: number
  /**
   * How long 2025-11-25 clients wait before reconnecting to a resumable answer whose connection
   * ended (the SSE `retry` field), in seconds. @default 1
   */
  sseRetrySeconds?: number
}

/** What the server layer plugs into the transport: its logger and its request policies. */
export interface TransportPolicies {
  /** Rejections at `warn`, failures at `error`; stream and session lines at `info` when given. */
  logger?: TransportLogger | undefined
  /** Authentication, rate limits and scopes. @default every request admitted */
  admission?: RequestAdmission | undefined
  /** Spans, request log lines and metrics of answered requests. @default none */
  recorder?: AnswerRecorder | undefined
  /** Told of every request refused before dispatch (metrics). */
  onRejected?: ((status: number, tool: string | undefined) => void) | undefined
}

/** A node request handler; also usable as Express middleware (`app.all('/mcp', handler)`). */
export interface McpHttpHandler {
  (req: IncomingMessage, res: ServerResponse): void
  /** Sends a notification to every 2025-era GET stream and every matching `subscriptions/listen` stream. */
  broadcast(notification: JsonRpcNotification): number
  /**
   * Sends `notifications/resources/updated` to the 2025-era sessions subscribed to `uri` and to
   * the 2026-07-28 `subscriptions/listen` streams whose `resourceSubscriptions` name it.
   */
  resourceUpdated(uri: string): number
  /** Requests being answered now. */
  readonly inFlightCount: number
  /** Number of open 2025-era sessions. */
  readonly sessionCount: number
  /** Open notification streams: 2025-era GET streams and 2026-07-28 `subscriptions/listen` streams. */
  readonly listenerCount: number
  /** Ends all sessions and their streams. */
  close(): void
}

const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/
const silentLogger = { warn() {}, error() {}, debug() {} }
const ADMIT_ALL: RequestAdmission = {
  afterAuth: (_req, next) => next() ?? undefined,
  checkScopes() {},
  identityOf: () => undefined,
}

export interface JsonAnswer {
  status: number
  body: unknown
  headers?: Record<string, string> | undefined
}

/** Answers with a JSON body (content type and length set). */
export function sendJson(res: ServerResponse, answer: JsonAnswer): void {
  const text = JSON.stringify(answer.body)
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...answer.headers,
  })
  res.end(text)
}

/** Creates the Streamable HTTP handler for a dispatcher (a `ToolServer`), with the server's policies. */
export function createHttpHandler(
  dispatcher: RequestDispatcher,
  options: StreamableHttpOptions & TransportPolicies = {},
): McpHttpHandler {
  const legacySessions = options.legacySessions ?? true
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024
  const logger = options.logger ?? silentLogger
  // Decided once: stream and session lines only when info lines are wanted.
  const requestLog =
    options.logger?.info && (options.logger.isLevelEnabled?.('info') ?? true) ? options.logger : undefined
  const maxConcurrent = options.maxConcurrentRequests ?? Number.POSITIVE_INFINITY
  if (!(maxConcurrent >= 1)) {
    throw new ToolwireConfigError(
      `option "maxConcurrentRequests" must be ≥ 1, got ${options.maxConcurrentRequests}`,
    )
  }
  let inFlight = 0
  const retryMs = Math.round((options.sseRetrySeconds ?? 1) * 1000)
  if (!(retryMs >= 0)) {
    throw new ToolwireConfigError(`option "sseRetrySeconds" must be ≥ 0, got ${options.sseRetrySeconds}`)
  }
  const admission = options.admission ?? ADMIT_ALL
  const recorder = options.recorder
  const onRejected = options.onRejected
  const allowed = options.allowedOrigins ? new Set(options.allowedOrigins) : undefined
  const listens = new ListenStreams({ keepAliveSeconds: options.sseKeepAliveSeconds ?? 15 })
  const sessions = new SessionStore({
    idleTimeoutSeconds: options.sessionIdleTimeoutSeconds ?? 1800,
    keepAliveSeconds: options.sseKeepAliveSeconds ?? 15,
  })

  const originAllowed = (origin: string | undefined): boolean =>
    origin === undefined || (allowed ? allowed.has(origin) : LOCAL_ORIGIN.test(origin))

  const reject = (req: IncomingMessage, res: ServerResponse, rejection: HttpRejection): void => {
    logger.warn(
      { status: rejection.status, code: rejection.rpc.code, method: req.method, path: pathOf(req.url) },
      `rejected MCP request: ${rejection.message}`,
    )
    onRejected?.(rejection.status, rejection.tool)
    if (res.headersSent) return void res.end()
    // An unread body keeps the request (and so the connection) active forever: drain it,
    // unless it is the oversized one, whose connection is closed instead.
    if (!req.complete && rejection.status !== 413) req.resume()
    const extra: Record<string, string> =
      rejection.status === 405
        ? { allow: 'GET, POST, DELETE' }
        : rejection.status === 413
          ? { connection: 'close' } // the rest of the body is unread: this socket cannot be reused
          : rejection.status === 503
            ? { 'retry-after': '1', ...rejection.headers }
            : rejection.headers
    sendJson(res, {
      status: rejection.status,
      body: errorResponse(rejection.id, rejection.rpc.toJSON()),
      headers: extra,
    })
  }

  const fail = (req: IncomingMessage, res: ServerResponse, error: unknown): void => {
    if (error instanceof HttpRejection) {
      reject(req, res, error)
      return
    }
    logger.error({ err: error, path: pathOf(req.url) }, 'MCP request failed')
    if (!res.headersSent) {
      sendJson(res, {
        status: 500,
        body: errorResponse(null, { code: ErrorCode.InternalError, message: 'Internal error' }),
      })
    } else res.end()
  }

  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    try {
      route(req, res)?.catch((error: unknown) => fail(req, res, error))
    } catch (error) {
      fail(req, res, error)
    }
  }) as McpHttpHandler

  function route(req: IncomingMessage, res: ServerResponse): Promise<void> | undefined {
    if (!originAllowed(header(req, 'origin'))) {
      throw new HttpRejection(
        403,
        new RpcError(ErrorCode.InvalidRequest, `Origin ${header(req, 'origin')} is not allowed`),
      )
    }
    switch (req.method) {
      case 'POST':
        if (inFlight >= maxConcurrent) {
          throw new HttpRejection(
            503,
            new RpcError(
              ErrorCode.RequestRejected,
              `Server busy: ${inFlight} requests in progress (maxConcurrentRequests); retry shortly`,
            ),
          )
        }
        return admission.afterAuth(req, () => handlePost(req, res))
      case 'GET':
        return admission.afterAuth(req, () => handleGet(req, res))
      case 'DELETE':
        return admission.afterAuth(req, () => handleDelete(req, res))
      default:
        throw new HttpRejection(
          405,
          new RpcError(ErrorCode.InvalidRequest, `HTTP method ${req.method} is not allowed`),
        )
    }
  }

  function requireSession(req: IncomingMessage, id: RequestId | null): LegacySession {
    const sessionId = header(req, 'mcp-session-id')
    if (!sessionId) {
      throw new HttpRejection(
        400,
        new RpcError(ErrorCode.ServerError, 'Mcp-Session-Id header is required'),
        id,
      )
    }
    const session = sessions.get(sessionId)
    if (!session) {
      throw new HttpRejection(
        404,
        new RpcError(ErrorCode.SessionNotFound, 'Session not found: initialize a new session'),
        id,
      )
    }
    return session
  }

  /** A client's answer to a request this server sent it (sampling, elicitation, roots). */
  function deliverResponse(req: IncomingMessage, response: JsonRpcResponse): void {
    const sessionId = header(req, 'mcp-session-id')
    const session = sessionId ? sessions.get(sessionId) : undefined
    const pending = session?.pending.get(String(response.id))
    if (!pending) {
      logger.warn({ id: response.id, sessionId }, 'response to no pending server request; ignored')
      return
    }
    if ('result' in response) pending.resolve(isObject(response.result) ? response.result : {})
    else pending.reject(new RpcError(response.error.code, response.error.message, response.error.data))
  }

  function handleGet(req: IncomingMessage, res: ServerResponse): void {
    if (!legacySessions) {
      throw new HttpRejection(
        405,
        new RpcError(ErrorCode.InvalidRequest, 'GET streams need 2025-era sessions, which are off'),
      )
    }
    const accept = header(req, 'accept')
    if (!accept || !(accept.includes('text/event-stream') || accept.includes('*/*'))) {
      throw new HttpRejection(
        406,
        new RpcError(ErrorCode.InvalidRequest, 'Accept must include text/event-stream'),
      )
    }
    const session = requireSession(req, null)
    const resumeFrom = parseEventId(header(req, 'last-event-id'))
    const stream = resumeFrom ? session.streams.get(resumeFrom.streamId) : undefined
    if (resumeFrom && stream) {
      res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': session.id })
      stream.resume(res, resumeFrom.seq)
      if (stream.done) session.streams.delete(stream.id)
      requestLog?.info?.(
        { era: 'legacy', sessionId: session.id, status: 200, streamId: stream.id },
        'mcp stream resumed',
      )
      return
    }
    if (session.stream && !session.stream.writableEnded) {
      throw new HttpRejection(
        409,
        new RpcError(ErrorCode.InvalidRequest, 'A GET stream is already open for this session'),
      )
    }
    res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': session.id })
    res.flushHeaders()
    sessions.attachStream(session, res)
    requestLog?.info?.({ era: 'legacy', sessionId: session.id, status: 200 }, 'mcp stream opened')
  }

  function handleDelete(req: IncomingMessage, res: ServerResponse): void {
    if (!legacySessions) {
      throw new HttpRejection(
        405,
        new RpcError(ErrorCode.InvalidRequest, 'DELETE needs 2025-era sessions, which are off'),
      )
    }
    const session = requireSession(req, null)
    sessions.delete(session.id)
    res.writeHead(200).end()
    requestLog?.info?.({ era: 'legacy', sessionId: session.id, status: 200 }, 'mcp session ended')
  }

  async function handlePost(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const contentType = header(req, 'content-type')
    if (!contentType?.toLowerCase().startsWith('application/json')) {
      throw new HttpRejection(
        415,
        new RpcError(ErrorCode.InvalidRequest, 'Content-Type must be application/json'),
      )
    }
    if (!acceptsBoth(header(req, 'accept'))) {
      throw new HttpRejection(
        406,
        new RpcError(
          ErrorCode.InvalidRequest,
          'Accept must list both application/json and text/event-stream',
        ),
      )
    }
    const body = await readJson(req, maxBodyBytes)
    if (Array.isArray(body)) {
      throw new HttpRejection(
        400,
        new RpcError(ErrorCode.InvalidRequest, 'JSON-RPC batches are not supported'),
      )
    }
    const classified = classifyMessage(body)
    if (classified.kind === 'invalid') {
      throw new HttpRejection(
        400,
        new RpcError(ErrorCode.InvalidRequest, `Invalid request: ${classified.reason}`),
        classified.id,
      )
    }
    if (classified.kind === 'response') {
      deliverResponse(req, classified.message)
      return void res.writeHead(202).end()
    }
    const message = classified.message
    const id = classified.kind === 'request' ? classified.message.id : null
    const decision = decideEra(message, header(req, 'mcp-protocol-version'))
    if (decision.era === 'rejected') throw new HttpRejection(400, decision.error, id)
    let limitHeaders: Record<string, string> | undefined
    if (admission.limitRate && classified.kind === 'request') {
      const decided = admission.limitRate(req, classified.message)
      limitHeaders = decided instanceof Promise ? await decided : decided
    }

    if (decision.era === 'modern') {
      if (classified.kind === 'notification') return void res.writeHead(202).end()
      checkModernHeaders(req, classified.message, dispatcher)
      if (classified.message.method === 'subscriptions/listen') {
        return void listens.open(res, {
          filter: classified.message.params?.notifications,
          deliverable: dispatcher.listenable ?? [],
          resources: dispatcher.hasResources?.() ?? false,
          requestId: classified.message.id,
        })
      }
      admission.checkScopes(req, classified.message)
      return answer(req, res, {
        request: classified.message,
        era: 'modern',
        version: decision.version,
        meta: decision.meta,
        extraHeaders: limitHeaders,
      })
    }

    // 2025 era.
    if (message.method === 'initialize' && classified.kind === 'request') {
      return answerInitialize(req, res, { request: classified.message, limitHeaders })
    }
    const session = legacySessions ? requireSession(req, id) : undefined
    if (classified.kind === 'notification') {
      if (message.method === 'notifications/cancelled' && session && isObject(message.params)) {
        session.inFlight
          .get(message.params.requestId as RequestId)
          ?.abort(new Error('cancelled by the client'))
      }
      res.writeHead(202).end()
      requestLog?.info?.(
        { era: 'legacy', sessionId: session?.id, rpcMethod: message.method, status: 202 },
        'mcp notification',
      )
      return
    }
    admission.checkScopes(req, classified.message)
    return answer(req, res, {
      request: classified.message,
      era: 'legacy',
      version: session?.protocolVersion ?? decision.version,
      session,
      extraHeaders: limitHeaders,
    })
  }

  async function answerInitialize(
    req: IncomingMessage,
    res: ServerResponse,
    { request, limitHeaders }: { request: JsonRpcRequest; limitHeaders: Record<string, string> | undefined },
  ): Promise<void> {
    const params = request.params ?? {}
    const requested = typeof params.protocolVersion === 'string' ? params.protocolVersion : undefined
    const version = requested && isLegacyVersion(requested) ? requested : LATEST_LEGACY_PROTOCOL_VERSION
    const session = legacySessions
      ? sessions.create({
          protocolVersion: version,
          clientInfo: isObject(params.clientInfo) ? params.clientInfo : undefined,
          clientCapabilities: isObject(params.capabilities) ? params.capabilities : {},
        })
      : undefined
    const extraHeaders = session ? { ...limitHeaders, 'mcp-session-id': session.id } : limitHeaders
    return answer(req, res, { request, era: 'legacy', version, session, extraHeaders })
  }

  interface AnswerContext {
    request: JsonRpcRequest
    era: 'modern' | 'legacy'
    version: string
    meta?: Record<string, unknown>
    session?: LegacySession | undefined
    extraHeaders?: Record<string, string> | undefined
  }

  async function answer(req: IncomingMessage, res: ServerResponse, at: AnswerContext): Promise<void> {
    const request = at.request
    const exchange = new HttpExchange(res, {
      era: at.era,
      protocolVersion: at.version,
      meta: at.meta,
      session: at.session,
      headers: req.headers,
      extraHeaders: at.extraHeaders,
      identity: admission.identityOf(req),
      retryMs,
    })
    at.session?.inFlight.set(request.id, exchange)
    inFlight++
    const recording = recorder?.begin(req, request, exchange)
    let response: JsonRpcResponse
    let status = 200
    try {
      const result = recording
        ? await recording.run(() => dispatcher.handleRequest(request, exchange))
        : await dispatcher.handleRequest(request, exchange)
      response = successResponse(request.id, result)
    } catch (error) {
      const rpc =
        error instanceof RpcError
          ? error
          : new RpcError(ErrorCode.InternalError, 'Internal error while handling the request')
      if (!(error instanceof RpcError))
        logger.error({ err: error, method: request.method }, 'MCP handler failed')
      // Spec 2026-07-28: an unimplemented method is answered with HTTP 404 and -32601.
      if (at.era === 'modern' && rpc.code === ErrorCode.MethodNotFound) status = 404
      response = errorResponse(request.id, rpc.toJSON())
    } finally {
      inFlight--
      at.session?.inFlight.delete(request.id)
    }
    // A resumable answer outlives its connection: the client reconnects for the rest.
    const gone = exchange.resumable ? exchange.aborted : res.writableEnded || res.destroyed
    if (!gone) {
      if (exchange.streaming) exchange.finish(response)
      else sendJson(res, { status, body: response, headers: exchange.extraHeaders })
    }
    recording?.end({ response, status: exchange.streaming ? 200 : status, gone })
  }

  handler.broadcast = (notification) => sessions.broadcast(notification) + listens.broadcast(notification)
  handler.resourceUpdated = (uri) =>
    sessions.broadcast(
      { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri } },
      (session) => session.subscriptions.has(uri),
    ) + listens.resourceUpdated(uri)
  Object.defineProperty(handler, 'sessionCount', { get: () => sessions.size })
  Object.defineProperty(handler, 'inFlightCount', { get: () => inFlight })
  Object.defineProperty(handler, 'listenerCount', { get: () => sessions.streamCount + listens.size })
  handler.close = () => {
    sessions.close()
    listens.close()
  }
  return handler
}
