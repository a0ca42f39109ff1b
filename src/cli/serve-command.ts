/** `toolwire serve <module>`: serve the ToolServer a module exports. */

import cluster from 'node:cluster'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseApiKeyEntry } from '../server/auth/authenticators.js'
import { serveOptionsFromEnv } from '../server/env.js'
import { runReadinessChecks } from '../server/health.js'
import { LOG_LEVEL_NAMES, type ServerLogLevel } from '../server/observability/logging.js'
import type { ServeOptions } from '../server/serve.js'
import { serve } from '../server/serve.js'
import { ToolServer } from '../server/tool-server.js'
import { EXIT } from './cli-errors.js'
import { UsageError } from './output.js'
import { superviseWorkers, workerCount } from './serve-workers.js'

export interface ServeFlags {
  export?: string
  host?: string
  port?: string
  path?: string
  logLevel?: string
  apiKey?: string[]
  rateLimit?: string
  tlsCert?: string
  tlsKey?: string
  tlsCa?: string
  metrics?: boolean
  stdio?: boolean
  workers?: string
  redisUrl?: string
}

/**
 * A ToolServer, also one from another copy of toolwire (a module importing its own install
 * while the CLI runs from another): recognised by what serve() uses.
 */
function isToolServer(value: unknown): value is ToolServer {
  if (value instanceof ToolServer) return true
  const candidate = value as Partial<Record<keyof ToolServer, unknown>> | null
  return (
    typeof value === 'object' &&
    candidate !== null &&
    typeof candidate.handler === 'function' &&
    typeof candidate.info === 'object' &&
    typeof candidate.tool === 'function'
  )
}
/** Flags that only mean something for an HTTP endpoint. */
const HTTP_ONLY_FLAGS = [
  'host',
  'port',
  'path',
  'apiKey',
  'rateLimit',
  'tlsCert',
  'tlsKey',
  'tlsCa',
  'metrics',
  'workers',
] as const

/** The module's ToolServer: `export default`, `export const server`, or a (possibly async) factory. */
async function loadServer(module: string, name: string | undefined): Promise<ToolServer> {
  if (/\.(c|m)?tsx?$/.test(module)) {
    try {
      const { register } = await import('tsx/esm/api')
      register()
    } catch {
      throw new UsageError(`${module} is TypeScript: install tsx (npm i -D tsx) or serve the compiled .js`)
    }
  }
  const loaded = (await import(pathToFileURL(resolve(module)).href)) as Record<string, unknown>
  const candidates = name ? [name] : ['default', 'server']
  for (const key of candidates) {
    let value = loaded[key]
    if (typeof value === 'function' && !(value instanceof ToolServer)) {
      // A factory that needs arguments (a database, a client) would build a server without them.
      if (value.length > 0) {
        throw new UsageError(
          `${module}: "${key}" is a function of ${value.length} argument(s) (${parameterNames(value)}), which serve cannot provide: export a ToolServer, or a factory of no arguments that builds its dependencies`,
        )
      }
      value = await (value as () => unknown)()
    }
    if (isToolServer(value)) return value
  }
  throw new UsageError(
    `${module} exports no ToolServer as ${candidates.map((c) => `"${c}"`).join(' or ')} (use --export <name>)`,
  )
}

/** The parameter list of a function, as written (for messages). */
function parameterNames(fn: { toString(): string }): string {
  const match = /^[^(]*\(([^)]*)\)/.exec(fn.toString())
  return (match?.[1] ?? '').replace(/\s+/g, ' ').trim() || '…'
}

export async function serveCommand(module: string, flags: ServeFlags): Promise<number | undefined> {
  const workers = workerCount(flags.workers)
  if (workers > 1 && cluster.isPrimary) {
    // The primary only forks and supervises: the workers run this command again and serve.
    const env = serveOptionsFromEnv(process.env)
    await superviseWorkers({
      count: workers,
      store: flags.redisUrl !== undefined || env.store !== undefined,
      legacySessions: env.legacySessions ?? true,
    })
    return undefined
  }
  const server = await loadServer(module, flags.export)
  // Never report a server up that cannot answer: its readiness checks run first.
  const checks = await runReadinessChecks(server.readinessChecks)
  const failing = Object.entries(checks).filter(([, outcome]) => outcome !== 'ok')
  if (failing.length > 0) {
    for (const [name, why] of failing)
      process.stderr.write(`error: ${server.info.name} is not ready: ${name}: ${why}\n`)
    return EXIT.failure
  }
  const level = flags.logLevel ?? 'info'
  if (!LOG_LEVEL_NAMES.includes(level as ServerLogLevel)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVEL_NAMES.join(', ')}, got "${level}"`)
  }
  if (flags.stdio) {
    await serveOnStdio(server, flags, level as ServerLogLevel)
    return undefined
  }
  const options: ServeOptions = { shutdownOnSignals: true, logLevel: level as ServerLogLevel }
  if (flags.host) options.host = flags.host
  if (flags.port !== undefined) {
    const port = Number(flags.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be 0–65535, got "${flags.port}"`)
    options.port = port
  }
  if (flags.path) options.path = flags.path
  if (flags.apiKey && flags.apiKey.length > 0) {
    options.auth = {
      apiKeys: flags.apiKey.map((entry) => {
        const parsed = parseApiKeyEntry(entry)
        if (!parsed) {
          throw new UsageError(
            `--api-key must be id:sha256-hex[:scopes] (the SHA-256 of the key), got "${entry}"`,
          )
        }
        return parsed
      }),
    }
  }
  if (flags.rateLimit) {
    const points = Number(flags.rateLimit)
    if (!Number.isInteger(points) || points < 1)
      throw new UsageError(`--rate-limit must be requests per minute ≥ 1`)
    options.rateLimit = { points, durationSeconds: 60 }
  }
  if (flags.tlsCert || flags.tlsKey) {
    if (!flags.tlsCert || !flags.tlsKey) throw new UsageError('--tls-cert and --tls-key go together')
    const { readFileSync } = await import('node:fs')
    options.tls = {
      cert: readFileSync(flags.tlsCert),
      key: readFileSync(flags.tlsKey),
      ...(flags.tlsCa ? { ca: readFileSync(flags.tlsCa), requestCert: true } : {}),
    }
  }
  if (flags.metrics) options.metrics = true
  if (flags.redisUrl) {
    const keyPrefix = process.env.TOOLWIRE_REDIS_KEY_PREFIX
    options.store = { redisUrl: flags.redisUrl, ...(keyPrefix ? { keyPrefix } : {}) }
  }
  const running = await serve(server, options)
  // With workers, the first one says where the endpoint is (they all share it).
  const index = process.env.TOOLWIRE_WORKER_INDEX
  if (index === undefined || index === '1')
    process.stdout.write(`${server.info.name} ${server.info.version}: MCP endpoint ${running.url}\n`)
  return undefined
}

/** `--stdio`: the client runs this process; stdout carries protocol messages only, logs go to stderr. */
async function serveOnStdio(server: ToolServer, flags: ServeFlags, level: ServerLogLevel): Promise<void> {
  const given = HTTP_ONLY_FLAGS.filter((flag) => {
    const value = flags[flag]
    return Array.isArray(value) ? value.length > 0 : value !== undefined && value !== false
  })
  if (given.length > 0) {
    const names = given.map((flag) => `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`)
    throw new UsageError(
      `${names.join(', ')} ${given.length > 1 ? 'apply' : 'applies'} to HTTP only, not with --stdio`,
    )
  }
  const { serveStdio } = await import('../server/serve-stdio.js')
  const { createServerLogger } = await import('../server/observability/logging.js')
  serveStdio(server, { logger: createServerLogger({ level, destination: 2, name: server.info.name }) })
  process.stderr.write(`${server.info.name} ${server.info.version}: MCP over stdio\n`)
}
