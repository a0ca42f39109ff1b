/**
 * The 2025-era session side of the endpoint: finding the caller's session (another caller's
 * session answers exactly as an unknown one), opening one on `initialize`, GET streams and
 * their resumption, DELETE, and the client's answers to requests this server sent it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  ErrorCode,
  isObject,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type RequestId,
  RpcError,
} from '../../protocol/jsonrpc.js'
import { isLegacyVersion, LATEST_LEGACY_PROTOCOL_VERSION } from '../../protocol/versions.js'
import type { Endpoint } from './endpoint.js'
import { type LegacySession, ownerOf } from './legacy-sessions.js'
import { parseEventId } from './replayable-stream.js'
import { HttpRejection, header, tryLater } from './request-checks.js'
import { SSE_HEADERS } from './sse-framing.js'

/**
 * The caller's session named by `Mcp-Session-Id`: 400 without one, 404 when unknown or not the
 * caller's. In a fleet, a session cached here answers at once; another is loaded from the store.
 */
export function requireSession(
  endpoint: Endpoint,
  req: IncomingMessage,
  id: RequestId | null,
): LegacySession | Promise<LegacySession> {
  const sessionId = header(req, 'mcp-session-id')
  if (!sessionId) {
    throw new HttpRejection(400, new RpcError(ErrorCode.ServerError, 'Mcp-Session-Id header is required'), id)
  }
  const owner = ownerOf(endpoint.admission.identityOf(req))
  const session = endpoint.sessions.get(sessionId, owner)
  const fleet = endpoint.fleet
  if (fleet) {
    fleet.assertAvailable(id)
    if (session) fleet.touch(session)
    else if (!endpoint.sessions.cached(sessionId)) {
      return fleet.adopt(sessionId, owner).then((adopted) => {
        if (!adopted) throw sessionNotFound(id)
        return adopted
      })
    }
  }
  if (!session) throw sessionNotFound(id)
  return session
}

function sessionNotFound(id: RequestId | null): HttpRejection {
  return new HttpRejection(
    404,
    new RpcError(ErrorCode.SessionNotFound, 'Session not found: initialize a new session'),
    id,
  )
}

/** A new session for an `initialize` request (within `maxSessions`), and the negotiated version. */
export function openSession(
  endpoint: Endpoint,
  req: IncomingMessage,
  request: JsonRpcRequest,
): { session: LegacySession | undefined; version: string } {
  const params = request.params ?? {}
  const requested = typeof params.protocolVersion === 'string' ? params.protocolVersion : undefined
  const version = requested && isLegacyVersion(requested) ? requested : LATEST_LEGACY_PROTOCOL_VERSION
  if (!endpoint.settings.legacySessions) return { session: undefined, version }
  endpoint.fleet?.assertAvailable(request.id)
  const max = endpoint.settings.maxSessions
  if (endpoint.sessions.size >= max) {
    throw tryLater(`Too many open sessions: ${max} (maxSessions); retry later`, 'maxSessions', {
      id: request.id,
    })
  }
  const session = endpoint.sessions.create({
    owner: ownerOf(endpoint.admission.identityOf(req)),
    protocolVersion: version,
    clientInfo: isObject(params.clientInfo) ? params.clientInfo : undefined,
    clientCapabilities: isObject(params.capabilities) ? params.capabilities : {},
  })
  return { session, version }
}

/**
 * A client's answer to a request this server sent it (sampling, elicitation, roots); in a
 * fleet, sent on to the replica that asked when it is another one.
 */
export async function deliverResponse(
  endpoint: Endpoint,
  req: IncomingMessage,
  response: JsonRpcResponse,
): Promise<void> {
  const sessionId = header(req, 'mcp-session-id')
  const session =
    sessionId && endpoint.settings.legacySessions ? await requireSession(endpoint, req, null) : undefined
  const pending = session?.pending.get(String(response.id))
  if (!pending) {
    if (session && endpoint.fleet?.forwardAnswer(session, response)) return
    endpoint.logger.warn({ id: response.id, sessionId }, 'response to no pending server request; ignored')
    return
  }
  if ('result' in response) pending.resolve(isObject(response.result) ? response.result : {})
  else pending.reject(new RpcError(response.error.code, response.error.message, response.error.data))
}

/** GET: the session's notification stream, or the rest of a resumable answer (`Last-Event-ID`). */
export async function handleGet(
  endpoint: Endpoint,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!endpoint.settings.legacySessions) {
    throw new HttpRejection(
      405,
      new RpcError(ErrorCode.InvalidRequest, 'GET streams need 2025-era sessions, which are off'),
    ).withHeaders({ allow: 'POST' })
  }
  if (header(req, 'mcp-session-id') === undefined) {
    // 2025 revisions allow 405 for GET; 2026-07-28 has no GET stream and asks for 405.
    throw new HttpRejection(
      405,
      new RpcError(
        ErrorCode.InvalidRequest,
        'GET needs the Mcp-Session-Id of a 2025-era session (2026-07-28 clients use subscriptions/listen)',
      ),
    ).withHeaders({ allow: 'POST' })
  }
  const accept = header(req, 'accept')
  if (!accept || !(accept.includes('text/event-stream') || accept.includes('*/*'))) {
    throw new HttpRejection(
      406,
      new RpcError(ErrorCode.InvalidRequest, 'Accept must include text/event-stream'),
    )
  }
  const session = await requireSession(endpoint, req, null)
  const resumeFrom = parseEventId(header(req, 'last-event-id'))
  const stream = resumeFrom ? session.streams.get(resumeFrom.streamId) : undefined
  if (resumeFrom && stream) {
    endpoint.streams.admit(res, session)
    res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': session.id })
    stream.resume(res, resumeFrom.seq)
    endpoint.requestLog?.info?.(
      { era: 'legacy', sessionId: session.id, status: 200, streamId: stream.id },
      'mcp stream resumed',
    )
    return
  }
  // Written by another replica (or released here): the fleet store still has its events.
  if (
    resumeFrom &&
    endpoint.fleet &&
    (await endpoint.fleet.resume(session, resumeFrom, {
      res,
      admit: () => endpoint.streams.admit(res, session),
    }))
  ) {
    endpoint.requestLog?.info?.(
      { era: 'legacy', sessionId: session.id, status: 200, streamId: resumeFrom.streamId },
      'mcp stream resumed from the fleet store',
    )
    return
  }
  if (endpoint.draining) throw shuttingDown(null)
  if (session.stream && !session.stream.writableEnded) {
    throw new HttpRejection(
      409,
      new RpcError(ErrorCode.InvalidRequest, 'A GET stream is already open for this session'),
    )
  }
  endpoint.streams.admit(res, session)
  res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': session.id })
  res.flushHeaders()
  endpoint.sessions.attachStream(session, res)
  // In a fleet, GET stream events carry ids from the notification log: a stream reopened on
  // any replica receives what it missed.
  const lastEventId = header(req, 'last-event-id')
  if (endpoint.fleet && lastEventId) await endpoint.fleet.replayNotifications(session, res, lastEventId)
  endpoint.requestLog?.info?.({ era: 'legacy', sessionId: session.id, status: 200 }, 'mcp stream opened')
}

/** DELETE: ends the caller's session. */
export async function handleDelete(
  endpoint: Endpoint,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!endpoint.settings.legacySessions) {
    throw new HttpRejection(
      405,
      new RpcError(ErrorCode.InvalidRequest, 'DELETE needs 2025-era sessions, which are off'),
    ).withHeaders({ allow: 'POST' })
  }
  if (header(req, 'mcp-session-id') === undefined) {
    throw new HttpRejection(
      405,
      new RpcError(ErrorCode.InvalidRequest, 'DELETE ends a 2025-era session: send its Mcp-Session-Id'),
    ).withHeaders({ allow: 'POST' })
  }
  const session = await requireSession(endpoint, req, null)
  await endpoint.fleet?.ended(session.id)
  endpoint.sessions.delete(session.id)
  res.writeHead(200).end()
  endpoint.requestLog?.info?.({ era: 'legacy', sessionId: session.id, status: 200 }, 'mcp session ended')
}

/** The answer to new work while the server shuts down: try another replica. */
export function shuttingDown(id: RequestId | null): HttpRejection {
  const rejection = tryLater('Server is shutting down; retry (another replica will answer)', undefined, {
    reason: 'shutting_down',
    id,
  })
  rejection.headers.connection = 'close'
  return rejection
}
