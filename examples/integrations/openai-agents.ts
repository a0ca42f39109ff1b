/**
 * @openai/agents' Agent and run(), calling the CRM tool server through toolwire (retries, breaker,
 * tool-list cache, both protocol eras):
 *
 *   npm run example:crm &
 *   OPENAI_API_KEY=… npx tsx examples/integrations/openai-agents.ts "Which Q2 deals are at risk?"
 *
 * CRM_URL and CRM_API_KEY point it elsewhere; the model is @openai/agents' default (OPENAI_MODEL
 * names another).
 */
import { Agent, type Model, run } from '@openai/agents'
import { MCPServerStreamableHttp } from 'toolwire/openai-agents'

export function crmServer(env: NodeJS.ProcessEnv = process.env): MCPServerStreamableHttp {
  return new MCPServerStreamableHttp({
    url: env.CRM_URL ?? 'http://127.0.0.1:3001/mcp',
    name: 'CRM Tools',
    requestInit: { headers: { Authorization: `Bearer ${env.CRM_API_KEY ?? 'dev-crm-key'}` } },
    cacheToolsList: true,
    timeout: 30_000, // milliseconds, as in @openai/agents
    toolFilter: { blockedToolNames: ['update_deal_stage'] }, // this agent only reads
  })
}

/** Asks the question with the CRM tools; `model` defaults to @openai/agents' default model. */
export async function ask(crm: MCPServerStreamableHttp, question: string, model?: Model | string) {
  const agent = new Agent({
    name: 'Sales Intelligence Agent',
    instructions: 'Answer from the CRM tools with concrete numbers; name the deals you refer to.',
    mcpServers: [crm],
    ...(model ? { model } : {}),
  })
  const result = await run(agent, question)
  return result.finalOutput ?? ''
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const crm = crmServer()
  crm.toolwire.on('retry', (event) => console.error(`retrying ${event.method} (attempt ${event.attempt})`))
  await crm.connect()
  try {
    const question = process.argv[2] ?? 'Which Q2 deals are most at risk?'
    console.log(await ask(crm, question, process.env.OPENAI_MODEL))
  } finally {
    await crm.close()
  }
}
