/**
 * The Streamable HTTP server transport: a plain node `(req, res)` handler serving both
 * protocol eras on one endpoint. It validates the HTTP envelope, decides the era, keeps
 * 2025-era sessions, and answers JSON — or SSE once a request emits notifications.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { decideEra } from '../../protocol/era.js'
import {
  classifyMessage,
  ErrorCode,
  errorResponse,
  isObject,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type RequestId,
  RpcError,
} from '../../protocol/jsonrpc.js'
import { META_SERVER_INFO } from '../../protocol/versions.js'
import type { Endpoint } from './endpoint.js'
import { FleetLink, localResourceUpdated } from './fleet-link.js'
import type { FleetStore } from './fleet-store.js'
import { hostCheck } from './host-check.js'
import { InFlightRequests } from './in-flight.js'
import { sendJson } from './json-answer.js'
import { SessionStore } from './legacy-sessions.js'
import { ListenStreams, listenTaskIds } from './listen-streams.js'
import { ReplayBudget } from './replay-budget.js'
import { answer, answerAbandoned } from './request-answer.js'
import {
  acceptsBoth,
  checkModernHeaders,
  HttpRejection,
  header,
  pathOf,
  readJson,
  tryLater,
} from './request-checks.js'
import type { RequestDispatcher } from './request-dispatcher.js'
import type { AnswerRecorder, RequestAdmission, TransportLogger } from './server-policies.js'
import {
  deliverResponse,
  handleDelete,
  handleGet,
  openSession,
  requireSession,
  shuttingDown,
} from './session-endpoints.js'
import { StreamLimits } from './stream-limits.js'
import { type StreamableHttpOptions, transportSettings } from './transport-options.js'

export { type JsonAnswer, sendJson } from './json-answer.js'
export type { StreamableHttpOptions } from './transport-options.js'

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
  /** Makes this handler a replica of a fleet sharing sessions and streams. @default none (one process) */
  fleet?: FleetStore | undefined
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
  /** Requests being answered now (those counting against `maxConcurrentRequests`). */
  readonly inFlightCount: number
  /** The fleet store this handler shares sessions through, when it is a replica. */
  readonly fleet: FleetStore | undefined
  /** Number of open 2025-era sessions (in a fleet: those cached by this replica). */
  readonly sessionCount: number
  /** Open notification streams: 2025-era GET streams and 2026-07-28 `subscriptions/listen` streams. */
  readonly listenerCount: number
  /** Bytes kept now so 2025-11-25 clients can resume streamed answers (at most `resumableBufferBytes`). */
  readonly resumableBytes: number
  /**
   * Starts a graceful shutdown: new requests and streams get 503 (`Retry-After`, connection
   * closed), notification streams end, calls in flight go on. Resolves once none is left;
   * then call `close()`.
   */
  drain(): Promise<void>
  /** Ends all sessions and their streams (calls still in flight are cancelled). */
  close(): void
}

const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/
const silentLogger = { warn() {}, error() {}, debug() {} }
const ADMIT_ALL: RequestAdmission = {
  afterAuth: (_req, next) => next() ?? undefined,
  checkScopes() {},
  identityOf: () => undefined,
}

/** Creates the Streamable HTTP handler for a dispatcher (a `ToolServer`), with the server's policies. */
export function createHttpHandler(
  dispatcher: RequestDispatcher,
  options: StreamableHttpOptions & TransportPolicies = {},
): McpHttpHandler {
  const settings = transportSettings(options)
  const logger = options.logger ?? silentLogger
  const sessions = new SessionStore({
    idleTimeoutSeconds: settings.sessionIdleTimeoutSeconds,
    keepAliveSeconds: settings.sseKeepAliveSeconds,
  })
  const listens = new ListenStreams({ keepAliveSeconds: settings.sseKeepAliveSeconds })
  const fleet = options.fleet
    ? new FleetLink({
        store: options.fleet,
        sessions,
        listens,
        logger,
        idleSeconds: settings.sessionIdleTimeoutSeconds,
      })
    : undefined
  const endpoint: Endpoint = {
    dispatcher,
    settings,
    logger,
    // Decided once: stream and session lines only when info lines are wanted.
    requestLog:
      options.logger?.info && (options.logger.isLevelEnabled?.('info') ?? true) ? options.logger : undefined,
    admission: options.admission ?? ADMIT_ALL,
    recorder: options.recorder,
    sessions,
    listens,
    fleet,
    requests: new InFlightRequests(logger),
    streams: new StreamLimits(settings),
    replayBudget: new ReplayBudget(settings.resumableBufferBytes),
    answerAbandoned: (exchange) => answerAbandoned(endpoint, exchange),
    draining: false,
  }
  const { admission, requests } = endpoint
  const onRejected = options.onRejected
  const allowedOrigins = settings.allowedOrigins
  const hostAllowed = hostCheck(settings.allowedHosts)
  const originAllowed = (origin: string | undefined): boolean =>
    origin === undefined || (allowedOrigins ? allowedOrigins.has(origin) : LOCAL_ORIGIN.test(origin))

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
        ? { allow: 'GET, POST, DELETE', ...rejection.headers }
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
    if (!hostAllowed(req)) {
      throw new HttpRejection(
        421,
        new RpcError(
          ErrorCode.InvalidRequest,
          `Misdirected request: Host ${JSON.stringify(req.headers.host ?? '')} is not served here (allowedHosts, TOOLWIRE_ALLOWED_HOSTS)`,
        ),
      )
    }
    switch (req.method) {
      case 'POST':
        return admission.afterAuth(req, () => handlePost(req, res))
      case 'GET':
        return admission.afterAuth(req, () => handleGet(endpoint, req, res))
      case 'DELETE':
        return admission.afterAuth(req, () => handleDelete(endpoint, req, res))
      default:
        throw new HttpRejection(
          405,
          new RpcError(ErrorCode.InvalidRequest, `HTTP method ${req.method} is not allowed`),
        )
    }
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
    const body = await readJson(req, settings.maxBodyBytes)
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
      await deliverResponse(endpoint, req, classified.message)
      return void res.writeHead(202).end()
    }
    const message = classified.message
    const request = classified.kind === 'request' ? classified.message : undefined
    const id: RequestId | null = request ? request.id : null
    const decision = decideEra(message, header(req, 'mcp-protocol-version'))
    if (decision.era === 'rejected') throw new HttpRejection(400, decision.error, id)
    // Shutting down or saturated: new work goes elsewhere, but notifications (cancellations)
    // still land, and so do client answers (above): they free slots rather than take them.
    if (request) {
      if (endpoint.draining) throw shuttingDown(id)
      if (requests.count >= settings.maxConcurrentRequests) {
        throw tryLater(
          `Server busy: ${requests.count} requests in progress (maxConcurrentRequests); retry shortly`,
          'maxConcurrentRequests',
          { id },
        )
      }
    }
    let limitHeaders: Record<string, string> | undefined
    if (admission.limitRate && request) {
      const decided = admission.limitRate(req, request)
      limitHeaders = decided instanceof Promise ? await decided : decided
    }

    if (decision.era === 'modern') {
      if (!request) return void res.writeHead(202).end()
      checkModernHeaders(req, request, dispatcher)
      if (request.method === 'subscriptions/listen') return openListen(req, res, request)
      admission.checkScopes(req, request)
      return answer(endpoint, {
        req,
        res,
        request,
        era: 'modern',
        version: decision.version,
        meta: decision.meta,
        extraHeaders: limitHeaders,
      })
    }

    // 2025 era.
    if (request?.method === 'initialize') {
      const { session, version } = openSession(endpoint, req, request)
      if (session) await fleet?.created(session, request.id)
      // Object.assign: a spread followed by a property takes V8's slow path (~1.6 µs per request).
      const extraHeaders = session
        ? Object.assign({}, limitHeaders, { 'mcp-session-id': session.id })
        : limitHeaders
      return answer(endpoint, {
        req,
        res,
        request,
        era: 'legacy',
        version,
        session,
        extraHeaders,
      })
    }
    const found = settings.legacySessions ? requireSession(endpoint, req, id) : undefined
    const session = found instanceof Promise ? await found : found
    if (!request) {
      if (message.method === 'notifications/cancelled' && session && isObject(message.params)) {
        const requestId = message.params.requestId as RequestId
        const running = session.inFlight.get(requestId)
        if (running) running.abort(new Error('cancelled by the client'))
        else fleet?.cancel(session, requestId, 'cancelled by the client')
      }
      res.writeHead(202).end()
      endpoint.requestLog?.info?.(
        { era: 'legacy', sessionId: session?.id, rpcMethod: message.method, status: 202 },
        'mcp notification',
      )
      return
    }
    admission.checkScopes(req, request)
    return answer(endpoint, {
      req,
      res,
      request,
      era: 'legacy',
      version: session?.protocolVersion ?? decision.version,
      session,
      extraHeaders: limitHeaders,
    })
  }

  function openListen(req: IncomingMessage, res: ServerResponse, request: JsonRpcRequest): void {
    const { id: requestId, params } = request
    // The schema requires the filter (SEP-2575): a listen without one has nothing to deliver.
    if (!isObject(params?.notifications)) {
      throw new HttpRejection(
        400,
        new RpcError(
          ErrorCode.InvalidParams,
          'params.notifications (the subscription filter) must be an object',
        ),
        requestId,
      )
    }
    const taskIds = listenTaskIds(params.notifications, params._meta)
    if (taskIds instanceof RpcError) throw new HttpRejection(400, taskIds, requestId)
    const watchTask = dispatcher.watchTask
    const identity = endpoint.admission.identityOf(req)
    endpoint.streams.admit(res)
    listens.open(res, {
      filter: params.notifications,
      deliverable: dispatcher.listenable ?? [],
      resources: dispatcher.hasResources?.() ?? false,
      requestId,
      tasks:
        taskIds && watchTask
          ? { ids: taskIds, watch: (id, send) => watchTask.call(dispatcher, id, identity, send) }
          : undefined,
    })
  }

  // In a fleet, the other replicas deliver to their own streams; the count is this replica's.
  handler.broadcast = (notification) =>
    fleet ? fleet.broadcast(notification) : sessions.broadcast(notification) + listens.broadcast(notification)
  handler.resourceUpdated = (uri) =>
    fleet ? fleet.resourceUpdated(uri) : localResourceUpdated(sessions, listens, { uri })
  Object.defineProperty(handler, 'fleet', { get: () => options.fleet })
  Object.defineProperty(handler, 'sessionCount', { get: () => sessions.size })
  Object.defineProperty(handler, 'inFlightCount', { get: () => requests.count })
  Object.defineProperty(handler, 'listenerCount', { get: () => endpoint.streams.open })
  Object.defineProperty(handler, 'resumableBytes', { get: () => endpoint.replayBudget.usedBytes })
  const resultMeta = dispatcher.info ? { [META_SERVER_INFO]: dispatcher.info } : {}
  handler.drain = () => {
    endpoint.draining = true
    listens.close(resultMeta)
    sessions.endStreams()
    return requests.idle()
  }
  let closed = false
  handler.close = () => {
    if (closed) return
    closed = true
    endpoint.draining = true
    fleet?.close()
    sessions.close()
    listens.close(resultMeta)
    requests.close()
  }
  return handler
}
