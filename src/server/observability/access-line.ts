/**
 * The request log line, written without pino's generic serializer when the logger allows it.
 * One line per request is the largest cost of a logging server (pino's `asJson` measured
 * ~3.5 µs per line); loggers made by `createServerLogger` carry a writer that produces the same
 * JSON line pino would (same keys, same order) into the same stream, from a fixed schema: no
 * field object per request, no key loop, the timestamp formatted once per millisecond.
 */

/** Where a logger keeps its access-line writer (set by `createServerLogger`). */
export const ACCESS_LINE: unique symbol = Symbol.for('toolwire.accessLine')

/** One answered request, as its log line shows it (absent fields are left out). */
export interface AccessEntry {
  traceId: string
  spanId: string
  parentSpanId: string | undefined
  era: 'modern' | 'legacy'
  sessionId: string | undefined
  rpcMethod: string
  tool: string | undefined
  outcome: string
  rpcCode: number | undefined
  status: number
  durationMs: number
  client: unknown
  identity: string | undefined
  remote: string | undefined
  arguments: unknown
}

export type AccessLineWriter = (entry: AccessEntry) => void

export const ACCESS_MESSAGE = 'mcp request'

/** A writer through the logger's own `info` (any pino logger, custom serializers honoured). */
export function loggedAccessLine(log: { info: (fields: object, msg: string) => void }): AccessLineWriter {
  return (entry) => log.info(entry, ACCESS_MESSAGE)
}

const PLAIN = /^[\w.:/@ -]*$/

function value(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null'
  if (typeof v === 'string') return PLAIN.test(v) ? `"${v}"` : JSON.stringify(v)
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return JSON.stringify(v) ?? 'null'
}

/**
 * A writer for pino's default line shape at level `info`:
 * `{"level":30,"time":"<ISO>",<bindings>,<entry fields>,"msg":"mcp request"}`.
 */
export function accessLineWriter(
  stream: { write(line: string): unknown },
  bindings: Record<string, unknown>,
): AccessLineWriter {
  let base = ''
  for (const [k, v] of Object.entries(bindings))
    if (v !== undefined) base += `,${JSON.stringify(k)}:${value(v)}`
  let lastMs = 0
  let lastTime = ''
  const end = `,"msg":${value(ACCESS_MESSAGE)}}\n`
  return (e) => {
    const now = Date.now()
    if (now !== lastMs) {
      lastMs = now
      lastTime = new Date(now).toISOString()
    }
    let line = `{"level":30,"time":"${lastTime}"${base},"traceId":${value(e.traceId)},"spanId":${value(e.spanId)}`
    if (e.parentSpanId !== undefined) line += `,"parentSpanId":${value(e.parentSpanId)}`
    line += `,"era":"${e.era}"`
    if (e.sessionId !== undefined) line += `,"sessionId":${value(e.sessionId)}`
    line += `,"rpcMethod":${value(e.rpcMethod)}`
    if (e.tool !== undefined) line += `,"tool":${value(e.tool)}`
    line += `,"outcome":${value(e.outcome)}`
    if (e.rpcCode !== undefined) line += `,"rpcCode":${value(e.rpcCode)}`
    line += `,"status":${value(e.status)},"durationMs":${value(e.durationMs)}`
    if (e.client !== undefined) line += `,"client":${value(e.client)}`
    if (e.identity !== undefined) line += `,"identity":${value(e.identity)}`
    if (e.remote !== undefined) line += `,"remote":${value(e.remote)}`
    if (e.arguments !== undefined) line += `,"arguments":${value(e.arguments)}`
    stream.write(line + end)
  }
}
