/**
 * The MCP handler of a `ToolServer`: the Streamable HTTP transport with the server's policies
 * plugged in (authentication, rate limits, scopes, request logs, metrics, spans).
 */
import type { Logger } from 'pino'
import { ToolwireConfigError } from '../protocol/errors.js'
import type { McpHttpHandler, StreamableHttpOptions } from '../transport/server/http-handler.js'
import { createHttpHandler } from '../transport/server/http-handler.js'
import type { RequestDispatcher } from '../transport/server/request-dispatcher.js'
import { Admission } from './admission.js'
import { type AuthOptions, authenticator } from './auth/authenticators.js'
import { resourceMetadataChallenge } from './auth/claims.js'
import { type RateLimitOptions, rateLimiter } from './limits/rate-limit.js'
import type { ServerMetrics } from './observability/metrics.js'
import { answerRecorder } from './observability/request-record.js'
import { RedisFleetStore } from './store/redis-fleet-store.js'
import type { StoreOptions } from './store/store-options.js'

export interface HttpHandlerOptions extends StreamableHttpOptions {
  /**
   * A pino logger. Rejected requests are logged at `warn`; with `info` enabled, every answered
   * request gets one line (trace id, method, tool, outcome, status, duration) and a `traceparent`
   * response header. Headers and arguments are never logged. @default silent
   */
  logger?: Pick<Logger, 'warn' | 'error' | 'debug'> & Partial<Pick<Logger, 'info' | 'isLevelEnabled'>>
  /**
   * Add each tool call's arguments to its log line, with secret-looking fields (`password`,
   * `*token`, `apiKey`, `authorization`, `cookie`, `secret`, …, plus `redact`) replaced by
   * `[Redacted]`. @default false
   */
  logArguments?: boolean
  /** More field names to redact from logged arguments (case-insensitive, `-`/`_` ignored). @default none */
  redact?: readonly string[]
}

/** `handler()` options: the transport's, plus auth, rate limits and metrics. */
export interface ToolServerHandlerOptions extends HttpHandlerOptions {
  /** API keys, JWTs or your own token check; the identity reaches `ctx.identity`. @default none */
  auth?: AuthOptions
  /**
   * The URL clients use to reach this endpoint, e.g. `https://crm.example.com/mcp` behind a
   * proxy: the RFC 9728 metadata's `resource` and the 401 challenges' `resource_metadata` are
   * built from it, never from request headers. Env: `TOOLWIRE_PUBLIC_URL`.
   * @default `serve()`: from the bind address (`http://127.0.0.1:3000/mcp`); `handler()`: none
   * (401 challenges then carry no `resource_metadata`)
   */
  publicUrl?: string
  /** Per-client (and per-tool) request limits, in memory or Redis. @default none */
  rateLimit?: RateLimitOptions
  /**
   * Prometheus metrics to record into (`new ServerMetrics()`); render them with
   * `metrics.render()` at a path of your choice. `serve({ metrics: true })` does this for you.
   * @default none
   */
  metrics?: ServerMetrics
  /**
   * Makes this server a replica of a fleet: 2025-era sessions, resumable answers, server-to-client
   * answers, notifications, rate limits (unless `rateLimit.store` says otherwise) and the
   * MRTR `requestStateSecret` (unless given) are shared through this Redis. Needs the `ioredis`
   * package. Tasks are kept there too and run as BullMQ jobs by any replica (install `bullmq`).
   * Env: `TOOLWIRE_REDIS_URL`. See docs/deployment.md and docs/tasks.md. @default none (one process)
   */
  store?: StoreOptions
}

/** A dispatcher that also says which scopes its tools need. */
export interface ScopedDispatcher extends RequestDispatcher {
  requiredScopes(toolName: string): readonly string[] | undefined
}

/** Builds the handler; its `close()` also releases the rate limiter and unwatches the metrics. */
export function createMcpHandler(
  dispatcher: ScopedDispatcher,
  options: ToolServerHandlerOptions,
): McpHttpHandler {
  const { auth, publicUrl, rateLimit, metrics, logger, logArguments, redact, store, ...transport } = options
  if (publicUrl !== undefined && !(URL.canParse(publicUrl) && /^https?:\/\/[^/]/.test(publicUrl))) {
    throw new ToolwireConfigError(`option "publicUrl" must be an absolute http(s) URL, got "${publicUrl}"`)
  }
  const fleet = store
    ? new RedisFleetStore(store, {
        onError: (err, what) => logger?.warn({ err }, `fleet store failed (${what})`),
      })
    : undefined
  const limits =
    rateLimit && store && !rateLimit.store
      ? {
          ...rateLimit,
          store: { redisUrl: store.redisUrl, keyPrefix: `${store.keyPrefix ?? 'toolwire:'}rate-limit:` },
        }
      : rateLimit
  const limiter = limits
    ? rateLimiter(limits, (err) => logger?.warn({ err }, 'rate limit store failed; request allowed'))
    : undefined
  const handler = createHttpHandler(dispatcher, {
    ...transport,
    logger,
    fleet,
    admission: new Admission({
      authenticate: auth ? authenticator(auth, publicUrl) : undefined,
      rateLimit: limiter,
      requiredScopes: (tool) => dispatcher.requiredScopes(tool),
      // Only JWT and introspection modes publish RFC 9728 metadata (serve() answers it).
      resourceMetadata:
        auth && ('jwt' in auth || 'introspection' in auth) ? resourceMetadataChallenge(publicUrl) : undefined,
    }),
    recorder: answerRecorder({ logger, logArguments, redact, observer: metrics }),
    onRejected: metrics ? (status, tool) => metrics.rejected(status, tool) : undefined,
  })
  const close = handler.close
  metrics?.watch(handler)
  let closed = false
  handler.close = () => {
    if (closed) return
    closed = true
    metrics?.unwatch(handler)
    limiter?.close()
    close()
    void fleet?.close()
  }
  return handler
}
