/**
 * Liveness and readiness for load balancers and orchestrators: `GET /health` says the process is
 * up; `GET /ready` runs the app's checks (a database ping, …), each with a timeout, and answers
 * 503 naming the failing check, or while the server drains for shutdown.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ToolwireConfigError } from '../protocol/errors.js'
import { sendJson } from '../transport/server/http-handler.js'
import { pathOf } from '../transport/server/request-checks.js'

/** A readiness check: resolves when ready, throws (or times out) when not. */
export type ReadinessCheck = (signal: AbortSignal) => Promise<unknown> | unknown

export interface HealthOptions {
  /** Liveness path. @default '/health' */
  path?: string
  /** Readiness path. @default '/ready' */
  readyPath?: string
  /** Named readiness checks, run concurrently on every `/ready` request. @default none */
  checks?: Record<string, ReadinessCheck>
  /** Seconds each check may take before it counts as failed. @default 2 */
  checkTimeoutSeconds?: number
}

export interface HealthEndpoints {
  /** Answers the request when it is for a health path; returns false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean
  /** From now on `/ready` answers 503 `draining`. */
  drain(): void
}

function send(res: ServerResponse, status: number, body: unknown): void {
  sendJson(res, { status, body, headers: { 'cache-control': 'no-store' } })
}

/**
 * Runs named checks at once; each answers `ok` or why it failed (its error, or a timeout).
 * `toolwire serve` runs them before it reports a server up.
 */
export async function runReadinessChecks(
  checks: Record<string, ReadinessCheck>,
  timeoutSeconds = 2,
): Promise<Record<string, string>> {
  const entries = Object.entries(checks)
  const outcomes = await Promise.all(entries.map(([, check]) => runCheck(check, timeoutSeconds)))
  return Object.fromEntries(entries.map(([name], i) => [name, outcomes[i]!]))
}

async function runCheck(check: ReadinessCheck, timeoutSeconds: number): Promise<string> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new Error(`timed out after ${timeoutSeconds} s`))
    }, timeoutSeconds * 1000)
  })
  try {
    await Promise.race([Promise.resolve().then(() => check(controller.signal)), timeout])
    return 'ok'
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  } finally {
    clearTimeout(timer)
  }
}

export function healthEndpoints(
  options: HealthOptions,
  about: { name: string; version: string },
): HealthEndpoints {
  const path = options.path ?? '/health'
  const readyPath = options.readyPath ?? '/ready'
  const timeoutSeconds = options.checkTimeoutSeconds ?? 2
  if (!(timeoutSeconds > 0)) {
    throw new ToolwireConfigError(
      `serve: option "health.checkTimeoutSeconds" must be > 0, got ${timeoutSeconds}`,
    )
  }
  for (const [name, check] of Object.entries(options.checks ?? {})) {
    if (typeof check !== 'function') {
      throw new ToolwireConfigError(`serve: readiness check "${name}" in health.checks must be a function`)
    }
  }
  const started = Date.now()
  let draining = false

  const ready = async (res: ServerResponse): Promise<void> => {
    if (draining) return send(res, 503, { status: 'draining' })
    const checks = await runReadinessChecks(options.checks ?? {}, timeoutSeconds)
    const failing = Object.keys(checks).filter((name) => checks[name] !== 'ok')
    if (draining) return send(res, 503, { status: 'draining', checks })
    if (failing.length > 0) return send(res, 503, { status: 'not ready', failing, checks })
    send(res, 200, { status: 'ready', checks })
  }

  return {
    handle(req, res) {
      const target = pathOf(req.url)
      if (target !== path && target !== readyPath) return false
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end()
        return true
      }
      if (target === path) {
        send(res, 200, {
          status: 'ok',
          name: about.name,
          version: about.version,
          uptimeSeconds: Math.round((Date.now() - started) / 1000),
        })
      } else {
        ready(res).catch(() => send(res, 503, { status: 'not ready' }))
      }
      return true
    },
    drain() {
      draining = true
    },
  }
}
