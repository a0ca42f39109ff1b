/** The client side of basic and basic/versioning: toolwire's client against a hand-written peer. */
import { describe, expect } from 'vitest'
import { McpProtocolError } from '../../src/client/index.js'
import { clientFor, listResult, type Peer, startPeer } from './peer.js'
import { type Json, metaOf, spec, V } from './suite.js'

const tool = (name: string) => ({ name, inputSchema: { type: 'object' } })
const requests = (peer: Peer) => peer.seen.filter((s) => s.body && 'method' in s.body && 'id' in s.body)

describe('basic and basic/versioning (client)', () => {
  spec(
    'basic/versioning: client SHOULD retry with a mutually supported version from UnsupportedProtocolVersionError',
    async () => {
      await using peer = await startPeer({
        'server/discover': () => ({
          error: { code: -32022, message: 'Unsupported', data: { supported: ['2025-06-18'], requested: V } },
          status: 400,
        }),
        initialize: (s) => ({
          result: {
            protocolVersion: s.body?.params?.protocolVersion,
            capabilities: {},
            serverInfo: { name: 'old', version: '1' },
          },
        }),
      })
      await using client = await clientFor(peer).client.connect()
      expect(peer.calls('initialize')[0]?.body?.params?.protocolVersion).toBe('2025-06-18')
      expect(client.protocolVersion).toBe('2025-06-18')
    },
  )

  spec(
    'basic/versioning: client SHOULD cache the era determination instead of probing before every request',
    async () => {
      await using peer = await startPeer()
      await using client = await clientFor(peer).client.connect()
      await client.listTools()
      await client.callTool('echo', {})
      await client.callTool('echo', {})
      expect(peer.calls('server/discover')).toHaveLength(1)
    },
  )

  spec(
    'basic: client MUST include protocolVersion and clientCapabilities in the _meta of every request',
    async () => {
      await using peer = await startPeer()
      await using client = await clientFor(peer).client.connect()
      await client.callTool('echo', {})
      for (const s of requests(peer)) {
        const meta = s.body?.params?._meta as Json
        expect(meta['io.modelcontextprotocol/protocolVersion']).toBe(V)
        expect(meta['io.modelcontextprotocol/clientCapabilities']).toBeTypeOf('object')
      }
    },
  )

  spec('basic: clients SHOULD include clientInfo in the _meta of every request', async () => {
    await using peer = await startPeer()
    await using client = await clientFor(peer, {
      clientInfo: { name: 'agent', version: '3.1.4' },
    }).client.connect()
    await client.listTools()
    for (const s of requests(peer))
      expect(metaOf(s.body?.params)['io.modelcontextprotocol/clientInfo']).toEqual({
        name: 'agent',
        version: '3.1.4',
      })
  })

  spec('basic: request ids MUST be strings or integers, unique among requests in flight', async () => {
    await using peer = await startPeer()
    await using client = await clientFor(peer).client.connect()
    await Promise.all(Array.from({ length: 5 }, () => client.callTool('echo', {})))
    const ids = peer.calls('tools/call').map((s) => s.body?.id)
    for (const id of ids) expect(typeof id === 'string' || Number.isInteger(id)).toBe(true)
    expect(new Set(ids).size).toBe(5)
  })

  spec('basic: receivers MUST NOT assume a meaning for the legacy codes -32000..-32019', async () => {
    await using peer = await startPeer({
      'tools/call': () => ({ error: { code: -32001, message: 'Session not found' }, status: 404 }),
    })
    await using client = await clientFor(peer).client.connect()
    await expect(client.callTool('echo', {})).rejects.toThrow()
    expect(peer.calls('initialize')).toEqual([])
    expect(peer.calls('server/discover')).toHaveLength(1)
    expect(peer.calls('tools/call')).toHaveLength(1)
  })

  spec('basic: a tools/call result with an unrecognized resultType MUST be considered invalid', async () => {
    await using peer = await startPeer({
      'tools/call': () => ({ result: { resultType: 'partial', content: [] } }),
    })
    await using client = clientFor(peer).client
    await expect(client.callTool('echo', {})).rejects.toBeInstanceOf(McpProtocolError)
  })

  spec('basic: a tools/list result with an unrecognized resultType MUST be considered invalid', async () => {
    await using peer = await startPeer({
      'tools/list': () => ({ result: listResult([tool('a')], { resultType: 'partial' }) }),
    })
    await using client = clientFor(peer).client
    await expect(client.listTools()).rejects.toBeInstanceOf(McpProtocolError)
  })

  spec(
    'basic: a server/discover result with an unrecognized resultType MUST be considered invalid',
    async () => {
      await using peer = await startPeer({
        'server/discover': () => ({
          result: {
            resultType: 'partial',
            supportedVersions: [V],
            capabilities: {},
            ttlMs: 0,
            cacheScope: 'public',
          },
        }),
      })
      await using client = clientFor(peer).client
      await expect(client.connect()).rejects.toBeInstanceOf(McpProtocolError)
    },
  )

  spec('basic: clients MUST treat an absent resultType as complete', async () => {
    await using peer = await startPeer({
      'server/discover': () => ({ result: { supportedVersions: [V], capabilities: { tools: {} } } }),
      'tools/list': () => ({ result: { tools: [tool('a')] } }),
      'tools/call': () => ({ result: { content: [{ type: 'text', text: 'plain' }] } }),
    })
    await using client = await clientFor(peer).client.connect()
    expect((await client.listTools()).map((t) => t.name)).toEqual(['a'])
    expect((await client.callTool('a', {})).content).toEqual([{ type: 'text', text: 'plain' }])
  })
})
