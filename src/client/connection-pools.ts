/**
 * Shared keep-alive connection pools: clients with the same connection settings (connect
 * timeout, TLS material, pool size) share one undici Agent, which keeps a pool per origin.
 * Reference-counted: the Agent closes when its last client does.
 */
import { createHash } from 'node:crypto'
import { Agent, type Dispatcher } from 'undici'

export interface TlsOptions {
  /** Client certificate (PEM) for mTLS. */
  cert?: string | Buffer
  /** Client private key (PEM) for mTLS. */
  key?: string | Buffer
  /** CA certificates (PEM) to trust for the server's certificate. */
  ca?: string | Buffer | Array<string | Buffer>
  /** Server name for SNI and certificate checks. */
  servername?: string
  /** Verify the server's certificate. @default true */
  rejectUnauthorized?: boolean
}

export interface PoolSettings {
  connectTimeoutSeconds: number
  /** Connections per origin. */
  maxConnections: number
  tls: TlsOptions | undefined
}

interface Shared {
  agent: Agent
  refs: number
}

const pools = new Map<string, Shared>()

function keyOf(settings: PoolSettings): string {
  const tls = settings.tls
  const hash = createHash('sha256')
  hash.update(`${settings.connectTimeoutSeconds}|${settings.maxConnections}|`)
  if (tls) {
    for (const part of [tls.cert, tls.key, ...(Array.isArray(tls.ca) ? tls.ca : [tls.ca])])
      hash.update(`${part ?? ''}|`)
    hash.update(`${tls.servername ?? ''}|${tls.rejectUnauthorized ?? true}`)
  }
  return hash.digest('hex')
}

export interface AcquiredDispatcher {
  dispatcher: Dispatcher
  release(): Promise<void>
}

export function acquireDispatcher(settings: PoolSettings): AcquiredDispatcher {
  const key = keyOf(settings)
  let shared = pools.get(key)
  if (!shared) {
    const tls = settings.tls
    shared = {
      agent: new Agent({
        connections: settings.maxConnections,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        connect: {
          timeout: settings.connectTimeoutSeconds * 1000,
          ...(tls?.cert ? { cert: tls.cert } : {}),
          ...(tls?.key ? { key: tls.key } : {}),
          ...(tls?.ca ? { ca: tls.ca } : {}),
          ...(tls?.servername ? { servername: tls.servername } : {}),
          ...(tls?.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
        },
      }),
      refs: 0,
    }
    pools.set(key, shared)
  }
  shared.refs++
  const entry = shared
  let released = false
  return {
    dispatcher: entry.agent,
    async release() {
      if (released) return
      released = true
      entry.refs--
      if (entry.refs === 0) {
        if (pools.get(key) === entry) pools.delete(key)
        await entry.agent.close()
      }
    },
  }
}
