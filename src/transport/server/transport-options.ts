/**
 * The server transport's options, their defaults and their validation, in one place. Every
 * limit has a default: a server that is not configured is still bounded.
 */
import { ToolwireConfigError } from '../../protocol/errors.js'

/** The transport's own options (the public `HttpHandlerOptions` add logging, auth, limits). */
export interface StreamableHttpOptions {
  /**
   * Serve 2025-era clients with stateful sessions (`Mcp-Session-Id`, GET stream, DELETE).
   * Turn off behind a load balancer without sticky sessions: 2025-era clients are then served
   * statelessly. 2026-07-28 requests are always stateless.
   * @default true
   */
  legacySessions?: boolean
  /**
   * Browser origins allowed to call the endpoint (DNS-rebinding protection). Requests without
   * an `Origin` header (non-browser clients) are always allowed.
   * @default localhost, 127.0.0.1 and [::1] on any port
   */
  allowedOrigins?: readonly string[]
  /**
   * `Host` header values the endpoint answers (DNS-rebinding protection): host names
   * (`mcp.example.com`, any port) or `host:port`, case-insensitive; `'*'` answers any. Other
   * requests get 421 Misdirected Request. Without it, a request that arrived on a loopback
   * address (127.0.0.0/8, ::1) must name a loopback host (`localhost`, `127.0.0.1`, `[::1]`,
   * any port) and other requests are not checked. Set it when a proxy on the same machine
   * forwards requests for a public name. Env: `TOOLWIRE_ALLOWED_HOSTS`.
   * @default loopback names for requests received on a loopback address
   * @example ['mcp.example.com', 'localhost']
   */
  allowedHosts?: readonly string[]
  /** Largest accepted request body, in bytes. @default 4194304 (4 MiB) */
  maxBodyBytes?: number
  /**
   * Requests answered at once; past it, POSTs get 503 with `Retry-After` (load shedding). A
   * request stops counting when it is answered, when its client goes away, or when it is
   * cancelled or times out, even if its handler ignores `ctx.signal`.
   * @default unlimited
   */
  maxConcurrentRequests?: number
  /**
   * Open 2025-era sessions at most; past it, `initialize` gets 503 with `Retry-After` naming the
   * limit. Each idle session costs about 1 KB (`npm run bench` measures it).
   * @default 10000
   */
  maxSessions?: number
  /**
   * Open notification streams at most, in total: 2025-era GET streams (standalone and resumed
   * answers) and 2026-07-28 `subscriptions/listen` streams. Each holds a connection (a file
   * descriptor) and a keep-alive timer. Past it: 503 with `Retry-After` naming the limit.
   * @default 1000
   */
  maxStreams?: number
  /** Open GET streams per 2025-era session (its standalone stream plus resumed answers). @default 4 */
  maxStreamsPerSession?: number
  /**
   * A 2025-era session unused this long is dropped, in seconds (a session with an open GET
   * stream or a call in flight is in use). Clients re-initialize on the 404 that follows.
   * Abandoned sessions hold a `maxSessions` slot until dropped, hence 10 minutes rather than 30.
   * @default 600
   */
  sessionIdleTimeoutSeconds?: number
  /** Interval of keep-alive comments on idle GET streams, in seconds. @default 15 */
  sseKeepAliveSeconds?: number
  /**
   * How long 2025-11-25 clients wait before reconnecting to a resumable answer whose connection
   * ended (the SSE `retry` field), in seconds. @default 1
   */
  sseRetrySeconds?: number
  /**
   * Bytes of streamed 2025-11-25 answers kept so clients can resume them (`Last-Event-ID`), for
   * all sessions together. An answer is released as soon as its client has received it; one
   * that finished while its client was away is kept until claimed, for 5 minutes at most, and
   * the oldest of those are dropped first when the total passes this bound.
   * @default 16777216 (16 MiB)
   */
  resumableBufferBytes?: number
}

/** The options with their defaults applied, checked. */
export interface TransportSettings {
  legacySessions: boolean
  allowedOrigins: ReadonlySet<string> | undefined
  allowedHosts: readonly string[] | undefined
  maxBodyBytes: number
  maxConcurrentRequests: number
  maxSessions: number
  maxStreams: number
  maxStreamsPerSession: number
  sessionIdleTimeoutSeconds: number
  sseKeepAliveSeconds: number
  retryMs: number
  resumableBufferBytes: number
}

type NumericOption = {
  [K in keyof StreamableHttpOptions]-?: StreamableHttpOptions[K] extends number | undefined ? K : never
}[keyof StreamableHttpOptions]

/** Applies the defaults and refuses invalid values with a message naming the option. */
export function transportSettings(options: StreamableHttpOptions): TransportSettings {
  const number = (
    name: NumericOption,
    fallback: number,
    check: { min: number; integer?: boolean; exclusive?: boolean },
  ): number => {
    const value = options[name] ?? fallback
    const inRange = check.exclusive ? value > check.min : value >= check.min
    if (!inRange || (check.integer && !Number.isInteger(value) && value !== Infinity)) {
      throw new ToolwireConfigError(
        `option "${name}" must be ${check.integer ? 'a whole number' : 'a number'} ${check.exclusive ? '>' : '≥'} ${check.min}, got ${options[name]}`,
      )
    }
    return value
  }
  const allowedHosts = options.allowedHosts?.map((host) => host.trim().toLowerCase())
  if (allowedHosts?.some((host) => host === '')) {
    throw new ToolwireConfigError('option "allowedHosts" must not contain empty names')
  }
  return {
    legacySessions: options.legacySessions ?? true,
    allowedOrigins: options.allowedOrigins ? new Set(options.allowedOrigins) : undefined,
    allowedHosts,
    maxBodyBytes: number('maxBodyBytes', 4 * 1024 * 1024, { min: 1, integer: true }),
    maxConcurrentRequests: number('maxConcurrentRequests', Infinity, { min: 1, integer: true }),
    maxSessions: number('maxSessions', 10_000, { min: 1, integer: true }),
    maxStreams: number('maxStreams', 1000, { min: 1, integer: true }),
    maxStreamsPerSession: number('maxStreamsPerSession', 4, { min: 1, integer: true }),
    sessionIdleTimeoutSeconds: number('sessionIdleTimeoutSeconds', 600, { min: 0, exclusive: true }),
    sseKeepAliveSeconds: number('sseKeepAliveSeconds', 15, { min: 0, exclusive: true }),
    retryMs: Math.round(number('sseRetrySeconds', 1, { min: 0 }) * 1000),
    resumableBufferBytes: number('resumableBufferBytes', 16 * 1024 * 1024, { min: 0, integer: true }),
  }
}
