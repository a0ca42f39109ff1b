/** docs/production.md: health, shutdown, limits, logs, metrics and traces of a served ToolServer. */
import { context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { Redis } from 'ioredis'
import type { Pool } from 'pg'
import { Registry } from 'prom-client'
import { createServerLogger, ServerMetrics, serve, type ToolServer } from 'toolwire/server'

export async function healthAndShutdown(server: ToolServer, pool: Pool) {
  // #region health
  await serve(server, {
    port: 3000,
    health: { checks: { database: () => pool.query('select 1') } },
    drainDelaySeconds: 5, // /ready says 503 this long before the listener stops
    shutdownOnSignals: true, // SIGTERM/SIGINT: finish in-flight calls, end streams, exit 0
  })
  // #endregion health
}

export function readiness(server: ToolServer, pool: Pool) {
  // #region readiness-check
  // The server's own dependency: checked by /ready wherever it is served, and by `toolwire serve`.
  server.readinessCheck('database', () => pool.query('select 1'))
  // #endregion readiness-check
}

export async function closeByHand(server: ToolServer) {
  // #region close
  const running = await serve(server, { port: 0, shutdownTimeoutSeconds: 20 })
  process.once('SIGTERM', () => void running.close().then(() => process.exit(0)))
  // #endregion close
}

export async function limits(server: ToolServer) {
  // #region rate-limit
  await serve(server, {
    rateLimit: {
      points: 600, // requests per caller (the authenticated subject, else the client IP) …
      durationSeconds: 60, // … per minute
      perTool: { export_report: { points: 5, durationSeconds: 60 } }, // tighter, on top
      store: { redis: new Redis(process.env.REDIS_URL!) }, // shared by every replica
    },
    maxConcurrentRequests: 256, // past it: 503 with Retry-After (load shedding)
    maxBodyBytes: 1_048_576,
  })
  // #endregion rate-limit
}

export async function logs(server: ToolServer) {
  // #region logs
  await serve(server, {
    logLevel: 'info', // one JSON line per request on stdout
    logArguments: true, // with secret-looking fields redacted …
    redact: ['ssn', 'dateOfBirth'], // … and these
  })
  // #endregion logs
}

export async function ownLogger(server: ToolServer) {
  // #region logger
  const logger = createServerLogger({ level: 'info', name: 'crm', destination: '/var/log/crm/mcp.log' })
  await serve(server, { logger }) // close() flushes the buffered lines
  // #endregion logger
}

export async function metrics(server: ToolServer) {
  // #region metrics
  await serve(server, { metrics: true }) // GET /metrics, Prometheus text format
  // #endregion metrics
}

export async function appMetrics(server: ToolServer) {
  // #region app-metrics
  const registry = new Registry() // your app's: one page for everything
  await serve(server, { metrics: { path: '/internal/metrics', registry, prefix: 'crm_mcp_' } })

  // Or, mounting server.handler() yourself, record into a ServerMetrics and render it where you like:
  const serverMetrics = new ServerMetrics({ registry: new Registry() })
  const handler = server.handler({ metrics: serverMetrics })
  const { contentType, body } = await serverMetrics.render()
  // #endregion app-metrics
  return { handler, contentType, body }
}

export function tracing() {
  // #region tracing
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] }),
  )
  // Every MCP request now gets a SERVER span; tool handlers run inside it.
  // #endregion tracing
}
