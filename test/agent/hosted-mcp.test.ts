import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Agent,
  type HostedMcpApprovalRequest,
  ModelConfigError,
  OpenAIResponsesModel,
  Runner,
} from '../../src/agent/index.js'
import {
  mcpApprovalRequest,
  mcpCall,
  mcpListTools,
  message,
  respond,
  responsesServer,
  stream,
} from '../support/responses-endpoint.js'
import { listen, type TestHttpServer } from '../support/sdk-servers.js'

const api = responsesServer()
let endpoint: TestHttpServer

beforeAll(async () => {
  endpoint = await listen(api.handler, { path: '/v1' })
})
afterAll(async () => {
  await endpoint.close()
})

function model(onApproval?: (request: HostedMcpApprovalRequest) => boolean) {
  return new OpenAIResponsesModel({
    model: 'test-model',
    apiKey: 'sk-test',
    baseURL: endpoint.url,
    hostedMcp: [
      {
        serverLabel: 'crm',
        serverUrl: 'https://crm.example.com/mcp',
        headers: { Authorization: 'Bearer crm-token' },
        allowedTools: ['search_deals'],
        ...(onApproval ? { onApproval } : {}),
      },
    ],
  })
}

describe('the hosted MCP tool (Responses API)', () => {
  it('declares the server, asks for approval, sends the answer back and keeps the items', async () => {
    const asked: HostedMcpApprovalRequest[] = []
    api.set([
      respond([mcpListTools('crm'), mcpApprovalRequest('mcpr_1', 'crm', 'search_deals', { q: 'acme' })]),
      respond([
        mcpCall('mcp_1', 'crm', 'search_deals', '[{"deal":"Acme"}]'),
        message('Acme has one open deal.'),
      ]),
    ])
    const agent = new Agent({
      name: 'Sales',
      model: model((request) => {
        asked.push(request)
        return true
      }),
    })
    const result = await Runner.run(agent, 'Deals for Acme?')
    expect(result.finalOutput).toBe('Acme has one open deal.')
    expect(asked).toEqual([{ serverLabel: 'crm', name: 'search_deals', arguments: '{"q":"acme"}' }])
    const [first, second] = api.requests
    expect(first!.body.tools).toEqual([
      {
        type: 'mcp',
        server_label: 'crm',
        server_url: 'https://crm.example.com/mcp',
        require_approval: 'always',
        headers: { Authorization: 'Bearer crm-token' },
        allowed_tools: ['search_deals'],
      },
    ])
    expect(second!.body.input).toEqual([
      { role: 'user', content: 'Deals for Acme?' },
      mcpListTools('crm'),
      mcpApprovalRequest('mcpr_1', 'crm', 'search_deals', { q: 'acme' }),
      { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve: true },
    ])
    // Both requests count; the hosted items stay in the history for the next turn.
    expect(result.usage.requests).toBe(2)
    expect(result.history.filter((item) => item.type === 'hosted_tool_item')).toHaveLength(4)
  })

  it('refuses every call without onApproval, also when streaming', async () => {
    api.set([
      stream([mcpApprovalRequest('mcpr_2', 'crm', 'search_deals', {})]),
      stream([message('I was not allowed to search the CRM.')]),
    ])
    const run = Runner.runStreamed(new Agent({ name: 'Sales', model: model() }), 'Deals?')
    const deltas: string[] = []
    for await (const event of run) if (event.type === 'text_delta') deltas.push(event.delta)
    expect((await run.completed).finalOutput).toBe('I was not allowed to search the CRM.')
    expect(deltas).toEqual(['I was not allowed to search the CRM.'])
    expect(api.requests[1]!.body.input).toContainEqual({
      type: 'mcp_approval_response',
      approval_request_id: 'mcpr_2',
      approve: false,
    })
  })

  it('validates the servers at construction', () => {
    const make = (server: Record<string, unknown>) =>
      new OpenAIResponsesModel({
        model: 'm',
        apiKey: 'k',
        hostedMcp: [{ serverLabel: 'crm', serverUrl: 'https://x/mcp', ...server }],
      })
    expect(() => make({ serverUrl: 'file:///etc/passwd' })).toThrow(ModelConfigError)
    expect(() => make({ serverLabel: 'has space' })).toThrow(/serverLabel/)
  })
})
