/** The client side of basic/transports: toolwire's client against a hand-written peer. */
import { describe, expect } from 'vitest'
import { clientFor, event, listResult, type Peer, type Seen, startPeer } from './peer.js'
import { type Json, spec, V } from './suite.js'

const tool = (name: string, properties: Json = {}) => ({ name, inputSchema: { type: 'object', properties } })
const requests = (peer: Peer) => peer.seen.filter((s) => s.body && 'method' in s.body && 'id' in s.body)

/** Lists `tools` from a peer and calls `name` with `args`; returns the recorded tools/call. */
async function callWith(tools: Json[], name: string, args: Json): Promise<Seen> {
  await using peer = await startPeer({ 'tools/list': () => ({ result: listResult(tools) }) })
  await using client = clientFor(peer).client
  await client.listTools()
  await client.callTool(name, args)
  return peer.calls('tools/call')[0]!
}

/** The tools a client keeps from a list with one valid tool and `bad`. */
async function keptWith(bad: Json): Promise<string[]> {
  await using peer = await startPeer({ 'tools/list': () => ({ result: listResult([tool('fine'), bad]) }) })
  await using client = clientFor(peer).client
  return (await client.listTools()).map((t) => t.name)
}

const header = (name: string, schema: Json = { type: 'string' }) => ({ ...schema, 'x-mcp-header': name })

describe('basic/transports (client)', () => {
  spec(
    'basic/transports: client MUST send every JSON-RPC message as an HTTP POST to the MCP endpoint',
    async () => {
      await using peer = await startPeer()
      await using client = await clientFor(peer).client.connect()
      await client.listTools()
      await client.callTool('echo', {})
      expect(peer.seen.map((s) => `${s.httpMethod} ${s.url}`)).toEqual([
        'POST /mcp',
        'POST /mcp',
        'POST /mcp',
      ])
    },
  )

  spec(
    'basic/transports: the client POST body MUST be a single JSON-RPC request or notification',
    async () => {
      await using peer = await startPeer()
      await using client = await clientFor(peer).client.connect()
      await Promise.all([client.listTools(), client.callTool('echo', {})])
      for (const s of peer.seen) {
        expect(Array.isArray(s.body)).toBe(false)
        expect(s.body).toMatchObject({ jsonrpc: '2.0', method: expect.any(String) })
      }
    },
  )

  spec(
    'basic/transports: client MUST send an Accept header listing application/json and text/event-stream',
    async () => {
      await using peer = await startPeer()
      await using client = await clientFor(peer).client.connect()
      await client.callTool('echo', {})
      for (const s of peer.seen)
        expect(s.headers.accept).toMatch(
          /application\/json.*text\/event-stream|text\/event-stream.*application\/json/,
        )
    },
  )

  spec(
    'basic/transports: client MUST include MCP-Protocol-Version, Mcp-Method and Mcp-Name headers on each request',
    async () => {
      await using peer = await startPeer()
      await using client = await clientFor(peer).client.connect()
      await client.listTools()
      await client.callTool('echo', {})
      for (const s of requests(peer)) {
        expect(s.headers['mcp-protocol-version']).toBe(V)
        expect(s.headers['mcp-method']).toBe(s.body?.method)
      }
      expect(peer.calls('tools/call')[0]?.headers['mcp-name']).toBe('echo')
    },
  )

  spec('basic/transports: client MUST support both JSON and SSE answers to a request', async () => {
    const done = { resultType: 'complete', content: [{ type: 'text', text: 'streamed' }] }
    await using peer = await startPeer({
      'tools/call': (s) =>
        s.body?.params?.name === 'sse'
          ? { sse: [], result: done }
          : { result: { ...done, content: [{ type: 'text', text: 'json' }] } },
    })
    await using client = clientFor(peer).client
    expect((await client.callTool('sse', {})).content).toEqual([{ type: 'text', text: 'streamed' }])
    expect((await client.callTool('json', {})).content).toEqual([{ type: 'text', text: 'json' }])
  })

  spec('basic/transports: client MUST ignore SSE comment lines (keep-alives)', async () => {
    const done = { resultType: 'complete', content: [{ type: 'text', text: 'after comments' }] }
    await using peer = await startPeer({
      'tools/call': () => ({ sse: [':\n\n', ': keep-alive\r\n\r\n'], result: done }),
    })
    await using client = clientFor(peer).client
    expect((await client.callTool('echo', {})).content).toEqual(done.content)
  })

  spec(
    'basic/transports: client MUST NOT send JSON-RPC responses (a request on a 2026 stream is not answered by POST)',
    async () => {
      const isResponse = (s: Seen) =>
        s.body !== undefined && !('method' in s.body) && ('result' in s.body || 'error' in s.body)
      await using peer = await startPeer({
        'tools/call': (seen, p) => ({
          custom: async (res) => {
            res.writeHead(200, { 'content-type': 'text/event-stream' })
            res.write(event({ jsonrpc: '2.0', id: 'server-asks', method: 'roots/list', params: {} }))
            for (let i = 0; i < 30 && !p.seen.some(isResponse); i++)
              await new Promise((r) => setTimeout(r, 10))
            res.end(
              event({ jsonrpc: '2.0', id: seen.body!.id!, result: { resultType: 'complete', content: [] } }),
            )
          },
        }),
      })
      await using client = clientFor(peer, { handlers: { roots: () => [{ uri: 'file:///work' }] } }).client
      await client.callTool('echo', {}).catch(() => {})
      expect(peer.seen.filter(isResponse)).toEqual([])
    },
  )

  spec(
    'basic/transports: client MUST base64-encode an Mcp-Name that is not a safe ASCII header value',
    async () => {
      const seen = await callWith([tool('météo')], 'météo', {})
      expect(seen.headers['mcp-name']).toBe(`=?base64?${Buffer.from('météo').toString('base64')}?=`)
    },
  )

  spec(
    'basic/transports: clients MUST mirror x-mcp-header parameters (string, integer, boolean, nested) into Mcp-Param headers',
    async () => {
      const schema = {
        region: header('Region'),
        count: header('Count', { type: 'integer' }),
        dry: header('Dry-Run', { type: 'boolean' }),
        where: { type: 'object', properties: { zone: header('Zone') } },
      }
      const seen = await callWith([tool('mirrored', schema)], 'mirrored', {
        region: 'us-west1',
        count: -7,
        dry: false,
        where: { zone: 'b' },
      })
      expect(seen.headers).toMatchObject({
        'mcp-param-region': 'us-west1',
        'mcp-param-count': '-7',
        'mcp-param-dry-run': 'false',
        'mcp-param-zone': 'b',
      })
    },
  )

  spec(
    'basic/transports: client MUST base64-encode non-ASCII, padded, control-character and sentinel-like values',
    async () => {
      const cases = ['Hello, 世界', ' padded ', 'line1\nline2', '=?base64?literal?=']
      for (const value of cases) {
        const seen = await callWith([tool('encoded', { text: header('Text') })], 'encoded', { text: value })
        expect(seen.headers['mcp-param-text']).toBe(
          `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`,
        )
      }
    },
  )

  spec(
    'basic/transports: client MUST omit an Mcp-Param header when the value is null or absent',
    async () => {
      const tools = [tool('optional', { region: header('Region') })]
      expect((await callWith(tools, 'optional', {})).headers['mcp-param-region']).toBeUndefined()
      expect(
        (await callWith(tools, 'optional', { region: null })).headers['mcp-param-region'],
      ).toBeUndefined()
    },
  )

  spec('basic/transports: client MUST exclude a tool whose x-mcp-header is empty', async () => {
    expect(await keptWith(tool('bad', { a: header('') }))).toEqual(['fine'])
  })

  spec('basic/transports: client MUST exclude a tool whose x-mcp-header is not an HTTP token', async () => {
    expect(await keptWith(tool('bad', { a: header('Two Words') }))).toEqual(['fine'])
  })

  spec(
    'basic/transports: client MUST exclude a tool whose x-mcp-header contains control characters',
    async () => {
      expect(await keptWith(tool('bad', { a: header('Bad\r\nX-Injected') }))).toEqual(['fine'])
    },
  )

  spec(
    'basic/transports: client MUST exclude a tool whose x-mcp-header values collide case-insensitively',
    async () => {
      expect(await keptWith(tool('bad', { a: header('Region'), b: header('region') }))).toEqual(['fine'])
    },
  )

  spec(
    'basic/transports: client MUST exclude a tool with x-mcp-header on a number or non-primitive parameter',
    async () => {
      expect(await keptWith(tool('bad', { a: header('Amount', { type: 'number' }) }))).toEqual(['fine'])
      expect(await keptWith(tool('bad', { a: header('Things', { type: 'array' }) }))).toEqual(['fine'])
    },
  )

  spec(
    'basic/transports: client MUST exclude a tool with x-mcp-header not statically reachable through properties',
    async () => {
      const inItems = { a: { type: 'array', items: { type: 'object', properties: { b: header('B') } } } }
      const inAnyOf = { a: { anyOf: [header('A')] } }
      expect(await keptWith(tool('bad', inItems))).toEqual(['fine'])
      expect(await keptWith(tool('bad', inAnyOf))).toEqual(['fine'])
    },
  )

  spec('basic/transports: client SHOULD log a warning naming the rejected tool and the reason', async () => {
    await using peer = await startPeer({
      'tools/list': () => ({ result: listResult([tool('rejected_one', { a: header('') })]) }),
    })
    const { client, warnings } = clientFor(peer)
    await using _ = client
    await client.listTools()
    expect(warnings.join('\n')).toMatch(/rejected_one[\s\S]*x-mcp-header/)
  })

  spec(
    'basic/transports: on HeaderMismatch the client SHOULD re-list tools and retry with the right headers',
    async () => {
      let schema: Json = {}
      await using peer = await startPeer({
        'tools/list': () => ({ result: listResult([tool('moved', schema)]) }),
        'tools/call': (s) =>
          s.headers['mcp-param-region'] === 'eu'
            ? { result: { resultType: 'complete', content: [{ type: 'text', text: 'routed' }] } }
            : {
                error: { code: -32020, message: 'Header mismatch: Mcp-Param-Region is missing' },
                status: 400,
              },
      })
      await using client = clientFor(peer).client
      await client.listTools()
      schema = { region: header('Region') }
      expect((await client.callTool('moved', { region: 'eu' })).content).toEqual([
        { type: 'text', text: 'routed' },
      ])
      expect(peer.calls('tools/list')).toHaveLength(2)
    },
  )

  spec(
    'basic/transports: a client SHOULD NOT fall back to initialize after a recognized modern 400 error',
    async () => {
      await using peer = await startPeer({
        'server/discover': () => ({ error: { code: -32020, message: 'Header mismatch' }, status: 400 }),
      })
      await using client = clientFor(peer).client
      await expect(client.connect()).rejects.toThrow()
      expect(peer.calls('initialize')).toEqual([])
    },
  )

  spec(
    'basic/transports: a client SHOULD fall back to initialize when the 400 body is not a modern error',
    async () => {
      await using peer = await startPeer({
        'server/discover': () => ({ status: 400 }),
        initialize: () => ({
          result: {
            protocolVersion: '2025-11-25',
            capabilities: { tools: {} },
            serverInfo: { name: 'old', version: '1' },
          },
        }),
      })
      await using client = await clientFor(peer).client.connect()
      expect(client.protocolVersion).toBe('2025-11-25')
    },
  )
})
