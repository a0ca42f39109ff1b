import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  Agent,
  MaxTurnsExceededError,
  ModelConfigError,
  RunCancelledError,
  Runner,
  type RunStreamEvent,
  tool,
} from '../../src/agent/index.js'
import { ScriptedModel } from '../../src/agent/testing/index.js'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { type RunningServer, serve, ToolServer } from '../../src/server/index.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Seen {
  calls: Array<{ server: string; tool: string; traceId: string; start: number; end: number }>
}

function servers(seen: Seen) {
  const record = async (server: string, toolName: string, traceId: string, ms: number) => {
    const start = performance.now()
    await sleep(ms)
    seen.calls.push({ server, tool: toolName, traceId, start, end: performance.now() })
  }
  const crm = new ToolServer({ name: 'crm', version: '1.0.0' })
    .tool(
      'get_pipeline_summary',
      {
        description: 'Pipeline by stage',
        input: z.object({ quarter: z.string() }),
        annotations: { readOnlyHint: true },
      },
      async ({ quarter }, ctx) => {
        await record('crm', 'get_pipeline_summary', ctx.traceId, 60)
        return { quarter, openValue: 1_250_000 }
      },
    )
    .tool('status', { description: 'CRM status', input: z.object({}) }, () => 'crm ok')
    .tool('failing', { description: 'Always fails', input: z.object({}) }, () => {
      throw new Error('the database is down')
    })
    .tool('slow', { description: 'Takes long', input: z.object({}) }, async (_args, ctx) => {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve))
      seen.calls.push({ server: 'crm', tool: 'slow (aborted)', traceId: ctx.traceId, start: 0, end: 0 })
      return 'never'
    })
  const analytics = new ToolServer({ name: 'analytics', version: '1.0.0' })
    .tool(
      'forecast',
      {
        description: 'Weighted forecast',
        input: z.object({ quarter: z.string() }),
        annotations: { readOnlyHint: true },
      },
      async ({ quarter }, ctx) => {
        await record('analytics', 'forecast', ctx.traceId, 60)
        return { quarter, forecast: 900_000 }
      },
    )
    .tool('status', { description: 'Analytics status', input: z.object({}) }, () => 'analytics ok')
  return { crm, analytics }
}

let seen: Seen
let running: { crm: RunningServer; analytics: RunningServer }
let clients: { crm: MCPServerStreamableHttp; analytics: MCPServerStreamableHttp }

beforeEach(async () => {
  seen = { calls: [] }
  const s = servers(seen)
  running = {
    crm: await serve(s.crm, { port: 0, env: false }),
    analytics: await serve(s.analytics, { port: 0, env: false }),
  }
  clients = {
    crm: new MCPServerStreamableHttp({
      name: 'CRM Tools',
      params: { url: running.crm.url },
      maxRetryAttempts: 0,
      circuitBreaker: { failureThreshold: 1, resetTimeoutSeconds: 30 },
    }),
    analytics: new MCPServerStreamableHttp({ name: 'Analytics', params: { url: running.analytics.url } }),
  }
  await clients.crm.connect()
  await clients.analytics.connect()
})
afterEach(async () => {
  await clients.crm.close()
  await clients.analytics.close()
  await running.crm.close()
  await running.analytics.close()
})

const lastOutputs = (request: { input: readonly { type: string }[] }) =>
  request.input.filter(
    (i): i is { type: 'function_call_result'; name: string; output: string } =>
      i.type === 'function_call_result',
  )

describe('Runner over two MCP servers', () => {
  it('runs a multi-turn answer with parallel calls across servers, carrying the run trace id', async () => {
    const model = new ScriptedModel([
      {
        toolCalls: [
          { name: 'get_pipeline_summary', arguments: { quarter: 'Q2' } },
          { name: 'forecast', arguments: { quarter: 'Q2' } },
        ],
      },
      (request) => ({
        answer: `Summary: ${lastOutputs(request)
          .map((o) => o.output)
          .join(' | ')}`,
      }),
    ])
    const agent = new Agent({
      name: 'Sales',
      instructions: 'Answer with numbers.',
      model,
      mcpServers: [clients.crm, clients.analytics],
    })
    const result = await Runner.run(agent, 'What is the pipeline value for Q2?')
    expect(result.finalOutput).toBe(
      'Summary: {"quarter":"Q2","openValue":1250000} | {"quarter":"Q2","forecast":900000}',
    )
    // Both calls are made before either answers: they run concurrently.
    expect(result.newItems.map((i) => i.type)).toEqual([
      'tool_call_item',
      'tool_call_item',
      'tool_call_output_item',
      'tool_call_output_item',
      'message_output_item',
    ])
    expect(
      result.newItems
        .filter((i) => i.type === 'tool_call_item')
        .map((i) => [i.name, 'server' in i ? i.server : '']),
    ).toEqual([
      ['get_pipeline_summary', 'CRM Tools'],
      ['forecast', 'Analytics'],
    ])
    expect(result.usage).toMatchObject({ requests: 2, inputTokens: 20, outputTokens: 10 })
    // Both calls ran at the same time, and both servers saw the run's trace id.
    const [a, b] = seen.calls
    expect(a!.start < b!.end && b!.start < a!.end).toBe(true)
    expect(seen.calls.map((c) => c.traceId)).toEqual([result.traceId, result.traceId])
    expect(
      result.newItems
        .filter((i) => i.type === 'tool_call_output_item')
        .every((i) => i.traceId === result.traceId),
    ).toBe(true)
    // The model saw the tools with their schemas, and the conversation.
    expect(model.requests[0]!.tools.map((t) => t.name).sort()).toEqual(
      [
        'analytics__status',
        'crm_tools__status',
        'failing',
        'forecast',
        'get_pipeline_summary',
        'slow',
      ].sort(),
    )
    expect(model.requests[0]!.tools.find((t) => t.name === 'forecast')!.parameters).toMatchObject({
      type: 'object',
      properties: { quarter: { type: 'string' } },
    })
    expect(model.requests[1]!.input.map((i) => i.type)).toEqual([
      'message',
      'function_call',
      'function_call',
      'function_call_result',
      'function_call_result',
    ])
  })

  it('routes colliding names to the right server; includeServerInToolNames prefixes all', async () => {
    const model = new ScriptedModel([
      {
        toolCalls: [
          { name: 'crm_tools__status', arguments: {} },
          { name: 'analytics__status', arguments: {} },
        ],
      },
      (request) => ({
        answer: lastOutputs(request)
          .map((o) => o.output)
          .join(', '),
      }),
      { toolCalls: [{ name: 'analytics__forecast', arguments: { quarter: 'Q1' } }] },
      { answer: 'done' },
    ])
    const agent = new Agent({ name: 'A', model, mcpServers: [clients.crm, clients.analytics] })
    expect((await Runner.run(agent, 'status?')).finalOutput).toBe('crm ok, analytics ok')
    const prefixed = new Agent({
      name: 'B',
      model,
      mcpServers: [clients.crm, clients.analytics],
      includeServerInToolNames: true,
    })
    const result = await Runner.run(prefixed, 'forecast?')
    expect(model.requests[2]!.tools.map((t) => t.name)).toContain('crm_tools__get_pipeline_summary')
    expect(result.newItems[0]).toMatchObject({
      type: 'tool_call_item',
      server: 'Analytics',
      tool: 'forecast',
    })
  })

  it('keeps names within 64 characters, unique', async () => {
    const long = 'x'.repeat(60)
    const server = new ToolServer({ name: 'long' })
      .tool(`${long}_alpha`, { input: z.object({}) }, () => 'a')
      .tool(`${long}_beta`, { input: z.object({}) }, () => 'b')
    await using r = await serve(server, { port: 0, env: false })
    await using c = await new MCPServerStreamableHttp({
      name: 'A very long server name indeed',
      params: { url: r.url },
    }).connect()
    const model = new ScriptedModel([{ answer: 'ok' }])
    await Runner.run(new Agent({ name: 'L', model, mcpServers: [c], includeServerInToolNames: true }), 'hi')
    const names = model.requests[0]!.tools.map((t) => t.name)
    expect(names.every((n) => n.length <= 64 && /^[A-Za-z0-9_-]+$/.test(n))).toBe(true)
    expect(new Set(names).size).toBe(2)
  })

  it('turns tool failures into outputs the model reads: tool errors, bad JSON, unknown tools', async () => {
    const model = new ScriptedModel([
      {
        toolCalls: [
          { name: 'failing', arguments: {} },
          { name: 'forecast', arguments: '{not json' },
          { name: 'no_such_tool', arguments: {} },
          { name: 'forecast', arguments: { quarter: 7 } },
        ],
      },
      (request) => ({
        answer: lastOutputs(request)
          .map((o) => o.output)
          .join('\n'),
      }),
    ])
    const result = await Runner.run(
      new Agent({ name: 'E', model, mcpServers: [clients.crm, clients.analytics] }),
      'go',
    )
    const lines = result.finalOutput.split('\n')
    expect(lines[0]).toContain("Error from CRM Tools: Tool 'failing' failed: the database is down")
    expect(lines[1]).toMatch(/^Error: the arguments of forecast are not valid JSON/)
    expect(lines[2]).toMatch(/^Error: there is no tool named "no_such_tool"; use one of: /)
    expect(lines[3]).toMatch(/^Error from Analytics: Invalid arguments for tool 'forecast': quarter/)
    expect(result.newItems.filter((i) => i.type === 'tool_call_output_item').every((i) => i.isError)).toBe(
      true,
    )
  })

  it('a server going down mid-run: the breaker opens and the run still ends with an answer', async () => {
    // A local tool stops the CRM server between turns, so the order of events is fixed.
    const stopCrm = tool({
      name: 'stop_crm',
      description: 'test only',
      parameters: z.object({}),
      execute: async () => {
        await running.crm.close()
        return 'stopped'
      },
    })
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'get_pipeline_summary', arguments: { quarter: 'Q2' } }] },
      { toolCalls: [{ name: 'stop_crm', arguments: {} }] },
      { toolCalls: [{ name: 'get_pipeline_summary', arguments: { quarter: 'Q3' } }] },
      {
        toolCalls: [
          { name: 'get_pipeline_summary', arguments: { quarter: 'Q4' } },
          { name: 'forecast', arguments: { quarter: 'Q4' } },
        ],
      },
      (request) => ({
        answer: `Partial: ${lastOutputs(request)
          .slice(-2)
          .map((o) => o.output)
          .join(' / ')}`,
      }),
    ])
    const agent = new Agent({
      name: 'Resilient',
      model,
      mcpServers: [clients.crm, clients.analytics],
      tools: [stopCrm],
    })
    const result = await Runner.run(agent, 'Q2 to Q4?')
    const outputs = result.newItems.filter((i) => i.type === 'tool_call_output_item').map((i) => i.output)
    expect(outputs[0]).toContain('openValue')
    expect(outputs[1]).toBe('stopped')
    expect(outputs[2]).toMatch(/^Error: CRM Tools is unreachable/)
    expect(outputs[2]).not.toContain('[CRM Tools at')
    expect(outputs[3]).toMatch(/^Error: CRM Tools is unavailable \(circuit open, retry in \d+ s\)/)
    expect(outputs[4]).toContain('forecast')
    expect(result.finalOutput).toMatch(
      /^Partial: Error: CRM Tools is unavailable \(circuit open.* \/ \{"quarter":"Q4","forecast":900000\}$/,
    )
  })

  it('cancellation aborts the model call or the tool calls in flight', async () => {
    const slowModel = new ScriptedModel([{ answer: 'too late' }], { delayMs: 5_000 })
    const early = new AbortController()
    setTimeout(() => early.abort(new Error('user hung up')), 50)
    await expect(
      Runner.run(new Agent({ name: 'C', model: slowModel }), 'hi', { signal: early.signal }),
    ).rejects.toThrow(RunCancelledError)
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'slow', arguments: {} }] },
      { answer: 'unreachable' },
    ])
    const controller = new AbortController()
    const run = Runner.run(new Agent({ name: 'C', model, mcpServers: [clients.crm] }), 'hi', {
      signal: controller.signal,
    })
    setTimeout(() => controller.abort(new Error('user hung up')), 100)
    const error = (await run.catch((e: unknown) => e)) as RunCancelledError
    expect(error).toBeInstanceOf(RunCancelledError)
    expect(error.message).toContain('user hung up')
    expect(error.items.map((i) => i.type)).toEqual(['tool_call_item'])
    await expect.poll(() => seen.calls.map((c) => c.tool)).toContain('slow (aborted)')
  })

  it('stops at maxTurns with the partial items', async () => {
    const loop = () => ({ toolCalls: [{ name: 'status', arguments: {} }] })
    const model = new ScriptedModel([loop, loop, loop, loop])
    const agent = new Agent({
      name: 'Loop',
      model,
      tools: [
        tool({
          name: 'status',
          description: 'local status',
          parameters: z.object({}),
          execute: () => 'fine',
        }),
      ],
    })
    const error = (await Runner.run(agent, 'loop', { maxTurns: 3 }).catch(
      (e: unknown) => e,
    )) as MaxTurnsExceededError
    expect(error).toBeInstanceOf(MaxTurnsExceededError)
    expect(error.message).toContain('3 model calls')
    expect(error.items).toHaveLength(6)
  })

  it('runs local function tools with validated arguments and the run context', async () => {
    const model = new ScriptedModel([
      {
        toolCalls: [
          { name: 'add', arguments: { a: 2, b: 3 } },
          { name: 'add', arguments: { a: 'x' } },
        ],
      },
      (request) => ({
        answer: lastOutputs(request)
          .map((o) => o.output)
          .join(' ; '),
      }),
    ])
    const add = tool({
      name: 'add',
      description: 'Add',
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: ({ a, b }, { runContext }) => `${a + b} for ${(runContext as { user: string }).user}`,
    })
    const result = await Runner.run(new Agent({ name: 'Local', model, tools: [add] }), 'add', {
      context: { user: 'ada' },
    })
    expect(result.finalOutput).toMatch(/^5 for ada ; Error: invalid arguments for add: a: .*; b: /)
  })

  it('streams text deltas, tool calls and outputs, then the result', async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'forecast', arguments: { quarter: 'Q2' } }] },
      { answer: 'The forecast is 900k.' },
    ])
    const events: RunStreamEvent['type'][] = []
    let text = ''
    const stream = Runner.runStreamed(
      new Agent({ name: 'S', model, mcpServers: [clients.analytics] }),
      'forecast?',
    )
    for await (const event of stream) {
      events.push(event.type)
      if (event.type === 'text_delta') text += event.delta
    }
    expect(text).toBe('The forecast is 900k.')
    expect(events[0]).toBe('tool_called')
    expect(events[1]).toBe('tool_output')
    expect(events.at(-1)).toBe('run_done')
    expect((await stream.completed).finalOutput).toBe('The forecast is 900k.')
  })

  it('a missing model configuration fails before any tool server is touched', async () => {
    const saved = {
      key: process.env.OPENAI_API_KEY,
      base: process.env.OPENAI_BASE_URL,
      model: process.env.TOOLWIRE_MODEL,
    }
    delete process.env.OPENAI_API_KEY
    delete process.env.OPENAI_BASE_URL
    delete process.env.TOOLWIRE_MODEL
    try {
      await using untouched = new MCPServerStreamableHttp({ params: { url: 'http://127.0.0.1:1/mcp' } })
      await expect(Runner.run(new Agent({ name: 'M', mcpServers: [untouched] }), 'hi')).rejects.toThrow(
        /no model name: pass Agent\(\{ model \}\).*TOOLWIRE_MODEL/,
      )
      await expect(
        Runner.run(new Agent({ name: 'M', model: 'gpt-4o-mini', mcpServers: [untouched] }), 'hi'),
      ).rejects.toThrow(ModelConfigError)
    } finally {
      if (saved.key !== undefined) process.env.OPENAI_API_KEY = saved.key
      if (saved.base !== undefined) process.env.OPENAI_BASE_URL = saved.base
      if (saved.model !== undefined) process.env.TOOLWIRE_MODEL = saved.model
    }
  })

  it("continues a conversation from the previous run's history", async () => {
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'forecast', arguments: { quarter: 'Q2' } }] },
      { answer: 'Q2 forecast: 900k.' },
      { answer: 'Same as before: 900k.' },
    ])
    const agent = new Agent({ name: 'Chat', model, mcpServers: [clients.analytics] })
    const first = await Runner.run(agent, 'Forecast Q2?')
    const second = await Runner.run(agent, [
      ...first.history,
      { type: 'message', role: 'user', content: 'And again?' },
    ])
    expect(second.finalOutput).toBe('Same as before: 900k.')
    expect(
      model.requests[2]!.input.map((i) => (i.type === 'message' ? `${i.role}:${i.content}` : i.type)),
    ).toEqual([
      'user:Forecast Q2?',
      'function_call',
      'function_call_result',
      'assistant:Q2 forecast: 900k.',
      'user:And again?',
    ])
  })
})
