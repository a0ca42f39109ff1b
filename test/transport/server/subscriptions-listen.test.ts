import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp, ToolListCache } from '../../../src/client/index.js'
import { echoServer } from '../../support/echo-server.js'
import { serve } from '../../support/mount.js'
import { modern, sseMessages } from '../../support/raw.js'

describe('subscriptions/listen (2026-07-28)', () => {
  it('acknowledges what the server can deliver, then streams matching change notifications', async () => {
    const server = echoServer()
    await using running = await serve(server, { port: 0 })
    const listen = modern('subscriptions/listen', {
      notifications: { toolsListChanged: true, promptsListChanged: true },
    })
    const res = await request(running.url, {
      method: 'POST',
      headers: listen.headers,
      body: JSON.stringify(listen.body),
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/event-stream')
    const chunks = res.body[Symbol.asyncIterator]()
    const ack = sseMessages(String((await chunks.next()).value))
    expect(ack).toEqual([
      {
        jsonrpc: '2.0',
        method: 'notifications/subscriptions/acknowledged',
        // Every event of the stream names the listen request (its JSON-RPC id) it belongs to.
        params: {
          notifications: { toolsListChanged: true },
          _meta: { 'io.modelcontextprotocol/subscriptionId': 1 },
        },
      },
    ])
    server.tool('late', { input: z.object({}) }, () => 'late')
    expect(sseMessages(String((await chunks.next()).value))).toEqual([
      {
        jsonrpc: '2.0',
        method: 'notifications/tools/list_changed',
        params: { _meta: { 'io.modelcontextprotocol/subscriptionId': 1 } },
      },
    ])
    res.body.destroy()
  })

  it("keeps the client's tool cache fresh: list_changed invalidates it", async () => {
    const server = echoServer()
    await using running = await serve(server, { port: 0 })
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      cacheToolsList: true,
      toolListCache: new ToolListCache(),
    }).connect()
    expect(client.protocolVersion).toBe('2026-07-28')
    expect((await client.listTools()).map((t) => t.name)).not.toContain('late')
    await expect.poll(() => running.handler.listenerCount).toBe(1)
    server.tool('late', { input: z.object({}) }, () => 'late')
    await expect.poll(async () => (await client.listTools()).map((t) => t.name)).toContain('late')
  })
})
