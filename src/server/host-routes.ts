/**
 * The routes a hosted ToolServer answers besides MCP: health and readiness, Prometheus metrics,
 * the RFC 9728 resource metadata, and a JSON 404 elsewhere. Shared by `serve()` (node) and
 * `createFetchHandler()` (web runtimes), so both answer the same paths the same way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ErrorCode, errorResponse } from '../protocol/jsonrpc.js'
import { type McpHttpHandler, sendJson } from '../transport/server/http-handler.js'
import { pathOf } from '../transport/server/request-checks.js'
import { type HealthEndpoints, type HealthOptions, healthEndpoints } from './health.js'
import type { ServerMetrics } from './observability/metrics.js'
import type { ToolServer } from './tool-server.js'

export interface HostRoutes {
  health?: HealthEndpoints | undefined
  /** Answered at `GET metrics.path`. */
  metrics?: ServerMetrics | undefined
  /** Answers the RFC 9728 metadata request, or returns false. */
  metadata?: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined
  /** The MCP handler; may be set after the routes are built (`serve()` knows its URL late). */
  handler?: McpHttpHandler | undefined
  /** Path of the MCP endpoint; every other path is 404. @default every path */
  path?: string | undefined
  logger?: { error(fields: object, message: string): void } | undefined
}

/** A node listener answering `routes` (read on each request: fields may be set later). */
export function hostListener(routes: HostRoutes): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (routes.health?.handle(req, res)) return
    const metrics = routes.metrics
    if (metrics && req.method === 'GET' && pathOf(req.url) === metrics.path) {
      metrics.render().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body)
        },
        (error: unknown) => {
          routes.logger?.error({ err: error }, 'rendering metrics failed')
          res.writeHead(500).end()
        },
      )
      return
    }
    if (routes.metadata?.(req, res)) return
    const handler = routes.handler
    if (handler && (routes.path === undefined || pathOf(req.url) === routes.path)) return handler(req, res)
    sendJson(res, {
      status: 404,
      body: errorResponse(null, {
        code: ErrorCode.InvalidRequest,
        message: `Not found: the MCP endpoint is ${routes.path ?? 'not ready'}`,
      }),
    })
  }
}

/**
 * The health endpoints of a hosted ToolServer, or none when `options` is `false`. `/ready` runs the
 * server's own readiness checks (its dependencies), those given in `options`, and, for a replica,
 * the fleet store's (`fleet` is read on each request: the handler may be built later).
 */
export function hostHealth(
  server: ToolServer,
  options: HealthOptions | false | undefined,
  fleet?: () => McpHttpHandler['fleet'],
): HealthEndpoints | undefined {
  if (options === false) return undefined
  const checks = {
    ...server.readinessChecks,
    ...options?.checks,
    ...(fleet
      ? {
          store: () => {
            if (!fleet()?.available) throw new Error('the fleet store (Redis) is unreachable')
          },
        }
      : {}),
  }
  return healthEndpoints({ ...options, checks }, server.info)
}
