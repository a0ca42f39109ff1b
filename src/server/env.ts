/**
 * `serve()` options from environment variables, so a container is configured without code.
 * Every variable is optional; a malformed one is a `ToolwireConfigError` naming it.
 */
import { readFileSync } from 'node:fs'
import { ToolwireConfigError } from '../protocol/errors.js'
import { type ApiKeyEntry, type AuthOptions, parseApiKeyEntry } from './auth/authenticators.js'
import { LOG_LEVEL_NAMES, type ServerLogLevel } from './observability/logging.js'
import type { ServeOptions } from './serve.js'

type Env = Record<string, string | undefined>

/** The variables `serve()` reads, with what each sets (docs/configuration.md lists them all: a test checks it). */
export const SERVE_ENV_VARIABLES = {
  TOOLWIRE_HOST: 'host',
  TOOLWIRE_PORT: 'port (falls back to PORT)',
  TOOLWIRE_PATH: 'path',
  TOOLWIRE_LOG_LEVEL: 'logLevel',
  TOOLWIRE_LOG_ARGUMENTS: 'logArguments',
  TOOLWIRE_REDACT: 'redact (comma-separated field names)',
  TOOLWIRE_MAX_BODY_BYTES: 'maxBodyBytes',
  TOOLWIRE_MAX_CONCURRENT_REQUESTS: 'maxConcurrentRequests',
  TOOLWIRE_SHUTDOWN_TIMEOUT_SECONDS: 'shutdownTimeoutSeconds',
  TOOLWIRE_DRAIN_DELAY_SECONDS: 'drainDelaySeconds',
  TOOLWIRE_SHUTDOWN_ON_SIGNALS: 'shutdownOnSignals',
  TOOLWIRE_LEGACY_SESSIONS: 'legacySessions',
  TOOLWIRE_SESSION_IDLE_TIMEOUT_SECONDS: 'sessionIdleTimeoutSeconds',
  TOOLWIRE_ALLOWED_ORIGINS: 'allowedOrigins (comma-separated)',
  TOOLWIRE_ALLOWED_HOSTS: 'allowedHosts (comma-separated; * answers any Host)',
  TOOLWIRE_PUBLIC_URL: 'publicUrl (the URL clients use; RFC 9728 metadata and 401 challenges)',
  TOOLWIRE_MAX_SESSIONS: 'maxSessions',
  TOOLWIRE_MAX_STREAMS: 'maxStreams',
  TOOLWIRE_MAX_STREAMS_PER_SESSION: 'maxStreamsPerSession',
  TOOLWIRE_RESUMABLE_BUFFER_BYTES: 'resumableBufferBytes',
  TOOLWIRE_METRICS: 'metrics (true, or the path to serve them at)',
  TOOLWIRE_TLS_CERT_FILE: 'tls.cert (PEM file)',
  TOOLWIRE_TLS_KEY_FILE: 'tls.key (PEM file)',
  TOOLWIRE_TLS_CA_FILE: 'tls.ca (PEM file; with it, client certificates are requested)',
  TOOLWIRE_AUTH_API_KEYS: 'auth.apiKeys: id:sha256[:scope scope…], comma-separated',
  TOOLWIRE_AUTH_JWT_JWKS_URL: 'auth.jwt.jwksUrl',
  TOOLWIRE_AUTH_JWT_PUBLIC_KEY_FILE: 'auth.jwt.publicKey (SPKI PEM file)',
  TOOLWIRE_AUTH_JWT_ISSUER: 'auth.jwt.issuer',
  TOOLWIRE_AUTH_JWT_AUDIENCE: 'auth.jwt.audience (comma-separated)',
  TOOLWIRE_AUTH_JWT_ALGORITHMS: 'auth.jwt.algorithms (comma-separated)',
  TOOLWIRE_AUTH_JWT_REQUIRE_EXPIRATION: 'auth.jwt.requireExpiration',
  TOOLWIRE_AUTH_INTROSPECTION_URL: 'auth.introspection.url (RFC 7662)',
  TOOLWIRE_AUTH_INTROSPECTION_CLIENT_ID: 'auth.introspection.clientId',
  TOOLWIRE_AUTH_INTROSPECTION_CLIENT_SECRET_FILE: 'auth.introspection.clientSecret (a file holding it)',
  TOOLWIRE_AUTH_INTROSPECTION_ISSUER: 'auth.introspection.issuer',
  TOOLWIRE_AUTH_INTROSPECTION_AUDIENCE: 'auth.introspection.audience (comma-separated)',
  TOOLWIRE_AUTH_MTLS: 'auth: { mtls: true }',
  TOOLWIRE_RATE_LIMIT_POINTS: 'rateLimit.points',
  TOOLWIRE_RATE_LIMIT_DURATION_SECONDS: 'rateLimit.durationSeconds (default 60)',
  TOOLWIRE_RATE_LIMIT_REDIS_URL: 'rateLimit.store: { redisUrl }',
  TOOLWIRE_RATE_LIMIT_KEY_PREFIX: 'rateLimit.store.keyPrefix (Redis)',
  TOOLWIRE_REDIS_URL:
    'store.redisUrl (a replica of a fleet sharing that Redis: sessions, streams, tasks as BullMQ jobs)',
  TOOLWIRE_REDIS_KEY_PREFIX: 'store.keyPrefix (default toolwire:)',
} as const

type Name = keyof typeof SERVE_ENV_VARIABLES

class EnvReader {
  constructor(readonly env: Env) {}

  text(name: Name): string | undefined {
    const value = this.env[name]?.trim()
    return value === undefined || value === '' ? undefined : value
  }

  list(name: Name): string[] | undefined {
    return this.text(name)
      ?.split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
  }

  number(name: Name, kind: 'integer' | 'seconds'): number | undefined {
    const text = this.text(name)
    if (text === undefined) return undefined
    const value = Number(text)
    if (!(value >= 0) || (kind === 'integer' && !Number.isInteger(value))) {
      throw new ToolwireConfigError(
        `environment variable ${name} must be ${kind === 'integer' ? 'a whole number' : 'a number of seconds'} ≥ 0, got "${text}"`,
      )
    }
    return value
  }

  url(name: Name): string | undefined {
    const text = this.text(name)
    if (text !== undefined && !(URL.canParse(text) && /^https?:\/\/[^/]/.test(text))) {
      throw new ToolwireConfigError(
        `environment variable ${name} must be an absolute http(s) URL, got "${text}"`,
      )
    }
    return text
  }

  flag(name: Name): boolean | undefined {
    const text = this.text(name)?.toLowerCase()
    if (text === undefined) return undefined
    if (['1', 'true', 'yes', 'on'].includes(text)) return true
    if (['0', 'false', 'no', 'off'].includes(text)) return false
    throw new ToolwireConfigError(`environment variable ${name} must be true or false, got "${text}"`)
  }

  file(name: Name): string | undefined {
    const path = this.text(name)
    if (path === undefined) return undefined
    try {
      return readFileSync(path, 'utf8')
    } catch (error) {
      throw new ToolwireConfigError(
        `environment variable ${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? error})`,
      )
    }
  }
}

/**
 * Reads `serve()` options from environment variables (`TOOLWIRE_*`); unset variables are left
 * out, so defaults and options in code apply. `serve()` calls it for you.
 *
 * @example
 * ```ts
 * // TOOLWIRE_PORT=8080 TOOLWIRE_LOG_LEVEL=info TOOLWIRE_METRICS=true node server.js
 * await serve(server) // listens on 8080, logs at info, serves /metrics
 * ```
 */
export function serveOptionsFromEnv(env: Env = process.env): ServeOptions {
  const read = new EnvReader(env)
  const options: ServeOptions = {}
  const set = <K extends keyof ServeOptions>(key: K, value: ServeOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value
  }
  set('host', read.text('TOOLWIRE_HOST'))
  const port = read.number('TOOLWIRE_PORT', 'integer') ?? portFrom(env.PORT)
  set('port', port)
  set('path', read.text('TOOLWIRE_PATH'))
  const level = read.text('TOOLWIRE_LOG_LEVEL')?.toLowerCase()
  if (level !== undefined && !LOG_LEVEL_NAMES.includes(level as ServerLogLevel)) {
    throw new ToolwireConfigError(
      `environment variable TOOLWIRE_LOG_LEVEL must be one of ${LOG_LEVEL_NAMES.join(', ')}, got "${level}"`,
    )
  }
  set('logLevel', level as ServerLogLevel | undefined)
  set('logArguments', read.flag('TOOLWIRE_LOG_ARGUMENTS'))
  set('redact', read.list('TOOLWIRE_REDACT'))
  set('maxBodyBytes', read.number('TOOLWIRE_MAX_BODY_BYTES', 'integer'))
  set('maxConcurrentRequests', read.number('TOOLWIRE_MAX_CONCURRENT_REQUESTS', 'integer'))
  set('shutdownTimeoutSeconds', read.number('TOOLWIRE_SHUTDOWN_TIMEOUT_SECONDS', 'seconds'))
  set('drainDelaySeconds', read.number('TOOLWIRE_DRAIN_DELAY_SECONDS', 'seconds'))
  set('shutdownOnSignals', read.flag('TOOLWIRE_SHUTDOWN_ON_SIGNALS'))
  set('legacySessions', read.flag('TOOLWIRE_LEGACY_SESSIONS'))
  set('sessionIdleTimeoutSeconds', read.number('TOOLWIRE_SESSION_IDLE_TIMEOUT_SECONDS', 'seconds'))
  set('allowedOrigins', read.list('TOOLWIRE_ALLOWED_ORIGINS'))
  set('allowedHosts', read.list('TOOLWIRE_ALLOWED_HOSTS'))
  set('publicUrl', read.url('TOOLWIRE_PUBLIC_URL'))
  set('maxSessions', read.number('TOOLWIRE_MAX_SESSIONS', 'integer'))
  set('maxStreams', read.number('TOOLWIRE_MAX_STREAMS', 'integer'))
  set('maxStreamsPerSession', read.number('TOOLWIRE_MAX_STREAMS_PER_SESSION', 'integer'))
  set('resumableBufferBytes', read.number('TOOLWIRE_RESUMABLE_BUFFER_BYTES', 'integer'))
  const metrics = read.text('TOOLWIRE_METRICS')
  if (metrics !== undefined) {
    set('metrics', metrics.startsWith('/') ? { path: metrics } : read.flag('TOOLWIRE_METRICS'))
  }
  const cert = read.file('TOOLWIRE_TLS_CERT_FILE')
  const key = read.file('TOOLWIRE_TLS_KEY_FILE')
  const ca = read.file('TOOLWIRE_TLS_CA_FILE')
  if (cert !== undefined || key !== undefined) {
    if (cert === undefined || key === undefined) {
      throw new ToolwireConfigError(
        'environment variables TOOLWIRE_TLS_CERT_FILE and TOOLWIRE_TLS_KEY_FILE must be set together',
      )
    }
    options.tls = { cert, key, ...(ca === undefined ? {} : { ca, requestCert: true }) }
  }
  set('auth', authFromEnv(read))
  const points = read.number('TOOLWIRE_RATE_LIMIT_POINTS', 'integer')
  if (points !== undefined) {
    const redisUrl = read.text('TOOLWIRE_RATE_LIMIT_REDIS_URL')
    const keyPrefix = read.text('TOOLWIRE_RATE_LIMIT_KEY_PREFIX')
    options.rateLimit = {
      points,
      durationSeconds: read.number('TOOLWIRE_RATE_LIMIT_DURATION_SECONDS', 'seconds') ?? 60,
      ...(redisUrl ? { store: { redisUrl, ...(keyPrefix ? { keyPrefix } : {}) } } : {}),
    }
  }
  const redisUrl = read.text('TOOLWIRE_REDIS_URL')
  if (redisUrl !== undefined) {
    const keyPrefix = read.text('TOOLWIRE_REDIS_KEY_PREFIX')
    options.store = { redisUrl, ...(keyPrefix ? { keyPrefix } : {}) }
  }
  return options
}

function portFrom(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0)
    throw new ToolwireConfigError(`environment variable PORT must be a port number, got "${text}"`)
  return port
}

function authFromEnv(read: EnvReader): AuthOptions | undefined {
  const modes: AuthOptions[] = []
  const keys = read.list('TOOLWIRE_AUTH_API_KEYS')
  if (keys) modes.push({ apiKeys: keys.map(parseApiKey) })
  const issuer = read.text('TOOLWIRE_AUTH_JWT_ISSUER')
  const jwksUrl = read.text('TOOLWIRE_AUTH_JWT_JWKS_URL')
  const publicKey = read.file('TOOLWIRE_AUTH_JWT_PUBLIC_KEY_FILE')
  if (issuer !== undefined || jwksUrl !== undefined || publicKey !== undefined) {
    const audience = read.list('TOOLWIRE_AUTH_JWT_AUDIENCE')
    if (!issuer || !audience || audience.length === 0) {
      throw new ToolwireConfigError(
        'JWT auth from the environment needs TOOLWIRE_AUTH_JWT_ISSUER and TOOLWIRE_AUTH_JWT_AUDIENCE',
      )
    }
    const algorithms = read.list('TOOLWIRE_AUTH_JWT_ALGORITHMS')
    const requireExpiration = read.flag('TOOLWIRE_AUTH_JWT_REQUIRE_EXPIRATION')
    modes.push({
      jwt: {
        issuer,
        audience,
        ...(jwksUrl ? { jwksUrl } : {}),
        ...(publicKey ? { publicKey } : {}),
        ...(algorithms ? { algorithms } : {}),
        ...(requireExpiration === undefined ? {} : { requireExpiration }),
      },
    })
  }
  const introspectionUrl = read.text('TOOLWIRE_AUTH_INTROSPECTION_URL')
  if (introspectionUrl !== undefined) {
    const clientId = read.text('TOOLWIRE_AUTH_INTROSPECTION_CLIENT_ID')
    const clientSecret = read.file('TOOLWIRE_AUTH_INTROSPECTION_CLIENT_SECRET_FILE')?.trim()
    const introspectionIssuer = read.text('TOOLWIRE_AUTH_INTROSPECTION_ISSUER')
    if (!clientId || !clientSecret || !introspectionIssuer) {
      throw new ToolwireConfigError(
        'introspection auth from the environment needs TOOLWIRE_AUTH_INTROSPECTION_CLIENT_ID, TOOLWIRE_AUTH_INTROSPECTION_CLIENT_SECRET_FILE and TOOLWIRE_AUTH_INTROSPECTION_ISSUER',
      )
    }
    const introspectionAudience = read.list('TOOLWIRE_AUTH_INTROSPECTION_AUDIENCE')
    modes.push({
      introspection: {
        url: introspectionUrl,
        clientId,
        clientSecret,
        issuer: introspectionIssuer,
        ...(introspectionAudience ? { audience: introspectionAudience } : {}),
      },
    })
  }
  if (read.flag('TOOLWIRE_AUTH_MTLS')) modes.push({ mtls: true })
  if (modes.length > 1) {
    throw new ToolwireConfigError(
      'environment: set only one of TOOLWIRE_AUTH_API_KEYS, TOOLWIRE_AUTH_JWT_*, TOOLWIRE_AUTH_INTROSPECTION_* and TOOLWIRE_AUTH_MTLS',
    )
  }
  return modes[0]
}

function parseApiKey(entry: string): ApiKeyEntry {
  const parsed = parseApiKeyEntry(entry)
  if (!parsed) {
    throw new ToolwireConfigError(
      `environment variable TOOLWIRE_AUTH_API_KEYS: entry "${entry.split(':')[0] ?? ''}:…" must be id:sha256-hex[:scopes] (sha256-hex = hashApiKey(key), or: printf %s KEY | sha256sum)`,
    )
  }
  return parsed
}
