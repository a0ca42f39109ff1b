import { describe, expect, it } from 'vitest'
import { MCPServerStreamableHttp, ToolListCache } from '../../src/client/index.js'
import { serve } from '../../src/server/index.js'
import { echoServer } from '../support/echo-server.js'
import { startFaultServer } from '../support/fault-server.js'

describe('2025-era session recovery', () => {
  it('re-initializes once for all concurrent callers when the server forgets the session, replaying each call once', async () => {
    await using server = await startFaultServer({ era: 'legacy' })
    await using client = await new MCPServerStreamableHttp({
      params: { url: server.url },
      maxRetryAttempts: 0,
    }).connect()
    const reconnects: string[] = []
    client.on('reconnect', ({ reason }) => reconnects.push(reason))
    await client.listTools()
    server.forgetSessions()
    const results = await Promise.all(Array.from({ length: 10 }, () => client.callTool('create_order')))
    expect(results.every((r) => r.content[0]?.type === 'text')).toBe(true)
    expect(server.hits.get('initialize')).toBe(2)
    expect(reconnects).toEqual(['the server no longer knew the session (HTTP 404)'])
    // The 404 came before execution: each non-idempotent call ran exactly once.
    expect(server.executions.get('create_order')).toBe(10)
  })

  it('survives a restart of a real toolwire server', async () => {
    await using first = await serve(echoServer(), { port: 0 })
    const port = first.port
    await using client = await new MCPServerStreamableHttp({
      params: { url: first.url },
      protocolEra: 'legacy',
    }).connect()
    // Listing tools teaches the client that echo is read-only, hence safe to retry: a call that
    // races the restart on a pooled connection the old server just closed is then retried.
    await client.listTools()
    expect((await client.callTool('echo', { text: 'before' })).content).toEqual([
      { type: 'text', text: 'before' },
    ])
    await first.close()
    await using second = await serve(echoServer(), { port })
    let reconnected = false
    client.on('reconnect', () => {
      reconnected = true
    })
    expect((await client.callTool('echo', { text: 'after' })).content).toEqual([
      { type: 'text', text: 'after' },
    ])
    expect(reconnected).toBe(true)
    expect(second.url).toBe(first.url)
  })

  it('re-opens the GET notification stream when it ends, dropping the cached tool list', async () => {
    await using server = await startFaultServer({ era: 'legacy' })
    await using client = await new MCPServerStreamableHttp({
      params: { url: server.url },
      cacheToolsList: true,
      toolListCache: new ToolListCache(),
    }).connect()
    const reasons: string[] = []
    client.on('reconnect', ({ reason }) => reasons.push(reason))
    await client.listTools()
    await expect.poll(() => server.openStreams).toBe(1)
    const lists = server.hits.get('tools/list')
    server.endStreams()
    await expect.poll(() => reasons).toContain('re-opened the notification stream')
    await expect.poll(() => server.openStreams).toBe(1)
    await client.listTools()
    expect(server.hits.get('tools/list')).toBe(lists! + 1)
  })
})
