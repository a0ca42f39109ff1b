import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type RunningServer, ToolServer } from '../../../src/server/index.js'
import { echoServer } from '../../support/echo-server.js'
import { serve } from '../../support/mount.js'
import { JSON_HEADERS, send, sseMessages } from '../../support/raw.js'

const probe = { aborted: [] as string[], started: [] as string[] }
let server: RunningServer

beforeAll(async () => {
  server = await serve(echoServer(probe), { port: 0 })
})
afterAll(() => server.close())

async function initialize(url: string, protocolVersion = '2025-06-18') {
  const res = await send(url, {
    body: {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion, capabilities: {}, clientInfo: { name: 't', version: '1' } },
    },
  })
  const sessionId = res.headers['mcp-session-id'] as string | undefined
  return {
    res,
    sessionId,
    headers: {
      ...JSON_HEADERS,
      'mcp-protocol-version': protocolVersion,
      ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
    },
  }
}

describe('2025-era sessions', () => {
  it('initialize negotiates the version and mints a random session id', async () => {
    const a = await initialize(server.url)
    const b = await initialize(server.url, '2024-01-01')
    expect(a.res.json.result).toMatchObject({
      protocolVersion: '2025-06-18',
      serverInfo: { name: 'echo-server', version: '1.2.3' },
      capabilities: { tools: { listChanged: true } },
    })
    expect(b.res.json.result?.protocolVersion).toBe('2025-11-25')
    expect(a.sessionId).toMatch(/^[0-9a-f-]{36}$/)
    expect(a.sessionId).not.toBe(b.sessionId)
  })

  it('serves requests within the session, and legacy results carry no 2026 fields', async () => {
    const { headers } = await initialize(server.url)
    expect(
      (await send(server.url, { headers, body: { jsonrpc: '2.0', method: 'notifications/initialized' } }))
        .status,
    ).toBe(202)
    const res = await send(server.url, {
      headers,
      body: {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'echo', arguments: { text: 'hi' } },
      },
    })
    expect(res.json.result).toEqual({ content: [{ type: 'text', text: 'hi' }] })
  })

  it('requires the session header (400) and knows unknown sessions (404)', async () => {
    const body = { jsonrpc: '2.0', id: 3, method: 'tools/list' }
    const missing = await send(server.url, { body })
    expect(missing.status).toBe(400)
    expect(missing.json.error?.message).toBe('Mcp-Session-Id header is required')
    const unknown = await send(server.url, { headers: { ...JSON_HEADERS, 'mcp-session-id': 'nope' }, body })
    expect(unknown.status).toBe(404)
    expect(unknown.json).toMatchObject({ id: 3, error: { code: -32001 } })
  })

  it('rejects an unsupported MCP-Protocol-Version header (400 -32022)', async () => {
    const { headers } = await initialize(server.url)
    const res = await send(server.url, {
      headers: { ...headers, 'mcp-protocol-version': '1999-01-01' },
      body: { jsonrpc: '2.0', id: 4, method: 'ping' },
    })
    expect(res.status).toBe(400)
    expect(res.json.error?.code).toBe(-32022)
  })

  it('delivers list_changed on the GET stream and ends the session on DELETE', async () => {
    const { headers } = await initialize(server.url)
    const stream = await request(server.url, {
      method: 'GET',
      headers: { ...headers, accept: 'text/event-stream' },
    })
    expect(stream.statusCode).toBe(200)
    expect(stream.headers['content-type']).toBe('text/event-stream')
    const second = await send(server.url, {
      method: 'GET',
      headers: { ...headers, accept: 'text/event-stream' },
    })
    expect(second.status).toBe(409)
    // Registering a tool while serving notifies open streams.
    const live = echoServer()
    const running = await serve(live, { port: 0 })
    try {
      const s = await initialize(running.url)
      const get = await request(running.url, {
        method: 'GET',
        headers: { ...s.headers, accept: 'text/event-stream' },
      })
      const { z } = await import('zod')
      expect(running.handler.listenerCount).toBe(1)
      live.tool('late', { input: z.object({}) }, () => 'late')
      const reader = get.body[Symbol.asyncIterator]()
      const chunk = await reader.next()
      expect(sseMessages(String(chunk.value))).toEqual([
        { jsonrpc: '2.0', method: 'notifications/tools/list_changed' },
      ])
      const del = await send(running.url, { method: 'DELETE', headers: s.headers })
      expect(del.status).toBe(200)
      const after = await send(running.url, {
        headers: s.headers,
        body: { jsonrpc: '2.0', id: 5, method: 'ping' },
      })
      expect(after.status).toBe(404)
    } finally {
      await running.close()
    }
    stream.body.destroy()
  })

  it('notifications/cancelled aborts the named in-flight request', async () => {
    const { headers } = await initialize(server.url)
    const pending = send(server.url, {
      headers,
      body: {
        jsonrpc: '2.0',
        id: 'w1',
        method: 'tools/call',
        params: { name: 'wait', arguments: { id: 'cancel-me', ms: 10_000 } },
      },
    })
    await expect.poll(() => probe.started).toContain('cancel-me')
    const cancel = await send(server.url, {
      headers,
      body: {
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: 'w1', reason: 'user' },
      },
    })
    expect(cancel.status).toBe(202)
    await expect.poll(() => probe.aborted).toContain('cancel-me')
    expect((await pending).json.result?.isError).toBe(true)
  })

  it('a posted JSON-RPC response reaches the request the server is waiting on; a stray one changes nothing', async () => {
    const asking = new ToolServer({ name: 'asking' }).tool(
      'confirm',
      { input: z.object({}) },
      async (_a, ctx) => {
        const answer = await ctx.elicit('Proceed?', {
          type: 'object',
          properties: { ok: { type: 'boolean' } },
          required: ['ok'],
        })
        return `${answer.action}:${JSON.stringify(answer.content ?? {})}`
      },
    )
    await using running = await serve(asking, { port: 0 })
    const init = await send(running.url, {
      body: {
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: { elicitation: {} },
          clientInfo: { name: 't', version: '1' },
        },
      },
    })
    const headers = {
      ...JSON_HEADERS,
      'mcp-protocol-version': '2025-06-18',
      'mcp-session-id': init.headers['mcp-session-id'] as string,
    }
    const call = await request(running.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'confirm' } }),
    })
    // The answer is an SSE stream whose first message is the server's elicitation request.
    const reader = call.body[Symbol.asyncIterator]()
    let text = ''
    while (!text.includes('elicitation/create')) text += String((await reader.next()).value ?? '')
    const elicitation = sseMessages(text).find((m) => m.method === 'elicitation/create')!
    // A response to an id the server never sent: accepted (202), resolves nothing.
    const stray = await send(running.url, {
      headers,
      body: { jsonrpc: '2.0', id: 'toolwire-999', result: {} },
    })
    expect(stray.status).toBe(202)
    const answered = await send(running.url, {
      headers,
      body: { jsonrpc: '2.0', id: elicitation.id, result: { action: 'accept', content: { ok: true } } },
    })
    expect(answered.status).toBe(202)
    for (let next = await reader.next(); !next.done; next = await reader.next()) text += String(next.value)
    const final = sseMessages(text).find((m) => m.id === 1) as { result?: { content?: unknown } }
    expect(final.result?.content).toEqual([{ type: 'text', text: 'accept:{"ok":true}' }])
  })
})

describe('2025-era without sessions (legacySessions: false)', () => {
  it('serves statelessly and refuses GET/DELETE with 405', async () => {
    await using stateless = await serve(echoServer(), { port: 0, legacySessions: false })
    const init = await initialize(stateless.url)
    expect(init.sessionId).toBeUndefined()
    const res = await send(stateless.url, {
      body: {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'echo', arguments: { text: 'x' } },
      },
    })
    expect(res.json.result?.content).toEqual([{ type: 'text', text: 'x' }])
    expect(
      (await send(stateless.url, { method: 'GET', headers: { accept: 'text/event-stream' } })).status,
    ).toBe(405)
    expect((await send(stateless.url, { method: 'DELETE', headers: {} })).status).toBe(405)
  })
})
