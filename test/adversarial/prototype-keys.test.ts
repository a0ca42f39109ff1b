/**
 * Lookups keyed by client input find only what the server registered: the names of
 * `Object.prototype` are unknown methods, tools, prompts, resources, sessions, completions,
 * answers and filters like any other name, in both eras, and nothing reaches the error log.
 */
import type { Logger } from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type RunningServer, ToolServer } from '../../src/server/index.js'
import { serve } from '../support/mount.js'
import { modern, send, sseMessages } from '../support/raw.js'
import { type OpenedSession, openSession, rpc, toolCall } from '../support/sessions.js'

const NAMES = Object.getOwnPropertyNames(Object.prototype)
const errors: string[] = []
const logger = {
  warn() {},
  debug() {},
  info() {},
  error: (_fields: object, message: string) => void errors.push(message),
} as unknown as Logger

let running: RunningServer
let session: OpenedSession

beforeAll(async () => {
  const server = new ToolServer({ name: 'plain' })
    .tool('echo', { input: z.object({ text: z.string() }) }, ({ text }) => text)
    .tool('confirm', { input: z.object({}) }, async (_a, ctx) => {
      const answer = await ctx.elicit('Sure?', { type: 'object', properties: {} })
      return answer.action
    })
    .prompt(
      'greet',
      { arguments: z.object({ who: z.string() }), complete: { who: (typed) => [`${typed}ada`] } },
      ({ who }) => `hi ${who}`,
    )
    .resource('crm://schema', {}, () => 'schema')
  running = await serve(server, { port: 0, logger })
  session = await openSession(running.url)
})
afterAll(() => running.close())
afterEach(async () => {
  expect(errors).toEqual([])
  const ok = await send(running.url, modern('tools/call', { name: 'echo', arguments: { text: 'ok' } }))
  expect(ok.json.result?.content).toEqual([{ type: 'text', text: 'ok' }])
})

describe('names of Object.prototype', () => {
  it.each(NAMES)('method %s: -32601 in both eras (404 on 2026-07-28)', async (name) => {
    const legacy = await send(running.url, { headers: session.headers, body: rpc(1, name, { echoed: 'me' }) })
    expect(legacy.status).toBe(200)
    expect(legacy.json).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32601, message: `Method not found: ${name}` },
    })
    const current = await send(running.url, modern(name, { echoed: 'me' }))
    expect(current.status).toBe(404)
    expect(current.json.error?.code).toBe(-32601)
  })

  it.each(NAMES)('tool, prompt and resource named %s are unknown', async (name) => {
    const tool = await send(running.url, { headers: session.headers, body: toolCall(2, name) })
    expect(tool.json.error).toMatchObject({ code: -32602, message: `Unknown tool: ${name}` })
    const prompt = await send(running.url, modern('prompts/get', { name }))
    expect(prompt.json.error).toMatchObject({ code: -32602, message: `Unknown prompt: ${name}` })
    const resource = await send(running.url, {
      headers: session.headers,
      body: rpc(3, 'resources/read', { uri: name }),
    })
    expect(resource.json.error?.code).toBe(-32002)
  })

  it.each(NAMES)('completion argument %s completes nothing; a session %s does not exist', async (name) => {
    const completion = await send(running.url, {
      headers: session.headers,
      body: rpc(4, 'completion/complete', {
        ref: { type: 'ref/prompt', name: 'greet' },
        argument: { name, value: 'x' },
      }),
    })
    expect(completion.json.result).toEqual({ completion: { values: [], total: 0, hasMore: false } })
    const foreign = await send(running.url, {
      headers: { ...session.headers, 'mcp-session-id': name },
      body: rpc(5, 'tools/list'),
    })
    expect(foreign.status).toBe(404)
    const response = await send(running.url, {
      headers: session.headers,
      body: { jsonrpc: '2.0', id: name, result: { injected: true } },
    })
    expect(response.status).toBe(202)
    const cursor = await send(running.url, {
      headers: session.headers,
      body: rpc(6, 'tools/list', { cursor: name }),
    })
    expect(cursor.json.error?.code).toBe(-32602)
  })

  it('__proto__ keys in inputResponses and listen filters are plain, ignored entries', async () => {
    const req = modern('tools/call', { name: 'confirm', arguments: {} }, {}, { elicitation: {} })
    // Raw JSON text: a literal "__proto__" key, as an attacker would send it.
    const body = JSON.stringify(req.body).replace(
      '"arguments":{}',
      '"arguments":{},"inputResponses":{"__proto__":{"elicitation-1":{"action":"accept","content":{}}}}',
    )
    const answer = await send(running.url, { headers: req.headers, body })
    expect(answer.json.result).toMatchObject({ resultType: 'input_required' })
    const listen = modern('subscriptions/listen', {})
    const listenBody = JSON.stringify({
      ...listen.body,
      params: { ...listen.body.params, notifications: {} },
    }).replace('"notifications":{}', '"notifications":{"__proto__":{"toolsListChanged":true}}')
    const controller = new AbortController()
    const stream = await fetch(running.url, {
      method: 'POST',
      headers: listen.headers,
      body: listenBody,
      signal: controller.signal,
    })
    const reader = stream.body!.getReader()
    const first = new TextDecoder().decode((await reader.read()).value)
    controller.abort()
    expect(sseMessages(first)[0]).toMatchObject({
      method: 'notifications/subscriptions/acknowledged',
      params: { notifications: {} },
    })
  })
})
