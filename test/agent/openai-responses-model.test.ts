import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  Agent,
  ModelConfigError,
  ModelError,
  modelApi,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  Runner,
  resolveModel,
} from '../../src/agent/index.js'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { type RunningServer, serve, ToolServer } from '../../src/server/index.js'
import {
  functionCall,
  message,
  reasoning,
  respond,
  responsesServer,
  stream,
} from '../support/responses-endpoint.js'
import { listen, type TestHttpServer } from '../support/sdk-servers.js'

const api = responsesServer()
let endpoint: TestHttpServer
let tools: RunningServer
let analytics: MCPServerStreamableHttp

beforeAll(async () => {
  endpoint = await listen(api.handler, { path: '/v1' })
  tools = await serve(
    new ToolServer({ name: 'analytics' }).tool(
      'forecast',
      { description: 'Weighted forecast', input: z.object({ quarter: z.string() }) },
      ({ quarter }) => ({ quarter, forecast: 900000 }),
    ),
    { port: 0, env: false },
  )
  analytics = await new MCPServerStreamableHttp({ name: 'Analytics', params: { url: tools.url } }).connect()
})
afterAll(async () => {
  await analytics.close()
  await tools.close()
  await endpoint.close()
})

const model = (options: { store?: boolean } = {}) =>
  new OpenAIResponsesModel({ model: 'test-model', apiKey: 'sk-test', baseURL: endpoint.url, ...options })

describe('OpenAIResponsesModel against a Responses API endpoint', () => {
  it('runs tool calls and carries the reasoning items into the next turn', async () => {
    api.set([
      respond([
        reasoning('rs_1', ['Need the forecast first.'], 'gAAAA-encrypted'),
        functionCall('call_a', 'forecast', { quarter: 'Q2' }),
      ]),
      respond([message('The Q2 forecast is $900,000.')]),
    ])
    const agent = new Agent({
      name: 'Sales',
      instructions: 'You are a sales analyst.',
      model: model({ store: false }),
      modelSettings: { temperature: 0.2, maxTokens: 500, toolChoice: 'forecast' },
      mcpServers: [analytics],
    })
    const result = await Runner.run(agent, 'Forecast for Q2?')
    expect(result.finalOutput).toBe('The Q2 forecast is $900,000.')
    expect(result.usage).toEqual({ requests: 2, inputTokens: 60, outputTokens: 24, totalTokens: 84 })
    const [first, second] = api.requests
    expect(first!.authorization).toBe('Bearer sk-test')
    expect(first!.body).toMatchObject({
      model: 'test-model',
      instructions: 'You are a sales analyst.',
      input: [{ role: 'user', content: 'Forecast for Q2?' }],
      tools: [{ type: 'function', name: 'forecast', description: 'Weighted forecast', strict: false }],
      tool_choice: { type: 'function', name: 'forecast' },
      temperature: 0.2,
      max_output_tokens: 500,
      store: false,
      include: ['reasoning.encrypted_content'],
    })
    expect(second!.body.input).toEqual([
      { role: 'user', content: 'Forecast for Q2?' },
      {
        type: 'reasoning',
        id: 'rs_1',
        summary: [{ type: 'summary_text', text: 'Need the forecast first.' }],
        encrypted_content: 'gAAAA-encrypted',
      },
      { type: 'function_call', call_id: 'call_a', name: 'forecast', arguments: '{"quarter":"Q2"}' },
      { type: 'function_call_output', call_id: 'call_a', output: expect.stringContaining('900000') },
    ])
    expect(result.history.filter((item) => item.type === 'reasoning')).toHaveLength(1)
  })

  it('streams text deltas and tool calls from the SSE events', async () => {
    api.set([
      stream([reasoning('rs_2', []), functionCall('call_b', 'forecast', { quarter: 'Q3' })]),
      stream([message('Q3: $900,000.')], { deltas: ['Q3: ', '$900,000.'] }),
    ])
    const agent = new Agent({ name: 'Sales', model: model(), mcpServers: [analytics] })
    const run = Runner.runStreamed(agent, 'Forecast for Q3?')
    const deltas: string[] = []
    const called: string[] = []
    for await (const event of run) {
      if (event.type === 'text_delta') deltas.push(event.delta)
      if (event.type === 'tool_called') called.push(event.item.tool)
    }
    const result = await run.completed
    expect(deltas).toEqual(['Q3: ', '$900,000.'])
    expect(called).toEqual(['forecast'])
    expect(result.finalOutput).toBe('Q3: $900,000.')
    expect(result.usage.totalTokens).toBe(84)
    expect(api.requests[0]!.body.stream).toBe(true)
    expect(api.requests[1]!.body.input).toContainEqual({ type: 'reasoning', id: 'rs_2', summary: [] })
  })

  it('reports provider failures as ModelError (HTTP status, response.failed)', async () => {
    api.set([])
    const agent = new Agent({ name: 'Sales', model: model(), mcpServers: [analytics] })
    const http = await Runner.run(agent, 'hi').catch((e: unknown) => e)
    expect(http).toBeInstanceOf(ModelError)
    expect((http as ModelError).message).toMatch(/HTTP 500/)
    api.set([stream([message('partial')], { fail: 'the model overloaded' })])
    const run = Runner.runStreamed(agent, 'hi')
    const failed = await (async () => {
      for await (const _event of run) {
        // drain
      }
      return run.completed
    })().catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(ModelError)
    expect((failed as Error).message).toMatch(/the model overloaded/)
  })

  it('names the endpoint that gave no answer (nothing listening there)', async () => {
    const closed = await listen((_req, res) => res.end(), { path: '/v1' })
    const url = closed.url
    await closed.close()
    const unreachable = new OpenAIResponsesModel({ model: 'test-model', apiKey: 'sk-test', baseURL: url })
    const agent = new Agent({ name: 'Sales', model: unreachable })
    const error = await Runner.run(agent, 'hi').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ModelError)
    expect((error as Error).message).toContain(
      `model test-model failed: no answer from the model endpoint ${url} (baseURL / OPENAI_BASE_URL)`,
    )
  })
})

describe('which API a model name goes through', () => {
  it('Responses on OpenAI, Chat Completions on another endpoint, TOOLWIRE_MODEL_API decides', () => {
    expect(modelApi({})).toBe('responses')
    expect(modelApi({ OPENAI_BASE_URL: 'https://api.openai.com/v1' })).toBe('responses')
    expect(modelApi({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' })).toBe('chat')
    expect(modelApi({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', TOOLWIRE_MODEL_API: 'responses' })).toBe(
      'responses',
    )
    expect(modelApi({ TOOLWIRE_MODEL_API: 'chat' })).toBe('chat')
    expect(() => modelApi({ TOOLWIRE_MODEL_API: 'completions' })).toThrow(ModelConfigError)
  })

  it('resolveModel builds the class modelApi picks', () => {
    const saved = { ...process.env }
    try {
      process.env.OPENAI_API_KEY = 'sk-test'
      delete process.env.OPENAI_BASE_URL
      delete process.env.TOOLWIRE_MODEL_API
      expect(resolveModel('gpt-5-mini')).toBeInstanceOf(OpenAIResponsesModel)
      process.env.OPENAI_BASE_URL = 'http://127.0.0.1:11434/v1'
      expect(resolveModel('llama3.1')).toBeInstanceOf(OpenAIChatCompletionsModel)
    } finally {
      process.env = saved
    }
  })
})
