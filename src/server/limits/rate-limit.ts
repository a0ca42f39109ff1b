/**
 * Per-client rate limits: a limit for every caller, optional tighter limits per tool, kept in
 * memory (one process, fixed windows decided synchronously) or in Redis (shared by all
 * replicas, rate-limiter-flexible). Callers
 * are told where they stand with `RateLimit-*` headers, and past a limit get 429 + Retry-After.
 * ioredis and rate-limiter-flexible are optional peers, imported only for a Redis store.
 */
import type { IncomingMessage } from 'node:http'
import type { Redis } from 'ioredis'
import type { RateLimiterRes } from 'rate-limiter-flexible'
import { ToolwireConfigError } from '../../protocol/errors.js'
import { importOptional } from '../../protocol/optional-package.js'
import type { Identity } from '../../transport/server/request-dispatcher.js'
import type { RateLimitDecision } from '../admission.js'
import type { RedisClient } from '../store/redis-client.js'
import { connectRedis, untilConnected } from '../store/redis-package.js'

export interface RateLimitRule {
  /** Requests allowed per window. */
  points: number
  /** Window length, in seconds. */
  durationSeconds: number
}

export interface RateLimitOptions extends RateLimitRule {
  /** Who a request counts against. @default the authenticated subject, else the client IP */
  key?: (req: IncomingMessage, identity: Identity | undefined) => string
  /** Tighter limits for some tools, counted per caller and tool, on top of the general one. */
  perTool?: Record<string, RateLimitRule>
  /**
   * Where counters live: this process, or Redis shared by every replica (your ioredis client,
   * or a `redis://` URL the server connects to and disconnects from on close). A Redis store
   * needs the optional packages `ioredis` and `rate-limiter-flexible`. @default 'memory'
   */
  store?: 'memory' | { redis: RedisClient; keyPrefix?: string } | { redisUrl: string; keyPrefix?: string }
}

/** Decides one request; `close()` releases a Redis connection the limiter opened itself. */
export interface RequestRateLimiter {
  (
    req: IncomingMessage,
    context: { identity: Identity | undefined; tool: string | undefined },
  ): Promise<RateLimitDecision> | RateLimitDecision
  close(): void
}

/** The outcome of taking one point: remaining points and milliseconds until the window resets. */
interface Taken {
  allowed: boolean
  remaining: number
  msBeforeNext: number
}

/**
 * In-memory fixed windows, answered synchronously: the same semantics as rate-limiter-flexible's
 * RateLimiterMemory (a window opens at a key's first request), without a promise per request on
 * the hot path. Expired windows are swept once per window length.
 */
class MemoryWindows {
  readonly #windows = new Map<string, { used: number; resetAt: number }>()
  readonly #sweep: NodeJS.Timeout

  constructor(readonly rule: RateLimitRule) {
    this.#sweep = setInterval(() => {
      const now = Date.now()
      for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key)
    }, rule.durationSeconds * 1000)
    this.#sweep.unref()
  }

  take(key: string): Taken {
    const now = Date.now()
    let window = this.#windows.get(key)
    if (!window || window.resetAt <= now) {
      window = { used: 0, resetAt: now + this.rule.durationSeconds * 1000 }
      this.#windows.set(key, window)
    }
    window.used++
    return {
      allowed: window.used <= this.rule.points,
      remaining: Math.max(0, this.rule.points - window.used),
      msBeforeNext: window.resetAt - now,
    }
  }

  close(): void {
    clearInterval(this.#sweep)
  }
}

interface Limiter {
  name: string
  rule: RateLimitRule
  take(key: string): Taken | Promise<Taken>
  close(): void
}

function check(rule: RateLimitRule, where: string): void {
  if (!Number.isInteger(rule.points) || rule.points < 1) {
    throw new ToolwireConfigError(`serve: ${where}.points must be a positive integer, got ${rule.points}`)
  }
  if (!(rule.durationSeconds > 0)) {
    throw new ToolwireConfigError(
      `serve: ${where}.durationSeconds must be > 0 seconds, got ${rule.durationSeconds}`,
    )
  }
}

export function rateLimiter(
  options: RateLimitOptions,
  onStoreError: (error: unknown) => void,
): RequestRateLimiter {
  check(options, 'rateLimit')
  for (const [tool, rule] of Object.entries(options.perTool ?? {})) check(rule, `rateLimit.perTool.${tool}`)
  const configured = options.store ?? 'memory'
  if (configured !== 'memory' && 'redisUrl' in configured && !/^rediss?:\/\//.test(configured.redisUrl)) {
    throw new ToolwireConfigError(
      `serve: rateLimit.store.redisUrl must be a redis:// or rediss:// URL, got "${configured.redisUrl}"`,
    )
  }
  const redis = configured === 'memory' ? undefined : redisStore(configured, onStoreError)
  const make = (name: string, rule: RateLimitRule): Limiter => {
    if (!redis) {
      const windows = new MemoryWindows(rule)
      return { name, rule, take: (key) => windows.take(key), close: () => windows.close() }
    }
    return { name, rule, take: redis.limiter(name, rule), close: () => {} }
  }
  const general = make('all', options)
  const perTool = new Map(
    Object.entries(options.perTool ?? {}).map(([tool, rule]) => [tool, make(`tool:${tool}`, rule)]),
  )
  const keyOf = options.key ?? ((req, identity) => identity?.subject ?? req.socket.remoteAddress ?? 'unknown')
  const limitersFor = (tool: string | undefined): Limiter[] => {
    const specific = tool === undefined ? undefined : perTool.get(tool)
    return specific ? [general, specific] : [general]
  }

  // Memory: decided synchronously (no promise per request).
  const decideInMemory = (key: string, tool: string | undefined): RateLimitDecision => {
    let headers: Record<string, string> = {}
    for (const limiter of limitersFor(tool)) {
      const taken = limiter.take(key) as Taken
      if (!taken.allowed) return refusal(limiter, taken, tool)
      headers = rateLimitHeaders(limiter.rule, taken)
    }
    return { allowed: true, headers }
  }
  const decideInRedis = async (key: string, tool: string | undefined): Promise<RateLimitDecision> => {
    let headers: Record<string, string> = {}
    for (const limiter of limitersFor(tool)) {
      let taken: Taken
      try {
        taken = await limiter.take(key)
      } catch (error) {
        // The store failed (Redis down): serve rather than refuse everyone, and say so.
        onStoreError(error)
        continue
      }
      if (!taken.allowed) return refusal(limiter, taken, tool)
      headers = rateLimitHeaders(limiter.rule, taken)
    }
    return { allowed: true, headers }
  }
  const decide = (
    req: IncomingMessage,
    { identity, tool }: { identity: Identity | undefined; tool: string | undefined },
  ): Promise<RateLimitDecision> | RateLimitDecision =>
    redis === undefined
      ? decideInMemory(keyOf(req, identity), tool)
      : decideInRedis(keyOf(req, identity), tool)
  const close = () => {
    general.close()
    for (const limiter of perTool.values()) limiter.close()
    redis?.close()
  }
  return Object.assign(decide, { close })
}

/**
 * Counters in Redis: the packages are imported on first use, the connection (yours, or one
 * opened from `redisUrl`) is awaited before the first command, then each rule is a
 * RateLimiterRedis.
 */
function redisStore(
  configured: { redis: RedisClient; keyPrefix?: string } | { redisUrl: string; keyPrefix?: string },
  onStoreError: (error: unknown) => void,
) {
  const feature = 'rateLimit.store (Redis)'
  let owned: Redis | undefined
  let closed = false
  const connection = (async () => {
    const { RateLimiterRedis, RateLimiterRes } = await importOptional(
      'rate-limiter-flexible',
      feature,
      () => import('rate-limiter-flexible'),
    )
    let client: RedisClient
    if ('redisUrl' in configured) {
      // Fail fast while Redis is down (the limiter then lets requests through and logs it).
      owned = await connectRedis(configured.redisUrl, feature, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
      })
      owned.on('error', onStoreError)
      if (closed) owned.disconnect()
      client = owned
    } else client = configured.redis
    return { RateLimiterRedis, RateLimiterRes, client }
  })()
  // Reported by the first request that needs it; never an unhandled rejection.
  connection.catch(() => {})
  const limiter = (name: string, rule: RateLimitRule) => {
    const built = connection.then(({ RateLimiterRedis, RateLimiterRes, client }) => ({
      RateLimiterRes,
      client,
      limiter: new RateLimiterRedis({
        points: rule.points,
        duration: rule.durationSeconds,
        storeClient: client,
        keyPrefix: `${configured.keyPrefix ?? 'toolwire:rl'}:${name}`,
      }),
    }))
    built.catch(() => {})
    return async (key: string): Promise<Taken> => {
      const { RateLimiterRes, client, limiter } = await built
      await untilConnected(client)
      return limiter.consume(key).then(
        (res: RateLimiterRes) => ({
          allowed: true,
          remaining: res.remainingPoints,
          msBeforeNext: res.msBeforeNext,
        }),
        (outcome: unknown) => {
          // A RateLimiterRes rejection is a refusal; anything else is the store failing.
          if (!(outcome instanceof RateLimiterRes)) throw outcome
          return { allowed: false, remaining: 0, msBeforeNext: outcome.msBeforeNext }
        },
      )
    }
  }
  return {
    limiter,
    close: () => {
      closed = true
      owned?.disconnect()
    },
  }
}

function refusal(limiter: Limiter, taken: Taken, tool: string | undefined): RateLimitDecision {
  const { rule } = limiter
  const retryAfterSeconds = Math.max(1, Math.ceil(taken.msBeforeNext / 1000))
  const scope = limiter.name === 'all' ? '' : ` for tool ${tool}`
  return {
    allowed: false,
    retryAfterSeconds,
    headers: { ...rateLimitHeaders(rule, taken), 'retry-after': String(retryAfterSeconds) },
    message: `Rate limit exceeded: ${rule.points} requests per ${rule.durationSeconds} s${scope} (rateLimit); retry in ${retryAfterSeconds} s`,
  }
}

function rateLimitHeaders(rule: RateLimitRule, taken: Taken): Record<string, string> {
  return {
    'ratelimit-limit': String(rule.points),
    'ratelimit-remaining': String(Math.max(0, taken.remaining)),
    'ratelimit-reset': String(Math.ceil(taken.msBeforeNext / 1000)),
  }
}
