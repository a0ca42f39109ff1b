/**
 * Which protocol era a server speaks: `server/discover` first (2026-07-28), falling back to the
 * 2025 `initialize` handshake as the specification's Backward Compatibility section describes.
 */
import { McpProtocolError } from '../../protocol/errors.js'
import { ErrorCode, isObject, type JsonRpcRequest } from '../../protocol/jsonrpc.js'
import type { ClientCapabilities, Implementation, ServerDescription } from '../../protocol/types.js'
import {
  isLegacyVersion,
  LATEST_LEGACY_PROTOCOL_VERSION,
  META_SERVER_INFO,
  MODERN_PROTOCOL_VERSION,
} from '../../protocol/versions.js'
import type { WireSignal } from './call-signal.js'
import type { ClientWire } from './client-wire.js'
import { HTTP_LEVEL_STATUS, httpError, resultOf } from './outcome-result.js'
import type { RequestFraming } from './request-framing.js'

/** Errors by which a 2026-07-28 server refuses to speak that revision with us. */
const MODERN_ERRORS = new Set<number>([
  ErrorCode.UnsupportedProtocolVersion,
  ErrorCode.HeaderMismatch,
  ErrorCode.MissingRequiredClientCapability,
])

export interface Negotiator {
  wire: ClientWire
  /** Framing already set for the version being tried. */
  framing: RequestFraming
  nextId: () => number
  clientInfo: Implementation
  capabilities: ClientCapabilities
}

export interface NegotiationRequest {
  signal?: WireSignal | undefined
  headers?: Record<string, string> | undefined
}

export type ProbeOutcome = { kind: 'modern'; server: ServerDescription } | { kind: 'legacy'; version: string }

/** `server/discover`: the server's description, or the 2025 version to initialize with. */
export async function probeModern(n: Negotiator, request: NegotiationRequest): Promise<ProbeOutcome> {
  const id = n.nextId()
  const body: JsonRpcRequest = {
    jsonrpc: '2.0',
    id,
    method: 'server/discover',
    params: { _meta: n.framing.meta },
  }
  const headers = n.framing.headers('server/discover', {}, false)
  const outcome = await n.wire.post(
    { body, headers: request.headers ? { ...headers, ...request.headers } : headers, signal: request.signal },
    id,
  )
  const response = outcome.response
  if (outcome.status === 200 && response && 'result' in response) {
    const result = resultOf(outcome, { method: 'server/discover', site: n.wire.site, era: 'modern' })
    const serverInfo =
      (isObject(result._meta) ? result._meta[META_SERVER_INFO] : undefined) ?? result.serverInfo
    return {
      kind: 'modern',
      server: {
        protocolVersion: MODERN_PROTOCOL_VERSION,
        serverInfo: (serverInfo ?? { name: 'unknown', version: '0' }) as Implementation,
        capabilities: (result.capabilities ?? {}) as ServerDescription['capabilities'],
        ...(typeof result.instructions === 'string' ? { instructions: result.instructions } : {}),
      },
    }
  }
  if (response && 'error' in response && MODERN_ERRORS.has(response.error.code)) {
    // A modern server that will not speak 2026-07-28 with us: use its best 2025 version.
    const supported = (response.error.data as { supported?: unknown } | undefined)?.supported
    const legacy = Array.isArray(supported)
      ? supported.find((v): v is string => typeof v === 'string' && isLegacyVersion(v))
      : undefined
    if (response.error.code === ErrorCode.UnsupportedProtocolVersion && legacy)
      return { kind: 'legacy', version: legacy }
    throw new McpProtocolError(`server/discover was refused: ${response.error.message}`, n.wire.site, {
      rpcCode: response.error.code,
      data: response.error.data,
    })
  }
  if (HTTP_LEVEL_STATUS.has(outcome.status) || outcome.status >= 500) {
    throw httpError(outcome, 'server/discover', n.wire.site)
  }
  // Anything else (4xx without a modern error, or "method not found") is a 2025-era server.
  return { kind: 'legacy', version: LATEST_LEGACY_PROTOCOL_VERSION }
}

export interface Initialized {
  server: ServerDescription
  /** The version the server chose. */
  version: string
  sessionId: string | undefined
}

/** The 2025 `initialize` request (the caller sends `notifications/initialized` once framed). */
export async function initialize(
  n: Negotiator,
  version: string,
  request: NegotiationRequest,
): Promise<Initialized> {
  const id = n.nextId()
  const body: JsonRpcRequest = {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: version, capabilities: n.capabilities, clientInfo: n.clientInfo },
  }
  const { 'mcp-protocol-version': _omit, ...headers } = n.framing.base
  const outcome = await n.wire.post(
    { body, headers: { ...headers, ...request.headers }, signal: request.signal },
    id,
  )
  const result = resultOf(outcome, { method: 'initialize', site: n.wire.site, era: 'legacy' })
  const negotiated = typeof result.protocolVersion === 'string' ? result.protocolVersion : version
  if (!isLegacyVersion(negotiated)) {
    throw new McpProtocolError(
      `the server chose protocol version ${negotiated}, which toolwire does not speak`,
      n.wire.site,
    )
  }
  const sessionId = outcome.headers['mcp-session-id']
  return {
    version: negotiated,
    sessionId: typeof sessionId === 'string' ? sessionId : undefined,
    server: {
      protocolVersion: negotiated,
      serverInfo: (result.serverInfo ?? { name: 'unknown', version: '0' }) as Implementation,
      capabilities: (result.capabilities ?? {}) as ServerDescription['capabilities'],
      ...(typeof result.instructions === 'string' ? { instructions: result.instructions } : {}),
    },
  }
}
