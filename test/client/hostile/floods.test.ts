/**
 * Hostile resource servers, items 9, 10 and 12 of issue 21 and 10–11 of issue 20: floods on
 * streams (oversized notification events, server→client requests without end), answers for
 * another request, result types this client must not read as complete. Counts and bytes are
 * asserted, never times.
 */
import { describe, expect, it } from 'vitest'
import { MCPServerStreamableHttp, McpProtocolError } from '../../../src/client/index.js'
import { flood, type HostileServer, sseEvent, startHostileServer } from '../../support/hostile-server.js'

const MIB = 1024 * 1024

function client(server: HostileServer, era: 'modern' | 'legacy', warnings: string[] = [], extra = {}) {
  return new MCPServerStreamableHttp({
    name: 'Hostile',
    params: { url: server.url },
    protocolEra: era,
    maxRetryAttempts: 0,
    onWarning: (w) => warnings.push(w),
    ...extra,
  })
}

/** A call whose SSE answer carries `requests` server→client requests before its result. */
function requestFlood(server: HostileServer, requests: number): void {
  server.behave.set('tools/call', async (x) => {
    x.res.writeHead(200, { 'content-type': 'text/event-stream' })
    let n = 0
    await flood(x.res, () => sseEvent({ jsonrpc: '2.0', id: `srv-${n++}`, method: 'ping' }), requests * 60)
    x.res.end(
      sseEvent({
        jsonrpc: '2.0',
        id: x.message.id,
        result: x.result({ content: [{ type: 'text', text: 'done' }] }),
      }),
    )
  })
}

describe('9: the 2025-era notification stream is bounded', () => {
  it('an event that never ends is cut at maxResponseBytes, the stream given up, not re-opened', async () => {
    await using server = await startHostileServer({ era: 'legacy' })
    let sent = 0
    server.behave.set('GET', async (x) => {
      x.res.writeHead(200, { 'content-type': 'text/event-stream' })
      // One "event" of 2 GiB that never reaches its blank line.
      sent += await flood(x.res, () => `data: ${'x'.repeat(64 * 1024)}`, 2 * 1024 * MIB)
    })
    const warnings: string[] = []
    await using tools = await client(server, 'legacy', warnings, { maxResponseBytes: MIB }).connect()
    await expect.poll(() => warnings.some((w) => w.includes('closed for good'))).toBe(true)
    expect(warnings).toContainEqual(
      expect.stringContaining('an event on the notification stream exceeds maxResponseBytes (1048576 bytes)'),
    )
    // The server got rid of little more than the cap (plus socket buffers) before the client left.
    expect(server.bytesWritten()).toBeLessThan(16 * MIB)
    expect(server.hits.get('GET')).toBe(1)
    // The session still works.
    expect((await tools.callTool('echo')).content).toEqual([{ type: 'text', text: 'ok echo' }])
    expect(sent).toBeLessThan(16 * MIB)
  })
})

describe('10: server→client requests cannot make the client POST without end', () => {
  it('2025 era: at most 32 requests per call stream are answered; the call still completes', async () => {
    await using server = await startHostileServer({ era: 'legacy' })
    requestFlood(server, 10_000)
    const warnings: string[] = []
    await using tools = await client(server, 'legacy', warnings).connect()
    expect((await tools.callTool('echo')).content).toEqual([{ type: 'text', text: 'done' }])
    await expect.poll(() => server.responses.length).toBe(32)
    expect(warnings).toContain(
      'the server sent more than 32 requests on the response stream of tools/call: the rest are not answered',
    )
    expect(server.hits.get('response')).toBe(32)
  })

  it('2025 era: a flood on the GET stream is answered 256 times, then the stream is dropped', async () => {
    await using server = await startHostileServer({ era: 'legacy' })
    server.behave.set('GET', async (x) => {
      x.res.writeHead(200, { 'content-type': 'text/event-stream' })
      let n = 0
      await flood(x.res, () => sseEvent({ jsonrpc: '2.0', id: n++, method: 'ping' }), 50 * MIB)
    })
    const warnings: string[] = []
    await using _tools = await client(server, 'legacy', warnings).connect()
    await expect.poll(() => server.responses.length).toBe(256)
    await expect
      .poll(() => warnings)
      .toContain(
        'the server sent more than 256 requests on its notification stream: the rest are not answered',
      )
    expect(server.hits.get('GET')).toBe(1)
    expect(server.bytesWritten()).toBeLessThan(16 * MIB)
  })

  it('2026-07-28: a request on a response stream is never answered (clients send no responses), reported once', async () => {
    await using server = await startHostileServer({ era: 'modern' })
    requestFlood(server, 1_000)
    const warnings: string[] = []
    await using tools = await client(server, 'modern', warnings).connect()
    expect((await tools.callTool('echo')).content).toEqual([{ type: 'text', text: 'done' }])
    expect((await tools.callTool('echo')).content).toEqual([{ type: 'text', text: 'done' }])
    expect(server.responses).toEqual([])
    expect(server.hits.get('response')).toBeUndefined()
    expect(warnings).toEqual([
      'the server sent a JSON-RPC request (ping) on the response stream of tools/call: clients of protocol 2026-07-28 never answer requests, so it is ignored',
      'the server sent a JSON-RPC request (ping) on the response stream of tools/call: clients of protocol 2026-07-28 never answer requests, so it is ignored',
    ])
  })
})

describe.each(['modern', 'legacy'] as const)('12: answers for another request (%s era)', (era) => {
  it.each([
    ['the string "1" for 1', (id: number) => String(id)],
    ['another number', (id: number) => id + 1000],
  ])('a JSON answer carrying %s is refused', async (_what, forge) => {
    await using server = await startHostileServer({ era })
    server.behave.set('tools/call', (x) =>
      x.res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          jsonrpc: '2.0',
          id: forge(x.message.id as number),
          result: x.result({ content: [{ type: 'text', text: 'forged' }] }),
        }),
      ),
    )
    await using tools = await client(server, era).connect()
    const error = await tools.callTool('echo').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpProtocolError)
    expect(String(error)).toMatch(
      /the response to tools\/call carries another JSON-RPC id \(.+, expected \d+\)/,
    )
  })
})

describe('issue 20 #10: an unknown resultType is invalid on every 2026-07-28 result', () => {
  it.each([
    ['tools/list', 'stream'],
    ['tools/list', 'input_required'],
    ['tools/call', 'partial'],
  ])('%s answering resultType %s is a protocol error', async (method, resultType) => {
    await using server = await startHostileServer({ era: 'modern' })
    server.behave.set(method, (x) => x.json({ resultType, tools: [], content: [] }))
    await using tools = await client(server, 'modern').connect()
    const error = await (method === 'tools/list' ? tools.listTools() : tools.callTool('echo')).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(McpProtocolError)
    expect(String(error)).toContain(`answered with resultType "${resultType}"`)
  })
})
