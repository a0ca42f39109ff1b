/**
 * Which URLs OAuth may talk to (OAuth 2.1 §1.5): HTTPS, or plain HTTP on a loopback address
 * (a local authorization server, a redirect listener). Anything else carries codes, verifiers
 * and secrets in clear text, or is not a web URL at all (`file:`, `javascript:`).
 */
import { type ErrorSite, McpAuthError, ToolwireConfigError } from '../../../protocol/errors.js'
import { printable } from '../../../protocol/printable.js'

export interface EndpointPolicy {
  /** Allow plain `http://` on non-loopback hosts (development networks only). @default false */
  allowInsecureHttp?: boolean | undefined
}

/** 127.0.0.0/8, ::1 and `localhost` (RFC 8252 §7.3, RFC 6761 §6.3). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
  )
}

/** Why `url` may not be used for OAuth, or `undefined` when it may. */
export function insecureReason(url: string, policy: EndpointPolicy): string | undefined {
  if (!URL.canParse(url)) return 'is not a URL'
  const parsed = new URL(url)
  if (parsed.protocol === 'https:') return undefined
  if (parsed.protocol !== 'http:') return `is not an https URL (${parsed.protocol})`
  if (isLoopbackHost(parsed.hostname) || policy.allowInsecureHttp) return undefined
  return 'is plain http on a non-loopback host (OAuth needs https; allowInsecureHttp lifts this on development networks)'
}

/** Refuses an endpoint a server named (metadata): `McpAuthError`. */
export function checkEndpoint(
  url: string,
  at: { what: string; site: ErrorSite; policy: EndpointPolicy },
): string {
  const reason = insecureReason(url, at.policy)
  if (reason) {
    throw new McpAuthError(
      `the ${at.what} ${printable(url, { maxChars: 200, oneLine: true })} ${reason}: refusing it`,
      at.site,
      { status: 401 },
    )
  }
  return url
}

/** Refuses an endpoint the user configured: `ToolwireConfigError` naming the option. */
export function checkConfiguredEndpoint(url: string, at: { option: string; policy: EndpointPolicy }): void {
  const reason = insecureReason(url, at.policy)
  if (reason) throw new ToolwireConfigError(`${at.option} ${url} ${reason}`)
}
