/**
 * The `Host` check against DNS rebinding: a web page whose name an attacker re-pointed at
 * 127.0.0.1 reaches a local server with its own name in `Host` (the official SDK's
 * CVE-2025-66414). Requests that arrived on a loopback address must therefore name a loopback
 * host, unless `allowedHosts` says which names the endpoint answers.
 */
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d{1,5})?$/i
const LOOPBACK_ADDRESS = /^(?:127\.|::1$|::ffff:127\.)/

/** Decides whether a request's `Host` is one this endpoint answers. */
export type HostCheck = (req: IncomingMessage) => boolean

/** The last `Host` a connection was allowed with: its next requests usually repeat it. */
const ALLOWED_HOST: unique symbol = Symbol('toolwire.allowedHost')
type CheckedSocket = Socket & { [ALLOWED_HOST]?: string }

/** The check for `allowedHosts` (names, `name:port`, or `'*'`), or the loopback default. */
export function hostCheck(allowedHosts: readonly string[] | undefined): HostCheck {
  if (allowedHosts?.includes('*')) return () => true
  const exact = allowedHosts ? new Set(allowedHosts) : undefined
  const decide = (req: IncomingMessage, host: string): boolean => {
    if (!exact) {
      const local = req.socket.localAddress
      return local === undefined || !LOOPBACK_ADDRESS.test(local) || LOOPBACK_HOST.test(host)
    }
    const name = host.toLowerCase()
    return exact.has(name) || exact.has(withoutPort(name))
  }
  return (req) => {
    const socket = req.socket as CheckedSocket
    const host = req.headers.host ?? ''
    if (socket[ALLOWED_HOST] === host) return true
    const allowed = decide(req, host)
    if (allowed) socket[ALLOWED_HOST] = host
    return allowed
  }
}

/** `name` of `name:port` (and `[v6]` of `[v6]:port`). */
function withoutPort(host: string): string {
  const colon = host.lastIndexOf(':')
  return colon > host.lastIndexOf(']') ? host.slice(0, colon) : host
}
