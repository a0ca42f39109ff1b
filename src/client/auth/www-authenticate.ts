/** The parameters of a `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3, RFC 9728 §5.1). */
export interface BearerChallenge {
  /** Where the protected resource metadata is (RFC 9728). */
  resourceMetadata?: string
  /** Scopes the request needs. */
  scope?: string
  /** `invalid_token`, `insufficient_scope`, … */
  error?: string
  errorDescription?: string
}

const PARAM = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))/g

/** The Bearer challenge's parameters; empty when the header is absent or names another scheme only. */
export function parseBearerChallenge(header: string | undefined): BearerChallenge {
  if (!header) return {}
  const start = header.search(/\bbearer\b/i)
  if (start < 0) return {}
  // Parameters run until the next scheme (a token followed by a space and a token without '=').
  const rest = header.slice(start + 'bearer'.length)
  const next = rest.search(/,\s*[A-Za-z][\w-]*\s+[A-Za-z][\w-]*\s*=/)
  const params = next < 0 ? rest : rest.slice(0, next)
  const found: Record<string, string> = {}
  for (const match of params.matchAll(PARAM)) {
    const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!
    found[match[1]!.toLowerCase()] = value
  }
  return {
    ...(found.resource_metadata ? { resourceMetadata: found.resource_metadata } : {}),
    ...(found.scope ? { scope: found.scope } : {}),
    ...(found.error ? { error: found.error } : {}),
    ...(found.error_description ? { errorDescription: found.error_description } : {}),
  }
}
