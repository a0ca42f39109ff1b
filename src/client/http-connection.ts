/**
 * The HTTP wire of a client: a keep-alive pool shared with other clients of the same origin and
 * settings (or the dispatcher the caller gave), with the client's timeouts and response limit.
 */
import type { Dispatcher } from 'undici'
import type { ErrorSite } from '../protocol/errors.js'
import { HttpWire } from '../transport/client/http-wire.js'
import { acquireDispatcher } from './connection-pools.js'
import type { MCPServerStreamableHttpOptions, ResolvedOptions } from './options.js'

export interface HttpConnection {
  wire: HttpWire
  /** Gives the shared pool back (closed once no client uses it); absent for a caller's dispatcher. */
  release: (() => Promise<void>) | undefined
}

export function openHttpConnection(
  options: MCPServerStreamableHttpOptions,
  resolved: ResolvedOptions,
  site: ErrorSite,
): HttpConnection {
  let dispatcher: Dispatcher
  let release: (() => Promise<void>) | undefined
  if (options.dispatcher) dispatcher = options.dispatcher
  else {
    const acquired = acquireDispatcher({
      connectTimeoutSeconds: resolved.timeoutSeconds,
      maxConnections: resolved.maxConnections,
      tls: options.tls,
    })
    dispatcher = acquired.dispatcher
    release = acquired.release
  }
  const wire = new HttpWire({
    url: resolved.url,
    dispatcher,
    site,
    headersTimeoutMs: resolved.timeoutSeconds * 1000,
    bodyTimeoutMs: resolved.sseReadTimeoutSeconds * 1000,
    maxResponseBytes: resolved.maxResponseBytes,
    timeoutsSeconds: {
      connect: resolved.timeoutSeconds,
      headers: resolved.timeoutSeconds,
      sseRead: resolved.sseReadTimeoutSeconds,
    },
  })
  return { wire, release }
}
