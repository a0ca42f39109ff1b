/**
 * Where the replicas of a fleet keep what they share (2025-era sessions, resumable streams,
 * server-to-client answers, notifications, tasks). Without a store everything stays in the
 * memory of one process, exactly as before. See docs/deployment.md.
 */
export interface StoreOptions {
  /** `redis://` or `rediss://` URL of the Redis every replica uses. */
  redisUrl: string
  /** Prefix of every key toolwire writes in that Redis. Default `toolwire:`. */
  keyPrefix?: string
}
