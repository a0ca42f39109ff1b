/**
 * Who may talk to the inspector: a page served by it, on 127.0.0.1, holding the random token
 * printed at start. The guard against the attack that hit the official inspector's proxy
 * (CVE-2025-49596: any web page could drive it): DNS rebinding is refused by the Host check, a
 * cross-site page by the Origin check, and anything else on the machine by the token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** The header the page sends its token in. */
export const TOKEN_HEADER = 'x-toolwire-inspect-token'

/** A new token: 32 random bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Why a request is refused (an HTTP status and a message), or undefined when it may go on. */
export type Refusal = { status: 403 | 421; message: string } | undefined

/** Host and Origin: only the inspector's own loopback origin. */
export function checkOrigin(req: IncomingMessage, port: number): Refusal {
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]
  const host = req.headers.host ?? ''
  if (!allowed.includes(host)) {
    return { status: 421, message: `Host "${host}" is not this inspector (127.0.0.1:${port})` }
  }
  const origin = req.headers.origin
  if (origin !== undefined && !allowed.some((a) => origin === `http://${a}`)) {
    return { status: 403, message: `Origin "${origin}" may not use this inspector` }
  }
  // A browser that sends Sec-Fetch-Site says where the request comes from, even without Origin.
  const site = req.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { status: 403, message: `a ${site} request may not use this inspector` }
  }
  return undefined
}

/** The token, from the header (the page) or `Authorization: Bearer` (scripts). */
export function checkToken(req: IncomingMessage, token: string): Refusal {
  const header = req.headers[TOKEN_HEADER]
  const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1]
  const given = typeof header === 'string' ? header : bearer
  if (given === undefined) {
    return { status: 403, message: `missing the inspector token (the ${TOKEN_HEADER} header)` }
  }
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return { status: 403, message: 'wrong inspector token: open the URL toolwire inspect printed' }
  }
  return undefined
}
