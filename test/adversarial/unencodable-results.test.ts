/**
 * A result JSON cannot encode (a BigInt, a cycle) is answered, with its id and HTTP 200: a tool
 * error naming the cause for tools (JSON and SSE answers, both eras), -32603 naming it otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type RunningServer, ToolServer } from '../../src/server/index.js'
import { serve } from '../support/mount.js'
import { MODERN_META, modern, send, sseMessages } from '../support/raw.js'
import { type OpenedSession, openSession, rpc, toolCall } from '../support/sessions.js'

const cyclic = () => {
  const value: Record<string, unknown> = { name: 'loop' }
  value.self = value
  return value
}

function server() {
  return new ToolServer({ name: 'odd' })
    .tool('bigint_text', { input: z.object({ stream: z.boolean() }) }, ({ stream }, ctx) => {
      if (stream) ctx.progress(1, { total: 1 })
      return { content: [{ type: 'text', text: 10n as unknown as string }] }
    })
    .tool('cycle', { input: z.object({ stream: z.boolean() }) }, ({ stream }, ctx) => {
      if (stream) ctx.progress(1, { total: 1 })
      return { content: [], structuredContent: cyclic() }
    })
    .tool(
      'bigint_object',
      { input: z.object({}) },
      () => ({ total: 2n }) as unknown as Record<string, unknown>,
    )
    .tool('echo', { input: z.object({ text: z.string() }) }, ({ text }) => text)
    .prompt('odd', {}, () => ({ messages: [], count: 1n }) as never)
}

let running: RunningServer
let session: OpenedSession
beforeAll(async () => {
  running = await serve(server(), { port: 0 })
  session = await openSession(running.url)
})
afterAll(() => running.close())

type Era = 'legacy' | 'modern'

function call(era: Era, id: number, name: string, args: Record<string, unknown>, streamed: boolean) {
  const meta = streamed ? { progressToken: id } : undefined
  if (era === 'legacy')
    return send(running.url, { headers: session.headers, body: toolCall(id, name, args, meta) })
  const req = modern('tools/call', { name, arguments: args })
  const body = { ...req.body, id, params: { ...req.body.params, _meta: { ...MODERN_META, ...meta } } }
  return send(running.url, { headers: req.headers, body })
}

/** The final JSON-RPC message of a JSON or SSE answer. */
function final(answer: Awaited<ReturnType<typeof send>>) {
  return answer.headers['content-type'] === 'text/event-stream'
    ? sseMessages(answer.text).at(-1)!
    : answer.json
}

describe.each<Era>(['legacy', 'modern'])('%s era', (era) => {
  it.each([
    ['bigint_text', false, 'Do not know how to serialize a BigInt'],
    ['bigint_text', true, 'Do not know how to serialize a BigInt'],
    ['cycle', false, 'circular structure'],
    ['cycle', true, 'circular structure'],
  ])('%s (streamed: %s) becomes a tool error naming the cause', async (name, streamed, cause) => {
    const answer = await call(era, 41, name, { stream: streamed }, streamed)
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe(streamed ? 'text/event-stream' : 'application/json')
    const message = final(answer)
    expect(message).toMatchObject({
      id: 41,
      result: {
        isError: true,
        content: [
          {
            type: 'text',
            text: expect.stringContaining(`Tool '${name}' returned a result that cannot be encoded as JSON`),
          },
        ],
      },
    })
    expect(JSON.stringify(message)).toContain(cause)
    if (era === 'modern') expect(message).toMatchObject({ result: { resultType: 'complete' } })
    const after = await call(era, 42, 'echo', { text: 'still here' }, false)
    expect(after.json.result?.content).toEqual([{ type: 'text', text: 'still here' }])
  })

  it('a BigInt in structured output is a tool error too', async () => {
    const answer = await call(era, 43, 'bigint_object', {}, false)
    expect(answer.json).toMatchObject({ id: 43, result: { isError: true } })
  })
})

describe('other methods', () => {
  it('answer -32603 naming the cause, with the request id', async () => {
    const legacy = await send(running.url, {
      headers: session.headers,
      body: rpc(44, 'prompts/get', { name: 'odd' }),
    })
    expect(legacy.status).toBe(200)
    expect(legacy.json).toMatchObject({
      id: 44,
      error: { code: -32603, message: expect.stringContaining('cannot be encoded as JSON') },
    })
    const req = modern('prompts/get', { name: 'odd' })
    const current = await send(running.url, { ...req, body: { ...req.body, id: 45 } })
    expect(current.json).toMatchObject({ id: 45, error: { code: -32603 } })
  })
})
