/** `serve()`: listen on a port and host a ToolServer at one path. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { ToolwireConfigError } from '../protocol/errors.js'
import type { McpHttpHandler } from '../transport/server/http-handler.js'
import { resourceMetadataEndpoint } from './auth/resource-metadata.js'
import { serveOptionsFromEnv } from './env.js'
import type { HealthOptions } from './health.js'
import { type HostRoutes, hostHealth, hostListener } from './host-routes.js'
import type { ToolServerHandlerOptions } from './mcp-handler.js'
import { createServerLogger, type ServerLogLevel } from './observability/logging.js'
import { type MetricsOptions, ServerMetrics } from './observability/metrics.js'
import type { ToolServer } from './tool-server.js'

export interface ServeOptions extends Omit<ToolServerHandlerOptions, 'metrics'> {
  /** Interface to listen on. Bind to localhost unless the server sits behind auth. @default '127.0.0.1' */
  host?: string
  /** TCP port; 0 picks a free one. @default 3000 */
  port?: number
  /** Path of the MCP endpoint. @default '/mcp' */
  path?: string
  /**
   * On `close()`, how long calls in flight (both eras) may finish before they are cancelled and
   * connections are cut, in seconds. Meanwhile new requests get 503 and notification streams end.
   * @default 10
   */
  shutdownTimeoutSeconds?: number
  /**
   * On `close()`, how long `/ready` answers 503 before the listener stops, in seconds: time for a
   * load balancer to take the replica out of rotation. @default 0
   */
  drainDelaySeconds?: number
  /**
   * Serve HTTPS: `{ cert, key }` (PEM), plus `ca` and `requestCert: true` for mutual TLS (with
   * `auth: { mtls: true }` the client certificate's CN becomes the identity). @default plain HTTP
   */
  tls?: ServeTlsOptions
  /** `GET /health` (liveness) and `GET /ready` (readiness checks); `false` turns both off. @default enabled, no checks */
  health?: HealthOptions | false
  /**
   * On SIGTERM or SIGINT: readiness turns 503, the listener stops, in-flight calls finish (up to
   * `shutdownTimeoutSeconds`), streams end, and the process exits 0. For a server that owns its
   * process (containers); leave off when embedding. @default false
   */
  shutdownOnSignals?: boolean
  /**
   * Prometheus metrics at `GET /metrics` (answered before auth and rate limits, like health:
   * keep the port internal or set `path`): `true`, options, or your own `ServerMetrics`.
   * @default off
   */
  metrics?: boolean | MetricsOptions | ServerMetrics
  /**
   * Without a `logger`: write JSON lines to stdout from this level (`info` = one line per
   * request), with authorization headers and cookies redacted. @default 'silent'
   */
  logLevel?: ServerLogLevel
  /**
   * Environment variables to read options from (`TOOLWIRE_PORT`, …; see docs/configuration.md); options
   * given in code win. `false` reads none. @default process.env
   */
  env?: Record<string, string | undefined> | false
}

export interface ServeTlsOptions {
  cert: string | Buffer
  key: string | Buffer
  /** CA certificates that sign acceptable client certificates (mTLS). */
  ca?: string | Buffer | Array<string | Buffer>
  /** Ask clients for a certificate (mTLS). @default false */
  requestCert?: boolean
  /** Refuse the TLS handshake without a valid client certificate (with `requestCert`). @default true */
  rejectUnauthorized?: boolean
}

export interface RunningServer extends AsyncDisposable {
  /** The MCP endpoint URL, e.g. `http://127.0.0.1:3000/mcp`. */
  readonly url: string
  readonly port: number
  readonly httpServer: Server
  /** The MCP handler behind the endpoint (session and listener counts, broadcast). */
  readonly handler: McpHttpHandler
  /** Stops listening, ends sessions and streams, and waits for the listener to close. */
  close(): Promise<void>
}

/**
 * Serves a ToolServer over Streamable HTTP.
 *
 * @example
 * ```ts
 * await using running = await serve(server, { port: 0 })
 * console.log(running.url)
 * ```
 */
export async function serve(server: ToolServer, given: ServeOptions = {}): Promise<RunningServer> {
  // Options set in code win; an option left undefined is not set.
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as ServeOptions
  const options: ServeOptions =
    given.env === false ? defined : { ...serveOptionsFromEnv(given.env ?? process.env), ...defined }
  const logger =
    options.logger ??
    (options.logLevel && options.logLevel !== 'silent'
      ? createServerLogger({ level: options.logLevel, name: server.info.name })
      : undefined)
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? 3000
  const path = options.path ?? '/mcp'
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ToolwireConfigError(`serve: option "port" must be an integer from 0 to 65535, got ${port}`)
  }
  if (!path.startsWith('/'))
    throw new ToolwireConfigError(`serve: option "path" must start with "/", got "${path}"`)
  for (const option of ['shutdownTimeoutSeconds', 'drainDelaySeconds'] as const) {
    const value = options[option]
    if (value !== undefined && !(value >= 0)) {
      throw new ToolwireConfigError(`serve: option "${option}" must be a number of seconds ≥ 0, got ${value}`)
    }
  }
  const metrics =
    options.metrics instanceof ServerMetrics
      ? options.metrics
      : options.metrics
        ? new ServerMetrics(options.metrics === true ? {} : options.metrics)
        : undefined
  let fleet: McpHttpHandler['fleet']
  const health = hostHealth(server, options.health, options.store ? () => fleet : undefined)
  const tls = options.tls
  if (tls && (!tls.cert || !tls.key))
    throw new ToolwireConfigError('serve: option "tls" needs "cert" and "key" (PEM)')
  // The authorization server that issues this server's tokens (JWT or introspection mode).
  const issuer =
    options.auth && 'jwt' in options.auth
      ? options.auth.jwt.issuer
      : options.auth && 'introspection' in options.auth
        ? options.auth.introspection.issuer
        : undefined
  if (issuer && options.publicUrl === undefined && isWildcard(host)) {
    throw new ToolwireConfigError(
      `serve: option "publicUrl" (or TOOLWIRE_PUBLIC_URL) is required with auth.jwt or auth.introspection when listening on ${host}: the RFC 9728 metadata and 401 challenges must name the URL clients use (e.g. https://mcp.example.com${path})`,
    )
  }
  const routes: HostRoutes = { health, metrics, path, logger }
  const listener = hostListener(routes)
  // node:https (and TLS) loaded only by a server that serves HTTPS: ~0.8 MB of RSS otherwise.
  const httpServer: Server = tls
    ? (await import('node:https')).createServer(
        {
          cert: tls.cert,
          key: tls.key,
          ...(tls.ca ? { ca: tls.ca } : {}),
          requestCert: tls.requestCert ?? false,
          rejectUnauthorized: tls.rejectUnauthorized ?? true,
        },
        listener,
      )
    : createServer(listener)
  // Connections that never sent a byte count as busy for Node (their headers timeout runs
  // from connect), so closeIdleConnections() skips them and close() would wait for the
  // client to drop them. They carry no request: track them to close them on shutdown.
  const sockets = new Set<Socket>()
  httpServer.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  const closeIdle = () => {
    httpServer.closeIdleConnections()
    for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy()
  }
  // Outlive typical load balancer idle timeouts (60 s) so they, not we, close idle connections.
  httpServer.keepAliveTimeout = 65_000
  httpServer.headersTimeout = 66_000
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject)
    httpServer.listen(port, host, () => {
      httpServer.off('error', reject)
      resolve()
    })
  })
  const address = httpServer.address() as AddressInfo
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `${tls ? 'https' : 'http'}://${urlHost}:${address.port}${path}`
  // Built once the port is known (port 0): the public URL defaults to the bound address. No
  // request can arrive in between (this runs before the event loop turns again).
  const publicUrl = options.publicUrl ?? (isWildcard(host) ? undefined : url)
  const { metrics: _metrics, logLevel: _level, env: _env, logger: _logger, ...rest } = options
  const handlerOptions = {
    ...rest,
    ...(publicUrl ? { publicUrl } : {}),
    ...(logger ? { logger } : {}),
    ...(metrics ? { metrics } : {}),
  }
  let handler: McpHttpHandler
  try {
    handler = server.handler(handlerOptions)
    routes.handler = handler
    fleet = handler.fleet
    if (issuer && publicUrl) {
      routes.metadata = resourceMetadataEndpoint({ issuer, publicUrl, path, scopes: () => server.scopes() })
    }
  } catch (error) {
    httpServer.close()
    throw error
  }
  const mcp = handler
  try {
    await waitForStore(fleet, logger)
  } catch (error) {
    mcp.close()
    httpServer.close()
    throw error
  }
  const graceMs = (options.shutdownTimeoutSeconds ?? 10) * 1000
  const drainMs = (options.drainDelaySeconds ?? 0) * 1000
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      health?.drain()
      stopSignals()
      setTimeout(() => stop(resolve), drainMs)
    })
    return closing
  }
  const stop = (resolve: () => void) => {
    // Calls in flight finish (both eras), new ones are refused; then sessions end. Connections
    // finishing a response become idle and are closed as they do; the rest are cut when the
    // grace period is over.
    const sweep = setInterval(closeIdle, 25)
    const deadline = setTimeout(() => {
      mcp.close()
      httpServer.closeAllConnections()
    }, graceMs)
    void mcp.drain().then(() => mcp.close())
    httpServer.close(() => {
      clearInterval(sweep)
      clearTimeout(deadline)
      mcp.close()
      // Buffered log lines (pino loggers) reach their destination before close() resolves.
      const flush = (logger as { flush?: (done: () => void) => void } | undefined)?.flush
      if (flush) flush.call(logger, () => resolve())
      else resolve()
    })
    closeIdle()
  }
  const onSignal = (signal: NodeJS.Signals) => {
    const message = `${signal} received, shutting down (up to ${graceMs / 1000} s)`
    if (logger) logger.warn({ signal }, message)
    else process.stderr.write(`toolwire: ${message}\n`)
    void close().then(() => process.exit(0))
  }
  const stopSignals = () => {
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
  }
  if (options.shutdownOnSignals) {
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
  }
  return {
    url,
    port: address.port,
    httpServer,
    handler: mcp,
    close,
    [Symbol.asyncDispose]: close,
  }
}

/** Waits (5 s at most) for the first connection to the fleet store; a missing ioredis throws. */
async function waitForStore(
  fleet: McpHttpHandler['fleet'],
  logger: { warn(fields: object, message: string): void } | undefined,
): Promise<void> {
  const ready = (fleet as { ready?: () => Promise<void> } | undefined)?.ready
  if (!ready) return
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), 5000).unref()
  })
  try {
    if ((await Promise.race([ready.call(fleet), late])) === 'late')
      logger?.warn({}, 'fleet store not reachable yet: not ready until it is')
  } finally {
    clearTimeout(timer)
  }
}

/** A bind address that names no reachable host (every interface). */
function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '' || host === '[::]'
}
