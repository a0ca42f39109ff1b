import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type ClientRequestHandlers, MCPServerStreamableHttp } from '../../src/client/index.js'
import { type RunningServer, ToolServer } from '../../src/server/index.js'
import { serve } from '../support/mount.js'
import { JSON_HEADERS, modern, send } from '../support/raw.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function askingServer() {
  return new ToolServer({ name: 'asking', version: '1.0.0' })
    .tool('summarize', { input: z.object({ text: z.string() }) }, async ({ text }, ctx) => {
      const result = await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: `Summarize: ${text}` } }],
        maxTokens: 50,
      })
      const content = Array.isArray(result.content) ? result.content[0] : result.content
      return `summary: ${content?.type === 'text' ? content.text : '?'} (${result.model})`
    })
    .tool('confirm', { input: z.object({}) }, async (_args, ctx) => {
      const answer = await ctx.elicit('Confirm the deal?', {
        type: 'object',
        properties: {
          approved: { type: 'boolean', default: true },
          note: { type: 'string', default: 'none' },
          amount: { type: 'number' },
        },
      })
      return `${answer.action} ${JSON.stringify(answer.content ?? null)}`
    })
    .tool('where', { input: z.object({}) }, async (_args, ctx) =>
      (await ctx.roots()).map((root) => root.uri).join(','),
    )
    .prompt('greeting', { description: 'Asks the user their name first' }, async (_args, ctx) => {
      const answer = await ctx.elicit('Your name?', {
        type: 'object',
        properties: { name: { type: 'string' } },
      })
      return `Write a greeting for ${String(answer.content?.name ?? 'someone')}.`
    })
    .resource('vault://note', { mimeType: 'text/plain' }, async (_uri, ctx) => {
      const answer = await ctx.elicit('Unlock the note?', {
        type: 'object',
        properties: { ok: { type: 'boolean' } },
      })
      return answer.action === 'accept' ? 'the note' : 'locked'
    })
    .tool('long_report', { input: z.object({}) }, async (_args, ctx) => {
      ctx.progress(1, { total: 3, message: 'started' })
      const resumable = ctx.closeStream()
      await sleep(150)
      ctx.progress(2, { total: 3, message: 'while the client was away' })
      await sleep(20)
      ctx.progress(3, { total: 3 })
      return `report ready (resumable: ${resumable})`
    })
}

let running: RunningServer
beforeAll(async () => {
  running = await serve(askingServer(), { port: 0, sseRetrySeconds: 0.05 })
})
afterAll(() => running.close())

function connect(handlers?: ClientRequestHandlers, era: 'legacy' | 'modern' = 'legacy') {
  return new MCPServerStreamableHttp({
    params: { url: running.url },
    protocolEra: era,
    maxRetryAttempts: 0,
    ...(handlers ? { handlers } : {}),
  }).connect()
}

const text = (result: { content: Array<{ type: string; text?: string }> }) => result.content[0]?.text

describe('tools that ask the client (2025-era sessions)', () => {
  it('sampling: the tool gets the client model answer', async () => {
    const seen: unknown[] = []
    await using client = await connect({
      sampling: (params) => {
        seen.push(params.messages[0]?.content)
        return { role: 'assistant', content: { type: 'text', text: 'short' }, model: 'test-model' }
      },
    })
    expect(text(await client.callTool('summarize', { text: 'a long story' }))).toBe(
      'summary: short (test-model)',
    )
    expect(seen).toEqual([{ type: 'text', text: 'Summarize: a long story' }])
  })

  it('elicitation: accepted forms get schema defaults; decline and cancel reach the tool', async () => {
    let action: 'accept' | 'decline' | 'cancel' = 'accept'
    await using client = await connect({
      elicitation: (params) => {
        expect(params.message).toBe('Confirm the deal?')
        return action === 'accept' ? { action, content: { amount: 12 } } : { action }
      },
    })
    expect(text(await client.callTool('confirm'))).toBe('accept {"amount":12,"approved":true,"note":"none"}')
    action = 'decline'
    expect(text(await client.callTool('confirm'))).toBe('decline null')
    action = 'cancel'
    expect(text(await client.callTool('confirm'))).toBe('cancel null')
  })

  it('roots: the tool lists the roots the client offers', async () => {
    await using client = await connect({ roots: () => [{ uri: 'file:///work', name: 'work' }] })
    expect(text(await client.callTool('where'))).toBe('file:///work')
  })

  it('a client without the handler: the tool fails clearly and nothing hangs', async () => {
    await using client = await connect()
    const result = await client.callTool('summarize', { text: 'x' })
    expect(result.isError).toBe(true)
    expect(text(result)).toBe(
      'The client did not declare the sampling capability: it cannot answer sampling/createMessage',
    )
  })

  it('a handler that throws: the tool sees the client error', async () => {
    await using client = await connect({
      elicitation: () => {
        throw new Error('no user at the keyboard')
      },
    })
    const result = await client.callTool('confirm')
    expect(result.isError).toBe(true)
    expect(text(result)).toContain('no user at the keyboard')
  })

  it('2026-07-28: the same tools work by multi round-trip (input_required, then a retry with the answers)', async () => {
    const asked: string[] = []
    await using client = await connect(
      {
        sampling: () => {
          asked.push('sampling')
          return { role: 'assistant', content: { type: 'text', text: 'brief' }, model: 'm2' }
        },
        elicitation: () => {
          asked.push('elicitation')
          return { action: 'accept', content: {} }
        },
        roots: () => [{ uri: 'file:///srv' }],
      },
      'modern',
    )
    expect(text(await client.callTool('summarize', { text: 'x' }))).toBe('summary: brief (m2)')
    expect(text(await client.callTool('confirm'))).toBe('accept {"approved":true,"note":"none"}')
    expect(text(await client.callTool('where'))).toBe('file:///srv')
    expect(asked).toEqual(['sampling', 'elicitation'])
  })

  it('2026-07-28 wire: input_required names the question; a tampered requestState is refused', async () => {
    const capabilities = { elicitation: { form: {} }, sampling: {} }
    const first = await send(
      running.url,
      modern('tools/call', { name: 'summarize', arguments: { text: 'x' } }, {}, capabilities),
    )
    expect(first.json.result).toMatchObject({
      resultType: 'input_required',
      inputRequests: { 'sampling-1': { method: 'sampling/createMessage', params: { maxTokens: 50 } } },
      requestState: expect.any(String),
    })
    const state = first.json.result!.requestState as string
    const answer = { role: 'assistant', content: { type: 'text', text: 'ok' }, model: 'raw' }
    const retry = (requestState: string, name = 'summarize') =>
      send(
        running.url,
        modern(
          'tools/call',
          { name, arguments: { text: 'x' }, inputResponses: { 'sampling-1': answer }, requestState },
          {},
          capabilities,
        ),
      )
    expect((await retry(state)).json.result).toMatchObject({
      resultType: 'complete',
      content: [{ type: 'text', text: 'summary: ok (raw)' }],
    })
    const tampered = `${state.slice(0, -2)}xx`
    expect((await retry(tampered)).json.error).toMatchObject({
      code: -32602,
      message: expect.stringContaining('params.requestState is not valid'),
    })
    expect((await retry(state, 'confirm')).json.error?.message).toContain('belongs to another call')
    const badResponses = await send(
      running.url,
      modern(
        'tools/call',
        { name: 'summarize', arguments: { text: 'x' }, inputResponses: 'yes' },
        {},
        capabilities,
      ),
    )
    expect(badResponses.json.error).toMatchObject({
      code: -32602,
      message: 'params.inputResponses must be an object keyed by input request',
    })
    const badEntry = await send(
      running.url,
      modern(
        'tools/call',
        { name: 'summarize', arguments: { text: 'x' }, inputResponses: { 'sampling-1': 7 } },
        {},
        capabilities,
      ),
    )
    expect(badEntry.json.error?.message).toBe('params.inputResponses.sampling-1 must be a result object')
    const noCapability = await send(
      running.url,
      modern('tools/call', { name: 'summarize', arguments: { text: 'x' } }),
    )
    // Spec 2026-07-28: a capability the request needs and the client did not declare fails it: 400 -32021.
    expect(noCapability.status).toBe(400)
    expect(noCapability.json.error).toMatchObject({
      code: -32021,
      data: { requiredCapabilities: { sampling: {} } },
    })
  })

  it('a client without the handler for an input request fails with a clear error', async () => {
    await using client = await connect({ elicitation: () => ({ action: 'cancel' }) }, 'modern')
    // Sampling not declared: 2026-07-28 fails the request with -32021 naming the capability.
    await expect(client.callTool('summarize', { text: 'x' })).rejects.toMatchObject({
      rpcCode: -32021,
      message: expect.stringContaining('did not declare the sampling capability'),
    })
  })
})

describe('resumable answers (2025-11-25)', () => {
  it('a tool closes its stream; the client reconnects with Last-Event-ID and gets the rest', async () => {
    await using client = await connect()
    const progress: string[] = []
    const result = await client.callTool(
      'long_report',
      {},
      {
        onProgress: (p) => progress.push(`${p.progress}/${p.total}${p.message ? ` ${p.message}` : ''}`),
      },
    )
    expect(text(result)).toBe('report ready (resumable: true)')
    expect(progress).toEqual(['1/3 started', '2/3 while the client was away', '3/3'])
  })

  it('a 2025-06-18 session cannot resume: closeStream says so and the answer goes on', async () => {
    const init = await send(running.url, {
      headers: JSON_HEADERS,
      body: {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'old', version: '1' },
        },
      },
    })
    const session = String(init.headers['mcp-session-id'])
    const headers = { ...JSON_HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' }
    const call = await send(running.url, {
      headers,
      body: { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'long_report', arguments: {} } },
    })
    expect(call.text).not.toMatch(/^id:/m) // no event ids, no priming event: not resumable
    expect(call.text).toContain('report ready (resumable: false)')
  })
})

describe('SDK v2 Client answering toolwire tools', () => {
  it.each([
    ['2026-07-28 (input_required rounds)', { pin: '2026-07-28' }],
    ['2025-11-25 (requests on the SSE stream)', 'legacy'],
  ] as const)('%s', async (_case, mode) => {
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client')
    const client = new Client(
      { name: 'sdk-v2', version: '2' },
      { capabilities: { elicitation: { form: {} }, sampling: {} }, versionNegotiation: { mode } },
    )
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { amount: 3 } }))
    client.setRequestHandler('sampling/createMessage', async () => ({
      role: 'assistant',
      content: { type: 'text', text: 'sdk says hi' },
      model: 'sdk-model',
    }))
    await client.connect(new StreamableHTTPClientTransport(new URL(running.url)))
    expect(await client.callTool({ name: 'summarize', arguments: { text: 'x' } })).toMatchObject({
      content: [{ type: 'text', text: 'summary: sdk says hi (sdk-model)' }],
    })
    const confirmed = (await client.callTool({ name: 'confirm', arguments: {} })) as {
      content: Array<{ text: string }>
    }
    // The SDK applies schema defaults itself on both eras (or toolwire's server sees what it sent).
    expect(confirmed.content[0]?.text).toMatch(/^accept \{"amount":3/)
    // Prompts and resource reads ask the same way (2026-07-28: SEP-2322 covers them too).
    client.setRequestHandler('elicitation/create', async (request) => ({
      action: 'accept',
      content: request.params.message === 'Your name?' ? { name: 'Ada' } : { ok: true },
    }))
    expect(await client.getPrompt({ name: 'greeting' })).toMatchObject({
      messages: [{ content: { type: 'text', text: 'Write a greeting for Ada.' } }],
    })
    expect(await client.readResource({ uri: 'vault://note' })).toMatchObject({
      contents: [{ text: 'the note' }],
    })
    await client.close()
  })
})
