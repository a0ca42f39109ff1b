/** basic/transports/streamable-http: the server side, over raw HTTP. */
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { z } from 'zod'
import type { RunningServer, ToolServer } from '../../src/server/index.js'
import { complianceServer, type Probe, start } from './fixture.js'
import { call, frame, openStream, PROTOCOL_VERSION, post, spec, V } from './suite.js'

const probe: Probe = { started: [], aborted: [] }
let tools: ToolServer
let server: RunningServer
beforeAll(async () => {
  tools = complianceServer({ probe })
  server = await start({}, tools)
})
afterAll(() => server.close())

describe('basic/transports: endpoint and security', () => {
  spec('basic/transports: server MUST provide a single MCP endpoint that supports POST', async () => {
    const res = await call(server.url, 'tools/list')
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ jsonrpc: '2.0', id: 1, result: { resultType: 'complete' } })
  })

  spec('basic/transports: server MUST respond 403 to a request with an invalid Origin', async () => {
    const req = frame('tools/list', {}, { headers: { origin: 'http://evil.example' } })
    expect((await post(server.url, req)).status).toBe(403)
  })

  spec('basic/transports: server SHOULD bind only to localhost when run locally', async () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1')
  })
})

describe('basic/transports: sending and receiving messages', () => {
  spec('basic/transports: server MUST answer an accepted notification with 202 and no body', async () => {
    const { headers, body } = frame('notifications/ping')
    const res = await post(server.url, {
      headers,
      body: { jsonrpc: '2.0', method: body.method, params: body.params },
    })
    expect(res.status).toBe(202)
    expect(res.text).toBe('')
  })

  spec(
    'basic/transports: server MUST answer a notification it cannot accept with an HTTP error status',
    async () => {
      const { headers, body } = frame(
        'notifications/ping',
        {},
        { headers: { 'mcp-protocol-version': '2099-01-01' } },
      )
      const params = {
        _meta: { ...(body.params as { _meta: object })._meta, [PROTOCOL_VERSION]: '2099-01-01' },
      }
      const res = await post(server.url, {
        headers,
        body: { jsonrpc: '2.0', method: 'notifications/ping', params },
      })
      expect(res.status).toBeGreaterThanOrEqual(400)
    },
  )

  spec(
    'basic/transports: server MUST answer a request with application/json or text/event-stream',
    async () => {
      const json = await call(server.url, 'tools/call', { name: 'echo', arguments: { text: 'x' } })
      expect(json.headers['content-type']).toMatch(/^application\/json/)
      const sse = await call(
        server.url,
        'tools/call',
        { name: 'work', arguments: { steps: 2 } },
        { meta: { progressToken: 'p' } },
      )
      expect(sse.headers['content-type']).toMatch(/^text\/event-stream/)
    },
  )

  spec(
    'basic/transports: notifications on a response stream MUST relate to the originating request',
    async () => {
      const res = await call(
        server.url,
        'tools/call',
        { name: 'work', arguments: { steps: 3 } },
        { meta: { progressToken: 'mine' } },
      )
      const progress = res.events.filter((m) => m.method === 'notifications/progress')
      expect(progress).toHaveLength(3)
      for (const m of progress) expect(m.params).toMatchObject({ progressToken: 'mine' })
    },
  )

  spec('basic/transports: server MUST NOT send JSON-RPC requests on a response stream', async () => {
    const caps = { elicitation: { form: {} } }
    const res = await call(
      server.url,
      'tools/call',
      { name: 'ask_form', arguments: {} },
      { caps, meta: { progressToken: 1 } },
    )
    expect([...res.events, res.json].filter((m) => 'method' in m && 'id' in m)).toEqual([])
    expect(res.json.result?.resultType).toBe('input_required')
  })

  spec('basic/transports: the final JSON-RPC response SHOULD terminate the SSE stream', async () => {
    const res = await call(
      server.url,
      'tools/call',
      { name: 'work', arguments: { steps: 2 } },
      { meta: { progressToken: 't' } },
    )
    expect(res.events.at(-1)).toMatchObject({
      id: 1,
      result: { content: [{ type: 'text', text: 'worked 2' }] },
    })
  })

  spec('basic/transports: server SHOULD send X-Accel-Buffering: no when it opens an SSE stream', async () => {
    const res = await call(
      server.url,
      'tools/call',
      { name: 'work', arguments: { steps: 1 } },
      { meta: { progressToken: 't' } },
    )
    expect(res.headers['x-accel-buffering']).toBe('no')
    await using listen = await openStream(server.url, frame('subscriptions/listen', { notifications: {} }))
    expect(listen.headers['x-accel-buffering']).toBe('no')
  })

  spec(
    'basic/transports: request-scoped notifications/progress are not delivered on a listen stream',
    async () => {
      await using listen = await openStream(
        server.url,
        frame('subscriptions/listen', { notifications: { toolsListChanged: true } }, { id: 'L' }),
      )
      expect((await listen.next())?.method).toBe('notifications/subscriptions/acknowledged')
      await call(
        server.url,
        'tools/call',
        { name: 'work', arguments: { steps: 2 } },
        { meta: { progressToken: 'p' } },
      )
      tools.tool('late_transport_tool', { input: z.object({}) }, () => 'late')
      expect((await listen.next())?.method).toBe('notifications/tools/list_changed')
    },
  )

  spec('basic/transports: server MUST treat closing the SSE response stream as cancellation', async () => {
    const controller = new AbortController()
    const { headers, body } = frame('tools/call', { name: 'wait', arguments: { id: 'closed-stream' } })
    const pending = request(server.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: controller.signal,
    })
    await expect.poll(() => probe.started).toContain('closed-stream')
    controller.abort()
    await pending.catch(() => {})
    await expect.poll(() => probe.aborted).toContain('closed-stream')
  })
})

describe('basic/transports: backward compatibility', () => {
  spec(
    'basic/transports: a server without legacy sessions SHOULD answer GET and DELETE with 405',
    async () => {
      await using modernOnly = await start({ legacySessions: false })
      const headers = { accept: 'text/event-stream', 'mcp-protocol-version': V }
      expect((await post(modernOnly.url, { headers }, 'GET')).status).toBe(405)
      expect((await post(modernOnly.url, { headers }, 'DELETE')).status).toBe(405)
    },
  )

  spec(
    'basic/transports: server SHOULD ignore Mcp-Session-Id on a request and not mint or echo one',
    async () => {
      const res = await post(
        server.url,
        frame('tools/list', {}, { headers: { 'mcp-session-id': 'from-2025' } }),
      )
      expect(res.status).toBe(200)
      expect(res.headers['mcp-session-id']).toBeUndefined()
    },
  )

  spec(
    'basic/transports: server SHOULD ignore a Last-Event-ID header (streams are not resumable)',
    async () => {
      const req = frame(
        'tools/call',
        { name: 'work', arguments: { steps: 1 } },
        { meta: { progressToken: 1 }, headers: { 'last-event-id': 'x-1' } },
      )
      const res = await post(server.url, req)
      expect(res.status).toBe(200)
      expect(res.json.result?.content).toEqual([{ type: 'text', text: 'worked 1' }])
    },
  )
})
