/**
 * A fixed-seed mutational fuzzer, per protocol era: 5,000 hostile variants of valid requests
 * over real sockets. Every answer must be a known HTTP status with, when it has a body, a
 * JSON-RPC message whose error code is one the server documents (never -32603, which means
 * an unexpected failure) and whose id is the request's; nothing reaches the error log; and
 * the server still answers a valid call after every batch.
 */
import type { Logger } from 'pino'
import { Pool } from 'undici'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { echoServer } from '../support/echo-server.js'
import { serve } from '../support/mount.js'
import { Mutator, type RawRequest } from '../support/mutator.js'
import { modern } from '../support/raw.js'
import { openSession, rpc, toolCall } from '../support/sessions.js'

const MUTATIONS = 5000
const CONCURRENCY = 8
const BATCH = 500
const STATUSES = new Set([200, 202, 400, 403, 404, 405, 406, 409, 413, 415, 421])
const CODES = new Set([-32700, -32600, -32601, -32602, -32000, -32001, -32002, -32020, -32021, -32022])

function fuzzServer() {
  return echoServer()
    .prompt('greet', { arguments: z.object({ who: z.string() }) }, ({ who }) => `hi ${who}`)
    .resource('crm://schema', { mimeType: 'text/plain' }, () => 'schema')
    .tool(
      'confirm',
      { input: z.object({}) },
      async (_a, ctx) => (await ctx.elicit('ok?', { type: 'object', properties: {} })).action,
    )
}

interface Outcome {
  status: number
  contentType: string | undefined
  text: string
}

/** What is wrong with an answer, if anything. */
function problemWith(request: RawRequest, outcome: Outcome): string | undefined {
  if (!STATUSES.has(outcome.status)) return `status ${outcome.status}`
  if (outcome.status === 202) return outcome.text === '' ? undefined : 'a 202 with a body'
  const messages =
    outcome.contentType === 'text/event-stream'
      ? outcome.text
          .split('\n')
          .filter((line) => line.startsWith('data: ') && line.length > 6)
          .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>)
      : [JSON.parse(outcome.text) as Record<string, unknown>]
  const final = messages.at(-1)
  if (final?.jsonrpc !== '2.0') return 'not a JSON-RPC answer'
  const error = final.error as { code?: unknown } | undefined
  if (error && !CODES.has(error.code as number)) return `JSON-RPC code ${String(error.code)}`
  if (!error && !('result' in final)) return 'neither result nor error'
  if (request.id !== undefined && final.id !== null && final.id !== request.id)
    return `id ${String(final.id)}`
  if (!error && outcome.status !== 200) return `a result with status ${outcome.status}`
  return undefined
}

async function fuzz(era: 'legacy' | 'modern', seed: number) {
  const errors: string[] = []
  const logger = {
    warn() {},
    debug() {},
    error: (fields: object, message: string) => void errors.push(`${message} ${JSON.stringify(fields)}`),
  } as unknown as Logger
  await using running = await serve(fuzzServer(), { port: 0, logger, maxBodyBytes: 256 * 1024 })
  const url = new URL(running.url)
  const pool = new Pool(url.origin, { connections: CONCURRENCY })
  try {
    let session = era === 'legacy' ? await openSession(running.url) : undefined
    const seeds =
      era === 'modern'
        ? [
            modern('tools/call', { name: 'echo', arguments: { text: 'hi' } }),
            modern(
              'tools/call',
              { name: 'regional', arguments: { region: 'eu', query: 'q' } },
              { 'mcp-param-region': 'eu' },
            ),
            modern('tools/call', { name: 'progress', arguments: { steps: 2 } }),
            modern('tools/call', { name: 'confirm', arguments: {} }, {}, { elicitation: {} }),
            modern('tools/list', { cursor: 'b2Zmc2V0OjE' }),
            modern('prompts/get', { name: 'greet', arguments: { who: 'ada' } }),
            modern('resources/read', { uri: 'crm://schema' }),
            modern('completion/complete', {
              ref: { type: 'ref/prompt', name: 'greet' },
              argument: { name: 'who', value: 'a' },
            }),
            modern('server/discover'),
          ]
        : [
            toolCall(1, 'echo', { text: 'hi' }),
            toolCall(2, 'progress', { steps: 2 }, { progressToken: 'p' }),
            toolCall(3, 'sum', { a: 1, b: 2 }),
            rpc(4, 'tools/list'),
            rpc(5, 'prompts/get', { name: 'greet', arguments: { who: 'ada' } }),
            rpc(6, 'resources/read', { uri: 'crm://schema' }),
            rpc(7, 'logging/setLevel', { level: 'info' }),
            rpc(8, 'resources/subscribe', { uri: 'crm://schema' }),
            { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } },
            { jsonrpc: '2.0', id: 'toolwire-1', result: {} },
          ].map((body) => ({ headers: session!.headers, body: body as Record<string, unknown> }))
    const mutator = new Mutator(seed)
    const requests = Array.from({ length: MUTATIONS }, () => mutator.mutate(mutator.pick(seeds)))
    const problems: string[] = []
    const send = async (request: RawRequest): Promise<Outcome> => {
      const res = await pool.request({
        path: url.pathname,
        method: request.method,
        headers: request.headers,
        body: request.body,
      })
      const text = await res.body.text()
      const type = res.headers['content-type']
      return { status: res.statusCode, contentType: typeof type === 'string' ? type : undefined, text }
    }
    const valid = async () => {
      const body =
        era === 'modern' ? modern('tools/call', { name: 'echo', arguments: { text: 'alive' } }) : undefined
      const outcome = await send({
        method: 'POST',
        headers: body ? body.headers : session!.headers,
        body: JSON.stringify(body ? body.body : toolCall(1, 'echo', { text: 'alive' })),
        id: 1,
        mutation: 'none',
      })
      return outcome.status === 200 && outcome.text.includes('"text":"alive"')
    }
    for (let start = 0; start < requests.length; start += BATCH) {
      const batch = requests.slice(start, start + BATCH)
      let next = 0
      const worker = async () => {
        while (next < batch.length) {
          const request = batch[next++]!
          try {
            const problem = problemWith(request, await send(request))
            if (problem) problems.push(`${request.mutation}: ${problem} for ${request.body.slice(0, 200)}`)
          } catch (error) {
            problems.push(
              `${request.mutation}: ${(error as Error).message} for ${request.body.slice(0, 200)}`,
            )
          }
        }
      }
      await Promise.all(Array.from({ length: CONCURRENCY }, worker))
      if (session && !(await valid())) session = await openSession(running.url) // a mutation may end it
      expect(await valid(), `the server stopped answering after mutation ${start + BATCH}`).toBe(true)
    }
    expect(problems.slice(0, 10)).toEqual([])
    expect(errors.slice(0, 10)).toEqual([])
    return requests.length
  } finally {
    await pool.close()
  }
}

describe('fixed-seed mutational fuzzer', () => {
  it('2026-07-28: 5,000 mutations, all answered as documented', async () => {
    expect(await fuzz('modern', 20_260_728)).toBe(MUTATIONS)
  }, 60_000)

  it('2025-11-25 session: 5,000 mutations, all answered as documented', async () => {
    expect(await fuzz('legacy', 20_251_125)).toBe(MUTATIONS)
  }, 60_000)
})
