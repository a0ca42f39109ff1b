import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Agent, ModelError, OpenAIChatCompletionsModel, Runner } from '../../src/agent/index.js'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { type RunningServer, serve, ToolServer } from '../../src/server/index.js'
import { chatServer, completion, streamed } from '../support/chat-endpoint.js'
import { listen, type TestHttpServer } from '../support/sdk-servers.js'

const chat = chatServer()
let endpoint: TestHttpServer
let tools: RunningServer
let analytics: MCPServerStreamableHttp

beforeAll(async () => {
  endpoint = await listen(chat.handler, { path: '/v1' })
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

const model = () =>
  new OpenAIChatCompletionsModel({ model: 'test-model', apiKey: 'sk-test', baseURL: endpoint.url })

describe('OpenAIChatCompletionsModel against a Chat Completions endpoint', () => {
  it('sends instructions, input and tools; runs the tool calls; sends their results back', async () => {
    chat.set([
      completion(
        {
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'forecast', arguments: '{"quarter":"Q2"}' } },
          ],
        },
        'tool_calls',
      ),
      completion({ content: 'The Q2 forecast is $900,000.' }, 'stop'),
    ])
    const agent = new Agent({
      name: 'Sales',
      instructions: 'You are a sales analyst.',
      model: model(),
      modelSettings: { temperature: 0.2 },
      mcpServers: [analytics],
    })
    const result = await Runner.run(agent, 'Forecast for Q2?')
    expect(result.finalOutput).toBe('The Q2 forecast is $900,000.')
    expect(result.usage).toEqual({ requests: 2, inputTokens: 22, outputTokens: 14, totalTokens: 36 })
    const [first, second] = chat.requests
    expect(first!.authorization).toBe('Bearer sk-test')
    expect(first!.body).toMatchObject({
      model: 'test-model',
      temperature: 0.2,
      parallel_tool_calls: true,
      messages: [
        { role: 'system', content: 'You are a sales analyst.' },
        { role: 'user', content: 'Forecast for Q2?' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'forecast',
            description: 'Weighted forecast',
            parameters: {
              type: 'object',
              properties: { quarter: { type: 'string' } },
              required: ['quarter'],
            },
          },
        },
      ],
    })
    expect(first!.body.tools![0]!.function.parameters.$schema).toBeUndefined()
    expect(second!.body.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'forecast', arguments: '{"quarter":"Q2"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '{"quarter":"Q2","forecast":900000}' },
    ])
  })

  it('streams: text deltas, tool calls assembled from pieces, usage', async () => {
    chat.set([
      streamed([
        {
          choices: [
            {
              index: 0,
              delta: {
                role: 'assistant',
                tool_calls: [
                  { index: 0, id: 'call_s', type: 'function', function: { name: 'fore', arguments: '' } },
                ],
              },
              finish_reason: null,
            },
          ],
        },
        {
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, function: { name: 'cast', arguments: '{"quar' } }] },
              finish_reason: null,
            },
          ],
        },
        {
          choices: [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, function: { arguments: 'ter":"Q3"}' } }] },
              finish_reason: 'tool_calls',
            },
          ],
        },
        { choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } },
      ]),
      streamed([
        { choices: [{ index: 0, delta: { role: 'assistant', content: 'Q3 looks ' }, finish_reason: null }] },
        { choices: [{ index: 0, delta: { content: 'fine.' }, finish_reason: 'stop' }] },
        { choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } },
      ]),
    ])
    const stream = Runner.runStreamed(
      new Agent({ name: 'S', model: model(), mcpServers: [analytics] }),
      'Q3?',
    )
    const deltas: string[] = []
    for await (const event of stream) if (event.type === 'text_delta') deltas.push(event.delta)
    const result = await stream.completed
    expect(deltas).toEqual(['Q3 looks ', 'fine.'])
    expect(result.finalOutput).toBe('Q3 looks fine.')
    expect(result.newItems[0]).toMatchObject({
      type: 'tool_call_item',
      name: 'forecast',
      arguments: '{"quarter":"Q3"}',
    })
    expect(result.usage).toMatchObject({ requests: 2, inputTokens: 14, outputTokens: 5 })
    expect(chat.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } })
  })

  it('reports provider errors as ModelError with the status', async () => {
    chat.set([
      (_body, res) =>
        res.writeHead(401, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            error: {
              message: 'Incorrect API key provided',
              type: 'invalid_request_error',
              code: 'invalid_api_key',
            },
          }),
        ),
    ])
    const error = (await Runner.run(new Agent({ name: 'E', model: model() }), 'hi').catch(
      (e: unknown) => e,
    )) as ModelError
    expect(error).toBeInstanceOf(ModelError)
    expect(error.status).toBe(401)
    expect(error.message).toContain('Incorrect API key provided')
  })
})
