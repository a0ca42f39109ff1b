import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  CircuitOpenError,
  MCPServerStreamableHttp,
  McpHttpError,
  McpProtocolError,
} from '../../src/client/index.js'
import { serve } from '../../src/server/index.js'
import { echoServer } from '../support/echo-server.js'
import { type FaultServer, startFaultServer } from '../support/fault-server.js'
import { startHostileServer } from '../support/hostile-server.js'

describe.each(['modern', 'legacy'] as const)('circuit breaker against a %s-era server', (era) => {
  let server: FaultServer
  beforeEach(async () => {
    server = await startFaultServer({ era })
  })
  afterEach(() => server.close())

  it('opens after the threshold, fails fast without the network, then one probe closes it', async () => {
    await using client = await new MCPServerStreamableHttp({
      name: 'CRM Tools',
      params: { url: server.url },
      maxRetryAttempts: 0,
      circuitBreaker: { failureThreshold: 3, resetTimeoutSeconds: 0.2 },
    }).connect()
    const events: string[] = []
    client.on('breakerOpen', ({ failures }) => events.push(`open after ${failures}`))
    client.on('breakerClose', () => events.push('close'))

    server.faults.set('tools/call', { kind: 'status', status: 503 })
    for (let i = 0; i < 3; i++) await expect(client.callTool('echo')).rejects.toBeInstanceOf(McpHttpError)
    expect(client.breakerState).toBe('open')
    const hits = server.hits.get('tools/call')
    const fast = await client.callTool('echo').catch((e: unknown) => e)
    expect(fast).toBeInstanceOf(CircuitOpenError)
    expect(String(fast)).toMatch(/^CircuitOpenError: CRM Tools is unavailable \(circuit open, retry in 1 s\)/)
    expect(server.hits.get('tools/call')).toBe(hits) // no network

    // After the reset time one probe goes through; while it is out, others still fail fast.
    await expect.poll(() => client.breakerState, { interval: 20 }).toBe('halfOpen')
    server.faults.set('tools/call', { kind: 'delay-headers', ms: 100, times: 1 })
    const probe = client.callTool('echo')
    await expect(client.callTool('echo')).rejects.toBeInstanceOf(CircuitOpenError)
    expect((await probe).content).toEqual([{ type: 'text', text: 'ok echo' }])
    expect(client.breakerState).toBe('closed')
    expect(events).toEqual(['open after 3', 'close'])
  })

  it('a failed probe re-opens the circuit; answers that are errors do not count as failures', async () => {
    await using client = await new MCPServerStreamableHttp({
      params: { url: server.url },
      maxRetryAttempts: 0,
      circuitBreaker: { failureThreshold: 2, resetTimeoutSeconds: 0.1 },
    }).connect()
    // 4xx answers (here 400) mean the server is up.
    server.faults.set('tools/call', { kind: 'status', status: 400, times: 5 })
    for (let i = 0; i < 5; i++) await expect(client.callTool('echo')).rejects.toThrow()
    expect(client.breakerState).toBe('closed')
    server.faults.set('tools/call', { kind: 'reset' })
    for (let i = 0; i < 2; i++) await expect(client.callTool('echo')).rejects.toThrow()
    expect(client.breakerState).toBe('open')
    await expect.poll(() => client.breakerState, { interval: 20 }).toBe('halfOpen')
    await expect(client.callTool('echo')).rejects.toThrow('was closed by the other side')
    expect(client.breakerState).toBe('open')
  })

  it('counts only failures of the server: tool errors (isError) and JSON-RPC errors, even on a 500, never open it', async () => {
    await using tools = await serve(echoServer(), { port: 0, env: false })
    await using client = await new MCPServerStreamableHttp({
      params: { url: tools.url },
      protocolEra: era,
      maxRetryAttempts: 0,
      circuitBreaker: { failureThreshold: 2, resetTimeoutSeconds: 30 },
    }).connect()
    for (let i = 0; i < 5; i++) {
      expect((await client.callTool('fail', { kind: 'tool' })).isError).toBe(true)
      expect((await client.callTool('fail', { kind: 'crash' })).isError).toBe(true)
    }
    await using throwing = await new MCPServerStreamableHttp({
      params: { url: tools.url },
      protocolEra: era,
      toolErrors: 'throw',
      circuitBreaker: { failureThreshold: 2, resetTimeoutSeconds: 30 },
    }).connect()
    for (let i = 0; i < 5; i++)
      await expect(throwing.callTool('fail', { kind: 'tool' })).rejects.toThrow('failed')
    expect([client.breakerState, throwing.breakerState]).toEqual(['closed', 'closed'])
    // A 500 carrying the JSON-RPC error of this very request is the MCP server answering.
    await using hostile = await startHostileServer({ era })
    hostile.behave.set('tools/call', (x) =>
      x.res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', id: x.message.id, error: { code: -32603, message: 'boom' } })),
    )
    await using answering = await new MCPServerStreamableHttp({
      params: { url: hostile.url },
      protocolEra: era,
      maxRetryAttempts: 0,
      circuitBreaker: { failureThreshold: 2, resetTimeoutSeconds: 30 },
    }).connect()
    for (let i = 0; i < 5; i++) {
      const error = await answering.callTool('echo').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(McpProtocolError)
      expect(error).toMatchObject({ rpcCode: -32603 })
    }
    expect(answering.breakerState).toBe('closed')
    // A bare 500 (no answer of the server's) is a failure of the server.
    hostile.behave.set('tools/call', (x) =>
      x.res.writeHead(500, { 'content-type': 'text/plain' }).end('oops'),
    )
    for (let i = 0; i < 2; i++) await expect(answering.callTool('echo')).rejects.toBeInstanceOf(McpHttpError)
    expect(answering.breakerState).toBe('open')
  })

  it('rejects invalid breaker options', () => {
    expect(
      () =>
        new MCPServerStreamableHttp({ params: { url: server.url }, circuitBreaker: { failureThreshold: 0 } }),
    ).toThrow('circuitBreaker.failureThreshold must be a positive integer, got 0')
  })
})
