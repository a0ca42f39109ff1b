/**
 * W3C trace context for outgoing requests: the active OpenTelemetry span when the app has one
 * (its trace id, with the span as parent), otherwise fresh random ids.
 */
import { randomFillSync } from 'node:crypto'
import { context, isSpanContextValid, trace } from '@opentelemetry/api'

export interface TraceContext {
  traceId: string
  /** The `traceparent` header value. */
  traceparent: string
}

// Ids come from a pool of random bytes refilled in bulk: one randomFillSync per ~170 trace
// contexts instead of two UUIDs per call (measured ~3% of client CPU on the echo benchmark).
const POOL_BYTES = 4096
const pool = Buffer.alloc(POOL_BYTES)
let offset = POOL_BYTES

function hex(bytes: number): string {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool)
    offset = 0
  }
  const text = pool.toString('hex', offset, offset + bytes)
  offset += bytes
  return text
}

export function newTraceContext(): TraceContext {
  const active = trace.getSpanContext(context.active())
  if (active && isSpanContextValid(active)) {
    const flags = (active.traceFlags & 0xff).toString(16).padStart(2, '0')
    return { traceId: active.traceId, traceparent: `00-${active.traceId}-${active.spanId}-${flags}` }
  }
  // An all-zero id is invalid (W3C); with 128 random bits it does not happen, but be exact.
  let traceId = hex(16)
  while (traceId === '00000000000000000000000000000000') traceId = hex(16)
  return { traceId, traceparent: `00-${traceId}-${hex(8)}-01` }
}
