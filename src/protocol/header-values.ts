/**
 * Mirroring JSON-RPC body values into HTTP headers (2026-07-28, "Request Metadata"):
 * the `=?base64?…?=` sentinel encoding and `x-mcp-header` tool parameters.
 */
import { isObject } from './jsonrpc.js'

/**
 * Spec (2026-07-28, Request Metadata): the body field `Mcp-Name` mirrors, per method. A
 * null-prototype object: a method named `constructor` or `__proto__` finds nothing here.
 */
export const MCP_NAME_SOURCE: Readonly<Record<string, 'name' | 'uri' | 'taskId'>> = Object.assign(
  Object.create(null),
  {
    'tools/call': 'name',
    'prompts/get': 'name',
    'resources/read': 'uri',
    // Tasks extension, "Routing Headers": Mcp-Name carries params.taskId.
    'tasks/get': 'taskId',
    'tasks/update': 'taskId',
    'tasks/cancel': 'taskId',
  },
)

const SENTINEL_PREFIX = '=?base64?'
const SENTINEL_SUFFIX = '?='
// Visible ASCII, space and tab (RFC 9110 field values), with no leading/trailing whitespace.
const SAFE_VALUE = /^(?:[\x21-\x7e](?:[\x20\x21-\x7e\t]*[\x21-\x7e])?)?$/
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Encodes a header value, falling back to the base64 sentinel form when it is not header-safe. */
export function encodeHeaderValue(value: string): string {
  const needsEncoding =
    !SAFE_VALUE.test(value) || (value.startsWith(SENTINEL_PREFIX) && value.endsWith(SENTINEL_SUFFIX))
  if (!needsEncoding) return value
  return `${SENTINEL_PREFIX}${Buffer.from(value, 'utf8').toString('base64')}${SENTINEL_SUFFIX}`
}

/** Decodes a header value; `undefined` when the sentinel form is malformed. */
export function decodeHeaderValue(value: string): string | undefined {
  if (!(value.startsWith(SENTINEL_PREFIX) && value.endsWith(SENTINEL_SUFFIX))) return value
  const b64 = value.slice(SENTINEL_PREFIX.length, value.length - SENTINEL_SUFFIX.length)
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) return undefined
  return Buffer.from(b64, 'base64').toString('utf8')
}

/** One `x-mcp-header` annotation: header `Mcp-Param-{name}` mirrors the value at `path`. */
export interface ParamHeader {
  name: string
  path: readonly string[]
}

export type ParamHeaderScan = { ok: true; headers: ParamHeader[] } | { ok: false; reason: string }

/**
 * Collects the `x-mcp-header` annotations of a tool's input schema and checks the spec's
 * constraints (token syntax, case-insensitive uniqueness, primitive non-number type, reachable
 * only through `properties`).
 */
export function scanParamHeaders(inputSchema: unknown): ParamHeaderScan {
  const headers: ParamHeader[] = []
  const seen = new Set<string>()
  const problems: string[] = []
  const visit = (schema: unknown, path: string[], reachable: boolean): void => {
    if (!isObject(schema)) return
    const annotation = schema['x-mcp-header']
    if (annotation !== undefined) {
      const at = path.join('.') || '(root)'
      const type = schema.type
      if (!reachable || path.length === 0)
        problems.push(`x-mcp-header on ${at} is not reachable through properties`)
      else if (typeof annotation !== 'string' || !TOKEN.test(annotation))
        problems.push(`x-mcp-header on ${at} must be an HTTP token`)
      else if (seen.has(annotation.toLowerCase()))
        problems.push(`x-mcp-header "${annotation}" is declared twice`)
      else if (type !== 'string' && type !== 'integer' && type !== 'boolean')
        problems.push(`x-mcp-header on ${at} must be on a string, integer or boolean parameter`)
      else {
        seen.add(annotation.toLowerCase())
        headers.push({ name: annotation, path })
      }
    }
    for (const [key, child] of Object.entries(schema)) {
      if (key === 'properties' && isObject(child)) {
        for (const [prop, sub] of Object.entries(child)) visit(sub, [...path, prop], reachable)
      } else if (isObject(child)) {
        // items, not, if/then/else, $defs, …: an annotation below is no longer statically reachable.
        visit(child, path, false)
      } else if (Array.isArray(child)) {
        for (const sub of child) visit(sub, path, false)
      }
    }
  }
  visit(inputSchema, [], true)
  return problems.length > 0 ? { ok: false, reason: problems.join('; ') } : { ok: true, headers }
}

// RFC 9110 field values: visible ASCII, space and tab. Node decodes header bytes as latin1, so a
// raw UTF-8 byte shows up here as a character above 0x7e.
const FIELD_VALUE = /^[\t\x20-\x7e]*$/

/** Whether a header value, as received, holds only characters a header may carry (RFC 9110). */
export function isValidHeaderValue(raw: string): boolean {
  return FIELD_VALUE.test(raw)
}

const DECIMAL = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/** The value at `path` in the arguments (own properties only), or `undefined` when absent. */
function valueAt(args: unknown, path: readonly string[]): unknown {
  let value: unknown = args
  for (const key of path) {
    if (!isObject(value) || !Object.hasOwn(value, key)) return undefined
    value = value[key]
  }
  return value
}

/**
 * Whether a (decoded) `Mcp-Param-*` header value mirrors the body value at `path`: strings
 * exactly, booleans as `true`/`false`, numbers numerically (spec: `42.0` matches `42`). Both
 * absent also matches.
 */
export function paramHeaderMatches(
  args: unknown,
  path: readonly string[],
  header: string | undefined,
): boolean {
  const value = valueAt(args, path)
  if (typeof value === 'number') {
    return header !== undefined && DECIMAL.test(header) && Number(header) === value
  }
  return header === paramHeaderValue(args, path)
}

/** The value at `path` in the arguments, as the header string, or `undefined` when absent. */
export function paramHeaderValue(args: unknown, path: readonly string[]): string | undefined {
  const value = valueAt(args, path)
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  return undefined
}
