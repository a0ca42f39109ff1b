/** docs/migrating-from-openai-agents.md: keeping @openai/agents, with toolwire/openai-agents. */
import { Agent, run } from '@openai/agents'
import { MCPServerStreamableHttp } from 'toolwire/openai-agents'

export async function fromJavaScript(url: string, token: string) {
  // #region keep-agents-js
  // was: import { MCPServerStreamableHttp } from '@openai/agents'
  const crm = new MCPServerStreamableHttp({
    url,
    name: 'CRM Tools',
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    cacheToolsList: true,
    timeout: 60_000, // still milliseconds
    toolFilter: { allowedToolNames: ['search_contacts', 'get_pipeline_summary'] },
  })
  // #endregion keep-agents-js
  return crm
}

export async function fromPython(url: string, token: string) {
  // #region python-agents-js
  const crm = new MCPServerStreamableHttp({
    url, // params["url"]
    name: 'CRM Tools',
    headers: { Authorization: `Bearer ${token}` }, // params["headers"]
    connectTimeoutSeconds: 15, // params["timeout"], seconds
    sseReadTimeoutSeconds: 120, // params["sse_read_timeout"], seconds
    cacheToolsList: true, // cache_tools_list
    clientSessionTimeoutSeconds: 30, // client_session_timeout_seconds: connect, tools/list…
    timeout: 30_000, // …and tool calls, which @openai/agents times in milliseconds
    maxRetryAttempts: 3, // max_retry_attempts
    toolFilter: { blockedToolNames: ['delete_account'] }, // tool_filter=create_static_tool_filter(…)
  })
  await crm.connect() // async with … as crm
  try {
    const agent = new Agent({
      name: 'Sales',
      instructions: 'Answer from the CRM.',
      mcpServers: [crm],
      mcpConfig: { includeServerInToolNames: true, convertSchemasToStrict: false }, // mcp_config={…}
    })
    const result = await run(agent, 'Which Q2 deals are at risk?') // Runner.run(agent, input)
    console.log(result.finalOutput) // result.final_output
  } finally {
    await crm.close()
  }
  // #endregion python-agents-js
}
