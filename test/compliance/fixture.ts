/** The toolwire server the server-side compliance tests talk to, and a raw-bytes HTTP sender. */
import { connect } from 'node:net'
import { z } from 'zod'
import { type RunningServer, type ServeOptions, serve, ToolServer } from '../../src/server/index.js'

export interface Probe {
  started: string[]
  aborted: string[]
}

const form = {
  type: 'object' as const,
  properties: { name: { type: 'string' as const } },
  required: ['name'],
}

/** A ToolServer with a tool, resource or prompt for every statement the suite checks. */
export function complianceServer(options: { probe?: Probe; pageSize?: number } = {}): ToolServer {
  const probe = options.probe ?? { started: [], aborted: [] }
  const pageSize = options.pageSize ?? 100
  return new ToolServer({ name: 'compliance-server', version: '2.0.0', pageSize })
    .tool('echo', { input: z.object({ text: z.string() }) }, ({ text }) => text)
    .tool(
      'regional',
      { input: z.object({ region: z.string().meta({ 'x-mcp-header': 'Region' }), query: z.string() }) },
      ({ region, query }) => `${region}/${query}`,
    )
    .tool(
      'counted',
      { input: z.object({ count: z.number().int().meta({ 'x-mcp-header': 'Count' }) }) },
      ({ count }) => `count ${count}`,
    )
    .tool(
      'maybe_regional',
      { input: z.object({ region: z.string().optional().meta({ 'x-mcp-header': 'Region' }) }) },
      ({ region }) => `region ${region ?? 'none'}`,
    )
    .tool('work', { input: z.object({ steps: z.number().int().min(1).max(5) }) }, ({ steps }, ctx) => {
      for (let i = 1; i <= steps; i++) ctx.progress(i, { total: steps, message: `step ${i}` })
      ctx.log('debug', 'a debug line')
      ctx.log('info', 'an info line')
      ctx.log('warning', 'a warning line')
      return `worked ${steps}`
    })
    .tool('ask_form', { input: z.object({}) }, async (_args, ctx) => {
      const answer = await ctx.elicit('Your name?', form)
      return `${answer.action}:${String(answer.content?.name ?? '')}`
    })
    .tool('ask_for', { input: z.object({ topic: z.string() }) }, async ({ topic }, ctx) => {
      const answer = await ctx.elicit(`Approve ${topic}?`, form)
      return `${topic}:${answer.action}:${String(answer.content?.name ?? '')}`
    })
    .tool('ask_sample', { input: z.object({}) }, async (_args, ctx) => {
      const answer = await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: 'Capital of France?' } }],
        maxTokens: 20,
      })
      return `model said ${JSON.stringify(answer.content)}`
    })
    .tool('ask_sample_tools', { input: z.object({}) }, async (_args, ctx) => {
      const answer = await ctx.sample({
        messages: [{ role: 'user', content: { type: 'text', text: 'Weather in Paris?' } }],
        maxTokens: 20,
        tools: [{ name: 'get_weather', inputSchema: { type: 'object' } }],
      } as Parameters<typeof ctx.sample>[0])
      return `model said ${JSON.stringify(answer.content)}`
    })
    .tool('ask_roots', { input: z.object({}) }, async (_args, ctx) =>
      (await ctx.roots()).map((root) => root.uri).join(','),
    )
    .tool('wait', { input: z.object({ id: z.string() }) }, async ({ id }, ctx) => {
      probe.started.push(id)
      await new Promise<void>((resolve) =>
        ctx.signal.addEventListener('abort', () => {
          probe.aborted.push(id)
          resolve()
        }),
      )
      return `waited ${id}`
    })
    .tool('too_slow', { input: z.object({}), timeoutSeconds: 0.05 }, async (_args, ctx) => {
      ctx.progress(1)
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve))
      return 'never'
    })
    .tool(
      'sum',
      { input: z.object({ a: z.number(), b: z.number() }), output: z.object({ sum: z.number() }) },
      ({ a, b }) => ({ sum: a + b }),
    )
    .tool(
      'bad_output',
      { input: z.object({}), output: z.object({ sum: z.number() }) },
      () => ({ sum: 'five' }) as unknown as { sum: number },
    )
    .tool('nothing', { input: z.object({}) }, () => 'ok')
    .resource('mem://text', { mimeType: 'text/plain' }, () => 'hello')
    .resource('mem://bytes', { mimeType: 'application/octet-stream' }, () => new Uint8Array([0, 1, 254, 255]))
    .resource('vault://note', { mimeType: 'text/plain' }, async (_uri, ctx) => {
      const answer = await ctx.elicit('Unlock?', form)
      return answer.action === 'accept' ? 'the note' : 'locked'
    })
    .resource('mem://broken', {}, () => {
      throw new Error('disk on fire')
    })
    .resourceTemplate('mem://items/{id}', { mimeType: 'text/plain' }, (_uri, { id }) => `item ${id}`)
    .prompt(
      'greet',
      {
        arguments: z.object({ name: z.string() }),
        complete: { name: () => Array.from({ length: 150 }, (_, i) => `name-${i}`) },
      },
      ({ name }) => `Say hello to ${name}`,
    )
    .prompt('broken', {}, () => {
      throw new Error('template engine on fire')
    })
    .prompt('ask_prompt', {}, async (_args, ctx) => {
      const answer = await ctx.elicit('Your name?', form)
      return `Greet ${String(answer.content?.name ?? 'someone')}`
    })
}

/** Serves a fresh compliance server on port 0 (environment variables ignored). */
export function start(options: ServeOptions = {}, server = complianceServer()): Promise<RunningServer> {
  return serve(server, { port: 0, env: false, ...options })
}

/**
 * Sends bytes undici would refuse (raw non-ASCII header values): one request on its own
 * connection, `connection: close`, answer read to the end.
 */
export function rawPost(
  url: string,
  headers: string[],
  body: string,
): Promise<{ status: number; text: string }> {
  const { hostname, port, pathname } = new URL(url)
  const payload = Buffer.from(body, 'utf8')
  const head = Buffer.from(
    [
      `POST ${pathname} HTTP/1.1`,
      `host: ${hostname}:${port}`,
      ...headers,
      `content-length: ${payload.length}`,
      'connection: close',
      '',
      '',
    ].join('\r\n'),
    'latin1',
  )
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(Buffer.concat([head, payload])))
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)
      resolve({ status, text: text.slice(text.indexOf('\r\n\r\n') + 4) })
    })
  })
}
