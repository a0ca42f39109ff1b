/**
 * examples/integrations/: each example's code path, with the framework's model replaced by a
 * scripted one (a local Chat Completions endpoint for @openai/agents, MockLanguageModelV3 for
 * the AI SDK) and the CRM server by the integration tests' CRM tools.
 */
import { OpenAIChatCompletionsModel, setTracingDisabled } from '@openai/agents'
import { MockLanguageModelV3 } from 'ai/test'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as aiSdkExample from '../../examples/integrations/ai-sdk.js'
import * as agentsExample from '../../examples/integrations/openai-agents.js'
import { API_KEY, type CrmServer, startCrmServer } from '../integrations/crm-tool-server.js'
import { chatServer, completion } from '../support/chat-endpoint.js'
import { listen, type TestHttpServer } from '../support/sdk-servers.js'

setTracingDisabled(true)
let crm: CrmServer
let endpoint: TestHttpServer
const chat = chatServer()
const env = () => ({ CRM_URL: crm.url, CRM_API_KEY: API_KEY })
const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
}

beforeAll(async () => {
  crm = await startCrmServer({ apiKey: true })
  endpoint = await listen(chat.handler, { path: '/v1' })
})
afterAll(async () => {
  await crm.close()
  await endpoint.close()
})

describe('examples/integrations', () => {
  it('openai-agents.ts: run() answers with the CRM tools', async () => {
    const server = agentsExample.crmServer(env())
    await server.connect()
    try {
      chat.set([
        completion(
          {
            content: null,
            tool_calls: [
              {
                id: 'c1',
                type: 'function',
                function: { name: 'search_contacts', arguments: '{"company":"Acme"}' },
              },
            ],
          },
          'tool_calls',
        ),
        completion({ content: 'Ada Lovelace runs the Acme account.' }, 'stop'),
      ])
      const model = new OpenAIChatCompletionsModel(new OpenAI({ baseURL: endpoint.url, apiKey: 'k' }), 'm')
      expect(await agentsExample.ask(server, 'Who is at Acme?', model)).toBe(
        'Ada Lovelace runs the Acme account.',
      )
      expect(JSON.stringify(chat.requests[1]?.body.messages)).toContain('ada@acme.com')
    } finally {
      await server.close()
    }
  })

  it('ai-sdk.ts: generateText answers with the CRM tools', async () => {
    await using client = await aiSdkExample.crmClient(env()).connect()
    const model = new MockLanguageModelV3({
      doGenerate: [
        {
          content: [
            { type: 'tool-call', toolCallId: 'c1', toolName: 'search_contacts', input: '{"company":"Acme"}' },
          ],
          finishReason: { unified: 'tool-calls', raw: undefined },
          usage,
          warnings: [],
        },
        {
          content: [{ type: 'text', text: 'Ada Lovelace runs the Acme account.' }],
          finishReason: { unified: 'stop', raw: undefined },
          usage,
          warnings: [],
        },
      ],
    })
    expect(await aiSdkExample.ask(client, 'Who is at Acme?', model)).toBe(
      'Ada Lovelace runs the Acme account.',
    )
    expect(JSON.stringify(model.doGenerateCalls[1]?.prompt)).toContain('ada@acme.com')
  })
})
