import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp, McpToolError, ToolListCache } from '../../src/client/index.js'
import { serve, ToolServer } from '../../src/server/index.js'
import { echoServer } from '../support/echo-server.js'
import { startFaultServer } from '../support/fault-server.js'

describe('tool-list cache (cacheToolsList)', () => {
  it('serves later clients of the same server and identity without a tools/list round trip', async () => {
    await using server = await startFaultServer()
    const cache = new ToolListCache()
    const options = (token: string) => ({
      params: { url: server.url, headers: { Authorization: `Bearer ${token}` } },
      cacheToolsList: true,
      toolListCache: cache,
    })
    await using a = await new MCPServerStreamableHttp(options('alice')).connect()
    const first = await a.listTools()
    await using b = await new MCPServerStreamableHttp(options('alice')).connect()
    expect(await b.listTools()).toEqual(first)
    expect(server.hits.get('tools/list')).toBe(1)
    // A private list is never served to another identity.
    await using c = await new MCPServerStreamableHttp(options('bob')).connect()
    await c.listTools()
    expect(server.hits.get('tools/list')).toBe(2)
    // Callers get copies.
    first[0]!.name = 'mutated'
    expect((await a.listTools())[0]!.name).toBe('echo')
    a.invalidateToolsCache()
    await b.listTools()
    expect(server.hits.get('tools/list')).toBe(3)
  })

  it("honours the server's cacheScope and ttlMs hints, and our own TTL", async () => {
    const server = new ToolServer({ name: 'hinted', listCache: { ttlMs: 150, scope: 'public' } }).tool(
      'one',
      { input: z.object({}) },
      () => 'x',
    )
    let lists = 0
    await using running = await serve(server, { port: 0 })
    running.httpServer.prependListener('request', (req) => {
      if (req.headers['mcp-method'] === 'tools/list') lists++
    })
    const cache = new ToolListCache()
    const client = (token: string, extra = {}) =>
      new MCPServerStreamableHttp({
        params: { url: running.url, headers: { Authorization: `Bearer ${token}` } },
        cacheToolsList: true,
        toolListCache: cache,
        ...extra,
      })
    await using a = await client('alice').connect()
    await a.listTools()
    await using b = await client('bob').connect()
    await b.listTools()
    expect(lists).toBe(1) // public: shared across identities
    const listedBy = (client: MCPServerStreamableHttp) => async () => {
      await client.listTools()
      return lists
    }
    await expect.poll(listedBy(a), { interval: 50 }).toBe(2) // expired after 150 ms
    await using c = await client('carol', {
      toolsCacheTtlSeconds: 0.05,
      toolListCache: new ToolListCache(),
    }).connect()
    await c.listTools()
    const after = lists
    await expect.poll(listedBy(c), { interval: 30 }).toBeGreaterThan(after)
  })

  it('ttlMs 0 (what SDK servers send by default) keeps the list as cacheToolsList asks; strictCacheHints reads it as stale at once', async () => {
    await using server = await startFaultServer() // answers ttlMs: 0
    const client = (strictCacheHints: boolean) =>
      new MCPServerStreamableHttp({
        params: { url: server.url },
        cacheToolsList: true,
        toolListCache: new ToolListCache(),
        strictCacheHints,
      })
    await using lenient = client(false)
    await lenient.listTools()
    await lenient.listTools()
    expect(server.hits.get('tools/list')).toBe(1)
    await using strict = client(true)
    await strict.listTools()
    await strict.listTools()
    expect(server.hits.get('tools/list')).toBe(3)
  })

  it('is invalidated by notifications/tools/list_changed on a 2025-era GET stream', async () => {
    const server = echoServer()
    await using running = await serve(server, { port: 0 })
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      protocolEra: 'legacy',
      cacheToolsList: true,
      toolListCache: new ToolListCache(),
    }).connect()
    expect((await client.listTools()).map((t) => t.name)).not.toContain('late')
    // Change the tool set once the client's GET stream is attached.
    await expect.poll(() => running.handler.listenerCount).toBe(1)
    server.tool('late', { input: z.object({}) }, () => 'late')
    await expect.poll(async () => (await client.listTools()).map((t) => t.name)).toContain('late')
  })
})

describe('toolFilter', () => {
  it('filters listTools and refuses filtered calls without touching the network', async () => {
    await using server = await startFaultServer()
    await using allowed = await new MCPServerStreamableHttp({
      params: { url: server.url },
      toolFilter: { allowed: ['echo'] },
    }).connect()
    expect((await allowed.listTools()).map((t) => t.name)).toEqual(['echo'])
    const hits = server.hits.get('tools/call') ?? 0
    const error = await allowed.callTool('create_order').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpToolError)
    expect(String(error)).toContain('tool create_order failed: the tool is excluded by toolFilter')
    expect(server.hits.get('tools/call') ?? 0).toBe(hits)
    await using predicate = await new MCPServerStreamableHttp({
      params: { url: server.url },
      toolFilter: (ctx, tool) => ctx.serverName === 'Orders' && tool.annotations?.readOnlyHint === true,
      name: 'Orders',
    }).connect()
    expect((await predicate.listTools()).map((t) => t.name)).toEqual(['echo'])
    // The predicate sees the real definition (with annotations) when callTool checks it.
    expect((await predicate.callTool('echo')).content).toEqual([{ type: 'text', text: 'ok echo' }])
    await expect(predicate.callTool('create_order')).rejects.toThrow('excluded by toolFilter')
    await using blocked = await new MCPServerStreamableHttp({
      params: { url: server.url },
      toolFilter: { blocked: ['echo'] },
    }).connect()
    expect((await blocked.listTools()).map((t) => t.name)).toEqual(['create_order'])
  })

  it("toolErrors: 'throw' raises McpToolError for isError results", async () => {
    await using running = await serve(echoServer(), { port: 0 })
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      toolErrors: 'throw',
    }).connect()
    const error = await client.callTool('fail', { kind: 'tool' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpToolError)
    expect(String(error)).toContain('tool fail failed: the CRM has no such account')
  })
})
