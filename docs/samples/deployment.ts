/** docs/deployment.md: a ToolServer as one replica of a fleet sharing Redis. */
import { serve, type ToolServer } from 'toolwire/server'

export async function replica(server: ToolServer) {
  // #region replica
  await serve(server, {
    host: '0.0.0.0',
    port: 3000,
    publicUrl: 'https://mcp.example.com/mcp',
    // 2025-era sessions, resumable answers, server-to-client answers, notifications, rate
    // limits and the MRTR secret, shared by every replica (also: TOOLWIRE_REDIS_URL).
    store: { redisUrl: process.env.REDIS_URL ?? 'redis://redis:6379', keyPrefix: 'crm:' },
    drainDelaySeconds: 5, // /ready turns 503 this long before the listener stops
    shutdownTimeoutSeconds: 25, // calls in flight finish within the pod's grace period
    shutdownOnSignals: true,
  })
  // #endregion replica
}
