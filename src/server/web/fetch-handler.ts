/**
 * `createFetchHandler()`: a ToolServer as a web-standard `(request: Request) => Promise<Response>`
 * handler for Bun, Deno, Cloudflare Workers, Hono, Next.js route handlers and any runtime that
 * speaks `Request`/`Response`. The same transport, policies and routes as `serve()` answer each
 * request, through the web edge of the transport.
 */
import { ToolwireConfigError } from '../../protocol/errors.js'
import type { McpHttpHandler } from '../../transport/server/http-handler.js'
import { answerThroughNode } from '../../transport/server/web/fetch-bridge.js'
import { resourceMetadataEndpoint } from '../auth/resource-metadata.js'
import type { HealthOptions } from '../health.js'
import { type HostRoutes, hostHealth, hostListener } from '../host-routes.js'
import type { ToolServerHandlerOptions } from '../mcp-handler.js'
import { createServerLogger, type ServerLogLevel } from '../observability/logging.js'
import { type MetricsOptions, ServerMetrics } from '../observability/metrics.js'
import type { ToolServer } from '../tool-server.js'

export interface FetchHandlerOptions extends Omit<ToolServerHandlerOptions, 'metrics'> {
  /**
   * Path of the MCP endpoint; requests for other paths (besides health, metrics and resource
   * metadata) get a JSON 404. Leave unset when a router (Hono, Next.js) already sends only the
   * endpoint's requests here. @default every path
   */
  path?: string
  /**
   * `GET /health` (liveness) and `GET /ready` (readiness checks), as with `serve()`; `false`
   * turns both off. @default enabled, no checks
   */
  health?: HealthOptions | false
  /**
   * Prometheus metrics: recorded into, and answered at `GET /metrics` (or the metrics' `path`);
   * `true`, options, or your own `ServerMetrics`. @default off
   */
  metrics?: boolean | MetricsOptions | ServerMetrics
  /**
   * Without a `logger`: write JSON lines to stdout from this level (`info` = one line per
   * request), with authorization headers and cookies redacted. @default 'silent'
   */
  logLevel?: ServerLogLevel
}

/**
 * What a runtime passes beside the request. Handed straight to `Bun.serve({ fetch })` or
 * `Deno.serve()`, the handler reads the client's address from Bun's `server.requestIP()` or
 * Deno's `info.remoteAddr`; elsewhere pass `{ clientAddress }` (e.g. Cloudflare's
 * `CF-Connecting-IP`). The address keys rate limits and appears in request logs.
 */
export interface FetchRequestContext {
  /** The client's IP address. */
  clientAddress?: string | undefined
  /** Bun's server: `server.requestIP(request)`. */
  requestIP?: ((request: Request) => { address: string } | null) | undefined
  /** Deno's serve handler info. */
  remoteAddr?: { hostname?: string } | undefined
}

/** A web-standard request handler serving a ToolServer over MCP Streamable HTTP. */
export interface FetchHandler {
  (request: Request, context?: FetchRequestContext): Promise<Response>
  /** The MCP handler behind it: `broadcast`, `resourceUpdated`, session and listener counts. */
  readonly handler: McpHttpHandler
  /** Metrics recorded into (with the `metrics` option). */
  readonly metrics: ServerMetrics | undefined
  /**
   * Starts a graceful shutdown: `/ready` answers 503, new requests 503, notification streams end;
   * resolves once calls in flight are done. Then call `close()`.
   */
  drain(): Promise<void>
  /** Ends sessions and streams, cancels calls still in flight, releases the rate limiter. */
  close(): void
}

/**
 * Serves a ToolServer to web-standard runtimes, with the options and behaviour of `serve()`'s
 * handler: both protocol eras, JSON and SSE answers (as a `ReadableStream`), auth, rate and
 * size limits, health endpoints, request logs and metrics.
 *
 * @example
 * ```ts
 * const mcp = createFetchHandler(server, { path: '/mcp' })
 * Bun.serve({ port: 3000, fetch: mcp })
 * ```
 */
export function createFetchHandler(server: ToolServer, options: FetchHandlerOptions = {}): FetchHandler {
  const { path, health: healthOptions, metrics: metricsOption, logLevel, ...given } = options
  const logger =
    given.logger ??
    (logLevel && logLevel !== 'silent'
      ? createServerLogger({ level: logLevel, name: server.info.name })
      : undefined)
  const handlerOptions = { ...given, ...(logger ? { logger } : {}) }
  if (path !== undefined && !path.startsWith('/')) {
    throw new ToolwireConfigError(`createFetchHandler: option "path" must start with "/", got "${path}"`)
  }
  const metrics =
    metricsOption instanceof ServerMetrics
      ? metricsOption
      : metricsOption
        ? new ServerMetrics(metricsOption === true ? {} : metricsOption)
        : undefined
  const auth = handlerOptions.auth
  const issuer =
    auth && 'jwt' in auth
      ? auth.jwt.issuer
      : auth && 'introspection' in auth
        ? auth.introspection.issuer
        : undefined
  const publicUrl = handlerOptions.publicUrl
  const mcp = server.handler({ ...handlerOptions, ...(metrics ? { metrics } : {}) })
  // The server's own readiness checks, those given here, and the fleet store's for a replica.
  const health = hostHealth(server, healthOptions, handlerOptions.store ? () => mcp.fleet : undefined)
  const routes: HostRoutes = {
    health,
    metrics,
    path,
    handler: mcp,
    logger: handlerOptions.logger,
    // RFC 9728 metadata needs the public URL: a web handler does not know where it is mounted.
    metadata:
      issuer && publicUrl
        ? resourceMetadataEndpoint({
            issuer,
            publicUrl,
            path: path ?? new URL(publicUrl).pathname,
            scopes: () => server.scopes(),
          })
        : undefined,
  }
  const listener = hostListener(routes)
  const fetchHandler = ((request: Request, context?: FetchRequestContext) =>
    answerThroughNode(listener, request, {
      remoteAddress: clientAddressOf(request, context),
    })) as FetchHandler
  Object.defineProperty(fetchHandler, 'handler', { value: mcp })
  Object.defineProperty(fetchHandler, 'metrics', { value: metrics })
  fetchHandler.drain = () => {
    health?.drain()
    return mcp.drain()
  }
  fetchHandler.close = () => {
    health?.drain()
    mcp.close()
  }
  return fetchHandler
}

function clientAddressOf(request: Request, context: FetchRequestContext | undefined): string | undefined {
  if (!context) return undefined
  if (typeof context.clientAddress === 'string') return context.clientAddress
  if (typeof context.requestIP === 'function') return context.requestIP(request)?.address ?? undefined
  const hostname = context.remoteAddr?.hostname
  return typeof hostname === 'string' ? hostname : undefined
}
