/**
 * MCP authorization discovery: from the server's challenge to the authorization server and
 * the resource to ask tokens for (RFC 9728, then RFC 8414 / OpenID Connect; 2025-03-26 servers
 * without resource metadata are their own authorization server).
 */
import type { ErrorSite } from '../../../protocol/errors.js'
import type { BearerChallenge } from '../www-authenticate.js'
import {
  type AuthorizationServer,
  fetchAuthorizationServer,
  legacyAuthorizationServer,
} from './authorization-server-metadata.js'
import type { EndpointPolicy } from './endpoint-policy.js'
import type { OAuthHttp } from './oauth-http.js'
import { canonicalResource, fetchResourceMetadata } from './resource-metadata.js'

export interface Discovery {
  server: AuthorizationServer
  /** The RFC 8707 resource to ask tokens for. */
  resource: string
  resourceScopes: readonly string[] | undefined
}

export async function discover(
  http: OAuthHttp,
  resourceUrl: string,
  at: { bearer: BearerChallenge; policy: EndpointPolicy; signal?: AbortSignal | undefined },
): Promise<Discovery> {
  const server = new URL(resourceUrl)
  const site: ErrorSite = { url: resourceUrl }
  const metadata = await fetchResourceMetadata(http, server, { ...at, site })
  if (!metadata) {
    return {
      server: await legacyAuthorizationServer(http, server, { site, policy: at.policy, signal: at.signal }),
      resource: canonicalResource(server),
      resourceScopes: undefined,
    }
  }
  return {
    server: await fetchAuthorizationServer(http, metadata.issuer, {
      site,
      policy: at.policy,
      signal: at.signal,
    }),
    resource: metadata.resource,
    resourceScopes: metadata.scopes,
  }
}
