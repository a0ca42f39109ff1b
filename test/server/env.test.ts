import { execFile, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import {
  hashApiKey,
  SERVE_ENV_VARIABLES,
  serve,
  serveOptionsFromEnv,
  ToolServer,
} from '../../src/server/index.js'
import { makeCerts } from '../support/certs.js'

const KEY = 'env-configured-key'

const server = () =>
  new ToolServer({ name: 'env', version: '1.0.0' }).tool(
    'whoami',
    { input: z.object({}) },
    (_args, ctx) => ctx.identity?.subject ?? 'nobody',
  )

describe('options from environment variables', () => {
  it('reads every documented variable into serve() options', async () => {
    const certs = makeCerts()
    const dir = mkdtempSync(join(tmpdir(), 'toolwire-env-'))
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text)
      return join(dir, name)
    }
    const options = serveOptionsFromEnv({
      TOOLWIRE_HOST: '0.0.0.0',
      TOOLWIRE_PORT: '8080',
      TOOLWIRE_PATH: '/tools',
      TOOLWIRE_LOG_LEVEL: 'INFO',
      TOOLWIRE_LOG_ARGUMENTS: 'true',
      TOOLWIRE_REDACT: 'ssn, dateOfBirth',
      TOOLWIRE_MAX_BODY_BYTES: '1048576',
      TOOLWIRE_MAX_CONCURRENT_REQUESTS: '64',
      TOOLWIRE_SHUTDOWN_TIMEOUT_SECONDS: '20',
      TOOLWIRE_DRAIN_DELAY_SECONDS: '5',
      TOOLWIRE_SHUTDOWN_ON_SIGNALS: 'yes',
      TOOLWIRE_LEGACY_SESSIONS: 'false',
      TOOLWIRE_SESSION_IDLE_TIMEOUT_SECONDS: '600',
      TOOLWIRE_ALLOWED_ORIGINS: 'https://app.example.com,https://admin.example.com',
      TOOLWIRE_METRICS: '/internal/metrics',
      TOOLWIRE_TLS_CERT_FILE: file('server.crt', certs.serverCert),
      TOOLWIRE_TLS_KEY_FILE: file('server.key', certs.serverKey),
      TOOLWIRE_TLS_CA_FILE: file('ca.crt', certs.ca),
      TOOLWIRE_AUTH_API_KEYS: `ci:${hashApiKey('a')}:crm.read crm.write, ops:${hashApiKey('b')}`,
      TOOLWIRE_RATE_LIMIT_POINTS: '100',
      TOOLWIRE_RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:6379',
    })
    expect(options).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      path: '/tools',
      logLevel: 'info',
      logArguments: true,
      redact: ['ssn', 'dateOfBirth'],
      maxBodyBytes: 1048576,
      maxConcurrentRequests: 64,
      shutdownTimeoutSeconds: 20,
      drainDelaySeconds: 5,
      shutdownOnSignals: true,
      legacySessions: false,
      sessionIdleTimeoutSeconds: 600,
      allowedOrigins: ['https://app.example.com', 'https://admin.example.com'],
      metrics: { path: '/internal/metrics' },
      tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, requestCert: true },
      auth: {
        apiKeys: [
          { id: 'ci', sha256: hashApiKey('a'), scopes: ['crm.read', 'crm.write'] },
          { id: 'ops', sha256: hashApiKey('b') },
        ],
      },
      rateLimit: { points: 100, durationSeconds: 60, store: { redisUrl: 'redis://127.0.0.1:6379' } },
    })
    rmSync(dir, { recursive: true, force: true })
    expect(serveOptionsFromEnv({ PORT: '9000' })).toEqual({ port: 9000 })
    expect(
      serveOptionsFromEnv({ TOOLWIRE_REDIS_URL: 'redis://r:6379', TOOLWIRE_REDIS_KEY_PREFIX: 'crm:' }),
    ).toEqual({ store: { redisUrl: 'redis://r:6379', keyPrefix: 'crm:' } })
    expect(serveOptionsFromEnv({})).toEqual({})
    expect(
      serveOptionsFromEnv({
        TOOLWIRE_AUTH_JWT_JWKS_URL: 'https://issuer.example.com/jwks',
        TOOLWIRE_AUTH_JWT_ISSUER: 'https://issuer.example.com',
        TOOLWIRE_AUTH_JWT_AUDIENCE: 'crm',
      }).auth,
    ).toEqual({
      jwt: {
        jwksUrl: 'https://issuer.example.com/jwks',
        issuer: 'https://issuer.example.com',
        audience: ['crm'],
      },
    })
  })

  it('refuses malformed variables, naming them', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ TOOLWIRE_PORT: 'eighty' }, /TOOLWIRE_PORT must be a whole number/],
      [{ PORT: '-1' }, /PORT must be a port number/],
      [{ TOOLWIRE_SHUTDOWN_ON_SIGNALS: 'maybe' }, /TOOLWIRE_SHUTDOWN_ON_SIGNALS must be true or false/],
      [{ TOOLWIRE_LOG_LEVEL: 'loud' }, /TOOLWIRE_LOG_LEVEL must be one of fatal, error/],
      [{ TOOLWIRE_DRAIN_DELAY_SECONDS: '-3' }, /TOOLWIRE_DRAIN_DELAY_SECONDS must be a number of seconds/],
      [{ TOOLWIRE_AUTH_API_KEYS: 'ci:plain-text-key' }, /TOOLWIRE_AUTH_API_KEYS: entry "ci:…"/],
      [
        { TOOLWIRE_TLS_CERT_FILE: '/nonexistent/cert.pem' },
        /TOOLWIRE_TLS_CERT_FILE: cannot read \/nonexistent/,
      ],
      [{ TOOLWIRE_AUTH_JWT_ISSUER: 'https://i' }, /TOOLWIRE_AUTH_JWT_AUDIENCE/],
      [
        { TOOLWIRE_AUTH_MTLS: 'true', TOOLWIRE_AUTH_API_KEYS: `a:${hashApiKey('a')}` },
        /only one of TOOLWIRE_AUTH_API_KEYS/,
      ],
    ]
    for (const [env, message] of cases) expect(() => serveOptionsFromEnv(env)).toThrow(message)
  })

  it('configures a served server (auth, metrics path, Redis rate limit); code options win', async () => {
    await using running = await serve(server(), {
      port: 0,
      env: {
        TOOLWIRE_PORT: '1', // overridden by the code's port 0
        TOOLWIRE_AUTH_API_KEYS: `ci:${hashApiKey(KEY)}`,
        TOOLWIRE_METRICS: '/prom',
        TOOLWIRE_RATE_LIMIT_POINTS: '3',
        TOOLWIRE_RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:6379',
        TOOLWIRE_RATE_LIMIT_KEY_PREFIX: `toolwire-test:${randomUUID()}`,
      },
    })
    expect(running.port).not.toBe(1)
    const refused = await new MCPServerStreamableHttp({ params: { url: running.url } })
      .connect()
      .catch((e: unknown) => e)
    expect(String(refused)).toMatch(/401|Unauthorized/)
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url, headers: { Authorization: `Bearer ${KEY}` } },
      maxRetryAttempts: 0,
    }).connect()
    expect((await client.callTool('whoami')).content).toEqual([{ type: 'text', text: 'ci' }])
    await client.callTool('whoami')
    const limited = await client.callTool('whoami').catch((e: unknown) => e)
    expect(String(limited)).toMatch(/429|Rate limit/)
    const metrics = await request(running.url.replace('/mcp', '/prom'))
    expect(await metrics.body.text()).toContain('toolwire_rate_limited_total{tool="whoami"} 1')
  })

  it('env: false reads nothing', async () => {
    process.env.TOOLWIRE_PATH = '/from-env'
    try {
      await using ignoring = await serve(server(), { port: 0, env: false })
      expect(ignoring.url).toMatch(/\/mcp$/)
      await using reading = await serve(server(), { port: 0 })
      expect(reading.url).toMatch(/\/from-env$/)
    } finally {
      delete process.env.TOOLWIRE_PATH
    }
  })

  it('configures the example server process: port and log level from the environment', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/echo-server.ts'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, TOOLWIRE_PORT: '0', TOOLWIRE_LOG_LEVEL: 'info' },
    })
    const lines = createInterface({ input: child.stdout! })
    const seen: string[] = []
    lines.on('line', (line) => seen.push(line))
    try {
      await expect
        .poll(() => seen.find((l) => l.startsWith('MCP server listening on ')), { timeout: 15_000 })
        .toBeTruthy()
      const url = seen
        .find((l) => l.startsWith('MCP server listening on '))!
        .replace('MCP server listening on ', '')
      await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/echo-client.ts', url])
      await expect
        .poll(() =>
          seen.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>),
        )
        .toContainEqual(
          expect.objectContaining({ name: 'echo', msg: 'mcp request', tool: 'add', outcome: 'ok' }),
        )
    } finally {
      child.kill('SIGTERM')
      const [code] = (await once(child, 'exit')) as [number | null]
      expect(code).toBe(0)
    }
  })

  it('documents every variable it reads in docs/configuration.md', () => {
    const reference = readFileSync('docs/configuration.md', 'utf8')
    for (const name of Object.keys(SERVE_ENV_VARIABLES)) expect(reference).toContain(`\`${name}\``)
  })
})
