/**
 * `auth: { introspection }`: opaque tokens checked at the authorization server (RFC 7662),
 * active ones remembered briefly; an unreachable endpoint is a 503 the caller may retry.
 */
import type { IncomingMessage } from 'node:http'
import { ToolwireConfigError } from '../../protocol/errors.js'
import { tryLater } from '../../transport/server/request-checks.js'
import type { Identity } from '../../transport/server/request-dispatcher.js'
import type { AuthOutcome } from '../admission.js'
import { bearer, identityOfClaims, MAX_CACHED_TOKENS } from './claims.js'

export interface IntrospectionOptions {
  /** The authorization server's RFC 7662 introspection endpoint. */
  url: string
  /** This server's client id and secret there (HTTP Basic). */
  clientId: string
  clientSecret: string
  /** The authorization server's issuer (named in the RFC 9728 metadata; `iss` checked when present). */
  issuer: string
  /** Required `aud` (this server), checked when the answer carries one. @default not checked */
  audience?: string | readonly string[]
  /** Active tokens are remembered this long (and never past their `exp`), in seconds. @default 30 */
  cacheSeconds?: number
  /** Seconds an introspection request may take. @default 5 */
  timeoutSeconds?: number
}

export function introspectionAuthenticator(
  options: IntrospectionOptions,
  site: { challenge: string | undefined },
): (req: IncomingMessage) => Promise<AuthOutcome> | AuthOutcome {
  if (!options.url || !URL.canParse(options.url))
    throw new ToolwireConfigError(`serve: auth.introspection.url is not a valid URL: ${options.url}`)
  if (!options.clientId || !options.clientSecret)
    throw new ToolwireConfigError('serve: auth.introspection needs "clientId" and "clientSecret"')
  if (!options.issuer) throw new ToolwireConfigError('serve: auth.introspection.issuer is required')
  const cacheMs = (options.cacheSeconds ?? 30) * 1000
  const timeoutMs = (options.timeoutSeconds ?? 5) * 1000
  if (!(cacheMs >= 0) || !(timeoutMs > 0))
    throw new ToolwireConfigError(
      'serve: auth.introspection "cacheSeconds" must be ≥ 0 and "timeoutSeconds" > 0',
    )
  const audiences =
    options.audience === undefined
      ? undefined
      : typeof options.audience === 'string'
        ? [options.audience]
        : options.audience
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`
  const active = new Map<string, { identity: Identity; untilMs: number }>()
  const asking = new Map<string, Promise<AuthOutcome>>()

  const refused = (kind: 'missing' | 'invalid'): AuthOutcome =>
    site.challenge ? { refused: kind, challenge: site.challenge } : { refused: kind }
  const introspect = async (token: string): Promise<AuthOutcome> => {
    let answer: Record<string, unknown>
    try {
      const res = await fetch(options.url, {
        method: 'POST',
        headers: {
          authorization: basic,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      answer = (await res.json()) as Record<string, unknown>
    } catch (error) {
      // Not the caller's fault: a 503 they may retry, not a 401 that sends them to re-authorize.
      throw tryLater(
        `Service unavailable: the token could not be checked at the authorization server (${(error as Error).message})`,
        undefined,
        { reason: 'unavailable' },
      )
    }
    const nowMs = Date.now()
    const exp = typeof answer.exp === 'number' ? answer.exp * 1000 : undefined
    const aud =
      typeof answer.aud === 'string'
        ? [answer.aud]
        : Array.isArray(answer.aud)
          ? answer.aud.map(String)
          : undefined
    const valid =
      answer.active === true &&
      (exp === undefined || exp > nowMs) &&
      (typeof answer.iss !== 'string' ||
        answer.iss.replace(/\/+$/, '') === options.issuer.replace(/\/+$/, '')) &&
      (!audiences || !aud || aud.some((a) => audiences.includes(a)))
    if (!valid) return refused('invalid')
    const subject =
      typeof answer.sub === 'string'
        ? answer.sub
        : typeof answer.client_id === 'string'
          ? answer.client_id
          : undefined
    if (!subject) return refused('invalid')
    const identity = identityOfClaims(answer, subject)
    if (cacheMs > 0) {
      if (active.size >= MAX_CACHED_TOKENS) active.delete(active.keys().next().value!)
      active.set(token, { identity, untilMs: Math.min(nowMs + cacheMs, exp ?? Number.POSITIVE_INFINITY) })
    }
    return { identity }
  }

  return (req) => {
    const token = bearer(req)
    if (token !== undefined) {
      const hit = active.get(token)
      if (hit && hit.untilMs > Date.now()) return { identity: hit.identity }
      if (hit) active.delete(token)
    }
    if (token === undefined) return refused('missing')
    // Concurrent requests with one new token share one introspection.
    let pending = asking.get(token)
    if (!pending) {
      pending = introspect(token).finally(() => asking.delete(token))
      asking.set(token, pending)
    }
    return pending
  }
}
