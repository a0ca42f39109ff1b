/**
 * Per-client rate limits (rate-limiter-flexible): a limit for every caller, optional tighter
 * limits per tool, kept in memory (one process) or in Redis (shared by all replicas). Callers
 * are told where they stand with `RateLimit-*` headers, and past a limit get 429 + Retry-After.
 */
import type { IncomingMessage } from 'node:http'
import { Redis } from 'ioredis'
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible'
import { ToolwireConfigError } from '../protocol/errors.js'
import type { Identity, RateLimitDecision } from '../transport/dispatcher.js'

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
   * or a `redis://` URL the server connects to and disconnects from on close). @default 'memory'
   */
  store?: 'memory' | { redis: Redis; keyPrefix?: string } | { redisUrl: string; keyPrefix?: string }
}

/** Decides one request; `close()` releases a Redis connection the limiter opened itself. */
export interface RequestRateLimiter {
  (
    req: IncomingMessage,
    context: { identity: Identity | undefined; tool: string | undefined },
  ): Promise<RateLimitDecision>
  close(): void
}

interface Limiter {
  name: string
  rule: RateLimitRule
  limiter: RateLimiterAbstract
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
  let owned: Redis | undefined
  if (configured !== 'memory' && 'redisUrl' in configured) {
    if (!/^rediss?:\/\//.test(configured.redisUrl)) {
      throw new ToolwireConfigError(
        `serve: rateLimit.store.redisUrl must be a redis:// or rediss:// URL, got "${configured.redisUrl}"`,
      )
    }
    // Fail fast while Redis is down (the limiter then lets requests through and logs it).
    owned = new Redis(configured.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
    owned.on('error', onStoreError)
  }
  const store =
    configured === 'memory'
      ? configured
      : { redis: owned ?? (configured as { redis: Redis }).redis, keyPrefix: configured.keyPrefix }
  const make = (name: string, rule: RateLimitRule): Limiter => {
    const common = { points: rule.points, duration: rule.durationSeconds }
    const limiter =
      store === 'memory'
        ? new RateLimiterMemory({ ...common, keyPrefix: name })
        : new RateLimiterRedis({
            ...common,
            storeClient: store.redis,
            keyPrefix: `${store.keyPrefix ?? 'toolwire:rl'}:${name}`,
          })
    return { name, rule, limiter }
  }
  const general = make('all', options)
  const perTool = new Map(
    Object.entries(options.perTool ?? {}).map(([tool, rule]) => [tool, make(`tool:${tool}`, rule)]),
  )
  const keyOf = options.key ?? ((req, identity) => identity?.subject ?? req.socket.remoteAddress ?? 'unknown')

  const decide = async (
    req: IncomingMessage,
    { identity, tool }: { identity: Identity | undefined; tool: string | undefined },
  ): Promise<RateLimitDecision> => {
    const key = keyOf(req, identity)
    const limiters = [general, ...(tool && perTool.has(tool) ? [perTool.get(tool)!] : [])]
    let headers: Record<string, string> = {}
    for (const { name, rule, limiter } of limiters) {
      try {
        const res = await limiter.consume(key)
        headers = rateLimitHeaders(rule, res)
      } catch (outcome) {
        if (!(outcome instanceof RateLimiterRes)) {
          // The store failed (Redis down): serve rather than refuse everyone, and say so.
          onStoreError(outcome)
          continue
        }
        const retryAfterSeconds = Math.max(1, Math.ceil(outcome.msBeforeNext / 1000))
        const scope = name === 'all' ? '' : ` for tool ${tool}`
        return {
          allowed: false,
          retryAfterSeconds,
          headers: { ...rateLimitHeaders(rule, outcome), 'retry-after': String(retryAfterSeconds) },
          message: `Rate limit exceeded: ${rule.points} requests per ${rule.durationSeconds} s${scope} (rateLimit); retry in ${retryAfterSeconds} s`,
        }
      }
    }
    return { allowed: true, headers }
  }
  return Object.assign(decide, { close: () => owned?.disconnect() })
}

function rateLimitHeaders(rule: RateLimitRule, res: RateLimiterRes): Record<string, string> {
  return {
    'ratelimit-limit': String(rule.points),
    'ratelimit-remaining': String(Math.max(0, res.remainingPoints)),
    'ratelimit-reset': String(Math.ceil(res.msBeforeNext / 1000)),
  }
}
