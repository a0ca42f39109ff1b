/**
 * The Sales Intelligence Agent over the CRM and analytics tool servers, on any OpenAI-compatible
 * model endpoint:
 *
 *   npm run example:crm & npm run example:analytics &
 *   OPENAI_API_KEY=… TOOLWIRE_MODEL=gpt-4o-mini npx tsx examples/sales-agent.ts "Which Q2 deals are at risk?"
 *   OPENAI_BASE_URL=http://127.0.0.1:11434/v1 TOOLWIRE_MODEL=llama3.1 npx tsx examples/sales-agent.ts
 *
 * CRM_URL / ANALYTICS_URL and CRM_API_KEY / ANALYTICS_API_KEY point it elsewhere.
 */
import { Agent, Runner } from 'toolwire/agent'
import { MCPServerStreamableHttp } from 'toolwire/client'

export const SALES_INSTRUCTIONS = `You are a Sales Intelligence Agent for a B2B sales team.
Use the CRM tools for contacts, accounts, deals and the pipeline, and the analytics tools for
metrics, trends, win rates and forecasts. Quarters look like 2026-Q2; "Q2" means this year's.
Answer with concrete numbers (currency, counts) and name the deals you refer to. If a tool is
unavailable, say which information is missing instead of guessing.`

export function salesServers(env: NodeJS.ProcessEnv = process.env) {
  const server = (name: string, url: string, key: string) =>
    new MCPServerStreamableHttp({
      name,
      params: { url, headers: { Authorization: `Bearer ${key}` }, timeout: 15, sseReadTimeout: 120 },
      cacheToolsList: true,
    })
  return {
    crm: server('CRM Tools', env.CRM_URL ?? 'http://127.0.0.1:3001/mcp', env.CRM_API_KEY ?? 'dev-crm-key'),
    analytics: server(
      'Analytics',
      env.ANALYTICS_URL ?? 'http://127.0.0.1:3002/mcp',
      env.ANALYTICS_API_KEY ?? 'dev-analytics-key',
    ),
  }
}

export function salesAgent(servers: ReturnType<typeof salesServers>, model?: Agent['model']): Agent {
  return new Agent({
    name: 'Sales Intelligence Agent',
    instructions: SALES_INSTRUCTIONS,
    ...(model ? { model } : {}),
    mcpServers: [servers.crm, servers.analytics],
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const question =
    process.argv[2] ?? 'What is the current pipeline value for Q2, and which deals are most at risk?'
  const servers = salesServers()
  // Not connected up front: the run lists each server's tools, and a server that is down is
  // left out (the model is told) instead of ending the run. Pass { requireAllServers: true }
  // to Runner.runStreamed for a hard failure instead.
  await using _crm = servers.crm
  await using _analytics = servers.analytics
  const stream = Runner.runStreamed(salesAgent(servers), question)
  for await (const event of stream) {
    if (event.type === 'text_delta') process.stdout.write(event.delta)
    else if (event.type === 'tool_called')
      process.stderr.write(`→ ${event.item.server ?? 'local'}: ${event.item.tool}(${event.item.arguments})\n`)
    else if (event.type === 'warning') process.stderr.write(`warning: ${event.warning.message}\n`)
  }
  const result = await stream.completed
  process.stdout.write(
    `\n\n(trace ${result.traceId}, ${result.usage.requests} model calls, ${result.usage.totalTokens} tokens)\n`,
  )
}
