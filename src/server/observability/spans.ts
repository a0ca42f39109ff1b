/**
 * OpenTelemetry server spans through `@opentelemetry/api`, following the MCP semantic
 * conventions (span `{mcp.method.name} {tool}`, kind SERVER, `mcp.*`, `jsonrpc.request.id`,
 * `gen_ai.tool.name`). Only when the app registered a tracer provider: otherwise the request
 * path does not touch the API beyond one lookup.
 */

import type { IncomingHttpHeaders } from 'node:http'
import type { Attributes, Context, Span } from '@opentelemetry/api'
import { otelApi as api, otelRegistered } from '../../protocol/otel-api.js'
import type { RequestTrace } from '../../transport/server/http-exchange.js'
import type { RequestOutcomeKind } from './request-record.js'

/** True when a tracer provider is registered (the API's default is a no-op one). */
export function tracingEnabled(): boolean {
  // Nothing registered: the API is not even loaded (a server whose app does not trace).
  if (!otelRegistered('trace')) return false
  const provider = api().trace.getTracerProvider() as { getDelegate?: () => object }
  const delegate = provider.getDelegate ? provider.getDelegate() : provider
  return delegate.constructor.name !== 'NoopTracerProvider'
}

export interface RequestSpan {
  span: Span
  /** The context to run the handler in, so the tool's own spans (database, HTTP) nest under it. */
  context: Context
  /** The span's ids, for logs, `ctx.traceId` and the `traceparent` answer header. */
  trace: RequestTrace
}

export interface SpanStart {
  method: string
  tool: string | undefined
  requestId: string | number
  protocolVersion: string
  sessionId: string | undefined
  headers: IncomingHttpHeaders
  /** The caller's trace, parsed from its `traceparent`. */
  incoming: RequestTrace
  clientAddress: string | undefined
}

/** Starts the SERVER span of one MCP request, child of the caller's `traceparent`. */
export function startRequestSpan(start: SpanStart): RequestSpan {
  const { propagation, ROOT_CONTEXT, SpanKind, TraceFlags, trace } = api()
  // A registered propagator (W3C, B3, …) reads the headers; without one, the W3C traceparent
  // we parsed is the parent.
  let parent = propagation.extract(ROOT_CONTEXT, start.headers)
  if (!trace.getSpanContext(parent) && start.incoming.parentId) {
    parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: start.incoming.traceId,
      spanId: start.incoming.parentId,
      traceFlags: start.incoming.flags === '00' ? TraceFlags.NONE : TraceFlags.SAMPLED,
      isRemote: true,
    })
  }
  const attributes: Attributes = {
    'mcp.method.name': start.method,
    'mcp.protocol.version': start.protocolVersion,
    'jsonrpc.request.id': String(start.requestId),
    'network.transport': 'tcp',
    'network.protocol.name': 'http',
  }
  if (start.sessionId) attributes['mcp.session.id'] = start.sessionId
  if (start.clientAddress) attributes['client.address'] = start.clientAddress
  if (start.tool !== undefined) {
    attributes['gen_ai.tool.name'] = start.tool
    attributes['gen_ai.operation.name'] = 'execute_tool'
  }
  const span = trace
    .getTracer('toolwire')
    .startSpan(
      start.tool === undefined ? start.method : `${start.method} ${start.tool}`,
      { kind: SpanKind.SERVER, attributes },
      parent,
    )
  const ids = span.spanContext()
  return {
    span,
    context: trace.setSpan(parent, span),
    trace: {
      traceId: ids.traceId,
      spanId: ids.spanId,
      parentId: start.incoming.parentId,
      flags: ids.traceFlags & TraceFlags.SAMPLED ? '01' : '00',
    },
  }
}

/** Ends a request span with its outcome (errors and tool errors set status ERROR and `error.type`). */
export function endRequestSpan(
  span: Span,
  outcome: { kind: RequestOutcomeKind; rpcCode: number | undefined; message: string | undefined },
): void {
  const { SpanStatusCode } = api()
  if (outcome.kind === 'error') {
    span.setAttribute('error.type', String(outcome.rpcCode))
    span.setAttribute('rpc.response.status_code', String(outcome.rpcCode))
    span.setStatus({ code: SpanStatusCode.ERROR, ...(outcome.message ? { message: outcome.message } : {}) })
  } else if (outcome.kind === 'tool_error' || outcome.kind === 'cancelled') {
    span.setAttribute('error.type', outcome.kind)
    span.setStatus({ code: SpanStatusCode.ERROR })
  }
  span.end()
}

/** Runs `fn` with `ctx` active. */
export function runInContext<T>(ctx: Context, fn: () => T): T {
  return api().context.with(ctx, fn)
}
