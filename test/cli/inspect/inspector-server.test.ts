/**
 * The inspector's API without a browser: who may call it, what it refuses and why, the server's
 * requests answered through it (sampling), and the command lines it prints.
 */

import { request } from 'node:http'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { callCommandLine } from '../../../src/cli/inspect/call-command-line.js'
import { startInspector } from '../../../src/cli/inspect/inspector-server.js'
import { loadRun } from '../../../src/cli/inspect/load-run.js'
import { serve } from '../../../src/server/index.js'
import { echoServer } from '../../support/echo-server.js'

type Answer = { status: number; json: Record<string, unknown> & { error?: { message: string } } }

/** One request with any headers (Host included), as a browser or another program would send it. */
function send(
  port: number,
  options: { path: string; method?: string; headers?: Record<string, string>; body?: unknown },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body)
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: options.path,
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
      },
      (res) => {
        let text = ''
        res.on('data', (chunk) => (text += chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: text.startsWith('{') ? JSON.parse(text) : {} }),
        )
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

describe('toolwire inspect: the API', () => {
  it('answers only its own origin, on its own host, with the token', async () => {
    await using inspector = await startInspector()
    const token = { 'x-toolwire-inspect-token': inspector.token }
    const at = (headers: Record<string, string>) => send(inspector.port, { path: '/api/history', headers })
    expect((await at(token)).status).toBe(200)
    expect((await at({ authorization: `Bearer ${inspector.token}` })).status).toBe(200)
    expect((await at({})).status).toBe(403)
    expect((await at({ 'x-toolwire-inspect-token': `${inspector.token}x` })).status).toBe(403)
    // DNS rebinding: a page of evil.example whose name now points at 127.0.0.1.
    const rebound = await at({ ...token, host: `evil.example:${inspector.port}` })
    expect(rebound).toMatchObject({
      status: 421,
      json: { error: { message: expect.stringMatching(/Host "evil.example/) } },
    })
    expect((await at({ ...token, origin: 'http://evil.example' })).status).toBe(403)
    expect((await at({ ...token, origin: `http://localhost:${inspector.port}` })).status).toBe(200)
    expect((await at({ ...token, 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    // The page itself holds no secret; it is served with a strict CSP.
    const page = await fetch(`http://127.0.0.1:${inspector.port}/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'/)
    expect(inspector.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${inspector.port}/#token=[\\w-]{43}$`))
  })

  it('refuses bad input with a message naming the field', async () => {
    await using inspector = await startInspector()
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      send(inspector.port, {
        path,
        body,
        headers: { 'x-toolwire-inspect-token': inspector.token, ...headers },
      })
    expect(await post('/api/connect', { url: 'file:///etc/passwd' })).toMatchObject({
      status: 400,
      json: { error: { message: '"url" must be an http: or https: URL' } },
    })
    expect(
      (await post('/api/connect', { url: 'http://x/mcp', headers: { 'bad header': 'v' } })).json.error
        ?.message,
    ).toMatch(/"headers": "bad header" is not a header name/)
    expect(
      (await post('/api/connect', { url: 'http://x/mcp', apiKey: 'a\r\nX: y' })).json.error?.message,
    ).toBe('"apiKey" has a line break')
    expect(
      (await post('/api/connect', { url: 'http://x/mcp' }, { 'content-type': 'text/plain' })).status,
    ).toBe(415)
    expect(await post('/api/calls', { callId: 'c1', tool: 'echo' })).toMatchObject({
      status: 409,
      json: { error: { message: 'not connected to a server: connect first' } },
    })
    expect((await post('/api/load', { tool: 'echo', calls: 5000, concurrency: 4 })).json.error?.message).toBe(
      '"calls" must be an integer from 1 to 2000',
    )
    expect((await send(inspector.port, { path: '/etc/passwd' })).status).toBe(404)
  })

  it('passes a sampling request to the page and the page’s answer back to the server', async () => {
    const server = echoServer().tool(
      'summarize',
      { input: z.object({ text: z.string() }) },
      async ({ text }, ctx) => {
        const answer = await ctx.sample({
          messages: [{ role: 'user', content: { type: 'text', text } }],
          maxTokens: 50,
        })
        return `summary: ${answer.content && !Array.isArray(answer.content) && answer.content.type === 'text' ? answer.content.text : '?'} (${answer.model})`
      },
    )
    await using running = await serve(server, { port: 0, env: false })
    await using inspector = await startInspector()
    const token = { 'x-toolwire-inspect-token': inspector.token }
    const base = `http://127.0.0.1:${inspector.port}`
    const events = await fetch(`${base}/api/events`, { headers: token })
    const connected = await send(inspector.port, {
      path: '/api/connect',
      headers: token,
      body: { url: running.url },
    })
    expect(connected.json).toMatchObject({
      connection: { serverInfo: { name: 'echo-server' }, era: 'modern' },
    })
    const calling = send(inspector.port, {
      path: '/api/calls',
      headers: token,
      body: { callId: 'sum-1', tool: 'summarize', arguments: { text: 'a long story' } },
    })
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    let input: { id: string; kind: string; params: { messages: unknown[] } } | undefined
    while (!input) {
      buffer += (await reader.read()).value ?? ''
      const frame = buffer.split('\n\n').find((f) => f.includes('"type":"input"'))
      if (frame) input = JSON.parse(frame.slice('data: '.length))
    }
    await reader.cancel()
    expect(input).toMatchObject({
      kind: 'sampling',
      params: { messages: [{ content: { text: 'a long story' } }] },
    })
    const answered = await send(inspector.port, {
      path: `/api/inputs/${input.id}`,
      headers: token,
      body: { text: 'short' },
    })
    expect(answered.status).toBe(200)
    const result = await calling
    expect(result.json).toMatchObject({
      result: { content: [{ type: 'text', text: 'summary: short (human (toolwire inspect))' }] },
      command: `toolwire call ${running.url} summarize --json '{"text":"a long story"}'`,
    })
    expect((result.json.result as { traceId: string }).traceId).toMatch(/^[0-9a-f]{32}$/)
  })
})

describe('toolwire inspect: parts', () => {
  it('prints calls as shell commands without secrets', () => {
    expect(
      callCommandLine({
        url: 'https://crm.example/mcp',
        tool: 'search',
        arguments: { query: "O'Brien & co" },
        headers: { Authorization: 'Bearer s3cret', 'X-API-Key': 'k3y', 'X-Tenant': 'acme corp' },
        era: 'legacy',
      }),
    ).toBe(
      `toolwire call https://crm.example/mcp search --token-env TOOLWIRE_TOKEN -H "X-API-Key: $TOOLWIRE_API_KEY" -H 'X-Tenant: acme corp' --era legacy --json '{"query":"O'\\''Brien & co"}'`,
    )
  })

  it('counts a load run’s errors and buckets its latencies', async () => {
    let n = 0
    const report = await loadRun(
      async () => (++n % 4 === 0 ? { ok: false, message: 'busy' } : { ok: true }),
      {
        calls: 40,
        concurrency: 5,
      },
    )
    expect(report).toMatchObject({
      calls: 40,
      ok: 30,
      errors: 10,
      errorMessages: [{ message: 'busy', count: 10 }],
    })
    expect(report.histogram.reduce((sum, b) => sum + b.count, 0)).toBe(40)
  })
})
