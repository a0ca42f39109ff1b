/** docs/migrating-from-openai-agents.md: the OpenAI Agents SDK's MCP examples, with toolwire. */
import { Agent, Runner } from 'toolwire/agent'
import { MCPServerStreamableHttp } from 'toolwire/client'

export async function fromPython(url: string, token: string) {
  // #region python
  await using crm = await new MCPServerStreamableHttp({
    name: 'CRM Tools',
    params: {
      url,
      headers: { Authorization: `Bearer ${token}` },
      timeout: 15, // seconds, as in Python
      sseReadTimeout: 120, // sse_read_timeout, seconds
    },
    cacheToolsList: true, // cache_tools_list
    clientSessionTimeoutSeconds: 30, // client_session_timeout_seconds
    maxRetryAttempts: 3, // max_retry_attempts (only failures that are safe to repeat)
    retryBackoffSecondsBase: 1, // retry_backoff_seconds_base
    toolFilter: { blocked: ['delete_account'] }, // create_static_tool_filter(blocked_tool_names=…)
  }).connect() // async with … as crm: connect(); close() when the scope ends

  const agent = new Agent({ name: 'Sales', instructions: 'Answer from the CRM.', mcpServers: [crm] })
  const result = await Runner.run(agent, 'Which Q2 deals are at risk?') // Runner.run(agent, input)
  console.log(result.finalOutput) // result.final_output
  // #endregion python
}

export async function fromJavaScript(url: string, token: string) {
  // #region javascript
  const crm = new MCPServerStreamableHttp({
    name: 'CRM Tools',
    params: { url, headers: { Authorization: `Bearer ${token}` } }, // was url + requestInit: { headers }
    cacheToolsList: true,
    clientSessionTimeoutSeconds: 60, // was timeout: 60000 (milliseconds, tool calls)
    toolFilter: { allowed: ['search_contacts', 'get_pipeline_summary'] }, // was createMCPToolStaticFilter
  })
  await crm.connect()
  try {
    const agent = new Agent({
      name: 'Sales',
      instructions: 'Answer from the CRM.',
      mcpServers: [crm],
      includeServerInToolNames: true, // was mcpConfig: { includeServerInToolNames: true }
    })
    const result = await Runner.run(agent, 'Which Q2 deals are at risk?', { maxTurns: 10 }) // was run(…)
    console.log(result.finalOutput)
  } finally {
    await crm.close()
  }
  // #endregion javascript
}

export function dynamicFilter(url: string) {
  // #region filter
  const crm = new MCPServerStreamableHttp({
    params: { url },
    // (context, tool) => boolean, as the Agents SDK's callable filter; context has serverName.
    toolFilter: ({ serverName }, tool) => serverName !== 'CRM Tools' || !tool.annotations?.destructiveHint,
  })
  // #endregion filter
  return crm
}
