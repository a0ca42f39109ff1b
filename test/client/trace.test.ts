import { context, TraceFlags, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MCPServerStreamableHttp, McpHttpError } from '../../src/client/index.js'
import { type FaultServer, startFaultServer } from '../support/fault-server.js'

let server: FaultServer
beforeAll(async () => {
  server = await startFaultServer()
})
afterAll(() => server.close())

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/

describe('trace context', () => {
  it('sends a W3C traceparent on every request and reports the trace id on results and errors', async () => {
    await using client = await new MCPServerStreamableHttp({
      params: { url: server.url },
      maxRetryAttempts: 0,
    }).connect()
    const result = await client.callTool('echo')
    const sent = server.requests.at(-1)!.headers.traceparent as string
    expect(sent).toMatch(TRACEPARENT)
    expect(result.traceId).toBe(TRACEPARENT.exec(sent)![1])
    expect(server.requests.every((r) => TRACEPARENT.test(String(r.headers.traceparent)))).toBe(true)
    server.faults.set('tools/call', { kind: 'status', status: 500, times: 1 })
    const error = (await client.callTool('echo').catch((e: unknown) => e)) as McpHttpError
    expect(error).toBeInstanceOf(McpHttpError)
    expect(error.traceId).toBe(TRACEPARENT.exec(server.requests.at(-1)!.headers.traceparent as string)![1])
  })

  it('continues the active OpenTelemetry span', async () => {
    const manager = new AsyncLocalStorageContextManager().enable()
    context.setGlobalContextManager(manager)
    try {
      await using client = await new MCPServerStreamableHttp({ params: { url: server.url } }).connect()
      const span = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED }
      const result = await context.with(trace.setSpanContext(context.active(), span), () =>
        client.callTool('echo'),
      )
      expect(server.requests.at(-1)!.headers.traceparent).toBe(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`)
      expect(result.traceId).toBe('a'.repeat(32))
    } finally {
      context.disable()
    }
  })
})
