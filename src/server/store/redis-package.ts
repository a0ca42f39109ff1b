/**
 * `ioredis`, an optional peer dependency: loaded only when a Redis store is configured, so a
 * server without Redis installs and loads nothing for it. Internal: public options take the
 * structural `RedisClient` (redis-client.ts), so toolwire's types need no ioredis install.
 */
import type { Redis } from 'ioredis'
import { importOptional } from '../../protocol/optional-package.js'
import type { RedisClient } from './redis-client.js'

/** Opens an ioredis connection to `url` (loading the package on first use). */
export async function connectRedis(
  url: string,
  feature: string,
  options: { maxRetriesPerRequest?: number; enableOfflineQueue?: boolean; connectTimeout?: number },
): Promise<Redis> {
  const { Redis } = await importOptional('ioredis', feature, () => import('ioredis'))
  return new Redis(url, options)
}

/**
 * Resolves once a connection that is still being opened is ready, or has failed its attempt
 * (then commands fail fast and the caller reports that). Without it, a client created with
 * `enableOfflineQueue: false` refuses every command sent while it connects: the first requests
 * after a start would all count as "store down". Never waits on a client that is ready, was
 * closed, or was never asked to connect (`lazyConnect`).
 */
export function untilConnected(redis: RedisClient): Promise<void> | undefined {
  if (redis.status !== 'connecting' && redis.status !== 'connect') return undefined
  return new Promise<void>((resolve) => {
    const settle = () => {
      for (const event of SETTLING_EVENTS) redis.off(event, settle)
      resolve()
    }
    for (const event of SETTLING_EVENTS) redis.once(event, settle)
  })
}

/** ioredis's `error` also fires when the connect timeout (`connectTimeout`) elapses, so this never hangs. */
const SETTLING_EVENTS = ['ready', 'error', 'close', 'end'] as const
