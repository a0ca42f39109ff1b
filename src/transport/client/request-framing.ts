/**
 * How one client frames requests for the protocol era in use: the base headers, the 2026-07-28
 * `_meta` envelope and `Mcp-Method`/`Mcp-Name`/`Mcp-Param-*` headers (cached per method and
 * name when no parameter is mirrored), and the `x-mcp-header` declarations of listed tools.
 */

import {
  encodeHeaderValue,
  MCP_NAME_SOURCE,
  type ParamHeader,
  paramHeaderValue,
  scanParamHeaders,
} from '../../protocol/header-values.js'
import type { ClientCapabilities, Implementation, Tool } from '../../protocol/types.js'
import { META_CLIENT_CAPABILITIES, META_CLIENT_INFO, META_PROTOCOL_VERSION } from '../../protocol/versions.js'

export class RequestFraming {
  readonly #userHeaders: Record<string, string>
  readonly #clientInfo: Implementation
  readonly #capabilities: ClientCapabilities
  readonly #paramHeaders = new Map<string, readonly ParamHeader[]>()
  /** Headers per `method\0name` for requests without `Mcp-Param-*` headers: built once. */
  readonly #headerCache = new Map<string, Record<string, string>>()
  /** Headers of every request (content type, accept, version, session, the user's). */
  base: Record<string, string> = {}
  /** The 2026-07-28 `_meta` envelope. */
  meta: Record<string, unknown> = {}
  /** `meta` serialized, spliced into each request's JSON. */
  #metaJson = '{}'

  constructor(init: {
    headers: Record<string, string>
    clientInfo: Implementation
    capabilities: ClientCapabilities
  }) {
    this.#userHeaders = init.headers
    this.#clientInfo = init.clientInfo
    this.#capabilities = init.capabilities
  }

  /** Frames requests for `version` (and a 2025-era session, when there is one). */
  frame(version: string, sessionId: string | undefined): void {
    this.#headerCache.clear()
    this.base = {
      ...this.#userHeaders,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': version,
      ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
    }
    this.meta = {
      [META_PROTOCOL_VERSION]: version,
      [META_CLIENT_INFO]: this.#clientInfo,
      [META_CLIENT_CAPABILITIES]: this.#capabilities,
    }
    this.#metaJson = JSON.stringify(this.meta)
  }

  /**
   * A 2026-07-28 request without extra `_meta` serialized with the era's `_meta` from its
   * cached JSON, exactly as `JSON.stringify` writes the body once `params()` has added it;
   * undefined when `params` carries `_meta` of its own (the body is then serialized whole), or
   * when `params` cannot be serialized (the wire reports that).
   */
  json(id: number, method: string, params: Record<string, unknown>): string | undefined {
    if ('_meta' in params) return undefined
    let own: string
    try {
      own = JSON.stringify(params)
    } catch {
      return undefined
    }
    // A `toJSON` of its own makes `params` serialize as something else: not spliced.
    if (own[0] !== '{' || own[own.length - 1] !== '}') return undefined
    const head = `{"jsonrpc":"2.0","id":${id},"method":${JSON.stringify(method)},"params":`
    return `${head}${own.length === 2 ? '{' : `${own.slice(0, -1)},`}"_meta":${this.#metaJson}}}`
  }

  /**
   * Adds the era's `_meta` to `params`. The params object is created afresh for each logical
   * request by the client, so it is extended in place (re-setting it on a retry is harmless).
   */
  params(
    params: Record<string, unknown>,
    extraMeta: Record<string, unknown> | undefined,
    legacy: boolean,
  ): Record<string, unknown> {
    const own = params._meta as Record<string, unknown> | undefined
    if (legacy) {
      if (extraMeta) params._meta = { ...own, ...extraMeta }
      return params
    }
    params._meta =
      own === undefined && extraMeta === undefined ? this.meta : { ...own, ...extraMeta, ...this.meta }
    return params
  }

  /** The headers of one request (2026-07-28: with the mirrored method, name and parameters). */
  headers(method: string, params: Record<string, unknown>, legacy: boolean): Record<string, string> {
    if (legacy) return this.base
    const source = MCP_NAME_SOURCE[method]
    const name = source ? params[source] : undefined
    const declared =
      typeof name === 'string' && method === 'tools/call' ? this.#paramHeaders.get(name) : undefined
    const key = typeof name === 'string' ? `${method}\0${name}` : method
    if (!declared) {
      const cached = this.#headerCache.get(key)
      if (cached) return cached
    }
    const headers: Record<string, string> = { ...this.base, 'mcp-method': method }
    if (typeof name === 'string') headers['mcp-name'] = encodeHeaderValue(name)
    if (!declared) {
      if (this.#headerCache.size < 1000) this.#headerCache.set(key, headers)
      return headers
    }
    for (const param of declared) {
      const value = paramHeaderValue(params.arguments, param.path)
      if (value !== undefined) headers[`mcp-param-${param.name.toLowerCase()}`] = encodeHeaderValue(value)
    }
    return headers
  }

  /** Learns the `x-mcp-header` parameters of listed tools; returns only the valid tools (spec: drop the rest, warn). */
  acceptTools(tools: readonly Tool[], onWarning: ((message: string) => void) | undefined): Tool[] {
    const valid: Tool[] = []
    for (const tool of tools) {
      const scan = scanParamHeaders(tool.inputSchema)
      if (!scan.ok) {
        onWarning?.(`tool "${tool.name}" was rejected: ${scan.reason}`)
        continue
      }
      if (scan.headers.length > 0) this.#paramHeaders.set(tool.name, scan.headers)
      else this.#paramHeaders.delete(tool.name)
      this.#headerCache.delete(`tools/call\0${tool.name}`)
      valid.push(tool)
    }
    return valid
  }
}
