/** The client side of server/utilities (caching, pagination) and server/tools: toolwire's client against a peer. */
import { describe, expect } from 'vitest'
import { ToolListCache } from '../../src/client/index.js'
import { clientFor, listResult, startPeer } from './peer.js'
import { type Json, spec } from './suite.js'

describe('server/utilities/caching and pagination, server/tools (client)', () => {
  const cached = async (extra: Json, fetches: number) => {
    await using peer = await startPeer({
      'tools/list': () => ({
        result: {
          resultType: 'complete',
          tools: [{ name: 'a', inputSchema: { type: 'object' } }],
          cacheScope: 'private',
          ...extra,
        },
      }),
    })
    await using client = clientFor(peer, { cacheToolsList: true, toolListCache: new ToolListCache() }).client
    await client.listTools()
    await client.listTools()
    expect(peer.calls('tools/list')).toHaveLength(fetches)
  }

  spec('server/utilities/caching: a client SHOULD treat ttlMs 0 as immediately stale', () =>
    cached({ ttlMs: 0 }, 2),
  )
  spec('server/utilities/caching: a client SHOULD treat an absent ttlMs as 0 (immediately stale)', () =>
    cached({}, 2),
  )
  spec('server/utilities/caching: a client SHOULD treat a negative ttlMs as 0 (immediately stale)', () =>
    cached({ ttlMs: -5 }, 2),
  )
  spec('server/utilities/caching: a client SHOULD consider a result fresh for a positive ttlMs', () =>
    cached({ ttlMs: 600_000 }, 1),
  )

  spec('server/utilities/caching: a list-changed notification invalidates a fresh cached list', async () => {
    await using peer = await startPeer({
      'server/discover': () => ({
        result: {
          resultType: 'complete',
          supportedVersions: ['2026-07-28'],
          capabilities: { tools: { listChanged: true } },
          ttlMs: 0,
          cacheScope: 'public',
        },
      }),
      'tools/list': () => ({
        result: listResult([{ name: 'a', inputSchema: { type: 'object' } }], { ttlMs: 600_000 }),
      }),
    })
    await using client = await clientFor(peer, {
      cacheToolsList: true,
      toolListCache: new ToolListCache(),
    }).client.connect()
    await expect.poll(() => peer.listens.length).toBe(1)
    await client.listTools()
    await client.listTools()
    expect(peer.calls('tools/list')).toHaveLength(1)
    peer.push('notifications/tools/list_changed')
    const refetched = async () => {
      await client.listTools()
      return peer.calls('tools/list').length
    }
    await expect.poll(refetched).toBe(2)
  })

  spec(
    'server/utilities/caching: private cached results MUST NOT be shared across authorization contexts',
    async () => {
      await using peer = await startPeer({
        'tools/list': () => ({
          result: listResult([{ name: 'a', inputSchema: { type: 'object' } }], { ttlMs: 600_000 }),
        }),
      })
      const cache = new ToolListCache()
      const as = (token: string) =>
        clientFor(peer, {
          cacheToolsList: true,
          toolListCache: cache,
          params: { url: peer.url, headers: { authorization: `Bearer ${token}` } },
        }).client
      await using alice = as('alice')
      await using bob = as('bob')
      await alice.listTools()
      await alice.listTools()
      await bob.listTools()
      expect(peer.calls('tools/list')).toHaveLength(2)
    },
  )

  spec(
    'server/utilities/pagination: an empty-string nextCursor MUST NOT be treated as the end of results',
    async () => {
      await using peer = await startPeer({
        'tools/list': (s) =>
          s.body?.params?.cursor === ''
            ? { result: listResult([{ name: 'second', inputSchema: { type: 'object' } }]) }
            : {
                result: listResult([{ name: 'first', inputSchema: { type: 'object' } }], { nextCursor: '' }),
              },
      })
      await using client = clientFor(peer).client
      expect((await client.listTools()).map((t) => t.name)).toEqual(['first', 'second'])
    },
  )

  spec(
    'server/utilities/pagination: clients MUST treat cursors as opaque and stop at a missing nextCursor',
    async () => {
      const cursor = ' ~opaque/cursor+== '
      await using peer = await startPeer({
        'tools/list': (s) =>
          s.body?.params?.cursor === cursor
            ? { result: listResult([{ name: 'second', inputSchema: { type: 'object' } }]) }
            : {
                result: listResult([{ name: 'first', inputSchema: { type: 'object' } }], {
                  nextCursor: cursor,
                }),
              },
      })
      await using client = clientFor(peer).client
      expect((await client.listTools()).map((t) => t.name)).toEqual(['first', 'second'])
      expect(peer.calls('tools/list')).toHaveLength(2)
    },
  )

  spec(
    'server/utilities/pagination: client keeps a page cap against a server whose list never ends',
    async () => {
      await using peer = await startPeer({
        'tools/list': (_s, p) => {
          const n = p.calls('tools/list').length
          if (n > 1000) return { error: { code: -32603, message: 'the client followed 1000 pages' } }
          return {
            result: listResult([{ name: `t${n}`, inputSchema: { type: 'object' } }], {
              nextCursor: `page-${n}`,
            }),
          }
        },
      })
      await using client = clientFor(peer).client
      await expect(client.listTools()).rejects.toThrow()
      expect(peer.calls('tools/list').length).toBeLessThan(1000)
    },
  )

  spec('server/tools: clients SHOULD validate structured results against the outputSchema', async () => {
    const outputSchema = { type: 'object', properties: { sum: { type: 'number' } }, required: ['sum'] }
    await using peer = await startPeer({
      'tools/list': () => ({
        result: listResult([{ name: 'sum', inputSchema: { type: 'object' }, outputSchema }]),
      }),
      'tools/call': () => ({
        result: {
          resultType: 'complete',
          content: [{ type: 'text', text: '{"sum":"five"}' }],
          structuredContent: { sum: 'five' },
        },
      }),
    })
    await using client = clientFor(peer).client
    await client.listTools()
    const outcome = await client.callTool('sum', {}).then(
      (r) => r.isError === true,
      () => true,
    )
    expect(outcome).toBe(true)
  })

  spec(
    'basic: implementations MUST NOT automatically dereference a $ref that resolves to a network URI',
    async () => {
      await using peer = await startPeer({
        'tools/list': (_s, p) => {
          const ref = { $ref: p.url.replace('/mcp', '/schemas/a.json') }
          return {
            result: listResult([
              { name: 'remote', inputSchema: { type: 'object', properties: { a: ref } }, outputSchema: ref },
            ]),
          }
        },
      })
      await using client = clientFor(peer).client
      await client.listTools()
      await client.callTool('remote', { a: 1 }).catch(() => {})
      expect(peer.seen.filter((s) => s.url !== '/mcp')).toEqual([])
    },
  )
})
