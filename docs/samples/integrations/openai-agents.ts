/** docs/integrations/openai-agents.md: toolwire clients in @openai/agents' Agent and run(). */
import { Agent, MCPServers, run } from '@openai/agents'
import { clientCredentials, MCPServerStreamableHttp as ToolwireClient } from 'toolwire/client'
import { MCPServerStreamableHttp, toOpenAIAgentsServer } from 'toolwire/openai-agents'

export async function quickstart(url: string, token: string) {
  // #region quickstart
  const crm = new MCPServerStreamableHttp({
    url,
    name: 'CRM Tools',
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    cacheToolsList: true,
    timeout: 30_000, // milliseconds per tool call, as in @openai/agents
    toolFilter: { blockedToolNames: ['delete_account'] },
  })
  await crm.connect()
  try {
    const agent = new Agent({ name: 'Sales', instructions: 'Answer from the CRM.', mcpServers: [crm] })
    const result = await run(agent, 'Which Q2 deals are at risk?')
    console.log(result.finalOutput)
  } finally {
    await crm.close()
  }
  // #endregion quickstart
}

export function policies(url: string, clientSecret: string) {
  // #region policies
  const crm = new MCPServerStreamableHttp({
    url,
    name: 'CRM Tools',
    // @openai/agents' options…
    cacheToolsList: true,
    clientSessionTimeoutSeconds: 10, // connect and tools/list, seconds
    timeout: 60_000, // tools/call, milliseconds
    // …and toolwire's, under toolwire's names
    auth: clientCredentials({ tokenUrl: 'https://auth.example.com/token', clientId: 'agent', clientSecret }),
    maxRetryAttempts: 3,
    circuitBreaker: { failureThreshold: 5, resetTimeoutSeconds: 30 },
    protocolEra: 'auto',
  })
  crm.toolwire.on('retry', ({ attempt, delaySeconds }) =>
    console.warn(`retry ${attempt} in ${delaySeconds} s`),
  )
  // #endregion policies
  return crm
}

export async function wrap(url: string) {
  // #region wrap
  const client = new ToolwireClient({
    name: 'CRM Tools',
    params: { url, timeout: 15, sseReadTimeout: 120 }, // toolwire's options: seconds
    cacheToolsList: true,
  })
  const crm = toOpenAIAgentsServer(client, {
    timeout: 30_000,
    toolFilter: { allowedToolNames: ['search_contacts'] },
  })
  await crm.connect() // connects the client; crm.close() closes it for good
  // #endregion wrap
  return crm
}

export function filters(url: string) {
  // #region filters
  const crm = new MCPServerStreamableHttp({
    url,
    // Applied by @openai/agents on each turn, with the run context and the agent.
    toolFilter: async ({ agent }, tool) => {
      const annotations = (tool as { annotations?: { readOnlyHint?: boolean } }).annotations
      return agent.name === 'Admin' || annotations?.readOnlyHint === true
    },
  })
  // #endregion filters
  return crm
}

export async function servers(crmUrl: string, analyticsUrl: string) {
  // #region servers
  await using servers = await MCPServers.open(
    [
      new MCPServerStreamableHttp({ url: crmUrl, name: 'crm' }),
      new MCPServerStreamableHttp({ url: analyticsUrl, name: 'analytics' }),
    ],
    { connectTimeoutMs: 10_000, dropFailed: true },
  )
  const agent = new Agent({
    name: 'Sales',
    instructions: 'Answer from the CRM and the analytics.',
    mcpServers: servers.active,
    mcpConfig: { includeServerInToolNames: true }, // mcp_crm__search_contacts, …
  })
  console.log((await run(agent, 'Q2 forecast?')).finalOutput)
  // #endregion servers
}

export function errors(url: string) {
  // #region errors
  const crm = new MCPServerStreamableHttp({
    url,
    useStructuredContent: true, // the model reads structuredContent as JSON when a tool returns it
    // A thrown error (timeout, open circuit, refused token) becomes this text for the model;
    // null: run() rejects with ToolCallError, whose .error is the toolwire error.
    errorFunction: ({ error }) => `The CRM is unavailable (${(error as Error).message}); answer without it.`,
  })
  // #endregion errors
  return crm
}
