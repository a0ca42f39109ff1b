/**
 * 2026-07-28 server requirements fixed for issue 20 (the full compliance suite lives in
 * test/compliance): log levels, client capabilities, header characters and numbers,
 * requestState binding, the listen close result, and the documented ambiguity decisions.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { type RunningServer, ToolServer } from '../../src/server/index.js'
import { serve } from '../support/mount.js'
import { MODERN_META, modern, send, sseMessages } from '../support/raw.js'
import { openSession, toolCall } from '../support/sessions.js'

const deleted: string[] = []

function server() {
  return new ToolServer({ name: 'modern', version: '2.0.0' })
    .tool('chatty', { input: z.object({}) }, (_a, ctx) => {
      ctx.log('debug', 'details')
      ctx.log('error', 'trouble')
      return 'said'
    })
    .tool('agentic', { input: z.object({}) }, async (_a, ctx) => {
      await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: 'weather?' } }],
        maxTokens: 10,
        tools: [{ name: 'forecast', inputSchema: { type: 'object' } }],
      } as Parameters<typeof ctx.sample>[0])
      return 'sampled'
    })
    .tool('ask', { input: z.object({}) }, async (_a, ctx) => {
      const answer = await ctx.elicit('Name?', { type: 'object', properties: { name: { type: 'string' } } })
      return answer.action
    })
    .tool(
      'counted',
      {
        input: z.object({
          count: z.number().int().meta({ 'x-mcp-header': 'Count' }),
          city: z.string().meta({ 'x-mcp-header': 'City' }),
        }),
      },
      ({ count, city }) => `${count} in ${city}`,
    )
    .tool('delete_deal', { input: z.object({ deal: z.string() }) }, async ({ deal }, ctx) => {
      const answer = await ctx.elicit(`Delete ${deal}?`, { type: 'object', properties: {} })
      if (answer.action !== 'accept') return 'kept'
      deleted.push(deal)
      return `deleted ${deal}`
    })
    .tool(
      'preview',
      { input: z.object({ deal: z.string() }), annotations: { readOnlyHint: true } },
      async ({ deal }, ctx) => {
        await ctx.elicit(`Preview ${deal}?`, { type: 'object', properties: {} })
        return `preview ${deal}`
      },
    )
}

let running: RunningServer
beforeAll(async () => {
  running = await serve(server(), { port: 0 })
})
afterAll(() => running.close())
afterEach(() => {
  vi.useRealTimers()
})

function withMeta(method: string, params: Record<string, unknown>, meta: Record<string, unknown>) {
  const req = modern(method, params)
  return {
    headers: req.headers,
    body: { ...req.body, params: { ...req.body.params, _meta: { ...MODERN_META, ...meta } } },
  }
}

describe('logging (server/utilities/logging)', () => {
  it('sends notifications/message only at or above the request’s logLevel, none without one', async () => {
    const quiet = await send(running.url, withMeta('tools/call', { name: 'chatty', arguments: {} }, {}))
    expect(quiet.headers['content-type']).toBe('application/json')
    const loud = await send(
      running.url,
      withMeta(
        'tools/call',
        { name: 'chatty', arguments: {} },
        { 'io.modelcontextprotocol/logLevel': 'warning' },
      ),
    )
    expect(
      sseMessages(loud.text).map((m) => (m.params as { level?: string } | undefined)?.level ?? 'result'),
    ).toEqual(['error', 'result'])
  })

  it('refuses an unrecognized logLevel with 400 -32602', async () => {
    const res = await send(
      running.url,
      withMeta(
        'tools/call',
        { name: 'chatty', arguments: {} },
        { 'io.modelcontextprotocol/logLevel': 'loud' },
      ),
    )
    expect(res.status).toBe(400)
    expect(res.json.error?.code).toBe(-32602)
  })
})

describe('client capabilities (basic/index, _meta)', () => {
  it.each([
    ['missing', undefined],
    ['not an object', 'everything'],
  ])('clientCapabilities %s: 400 -32602', async (_case, capabilities) => {
    const res = await send(
      running.url,
      withMeta('tools/list', {}, { 'io.modelcontextprotocol/clientCapabilities': capabilities }),
    )
    expect(res.status).toBe(400)
    expect(res.json.error?.code).toBe(-32602)
  })

  it('an elicitation mode the client did not declare: 400 -32021 naming it (form when only url is declared)', async () => {
    const res = await send(
      running.url,
      modern('tools/call', { name: 'ask', arguments: {} }, {}, { elicitation: { url: {} } }),
    )
    expect(res.status).toBe(400)
    expect(res.json.error).toMatchObject({
      code: -32021,
      data: { requiredCapabilities: { elicitation: { form: {} } } },
    })
    for (const declared of [{}, { form: {} }, { form: {}, url: {} }]) {
      const asked = await send(
        running.url,
        modern('tools/call', { name: 'ask', arguments: {} }, {}, { elicitation: declared }),
      )
      expect(asked.json.result?.resultType).toBe('input_required')
    }
  })

  it('tool-enabled sampling needs sampling.tools: 400 -32021 naming it', async () => {
    const res = await send(
      running.url,
      modern('tools/call', { name: 'agentic', arguments: {} }, {}, { sampling: {} }),
    )
    expect(res.status).toBe(400)
    expect(res.json.error).toMatchObject({
      code: -32021,
      data: { requiredCapabilities: { sampling: { tools: {} } } },
    })
    const allowed = await send(
      running.url,
      modern('tools/call', { name: 'agentic', arguments: {} }, {}, { sampling: { tools: {} } }),
    )
    expect(allowed.json.result?.resultType).toBe('input_required')
  })

  it('2025-11-25 sessions: the same refusal is a tool error (the revision has no -32021)', async () => {
    const session = await openSession(running.url, { capabilities: { elicitation: { url: {} } } })
    const res = await send(running.url, { headers: session.headers, body: toolCall(1, 'ask') })
    expect(res.json.result).toMatchObject({
      isError: true,
      content: [{ text: expect.stringContaining('elicitation.form capability') }],
    })
  })
})

describe('Mcp-Param-* and Mcp-Name values (transports/streamable-http, Server Validation)', () => {
  const counted = (headers: Record<string, string>, args = { count: 42, city: 'Zürich' }) => {
    const req = modern('tools/call', { name: 'counted', arguments: args })
    return send(running.url, { headers: { ...req.headers, ...headers }, body: req.body })
  }

  it('compares numbers numerically: 42.0 matches 42', async () => {
    const res = await counted({ 'mcp-param-count': '42.0', 'mcp-param-city': '=?base64?WsO8cmljaA==?=' })
    expect(res.json.result?.content).toEqual([{ type: 'text', text: '42 in Zürich' }])
    const wrong = await counted({ 'mcp-param-count': '41.9', 'mcp-param-city': '=?base64?WsO8cmljaA==?=' })
    expect(wrong.json.error?.code).toBe(-32020)
  })

  it('refuses raw non-ASCII characters, even when they happen to match the body', async () => {
    const res = await counted({ 'mcp-param-count': '42', 'mcp-param-city': 'Zürich' })
    expect(res.status).toBe(400)
    expect(res.json.error).toMatchObject({
      code: -32020,
      message: expect.stringContaining('Mcp-Param-City holds characters'),
    })
    const req = modern('prompts/get', { name: 'ü' })
    const name = await send(running.url, req)
    expect(name.json.error).toMatchObject({
      code: -32020,
      message: expect.stringContaining('Mcp-Name holds characters'),
    })
  })
})

describe('requestState (basic/patterns/mrtr, Security)', () => {
  const capabilities = { elicitation: {} }
  const accept = { 'elicitation-1': { action: 'accept', content: {} } }
  const call = (name: string, deal: string, extra: Record<string, unknown> = {}) =>
    send(running.url, modern('tools/call', { name, arguments: { deal }, ...extra }, {}, capabilities))

  it('a confirmation minted for one set of arguments cannot run another', async () => {
    const asked = await call('delete_deal', 'A')
    const requestState = asked.json.result?.requestState as string
    const reused = await call('delete_deal', 'B', { requestState, inputResponses: accept })
    expect(reused.json.error).toMatchObject({
      code: -32602,
      message: expect.stringContaining('issued for other arguments'),
    })
    expect(deleted).not.toContain('B')
  })

  it('a tool that is neither idempotent nor read-only runs once per state; a replay is refused', async () => {
    const asked = await call('delete_deal', 'C')
    const requestState = asked.json.result?.requestState as string
    const first = await call('delete_deal', 'C', { requestState, inputResponses: accept })
    expect(first.json.result?.content).toEqual([{ type: 'text', text: 'deleted C' }])
    const replay = await call('delete_deal', 'C', { requestState, inputResponses: accept })
    expect(replay.json.error?.message).toContain('already used')
    expect(deleted.filter((deal) => deal === 'C')).toHaveLength(1)
    // A read-only tool may repeat a round.
    const preview = await call('preview', 'C')
    const state = preview.json.result?.requestState as string
    for (let i = 0; i < 2; i++) {
      const again = await call('preview', 'C', { requestState: state, inputResponses: accept })
      expect(again.json.result?.content).toEqual([{ type: 'text', text: 'preview C' }])
    }
  })

  it('expires (requestStateTtlSeconds, 600 s by default)', async () => {
    const asked = await call('delete_deal', 'D')
    const requestState = asked.json.result?.requestState as string
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + 601_000)
    const late = await call('delete_deal', 'D', { requestState, inputResponses: accept })
    expect(late.json.error?.message).toContain('it expired')
  })
})

describe('subscriptions/listen (basic/patterns/subscriptions)', () => {
  it('needs the notifications filter (400 -32602)', async () => {
    const res = await send(running.url, modern('subscriptions/listen', {}))
    expect(res.status).toBe(400)
    expect(res.json.error?.code).toBe(-32602)
  })

  it('the result that closes the stream carries serverInfo', async () => {
    const own = await serve(server(), { port: 0 })
    const req = modern('subscriptions/listen', { notifications: { toolsListChanged: true } })
    const streamed = send(own.url, req)
    await expect.poll(() => own.handler.listenerCount).toBe(1)
    await own.close()
    const messages = sseMessages((await streamed).text)
    expect(messages.at(-1)).toMatchObject({
      id: 1,
      result: {
        resultType: 'complete',
        _meta: {
          'io.modelcontextprotocol/serverInfo': { name: 'modern', version: '2.0.0' },
          'io.modelcontextprotocol/subscriptionId': 1,
        },
      },
    })
  })
})

describe('decisions where the specification leaves room (docs/notes/server-hardening.md)', () => {
  it.each(['ping', 'logging/setLevel'])(
    '%s on 2026-07-28: 404 -32601 (removed in this revision)',
    async (method) => {
      const res = await send(running.url, modern(method, method === 'ping' ? {} : { level: 'info' }))
      expect(res.status).toBe(404)
      expect(res.json.error?.code).toBe(-32601)
    },
  )

  it('header 2026-07-28 with _meta 2099-01-01: 400 -32022 listing the supported versions', async () => {
    const res = await send(
      running.url,
      withMeta('tools/list', {}, { 'io.modelcontextprotocol/protocolVersion': '2099-01-01' }),
    )
    expect(res.status).toBe(400)
    expect(res.json.error).toMatchObject({
      code: -32022,
      data: { supported: expect.arrayContaining(['2026-07-28']) },
    })
  })

  it('GET or DELETE without a session: 405', async () => {
    const get = await send(running.url, { method: 'GET', headers: { accept: 'text/event-stream' } })
    expect(get.status).toBe(405)
    expect(get.headers.allow).toBe('POST')
    expect((await send(running.url, { method: 'DELETE', headers: {} })).status).toBe(405)
  })
})
