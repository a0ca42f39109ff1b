/**
 * RFC 9728 protected resource metadata: where the MCP server says its tokens come from, found
 * through the 401 challenge's `resource_metadata` or the well-known URLs, and checked to be
 * about this server.
 */
import { type ErrorSite, McpAuthError } from '../../../protocol/errors.js'
import { printable } from '../../../protocol/printable.js'
import type { BearerChallenge } from '../www-authenticate.js'
import { checkEndpoint, type EndpointPolicy } from './endpoint-policy.js'
import type { OAuthHttp } from './oauth-http.js'

export interface ResourceMetadata {
  /** The RFC 8707 resource to ask tokens for. */
  resource: string
  /** The authorization server's issuer URL. */
  issuer: string
  /** `scopes_supported`. */
  scopes: readonly string[] | undefined
}

/** The URL without query or fragment: the RFC 8707 resource identifier of an MCP endpoint. */
export function canonicalResource(url: URL): string {
  return `${url.origin}${url.pathname === '/' ? '' : url.pathname}`
}

/** The metadata's resource is the server's URL or a path prefix of it, on the same origin. */
export function coversResource(resource: string, server: URL): boolean {
  if (!URL.canParse(resource)) return false
  const declared = new URL(resource)
  if (declared.origin !== server.origin) return false
  const prefix = declared.pathname.replace(/\/$/, '')
  return server.pathname === prefix || server.pathname.startsWith(`${prefix}/`) || prefix === ''
}

/**
 * The server's resource metadata; `undefined` when it publishes none (a 2025-03-26 server).
 * Metadata made out for another resource is refused: a token for it could be replayed elsewhere.
 */
export async function fetchResourceMetadata(
  http: OAuthHttp,
  server: URL,
  at: { bearer: BearerChallenge; site: ErrorSite; policy: EndpointPolicy; signal?: AbortSignal | undefined },
): Promise<ResourceMetadata | undefined> {
  const candidates = at.bearer.resourceMetadata
    ? [at.bearer.resourceMetadata]
    : [
        `${server.origin}/.well-known/oauth-protected-resource${server.pathname.replace(/\/$/, '')}`,
        `${server.origin}/.well-known/oauth-protected-resource`,
      ]
  let metadata: Record<string, unknown> | undefined
  for (const url of new Set(candidates)) {
    checkEndpoint(url, { what: 'protected resource metadata URL', site: at.site, policy: at.policy })
    metadata = await http.getJson(url, at)
    if (metadata) break
  }
  if (!metadata) return undefined
  const resource = typeof metadata.resource === 'string' ? metadata.resource : canonicalResource(server)
  if (!coversResource(resource, server)) {
    throw new McpAuthError(
      `the server's protected resource metadata is for ${printable(resource, { maxChars: 200, oneLine: true })}, not ${canonicalResource(server)}: refusing to authorize (a token for it could be replayed elsewhere)`,
      at.site,
      { status: 401 },
    )
  }
  const issuers = metadata.authorization_servers
  const issuer = Array.isArray(issuers) && typeof issuers[0] === 'string' ? issuers[0] : undefined
  if (!issuer || !URL.canParse(issuer)) {
    throw new McpAuthError('the protected resource metadata names no authorization server', at.site, {
      status: 401,
    })
  }
  checkEndpoint(issuer, { what: 'authorization server', site: at.site, policy: at.policy })
  const scopes = metadata.scopes_supported
  return { resource, issuer, scopes: Array.isArray(scopes) ? scopes.map(String) : undefined }
}
