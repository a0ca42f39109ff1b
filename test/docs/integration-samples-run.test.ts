/**
 * docs/samples/integrations/: the samples that can run without a real model, run against the
 * integration tests' CRM server (the AI SDK's with its MockLanguageModelV3).
 */
import { MockLanguageModelV3 } from 'ai/test'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generate } from '../../docs/samples/integrations/ai-sdk.js'
import { wrap } from '../../docs/samples/integrations/openai-agents.js'
import { API_KEY, type CrmServer, startCrmServer } from '../integrations/crm-tool-server.js'

let crm: CrmServer
beforeAll(async () => {
  crm = await startCrmServer({ apiKey: true })
})
afterAll(() => crm.close())

describe('docs/samples/integrations', () => {
  it('ai-sdk.ts#generate: the model calls a tool, then answers', async () => {
    const usage = {
      inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: 1, text: 1, reasoning: undefined },
    }
    const model = new MockLanguageModelV3({
      doGenerate: [
        {
          content: [
            { type: 'tool-call', toolCallId: 'c', toolName: 'pipeline_summary', input: '{"quarter":"Q2"}' },
          ],
          finishReason: { unified: 'tool-calls', raw: undefined },
          usage,
          warnings: [],
        },
        {
          content: [{ type: 'text', text: '3 deals' }],
          finishReason: { unified: 'stop', raw: undefined },
          usage,
          warnings: [],
        },
      ],
    })
    const result = await generate(model, crm.url, API_KEY)
    expect(result.text).toBe('3 deals')
    expect(result.steps[0]?.toolResults[0]?.output).toMatchObject({ structuredContent: { deals: 3 } })
  })

  it('openai-agents.ts#wrap: the wrapped client, its filter applied', async () => {
    await using open = await startCrmServer() // the sample sends no token
    const server = await wrap(open.url)
    try {
      expect(server.name).toBe('CRM Tools')
      expect((await server.listTools()).map((t) => t.name)).toEqual(['search_contacts'])
    } finally {
      await server.close()
    }
  })
})
