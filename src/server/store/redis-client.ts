/** The Redis client as toolwire's public types see it. */

/**
 * Your `ioredis` client (`new Redis(…)` or a `Cluster`), as toolwire's types see it: structural,
 * so the types compile without ioredis installed.
 */
export interface RedisClient {
  /** ioredis's connection state: `wait`, `connecting`, `connect`, `ready`, `reconnecting`, `end`, … */
  readonly status: string
  once(event: string, listener: (...args: unknown[]) => void): unknown
  off(event: string, listener: (...args: unknown[]) => void): unknown
}
