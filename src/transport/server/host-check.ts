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

/** The check for `allowedHosts` (names, `name:port`, or `'*'`), or the loopback default. */
export function hostCheck(allowedHosts: readonly string[] | undefined): HostCheck {
  if (!allowedHosts) {
    return (req) => {
      const local = req.socket.localAddress
      return (
        local === undefined || !LOOPBACK_ADDRESS.test(local) || LOOPBACK_HOST.test(req.headers.host ?? '')
      )
    }
  }
  if (allowedHosts.includes('*')) return () => true
  const exact = new Set(allowedHosts)
  return (req) => {
    const host = (req.headers.host ?? '').toLowerCase()
    return exact.has(host) || exact.has(withoutPort(host))
  }
}

/** `name` of `name:port` (and `[v6]` of `[v6]:port`). */
function withoutPort(host: string): string {
  const colon = host.lastIndexOf(':')
  return colon > host.lastIndexOf(']') ? host.slice(0, colon) : host
}
