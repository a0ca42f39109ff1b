/**
 * W3C trace context for outgoing requests: the active OpenTelemetry span when the app has one
 * (its trace id, with the span as parent), otherwise fresh random ids.
 */
import { otelApi, otelRegistered } from '../protocol/otel-api.js'
import { newSpanId, newTraceId } from '../protocol/trace-context.js'

export interface TraceContext {
  traceId: string
  /** The `traceparent` header value. */
  traceparent: string
}

/** `join`: continue this W3C trace (an agent run's), with a new span id for the request. */
export function newTraceContext(join?: string): TraceContext {
  if (join) return { traceId: join, traceparent: `00-${join}-${newSpanId()}-01` }
  // Without a registered context manager no span can be active: the API is not even loaded.
  if (otelRegistered('context')) {
    const { context, isSpanContextValid, trace } = otelApi()
    const active = trace.getSpanContext(context.active())
    if (active && isSpanContextValid(active)) {
      const flags = (active.traceFlags & 0xff).toString(16).padStart(2, '0')
      return { traceId: active.traceId, traceparent: `00-${active.traceId}-${active.spanId}-${flags}` }
    }
  }
  const traceId = newTraceId()
  return { traceId, traceparent: `00-${traceId}-${newSpanId()}-01` }
}
