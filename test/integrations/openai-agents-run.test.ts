/**
 * `@openai/agents`' own Agent and run(), with their Chat Completions model talking to a local
 * endpoint that answers from a script, calling toolwire tools on a real server through
 * `toolwire/openai-agents`. What the model is offered and what it reads back are taken from the
 * requests the endpoint received.
 */
import {
  Agent,
  type MCPServer,
  MCPServers,
  OpenAIChatCompletionsModel,
  run,
  setTracingDisabled,
  ToolCallError,
  UserError,
} from '@openai/agents'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  McpTimeoutError,
  ToolListCache,
  MCPServerStreamableHttp as ToolwireClient,
} from '../../src/client/index.js'
import { MCPServerStreamableHttp, toOpenAIAgentsServer } from '../../src/integrations/openai-agents/index.js'
import { type ChatRequest, chatServer, completion } from '../support/chat-endpoint.js'
import { listen, type TestHttpServer } from '../support/sdk-servers.js'
import { API_KEY, type CrmServer, startCrmServer } from './crm-tool-server.js'

setTracingDisabled(true)
const chat = chatServer()
let endpoint: TestHttpServer
let model: OpenAIChatCompletionsModel

beforeAll(async () => {
  endpoint = await listen(chat.handler, { path: '/v1' })
  model = new OpenAIChatCompletionsModel(new OpenAI({ baseURL: endpoint.url, apiKey: 'test' }), 'test-model')
})
afterAll(() => endpoint.close())

const callTools = (...calls: Array<[name: string, args: Record<string, unknown>]>) =>
  completion(
    {
      content: null,
      tool_calls: calls.map(([name, args], i) => ({
        id: `call_${i}`,
        type: 'function',
        function: { name, arguments: JSON.stringify(args) },
      })),
    },
    'tool_calls',
  )
const answer = (text: string) => completion({ content: text }, 'stop')
const offered = (request: { body: ChatRequest } | undefined) =>
  request?.body.tools?.map((t) => t.function.name) ?? []
/** The tool outputs the model read in a request, by call id. */
const toolOutputs = (request: { body: ChatRequest } | undefined) =>
  Object.fromEntries(
    (request?.body.messages ?? [])
      .filter((m) => m.role === 'tool')
      .map((m) => [m.tool_call_id as string, m.content]),
  )

describe.each(['modern', 'legacy'] as const)('Agent + run() over a %s-era toolwire server', (era) => {
  let crm: CrmServer
  beforeAll(async () => {
    crm = await startCrmServer({ apiKey: true })
  })
  afterAll(() => crm.close())
  const server = (options: Partial<ConstructorParameters<typeof MCPServerStreamableHttp>[0]> = {}) =>
    new MCPServerStreamableHttp({
      url: crm.url,
      name: 'CRM',
      requestInit: { headers: { Authorization: `Bearer ${API_KEY}` } },
      protocolEra: era,
      toolListCache: new ToolListCache(),
      ...options,
    })

  it('offers the filtered tools, calls them, and gives the model results and tool failures as output', async () => {
    await withConnected(
      server({ toolFilter: { blockedToolNames: ['delete_account'] } }),
      async (crmServer) => {
        chat.set([
          callTools(['search_contacts', { company: 'Acme' }], ['update_deal', { id: 'D-7' }]),
          answer('Ada Lovelace is the contact; deal D-7 is locked.'),
        ])
        const agent = new Agent({
          name: 'Sales',
          instructions: 'Use the CRM.',
          model,
          mcpServers: [crmServer],
        })
        const result = await run(agent, 'Who is our contact at Acme, and update deal D-7')

        expect(result.finalOutput).toBe('Ada Lovelace is the contact; deal D-7 is locked.')
        expect(offered(chat.requests[0])).toEqual([
          'search_contacts',
          'pipeline_summary',
          'update_deal',
          'slow_report',
        ])
        const outputs = toolOutputs(chat.requests[1])
        expect(outputs.call_0).toContain('Acme: Ada Lovelace <ada@acme.com>')
        // An isError result is output, not an exception: the model reads the tool's own words.
        expect(outputs.call_1).toContain('deal D-7 is locked by another user')
        expect(outputs.call_1).not.toContain('An error occurred')
      },
    )
  })

  it('useStructuredContent: the model reads structuredContent as JSON', async () => {
    await withConnected(server({ useStructuredContent: true }), async (crmServer) => {
      chat.set([callTools(['pipeline_summary', { quarter: 'Q2' }]), answer('3 deals')])
      const agent = new Agent({ name: 'Sales', instructions: '', model, mcpServers: [crmServer] })
      await run(agent, 'Q2 pipeline?')
      expect(toolOutputs(chat.requests[1]).call_0).toBe('{"deals":3,"value":120000}')
    })
  })

  it('a callable toolFilter sees their run context and agent', async () => {
    const seen: string[] = []
    const filtered = server({
      toolFilter: async ({ agent, serverName }, tool) => {
        seen.push(`${serverName}/${agent.name}`)
        const annotations = (tool as { annotations?: { readOnlyHint?: boolean } }).annotations
        return agent.name !== 'Reader' || annotations?.readOnlyHint === true
      },
    })
    await withConnected(filtered, async (crmServer) => {
      chat.set([answer('ok'), answer('ok')])
      await run(new Agent({ name: 'Reader', instructions: '', model, mcpServers: [crmServer] }), 'hi')
      await run(new Agent({ name: 'Admin', instructions: '', model, mcpServers: [crmServer] }), 'hi')
      expect(offered(chat.requests[0])).toEqual(['search_contacts', 'pipeline_summary'])
      expect(offered(chat.requests[1])).toContain('delete_account')
      expect(seen).toContain('CRM/Reader')
    })
  })

  it('cacheToolsList: toolwire lists once across runs; invalidateToolsCache() lists again', async () => {
    await withConnected(server({ cacheToolsList: true }), async (crmServer) => {
      const agent = new Agent({ name: 'Sales', instructions: '', model, mcpServers: [crmServer] })
      const before = crm.count('tools/list')
      chat.set([answer('one'), answer('two'), answer('three')])
      await run(agent, 'first')
      await run(agent, 'second')
      expect(crm.count('tools/list') - before).toBe(1)
      expect(crmServer.cacheToolsList).toBe(false) // the SDK's own name-keyed copy stays off
      await crmServer.invalidateToolsCache()
      await run(agent, 'third')
      expect(crm.count('tools/list') - before).toBe(2)
    })
  })

  it('a tool-call timeout (milliseconds) reaches errorFunction; errorFunction: null rethrows the toolwire error', async () => {
    await withConnected(server({ timeout: 200 }), async (crmServer) => {
      chat.set([callTools(['slow_report', { ms: 3000 }]), answer('the report timed out')])
      const agent = new Agent({ name: 'Sales', instructions: '', model, mcpServers: [crmServer] })
      expect((await run(agent, 'report')).finalOutput).toBe('the report timed out')
      expect(toolOutputs(chat.requests[1]).call_0).toMatch(/An error occurred.*request timeout after 0.2 s/)
    })
    await withConnected(server({ timeout: 200, errorFunction: null }), async (crmServer) => {
      chat.set([callTools(['slow_report', { ms: 3000 }])])
      const agent = new Agent({ name: 'Sales', instructions: '', model, mcpServers: [crmServer] })
      const failure = await run(agent, 'report').catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(ToolCallError)
      expect((failure as ToolCallError).error).toBeInstanceOf(McpTimeoutError)
      expect((failure as ToolCallError).error).toMatchObject({ code: 'MCP_TIMEOUT', seconds: 0.2 })
    })
  })
})

describe('several servers', () => {
  let crm: CrmServer
  beforeAll(async () => {
    crm = await startCrmServer()
  })
  afterAll(() => crm.close())

  it('same tool names on two servers: the SDK refuses them, or prefixes them with mcpConfig', async () => {
    const east = new MCPServerStreamableHttp({ url: crm.url, name: 'crm east' })
    const west = toOpenAIAgentsServer(new ToolwireClient({ name: 'crm west', params: { url: crm.url } }))
    await using servers = await MCPServers.open([east, west], { strict: true })
    chat.set([answer('ok')])
    const plain = new Agent({ name: 'A', instructions: '', model, mcpServers: servers.active })
    await expect(run(plain, 'hi')).rejects.toThrow(UserError)
    const prefixed = new Agent({
      name: 'B',
      instructions: '',
      model,
      mcpServers: servers.active,
      mcpConfig: { includeServerInToolNames: true },
    })
    chat.set([callTools(['mcp_crm_west__search_contacts', { company: 'Initech' }]), answer('done')])
    await run(prefixed, 'hi')
    expect(offered(chat.requests[0])).toContain('mcp_crm_east__search_contacts')
    expect(toolOutputs(chat.requests[1]).call_0).toContain('Initech: Ada Lovelace')
  })
})

/** Connects an MCP server for the duration of `body`, as their docs ask (connect before use). */
async function withConnected<T extends MCPServer>(
  server: T,
  body: (server: T) => Promise<void>,
): Promise<void> {
  await server.connect()
  try {
    await body(server)
  } finally {
    await server.close()
  }
}
