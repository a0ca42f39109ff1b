/** Protocol revisions toolwire speaks, and the `_meta` keys of the stateless (2026-07-28) era. */

export const MODERN_PROTOCOL_VERSION = '2026-07-28'
export const LEGACY_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const
export const LATEST_LEGACY_PROTOCOL_VERSION = LEGACY_PROTOCOL_VERSIONS[0]
/** Newest first. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = [
  MODERN_PROTOCOL_VERSION,
  ...LEGACY_PROTOCOL_VERSIONS,
]

/**
 * Spec (2026-07-28, Streamable HTTP): a server that supports clients older than 2025-06-18
 * MAY treat a request without `MCP-Protocol-Version` as 2025-03-26.
 */
export const DEFAULT_LEGACY_VERSION = '2025-03-26'

export type ProtocolEra = 'modern' | 'legacy'

export const META_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion'
export const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo'
export const META_CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities'
export const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo'
export const META_LOG_LEVEL = 'io.modelcontextprotocol/logLevel'

/** The log levels of `logging/setLevel` and the 2026-07-28 `_meta` logLevel (RFC 5424 severities), lowest first. */
export const LOG_LEVELS = [
  'debug',
  'info',
  'notice',
  'warning',
  'error',
  'critical',
  'alert',
  'emergency',
] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export function isModernVersion(version: string): boolean {
  return version >= MODERN_PROTOCOL_VERSION
}

export function isLegacyVersion(version: string): boolean {
  return (LEGACY_PROTOCOL_VERSIONS as readonly string[]).includes(version)
}
