/**
 * W3C trace context for outgoing requests: the active OpenTelemetry span when the app has one
 * (its trace id, with the span as parent), otherwise fresh random ids.
 */
import { randomUUID } from 'node:crypto'
import { context, isSpanContextValid, trace } from '@opentelemetry/api'

export interface TraceContext {
  traceId: string
  /** The `traceparent` header value. */
  traceparent: string
}

function hex(length: number): string {
  // randomUUID draws from a cached CSPRNG pool: cheaper than randomBytes per call.
  return randomUUID().replaceAll('-', '').slice(0, length)
}

export function newTraceContext(): TraceContext {
  const active = trace.getSpanContext(context.active())
  if (active && isSpanContextValid(active)) {
    const flags = (active.traceFlags & 0xff).toString(16).padStart(2, '0')
    return { traceId: active.traceId, traceparent: `00-${active.traceId}-${active.spanId}-${flags}` }
  }
  const traceId = hex(32)
  return { traceId, traceparent: `00-${traceId}-${hex(16)}-01` }
}
