/**
 * The Vercel AI SDK's generateText, with the CRM tool server's tools through toolwire:
 *
 *   npm run example:crm &
 *   AI_GATEWAY_API_KEY=… npx tsx examples/integrations/ai-sdk.ts "Which Q2 deals are at risk?"
 *
 * AI_MODEL names the model (an AI Gateway id, default openai/gpt-5-mini); CRM_URL and
 * CRM_API_KEY point it elsewhere.
 */
import { generateText, type LanguageModel, stepCountIs } from 'ai'
import { aiSdkTools } from 'toolwire/ai-sdk'
import { MCPServerStreamableHttp } from 'toolwire/client'

export function crmClient(env: NodeJS.ProcessEnv = process.env): MCPServerStreamableHttp {
  return new MCPServerStreamableHttp({
    name: 'CRM Tools',
    params: {
      url: env.CRM_URL ?? 'http://127.0.0.1:3001/mcp',
      headers: { Authorization: `Bearer ${env.CRM_API_KEY ?? 'dev-crm-key'}` },
    },
    cacheToolsList: true,
    toolFilter: { blocked: ['update_deal_stage'] }, // this assistant only reads
  })
}

/** Answers with the CRM tools; prints each tool call and failure on stderr. */
export async function ask(crm: MCPServerStreamableHttp, question: string, model: LanguageModel) {
  const result = await generateText({
    model,
    system: 'Answer from the CRM tools with concrete numbers; name the deals you refer to.',
    tools: await aiSdkTools(crm),
    stopWhen: stepCountIs(6),
    prompt: question,
    onStepFinish: (step) => {
      for (const call of step.toolCalls) console.error(`→ ${call.toolName}(${JSON.stringify(call.input)})`)
      for (const part of step.content)
        if (part.type === 'tool-error') console.error(`✗ ${String(part.error)}`)
    },
  })
  return result.text
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await using crm = await crmClient().connect()
  const question = process.argv[2] ?? 'Which Q2 deals are most at risk?'
  console.log(await ask(crm, question, process.env.AI_MODEL ?? 'openai/gpt-5-mini'))
}
