import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../../src/server/index.js'
import { echoServer } from '../../support/echo-server.js'
import { serve } from '../../support/mount.js'
import { JSON_HEADERS, MODERN_META, modern, send, sseMessages } from '../../support/raw.js'

let server: RunningServer
const probe = { aborted: [] as string[], started: [] as string[] }

beforeAll(async () => {
  server = await serve(echoServer(probe), { port: 0, maxBodyBytes: 64 * 1024 })
})
afterAll(() => server.close())

// Every bad request below must leave the server serving.
afterEach(async () => {
  const ok = await send(server.url, modern('tools/call', { name: 'echo', arguments: { text: 'still here' } }))
  expect(ok.json.result?.content).toEqual([{ type: 'text', text: 'still here' }])
})

describe('HTTP envelope', () => {
  it('rejects a foreign Origin with 403 (DNS-rebinding protection)', async () => {
    const req = modern('ping')
    const res = await send(server.url, {
      headers: { ...req.headers, origin: 'http://evil.example' },
      body: req.body,
    })
    expect(res.status).toBe(403)
    expect(res.json.error?.message).toContain('Origin http://evil.example is not allowed')
  })

  it('accepts a localhost Origin', async () => {
    const req = modern('tools/list')
    const res = await send(server.url, {
      headers: { ...req.headers, origin: 'http://localhost:5173' },
      body: req.body,
    })
    expect(res.status).toBe(200)
  })

  it('answers other HTTP methods with 405 and an Allow header', async () => {
    const res = await send(server.url, { method: 'PUT', body: '{}' })
    expect(res.status).toBe(405)
    expect(res.headers.allow).toBe('GET, POST, DELETE')
    expect(res.json.error?.code).toBe(-32600)
  })

  it('requires Content-Type application/json (415)', async () => {
    const res = await send(server.url, {
      headers: { ...JSON_HEADERS, 'content-type': 'text/plain' },
      body: '{}',
    })
    expect(res.status).toBe(415)
    expect(res.json.error?.message).toMatch(/Content-Type/)
  })

  it('requires Accept to list JSON and SSE (406)', async () => {
    const res = await send(server.url, {
      headers: { ...JSON_HEADERS, accept: 'application/json' },
      body: modern('ping').body,
    })
    expect(res.status).toBe(406)
    expect(res.json.error?.message).toMatch(/Accept/)
  })

  it('limits the body size (413)', async () => {
    const res = await send(server.url, {
      body: { jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(70_000) } },
    })
    expect(res.status).toBe(413)
    expect(res.json.error?.message).toContain('maxBodyBytes')
  })

  it('answers malformed JSON with 400 and -32700', async () => {
    const res = await send(server.url, { body: '{"jsonrpc": "2.0", ' })
    expect(res.status).toBe(400)
    expect(res.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } })
  })

  it.each([
    ['not an object', '"hello"', 'JSON-RPC object'],
    ['wrong version', '{"jsonrpc":"1.0","id":1,"method":"ping"}', '"jsonrpc"'],
    ['method not a string', '{"jsonrpc":"2.0","id":1,"method":7}', '"method"'],
    ['params not an object', '{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}', '"params"'],
    ['bad id', '{"jsonrpc":"2.0","id":{},"method":"ping"}', '"id"'],
    ['a batch', '[{"jsonrpc":"2.0","id":1,"method":"ping"}]', 'batches'],
  ])('answers an invalid request (%s) with 400 and -32600', async (_case, body, field) => {
    const res = await send(server.url, { body })
    expect(res.status).toBe(400)
    expect(res.json.error?.code).toBe(-32600)
    expect(res.json.error?.message).toContain(field)
  })

  it('answers paths other than the endpoint with 404', async () => {
    const res = await send(server.url.replace('/mcp', '/other'), modern('ping'))
    expect(res.status).toBe(404)
  })
})

describe('2026-07-28 requests', () => {
  it('answers server/discover with versions, capabilities, server info and cache hints', async () => {
    const res = await send(server.url, modern('server/discover'))
    expect(res.status).toBe(200)
    expect(res.json.result).toMatchObject({
      resultType: 'complete',
      supportedVersions: ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26'],
      capabilities: { tools: { listChanged: true } },
      instructions: 'Echoes things.',
      ttlMs: 60_000,
      cacheScope: 'private',
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'echo-server', version: '1.2.3' } },
    })
  })

  it('rejects an unsupported version with 400 -32022 listing the supported ones', async () => {
    const req = modern('ping')
    const body = {
      ...req.body,
      params: { _meta: { ...MODERN_META, 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } },
    }
    const res = await send(server.url, {
      headers: { ...req.headers, 'mcp-protocol-version': '2099-01-01' },
      body,
    })
    expect(res.status).toBe(400)
    expect(res.json.error).toMatchObject({
      code: -32022,
      data: { requested: '2099-01-01', supported: expect.arrayContaining(['2026-07-28']) },
    })
  })

  it.each([
    [
      'MCP-Protocol-Version missing',
      { 'mcp-protocol-version': '' },
      'MCP-Protocol-Version header is required',
    ],
    [
      'MCP-Protocol-Version differs',
      { 'mcp-protocol-version': '2025-11-25' },
      "does not match _meta value '2026-07-28'",
    ],
    ['Mcp-Method missing', { 'mcp-method': '' }, 'Mcp-Method header is required'],
    [
      'Mcp-Method differs',
      { 'mcp-method': 'tools/list' },
      "Mcp-Method header 'tools/list' does not match body method 'tools/call'",
    ],
    ['Mcp-Name missing', { 'mcp-name': '' }, 'Mcp-Name header is required'],
    [
      'Mcp-Name differs',
      { 'mcp-name': 'regional' },
      "Mcp-Name header value 'regional' does not match body value 'echo'",
    ],
    ['Mcp-Name bad base64', { 'mcp-name': '=?base64?***?=' }, 'malformed base64'],
  ])('rejects a header mismatch (%s) with 400 -32020', async (_case, override, message) => {
    const req = modern('tools/call', { name: 'echo', arguments: { text: 'x' } })
    const headers: Record<string, string> = { ...req.headers }
    for (const [k, v] of Object.entries(override)) {
      if (v === '') delete headers[k]
      else headers[k] = v
    }
    const res = await send(server.url, { headers, body: req.body })
    expect(res.status).toBe(400)
    expect(res.json.error?.code).toBe(-32020)
    expect(res.json.error?.message).toContain(message)
    expect(res.json.id).toBe(1)
  })

  it('accepts a base64-encoded Mcp-Name', async () => {
    const req = modern('tools/call', { name: 'echo', arguments: { text: 'b64' } })
    const res = await send(server.url, {
      headers: { ...req.headers, 'mcp-name': `=?base64?${Buffer.from('echo').toString('base64')}?=` },
      body: req.body,
    })
    expect(res.json.result?.content).toEqual([{ type: 'text', text: 'b64' }])
  })

  it('validates Mcp-Param-* headers of x-mcp-header parameters', async () => {
    const call = (headers: Record<string, string>) =>
      send(server.url, {
        ...modern('tools/call', { name: 'regional', arguments: { region: 'eu-west', query: 'q' } }, headers),
      })
    expect((await call({ 'mcp-param-region': 'eu-west' })).json.result?.content).toEqual([
      { type: 'text', text: 'eu-west/q' },
    ])
    const missing = await call({})
    expect(missing.status).toBe(400)
    expect(missing.json.error?.message).toContain('Mcp-Param-Region is missing (arguments.region)')
    const wrong = await call({ 'mcp-param-region': 'us-east' })
    expect(wrong.json.error?.message).toContain("Mcp-Param-Region 'us-east' does not match the body")
  })

  it('answers an unknown method with 404 and -32601', async () => {
    const res = await send(server.url, modern('resources/frobnicate'))
    expect(res.status).toBe(404)
    expect(res.json.error).toMatchObject({ code: -32601, message: 'Method not found: resources/frobnicate' })
  })

  it('rejects a modern header without the _meta envelope (400 -32602)', async () => {
    const req = modern('ping')
    const res = await send(server.url, {
      headers: req.headers,
      body: { jsonrpc: '2.0', id: 1, method: 'ping' },
    })
    expect(res.status).toBe(400)
    expect(res.json.error?.code).toBe(-32602)
    expect(res.json.error?.message).toContain('io.modelcontextprotocol/protocolVersion')
  })

  it('accepts notifications with 202 and no body', async () => {
    const res = await send(server.url, {
      headers: modern('ping').headers,
      body: { jsonrpc: '2.0', method: 'notifications/whatever', params: { _meta: MODERN_META } },
    })
    expect(res.status).toBe(202)
    expect(res.text).toBe('')
  })

  it('ignores Mcp-Session-Id and mints none', async () => {
    const req = modern('tools/list')
    const res = await send(server.url, {
      headers: { ...req.headers, 'mcp-session-id': 'made-up' },
      body: req.body,
    })
    expect(res.status).toBe(200)
    expect(res.headers['mcp-session-id']).toBeUndefined()
  })

  it('pages tools/list deterministically with cursors', async () => {
    const paged = await serve(echoServer(undefined, 4), { port: 0 })
    try {
      const first = await send(paged.url, modern('tools/list'))
      const names1 = (first.json.result!.tools as Array<{ name: string }>).map((t) => t.name)
      expect(names1).toEqual(['echo', 'regional', 'progress', 'sum'])
      const second = await send(paged.url, modern('tools/list', { cursor: first.json.result?.nextCursor }))
      expect((second.json.result!.tools as Array<{ name: string }>).map((t) => t.name)).toEqual([
        'fail',
        'wait',
      ])
      expect(second.json.result?.nextCursor).toBeUndefined()
      const bad = await send(paged.url, modern('tools/list', { cursor: '!!' }))
      expect(bad.status).toBe(200)
      expect(bad.json.error).toMatchObject({ code: -32602, message: 'params.cursor is not a valid cursor' })
    } finally {
      await paged.close()
    }
  })
})

describe('tool calls', () => {
  it('publishes JSON Schema 2020-12 input and output schemas', async () => {
    const res = await send(server.url, modern('tools/list'))
    const tools = res.json.result?.tools as Array<Record<string, unknown>>
    expect(tools.find((t) => t.name === 'sum')).toMatchObject({
      inputSchema: {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
        required: ['a', 'b'],
      },
      outputSchema: { type: 'object', properties: { sum: { type: 'number' } } },
    })
    expect(tools.find((t) => t.name === 'echo')).toMatchObject({
      title: 'Echo',
      annotations: { readOnlyHint: true },
    })
  })

  it('returns structured content with a text mirror', async () => {
    const res = await send(server.url, modern('tools/call', { name: 'sum', arguments: { a: 2, b: 3 } }))
    expect(res.json.result).toMatchObject({
      structuredContent: { sum: 5 },
      content: [{ type: 'text', text: '{"sum":5}' }],
    })
  })

  it('turns invalid arguments into an isError result naming the field', async () => {
    const res = await send(server.url, modern('tools/call', { name: 'sum', arguments: { a: 'two', b: 3 } }))
    expect(res.status).toBe(200)
    expect(res.json.result?.isError).toBe(true)
    expect(JSON.stringify(res.json.result?.content)).toContain(
      "Invalid arguments for tool 'sum': a: Invalid input: expected number",
    )
  })

  it('turns thrown errors into isError results without stack traces', async () => {
    const tool = await send(server.url, modern('tools/call', { name: 'fail', arguments: { kind: 'tool' } }))
    expect(tool.json.result).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'the CRM has no such account' }],
    })
    const crash = await send(server.url, modern('tools/call', { name: 'fail', arguments: { kind: 'crash' } }))
    const text = (crash.json.result!.content as Array<{ text: string }>)[0]!.text
    expect(text).toBe(`Tool 'fail' failed: cannot read properties of undefined (reading "id")`)
    expect(crash.text).not.toMatch(/at .*\.ts:\d+/)
  })

  it('answers an unknown tool with -32602', async () => {
    const res = await send(server.url, modern('tools/call', { name: 'nope', arguments: {} }))
    expect(res.json.error).toMatchObject({ code: -32602, message: 'Unknown tool: nope' })
  })

  it('answers JSON when nothing is emitted, SSE (unbuffered) when progress is', async () => {
    const plain = await send(server.url, modern('tools/call', { name: 'echo', arguments: { text: 'json' } }))
    expect(plain.headers['content-type']).toBe('application/json')
    const req = modern('tools/call', { name: 'progress', arguments: { steps: 2 } })
    const body = {
      ...req.body,
      params: {
        ...req.body.params,
        _meta: { ...MODERN_META, progressToken: 'p1', 'io.modelcontextprotocol/logLevel': 'info' },
      },
    }
    const streamed = await send(server.url, { headers: req.headers, body })
    expect(streamed.headers['content-type']).toBe('text/event-stream')
    expect(streamed.headers['x-accel-buffering']).toBe('no')
    const messages = sseMessages(streamed.text)
    expect(messages.map((m) => m.method ?? 'response')).toEqual([
      'notifications/progress',
      'notifications/progress',
      'notifications/message',
      'response',
    ])
    expect(messages[1]).toMatchObject({
      params: { progressToken: 'p1', progress: 2, total: 2, message: 'step 2' },
    })
    expect(messages[3]).toMatchObject({ id: 1, result: { content: [{ type: 'text', text: 'did 2' }] } })
    // Spec 2026-07-28 (Logging): no notifications/message for a request without a logLevel.
    const quiet = await send(server.url, {
      headers: req.headers,
      body: { ...body, params: { ...body.params, _meta: { ...MODERN_META, progressToken: 'p2' } } },
    })
    expect(sseMessages(quiet.text).map((m) => m.method ?? 'response')).toEqual([
      'notifications/progress',
      'notifications/progress',
      'response',
    ])
  })

  it('aborts the handler when the client closes the connection', async () => {
    const controller = new AbortController()
    const pending = send(server.url, {
      ...modern('tools/call', { name: 'wait', arguments: { id: 'gone', ms: 10_000 } }),
      signal: controller.signal,
    })
    await expect.poll(() => probe.started).toContain('gone')
    controller.abort()
    await expect(pending).rejects.toThrow()
    await expect.poll(() => probe.aborted).toContain('gone')
  })
})
