import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  MCPServerStreamableHttp,
  type MCPServerStreamableHttpOptions,
  McpConnectionError,
  McpHttpError,
  type RetryEvent,
} from '../../src/client/index.js'
import { type FaultServer, startFaultServer } from '../support/fault-server.js'

describe.each(['modern', 'legacy'] as const)('retries against a %s-era server', (era) => {
  let server: FaultServer
  beforeEach(async () => {
    server = await startFaultServer({ era })
  })
  afterEach(() => server.close())

  async function connected(options: Partial<MCPServerStreamableHttpOptions> = {}) {
    const client = new MCPServerStreamableHttp({
      name: 'Orders',
      params: { url: server.url },
      retryBackoffSecondsBase: 0.01,
      circuitBreaker: false,
      ...options,
    })
    const retries: RetryEvent[] = []
    client.on('retry', (event) => retries.push(event))
    await client.connect()
    await client.listTools() // learns the annotations: echo is readOnly, create_order is not idempotent
    return { client, retries, [Symbol.asyncDispose]: () => client.close() }
  }

  it('retries 503 and 429, honouring Retry-After, then returns exactly one result', async () => {
    server.faults.set('tools/call', {
      kind: 'status',
      status: 503,
      headers: { 'retry-after': '0.05' },
      times: 1,
    })
    await using connection = await connected()
    const { client, retries } = connection
    expect((await client.callTool('create_order', {})).content).toEqual([
      { type: 'text', text: 'ok create_order' },
    ])
    server.faults.set('tools/call', {
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '0.05' },
      times: 2,
    })
    expect((await client.callTool('create_order', {})).content).toEqual([
      { type: 'text', text: 'ok create_order' },
    ])
    expect(retries.map((r) => [r.method, r.attempt, (r.error as McpHttpError).status])).toEqual([
      ['tools/call', 1, 503],
      ['tools/call', 1, 429],
      ['tools/call', 2, 429],
    ])
    for (const retry of retries) expect(retry.delaySeconds).toBeGreaterThanOrEqual(0.05)
    // 503/429 mean "not processed": even the non-idempotent tool ran exactly once per call.
    expect(server.executions.get('create_order')).toBe(2)
  })

  it('never repeats a non-idempotent call that may have reached the server', async () => {
    await using connection = await connected()
    const { client, retries } = connection
    server.faults.set('tools/call', { kind: 'reset-mid-response', times: 1 })
    const error = await client.callTool('create_order', { total: 10 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpConnectionError)
    expect(error).toMatchObject({ maybeDelivered: true, attempts: 1 })
    expect((error as McpConnectionError).notRetriedReason).toBe(
      'the connection broke after the request was sent, and tool create_order is not idempotent (annotate the tool idempotentHint or readOnlyHint, or pass { idempotent: true })',
    )
    expect(String(error)).toContain('(not retried: ')
    expect(server.executions.get('create_order')).toBe(1)
    expect(retries).toEqual([])
    // A gateway's 502 may hide an upstream that ran the call: not retried either.
    server.faults.set('tools/call', { kind: 'status', status: 502, times: 1 })
    await expect(client.callTool('create_order', {})).rejects.toThrow('a gateway answered HTTP 502')
  })

  it('retries idempotent and read-only calls after a broken answer, ending with one result', async () => {
    await using connection = await connected()
    const { client, retries } = connection
    server.faults.set('tools/call', { kind: 'reset-mid-response', times: 2 })
    expect((await client.callTool('echo', {})).content).toEqual([{ type: 'text', text: 'ok echo' }])
    expect(retries).toHaveLength(2)
    server.faults.set('tools/call', { kind: 'reset-mid-response', times: 1 })
    const declared = await client.callTool('create_order', {}, { idempotent: true })
    expect(declared.content).toEqual([{ type: 'text', text: 'ok create_order' }])
  })

  it('gives up after maxRetryAttempts and says so', async () => {
    await using connection = await connected({ maxRetryAttempts: 2 })
    const { client } = connection
    server.faults.set('tools/call', { kind: 'status', status: 503 })
    const before = server.hits.get('tools/call') ?? 0
    const error = await client.callTool('echo', {}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpHttpError)
    expect(error).toMatchObject({ status: 503, attempts: 3 })
    expect(String(error)).toContain('gave up after 3 attempts')
    expect(server.hits.get('tools/call')! - before).toBe(3)
  })

  it('aborting a call closes its request, and a 2025-era server is sent notifications/cancelled', async () => {
    await using connection = await connected()
    const { client } = connection
    server.faults.set('tools/call', { kind: 'delay-headers', ms: 5000, times: 1 })
    const controller = new AbortController()
    const pending = client.callTool('echo', {}, { signal: controller.signal })
    await expect.poll(() => server.hits.get('tools/call')).toBe(1)
    controller.abort(new Error('stop'))
    await expect(pending).rejects.toThrow('stop')
    if (era === 'legacy') await expect.poll(() => server.hits.get('notifications/cancelled')).toBe(1)
    else expect(server.hits.get('notifications/cancelled')).toBeUndefined()
  })

  it('an abort during the backoff wait rejects at once with the abort reason', async () => {
    await using connection = await connected({ retryBackoffSecondsBase: 30, retryBackoffSecondsMax: 30 })
    const { client, retries } = connection
    server.faults.set('tools/call', { kind: 'status', status: 503, headers: { 'retry-after': '30' } })
    const controller = new AbortController()
    const pending = client.callTool('echo', {}, { signal: controller.signal })
    await expect.poll(() => retries.length).toBe(1)
    controller.abort(new Error('user gave up'))
    await expect(pending).rejects.toThrow('user gave up')
  })

  it('a read-only tool called before listing is retried after a reset: the annotations are learned first (one tools/list)', async () => {
    await using client = new MCPServerStreamableHttp({
      params: { url: server.url },
      retryBackoffSecondsBase: 0.01,
      circuitBreaker: false,
    })
    await client.connect()
    server.faults.set('tools/call', { kind: 'reset-mid-response', times: 1 })
    expect((await client.callTool('echo', {})).content).toEqual([{ type: 'text', text: 'ok echo' }])
    expect(server.hits.get('tools/list')).toBe(1)
    expect(server.executions.get('echo')).toBe(2)
    // A tool whose annotations say it is not idempotent is still not repeated, and says why.
    server.faults.set('tools/call', { kind: 'reset-mid-response', times: 1 })
    await using fresh = new MCPServerStreamableHttp({ params: { url: server.url }, circuitBreaker: false })
    const error = await fresh.callTool('create_order', {}).catch((e: unknown) => e)
    expect((error as McpConnectionError).notRetriedReason).toMatch(/tool create_order is not idempotent/)
    expect(server.executions.get('create_order')).toBe(1)
    // Concurrent first calls share one listing.
    await using third = new MCPServerStreamableHttp({
      params: { url: server.url },
      retryBackoffSecondsBase: 0.01,
      circuitBreaker: false,
    })
    await third.connect()
    const lists = server.hits.get('tools/list')!
    server.faults.set('tools/call', { kind: 'reset-mid-response', times: 4 })
    await Promise.all(Array.from({ length: 4 }, () => third.callTool('echo', {})))
    expect(server.hits.get('tools/list')).toBe(lists + 1)
  })

  it.each([
    ['-32029 (the old load-shedding code)', -32029],
    ['another code (the new one)', -32000],
  ])(
    '429 and 503 answered with JSON-RPC %s are retried on their HTTP status and Retry-After',
    async (_case, code) => {
      await using connection = await connected()
      const { client, retries } = connection
      const body = (id: string) =>
        JSON.stringify({ jsonrpc: '2.0', id, error: { code, message: 'slow down' } })
      for (const status of [429, 503]) {
        server.faults.set('tools/call', {
          kind: 'status',
          status,
          headers: { 'retry-after': '0.05', 'content-type': 'application/json' },
          body: body('1'),
          times: 1,
        })
        expect((await client.callTool('create_order', {})).content).toEqual([
          { type: 'text', text: 'ok create_order' },
        ])
      }
      expect(retries.map((r) => (r.error as McpHttpError).status)).toEqual([429, 503])
      for (const retry of retries) expect(retry.delaySeconds).toBeGreaterThanOrEqual(0.05)
      // Retry-After as an HTTP date counts too.
      server.faults.set('tools/call', {
        kind: 'status',
        status: 503,
        headers: { 'retry-after': new Date(Date.now() + 60_000).toUTCString() },
        times: 1,
      })
      retries.length = 0
      await using patient = await connected({ retryBackoffSecondsMax: 0.2 })
      patient.retries.length = 0
      await patient.client.callTool('echo', {})
      expect(patient.retries[0]!.delaySeconds).toBe(0.2) // a minute asked, capped by retryBackoffSecondsMax
    },
  )
})

describe('connect retries (no hand-written connect_with_retry)', () => {
  it('connect() waits out a server that is not up yet', async () => {
    const first = await startFaultServer()
    const port = Number(new URL(first.url).port)
    await first.close()
    await using client = new MCPServerStreamableHttp({
      params: { url: first.url },
      retryBackoffSecondsBase: 0.05,
      maxRetryAttempts: 5,
    })
    const retries: RetryEvent[] = []
    let restarted: Promise<FaultServer> | undefined
    client.on('retry', (event) => {
      retries.push(event)
      // The server comes up while the client waits to retry.
      restarted ??= startFaultServer({ port })
    })
    await client.connect()
    expect(retries[0]!.method).toBe('connect')
    expect(retries[0]!.error).toBeInstanceOf(McpConnectionError)
    expect(client.protocolVersion).toBe('2026-07-28')
    await using _restarted = await restarted!
  })
})
