/**
 * `toolwire/ai-sdk` under the AI SDK's own generateText and streamText, driven by its
 * MockLanguageModelV3 (`ai/test`): a scripted tool call, a failing tool, then a text answer,
 * over a real toolwire server. What the model read back is taken from the mock's recorded calls.
 */
import { generateText, jsonSchema, simulateReadableStream, stepCountIs, streamText } from 'ai'
import { MockLanguageModelV3 } from 'ai/test'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import {
  McpTimeoutError,
  McpToolError,
  MCPServerStreamableHttp as ToolwireClient,
} from '../../src/client/index.js'
import { aiSdkTools } from '../../src/integrations/ai-sdk/index.js'
import { type CrmServer, startCrmServer } from './crm-tool-server.js'

type MockOptions = NonNullable<ConstructorParameters<typeof MockLanguageModelV3>[0]>
type GenerateResult = Awaited<ReturnType<Extract<MockOptions['doGenerate'], (...args: never[]) => unknown>>>

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
}
const toolCalls = (...calls: Array<[name: string, input: Record<string, unknown>]>): GenerateResult => ({
  content: calls.map(([toolName, input], i) => ({
    type: 'tool-call' as const,
    toolCallId: `call-${i}`,
    toolName,
    input: JSON.stringify(input),
  })),
  finishReason: { unified: 'tool-calls', raw: undefined },
  usage,
  warnings: [],
})
const text = (answer: string): GenerateResult => ({
  content: [{ type: 'text', text: answer }],
  finishReason: { unified: 'stop', raw: undefined },
  usage,
  warnings: [],
})
/** The tool results the model read in its `n`th call. */
const toolResultsSeen = (model: MockLanguageModelV3, n: number) =>
  model.doGenerateCalls[n]?.prompt.flatMap((message) =>
    message.role === 'tool' ? message.content.filter((part) => part.type === 'tool-result') : [],
  )

describe.each(['modern', 'legacy'] as const)('AI SDK over a %s-era toolwire server', (era) => {
  let crm: CrmServer
  let client: ToolwireClient
  beforeAll(async () => {
    crm = await startCrmServer()
    client = await new ToolwireClient({ name: 'CRM', params: { url: crm.url }, protocolEra: era }).connect()
  })
  afterAll(async () => {
    await client.close()
    await crm.close()
  })

  it('generateText: a tool call, a failing tool, then the answer', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: [
        toolCalls(['search_contacts', { company: 'Acme' }], ['update_deal', { id: 'D-7' }]),
        text('Ada Lovelace; D-7 is locked.'),
      ],
    })
    const result = await generateText({
      model,
      tools: await aiSdkTools(client),
      stopWhen: stepCountIs(5),
      prompt: 'Contact at Acme? And update D-7.',
    })

    expect(result.text).toBe('Ada Lovelace; D-7 is locked.')
    const [first] = result.steps
    expect(first?.toolResults).toMatchObject([
      {
        toolName: 'search_contacts',
        output: { content: [{ type: 'text', text: 'Acme: Ada Lovelace <ada@acme.com>' }] },
      },
    ])
    const failure = first?.content.find((part) => part.type === 'tool-error')
    expect(failure).toMatchObject({ toolName: 'update_deal', dynamic: true })
    expect((failure as { error: unknown }).error).toBeInstanceOf(McpToolError)

    // What the model read: the content blocks, and the tool's failure as an error text.
    expect(toolResultsSeen(model, 1)).toEqual([
      expect.objectContaining({
        toolCallId: 'call-0',
        output: { type: 'content', value: [{ type: 'text', text: 'Acme: Ada Lovelace <ada@acme.com>' }] },
      }),
      expect.objectContaining({
        toolCallId: 'call-1',
        output: { type: 'error-text', value: 'tool update_deal failed: deal D-7 is locked by another user' },
      }),
    ])
    // The tools as the model was offered them: jsonSchema() input schemas, closed to extra keys.
    const offered = model.doGenerateCalls[0]?.tools ?? []
    expect(offered.map((t) => t.name)).toEqual([
      'search_contacts',
      'pipeline_summary',
      'delete_account',
      'update_deal',
      'slow_report',
    ])
    expect(offered[0]).toMatchObject({
      type: 'function',
      description: 'Find contacts by company',
      inputSchema: { type: 'object', required: ['company'], additionalProperties: false },
    })
  })

  it('streamText: the tool runs between streamed steps', async () => {
    const model = new MockLanguageModelV3({
      doStream: [
        {
          stream: simulateReadableStream({
            chunks: [
              {
                type: 'tool-call',
                toolCallId: 'call-1',
                toolName: 'pipeline_summary',
                input: '{"quarter":"Q2"}',
              },
              { type: 'finish', finishReason: { unified: 'tool-calls', raw: undefined }, usage },
            ],
          }),
        },
        {
          stream: simulateReadableStream({
            chunks: [
              { type: 'text-start', id: 't' },
              { type: 'text-delta', id: 't', delta: 'Three deals ' },
              { type: 'text-delta', id: 't', delta: 'in Q2.' },
              { type: 'text-end', id: 't' },
              { type: 'finish', finishReason: { unified: 'stop', raw: undefined }, usage },
            ],
          }),
        },
      ],
    })
    const result = streamText({
      model,
      tools: await aiSdkTools(client),
      stopWhen: stepCountIs(3),
      prompt: 'Q2?',
    })
    const parts: string[] = []
    for await (const part of result.fullStream) parts.push(part.type)
    expect(await result.text).toBe('Three deals in Q2.')
    expect(parts).toContain('tool-result')
    const [first] = await result.steps
    expect(first?.toolResults[0]?.output).toMatchObject({ structuredContent: { deals: 3, value: 120000 } })
  })
})

describe('aiSdkTools options', () => {
  let crm: CrmServer
  let client: ToolwireClient
  beforeAll(async () => {
    crm = await startCrmServer()
    client = await new ToolwireClient({ name: 'CRM', params: { url: crm.url } }).connect()
  })
  afterAll(async () => {
    await client.close()
    await crm.close()
  })

  it("toolErrors: 'result' returns isError results, as @ai-sdk/mcp does", async () => {
    const model = new MockLanguageModelV3({
      doGenerate: [toolCalls(['update_deal', { id: 'D-7' }]), text('locked')],
    })
    await generateText({
      model,
      tools: await aiSdkTools(client, { toolErrors: 'result' }),
      stopWhen: stepCountIs(3),
      prompt: 'update D-7',
    })
    expect(toolResultsSeen(model, 1)?.[0]?.output).toEqual({
      type: 'content',
      value: [{ type: 'text', text: 'deal D-7 is locked by another user' }],
    })
  })

  it('the abort signal cancels a running tool call', async () => {
    const tools = await aiSdkTools(client)
    const started = Date.now()
    const call = tools.slow_report!.execute(
      { ms: 5000 },
      { toolCallId: 'c', messages: [], abortSignal: AbortSignal.timeout(150) },
    )
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' }) // the signal's reason
    expect(Date.now() - started).toBeLessThan(2000)
    await vi.waitFor(() => expect(crm.probe.cancelled).toBe(1)) // and the server stopped the tool
  })

  it('a client timeout is a tool error the model reads', async () => {
    const slow = await new ToolwireClient({
      name: 'CRM',
      params: { url: crm.url },
      clientSessionTimeoutSeconds: 0.2,
    }).connect()
    try {
      const model = new MockLanguageModelV3({
        doGenerate: [toolCalls(['slow_report', { ms: 3000 }]), text('late')],
      })
      const result = await generateText({
        model,
        tools: await aiSdkTools(slow),
        stopWhen: stepCountIs(3),
        prompt: 'r',
      })
      const failure = result.steps[0]?.content.find((part) => part.type === 'tool-error')
      expect((failure as { error: unknown }).error).toBeInstanceOf(McpTimeoutError)
      expect(toolResultsSeen(model, 1)?.[0]?.output).toMatchObject({ type: 'error-text' })
    } finally {
      await slow.close()
    }
  })

  it('schemas: only the named tools, typed, with structured output validated', async () => {
    const tools = await aiSdkTools(client, {
      schemas: {
        pipeline_summary: {
          inputSchema: z.object({ quarter: z.enum(['Q1', 'Q2', 'Q3', 'Q4']) }),
          outputSchema: z.object({ deals: z.number(), value: z.number() }),
        },
        search_contacts: { inputSchema: jsonSchema<{ company: string }>({ type: 'object' }) },
      },
    })
    expect(Object.keys(tools).sort()).toEqual(['pipeline_summary', 'search_contacts'])
    const summary: { deals: number; value: number } = await tools.pipeline_summary.execute({ quarter: 'Q2' })
    expect(summary).toEqual({ deals: 3, value: 120000 })
    const found = await tools.search_contacts.execute({ company: 'Initech' })
    expect(found.content).toEqual([{ type: 'text', text: 'Initech: Ada Lovelace <ada@initech.com>' }])

    const wrong = await aiSdkTools(client, {
      schemas: {
        pipeline_summary: {
          inputSchema: z.object({ quarter: z.string() }),
          outputSchema: z.object({ deals: z.string() }),
        },
      },
    })
    await expect(wrong.pipeline_summary.execute({ quarter: 'Q1' })).rejects.toThrow(
      /does not match its outputSchema/,
    )
  })

  it('metadata tags each tool with its server and annotations (not sent to the model)', async () => {
    const tools = await aiSdkTools(client)
    expect(tools.search_contacts?.metadata).toEqual({
      clientName: 'CRM',
      annotations: { readOnlyHint: true },
    })
    expect(tools.update_deal?.metadata).toEqual({ clientName: 'CRM' })
    expect(tools.search_contacts?.type).toBe('dynamic')
  })
})
