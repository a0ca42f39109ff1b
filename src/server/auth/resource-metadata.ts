/**
 * RFC 9728 protected resource metadata: tells OAuth clients which authorization server issues
 * tokens for this endpoint and which scopes to ask for. Built from the configured public URL,
 * never from request headers (a `Host` an attacker chose must not end up in security metadata).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendJson } from '../../transport/server/http-handler.js'
import { pathOf } from '../../transport/server/request-checks.js'
import { PROTECTED_RESOURCE_PATH } from './claims.js'

export interface ResourceMetadataOptions {
  /** The authorization server (`authorization_servers`). */
  issuer: string
  /** The endpoint's public URL (`resource`). */
  publicUrl: string
  /** The endpoint's local path (the metadata is also served under it). */
  path: string
  /** The scopes the tools require (`scopes_supported`), read on every request. */
  scopes: () => string[]
}

/** Answers `GET /.well-known/oauth-protected-resource[/path]`; returns false for other requests. */
export function resourceMetadataEndpoint(
  options: ResourceMetadataOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const publicPath = new URL(options.publicUrl).pathname
  const paths = new Set([
    PROTECTED_RESOURCE_PATH,
    `${PROTECTED_RESOURCE_PATH}${options.path}`,
    `${PROTECTED_RESOURCE_PATH}${publicPath}`,
  ])
  return (req, res) => {
    if (req.method !== 'GET' || !paths.has(pathOf(req.url))) return false
    const scopes = options.scopes()
    sendJson(res, {
      status: 200,
      body: {
        resource: options.publicUrl,
        authorization_servers: [options.issuer],
        bearer_methods_supported: ['header'],
        ...(scopes.length > 0 ? { scopes_supported: scopes } : {}),
      },
    })
    return true
  }
}
