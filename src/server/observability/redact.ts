/**
 * Secret-field redaction for logged values (tool arguments): a copy with every field whose
 * name looks like a secret replaced by `[Redacted]`, at any depth.
 */

/** Field names redacted by default, matched case-insensitively, ignoring `-` and `_`, also as suffixes (`githubToken`). */
export const DEFAULT_SECRET_FIELDS: readonly string[] = [
  'authorization',
  'cookie',
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'credentials',
]

const CENSOR = '[Redacted]'
const MAX_DEPTH = 8

const normalize = (name: string) => name.toLowerCase().replace(/[-_]/g, '')

/** Makes a redactor for the default secret fields plus `extra` field names (exact names, normalized). */
export function secretRedactor(extra: readonly string[] = []): (value: unknown) => unknown {
  const suffixes = DEFAULT_SECRET_FIELDS
  const exact = new Set(extra.map(normalize))
  const secret = (key: string) => {
    const name = normalize(key)
    return exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix))
  }
  const copy = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object') return value
    if (depth >= MAX_DEPTH) return '[Truncated]'
    if (Array.isArray(value)) return value.map((item) => copy(item, depth + 1))
    // Null prototype: an argument named `__proto__` stays a plain (logged) field.
    const out: Record<string, unknown> = Object.create(null)
    for (const [key, item] of Object.entries(value)) out[key] = secret(key) ? CENSOR : copy(item, depth + 1)
    return out
  }
  return (value) => copy(value, 0)
}
