/**
 * The one place that decides which protocol era a request belongs to. Body first (the
 * 2026-07-28 `_meta` envelope), with the `MCP-Protocol-Version` header as a cross-check.
 */
import { ErrorCode, isObject, type JsonRpcNotification, type JsonRpcRequest, RpcError } from './jsonrpc.js'
import {
  DEFAULT_LEGACY_VERSION,
  isLegacyVersion,
  isModernVersion,
  LOG_LEVELS,
  META_CLIENT_CAPABILITIES,
  META_LOG_LEVEL,
  META_PROTOCOL_VERSION,
  MODERN_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from './versions.js'

export type EraDecision =
  | { era: 'modern'; version: string; meta: Record<string, unknown> }
  | { era: 'legacy'; version: string }
  | { era: 'rejected'; error: RpcError }

export function unsupportedVersion(requested: unknown): RpcError {
  return new RpcError(
    ErrorCode.UnsupportedProtocolVersion,
    `Unsupported protocol version ${JSON.stringify(requested)}; supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`,
    { supported: SUPPORTED_PROTOCOL_VERSIONS, requested },
  )
}

export function decideEra(
  message: JsonRpcRequest | JsonRpcNotification,
  headerVersion: string | undefined,
): EraDecision {
  const meta = isObject(message.params?._meta) ? message.params._meta : undefined
  const claim = meta?.[META_PROTOCOL_VERSION]
  if (claim !== undefined && message.method !== 'initialize') {
    if (typeof claim !== 'string') {
      return reject(ErrorCode.InvalidParams, `_meta["${META_PROTOCOL_VERSION}"] must be a string`)
    }
    if (claim !== MODERN_PROTOCOL_VERSION) return { era: 'rejected', error: unsupportedVersion(claim) }
    if (headerVersion === undefined) {
      return reject(ErrorCode.HeaderMismatch, 'Header mismatch: MCP-Protocol-Version header is required')
    }
    if (headerVersion !== claim) {
      return reject(
        ErrorCode.HeaderMismatch,
        `Header mismatch: MCP-Protocol-Version header '${headerVersion}' does not match _meta value '${claim}'`,
      )
    }
    return checkModernMeta(meta!) ?? { era: 'modern', version: claim, meta: meta! }
  }
  if (headerVersion !== undefined && message.method !== 'initialize') {
    if (isModernVersion(headerVersion) && headerVersion === MODERN_PROTOCOL_VERSION) {
      return reject(
        ErrorCode.InvalidParams,
        `MCP-Protocol-Version ${headerVersion} requires params._meta["${META_PROTOCOL_VERSION}"] in the body`,
      )
    }
    if (!isLegacyVersion(headerVersion)) return { era: 'rejected', error: unsupportedVersion(headerVersion) }
  }
  return { era: 'legacy', version: headerVersion ?? DEFAULT_LEGACY_VERSION }
}

/**
 * Spec 2026-07-28 (Overview, `_meta`): a request without the required `clientCapabilities` is
 * malformed (400, -32602); an unrecognized `logLevel` SHOULD be refused with -32602 (Logging).
 */
function checkModernMeta(meta: Record<string, unknown>): EraDecision | undefined {
  if (!isObject(meta[META_CLIENT_CAPABILITIES])) {
    return reject(
      ErrorCode.InvalidParams,
      `_meta["${META_CLIENT_CAPABILITIES}"] is required and must be an object`,
    )
  }
  const level = meta[META_LOG_LEVEL]
  if (level !== undefined && !(LOG_LEVELS as readonly unknown[]).includes(level)) {
    return reject(
      ErrorCode.InvalidParams,
      `_meta["${META_LOG_LEVEL}"] must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(level)}`,
    )
  }
  return undefined
}

function reject(code: number, message: string): EraDecision {
  return { era: 'rejected', error: new RpcError(code, message) }
}
