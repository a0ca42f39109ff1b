/**
 * The web edge of the transport: runs a node `(req, res)` listener for a web `Request` and
 * resolves with its `Response`. The transport and the server above it run unchanged, so the
 * web handler has the node handler's behaviour by construction; the node path pays nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type WebConnection, WebIncomingMessage } from './web-request.js'
import { WebServerResponse } from './web-response.js'

export type { WebConnection } from './web-request.js'

/** A node request listener (the MCP handler, or a host's routes around it). */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void

/** Answers one web request through a node listener. */
export function answerThroughNode(
  listener: NodeListener,
  request: Request,
  connection?: WebConnection,
): Promise<Response> {
  const req = new WebIncomingMessage(request, connection)
  const res = new WebServerResponse(request, request.method === 'HEAD')
  // The two stand-ins carry exactly what the transport reads of node's request and response
  // (the web handler's tests run the node handler's suites through this edge to keep it so).
  listener(req as unknown as IncomingMessage, res as unknown as ServerResponse)
  return res.response
}
