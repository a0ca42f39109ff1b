import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { ToolServer } from '../../src/server/index.js'
import { serve } from '../support/mount.js'
import { modern, send } from '../support/raw.js'

const exporter = new InMemorySpanExporter()

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  )
})
afterAll(() => {
  trace.disable()
  context.disable()
})
beforeEach(() => exporter.reset())

function tracedServer(seen: string[]) {
  const appTracer = trace.getTracer('crm-app')
  return new ToolServer({ name: 'traced', version: '1.0.0' })
    .tool('lookup', { input: z.object({ id: z.string() }) }, async ({ id }, ctx) => {
      seen.push(ctx.traceId)
      // The app's own span (a database query) nests under the request span.
      return appTracer.startActiveSpan('db.query', async (span) => {
        await new Promise((resolve) => setTimeout(resolve, 1))
        span.end()
        return `customer ${id}`
      })
    })
    .tool('fail', { input: z.object({}) }, () => {
      throw new Error('nope')
    })
}

describe('OpenTelemetry server spans', () => {
  it("records a SERVER span per request, child of the caller's traceparent, with MCP attributes", async () => {
    const seen: string[] = []
    await using running = await serve(tracedServer(seen), { port: 0 })
    const callerTrace = 'c'.repeat(32)
    const callerSpan = 'd'.repeat(16)
    const answer = await send(
      running.url,
      modern(
        'tools/call',
        { name: 'lookup', arguments: { id: '42' } },
        {
          traceparent: `00-${callerTrace}-${callerSpan}-01`,
        },
      ),
    )
    expect(answer.status).toBe(200)
    const spans = exporter.getFinishedSpans()
    const server = spans.find((s) => s.name === 'tools/call lookup')!
    const db = spans.find((s) => s.name === 'db.query')!
    expect(server.kind).toBe(SpanKind.SERVER)
    expect(server.spanContext().traceId).toBe(callerTrace)
    expect(server.parentSpanContext?.spanId).toBe(callerSpan)
    expect(server.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'lookup',
      'gen_ai.operation.name': 'execute_tool',
      'mcp.protocol.version': '2026-07-28',
      'client.address': '127.0.0.1',
    })
    expect(server.status.code).toBe(SpanStatusCode.UNSET)
    expect(db.parentSpanContext?.spanId).toBe(server.spanContext().spanId)
    expect(db.spanContext().traceId).toBe(callerTrace)
    // Logs, ctx.traceId and the answer header name the same span.
    expect(seen).toEqual([callerTrace])
    expect(answer.headers.traceparent).toBe(`00-${callerTrace}-${server.spanContext().spanId}-01`)
  })

  it('marks tool errors and protocol errors, and carries the session id of 2025-era requests', async () => {
    await using running = await serve(tracedServer([]), { port: 0 })
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      protocolEra: 'legacy',
    }).connect()
    await client.callTool('fail')
    await client.callTool('missing').catch(() => {})
    const spans = exporter.getFinishedSpans()
    const failed = spans.find((s) => s.name === 'tools/call fail')!
    expect(failed.status.code).toBe(SpanStatusCode.ERROR)
    expect(failed.attributes['error.type']).toBe('tool_error')
    expect(failed.attributes['mcp.session.id']).toMatch(/^[0-9a-f-]{36}$/)
    const missing = spans.find((s) => s.name === 'tools/call missing')!
    expect(missing.status.code).toBe(SpanStatusCode.ERROR)
    expect(missing.attributes['error.type']).toBe('-32602')
    expect(spans.some((s) => s.name === 'initialize')).toBe(true)
    // The client's own spans, if any, are not ours to assert; every server span is SERVER.
    expect(
      spans.filter((s) => s.name.startsWith('tools/call')).every((s) => s.kind === SpanKind.SERVER),
    ).toBe(true)
  })
})
