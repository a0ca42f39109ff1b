/** docs/integrations/ai-sdk.md: a toolwire client's tools in the Vercel AI SDK. */
import { generateText, type LanguageModel, stepCountIs, streamText, ToolLoopAgent } from 'ai'
import { aiSdkTools } from 'toolwire/ai-sdk'
import { MCPServerStreamableHttp } from 'toolwire/client'
import { z } from 'zod'

export async function generate(model: LanguageModel, url: string, token: string) {
  // #region generate
  await using crm = await new MCPServerStreamableHttp({
    name: 'CRM Tools',
    params: { url, headers: { Authorization: `Bearer ${token}` } },
    cacheToolsList: true,
  }).connect()

  const result = await generateText({
    model,
    tools: await aiSdkTools(crm),
    stopWhen: stepCountIs(5), // call tools, read their results, answer
    prompt: 'Which Q2 deals are at risk?',
  })
  console.log(result.text)
  // #endregion generate
  return result
}

export async function stream(model: LanguageModel, crm: MCPServerStreamableHttp, signal: AbortSignal) {
  // #region stream
  const result = streamText({
    model,
    tools: await aiSdkTools(crm),
    stopWhen: stepCountIs(5),
    abortSignal: signal, // cancels the model call and any running tool call (on the server too)
    prompt: 'Summarize the Q2 pipeline.',
  })
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') process.stdout.write(part.text)
    if (part.type === 'tool-error') console.warn(`${part.toolName} failed: ${String(part.error)}`)
  }
  // #endregion stream
}

export async function errors(model: LanguageModel, crm: MCPServerStreamableHttp) {
  // #region errors
  const result = await generateText({
    model,
    tools: await aiSdkTools(crm),
    stopWhen: stepCountIs(5),
    prompt: '…',
  })
  for (const step of result.steps) {
    for (const part of step.content) {
      // isError results and transport failures alike: McpToolError, McpTimeoutError, CircuitOpenError, …
      if (part.type === 'tool-error') console.warn(part.toolName, part.error)
    }
  }
  // As @ai-sdk/mcp: isError results returned as results (the model reads them as ordinary output).
  const lenient = await aiSdkTools(crm, { toolErrors: 'result' })
  // #endregion errors
  return lenient
}

export async function schemas(crm: MCPServerStreamableHttp) {
  // #region schemas
  const tools = await aiSdkTools(crm, {
    schemas: {
      get_pipeline_summary: {
        inputSchema: z.object({ quarter: z.string() }),
        outputSchema: z.object({ deals: z.number(), value: z.number() }),
      },
    },
  })
  // Only the named tools; typed input, and output from structuredContent, validated.
  const { deals } = await tools.get_pipeline_summary.execute({ quarter: '2026-Q2' })
  // #endregion schemas
  return deals
}

export async function agent(
  model: LanguageModel,
  crm: MCPServerStreamableHttp,
  analytics: MCPServerStreamableHttp,
) {
  // #region agent
  const sales = new ToolLoopAgent({
    model,
    instructions: 'Answer from the CRM and the analytics.',
    // Tool names are the servers' own: on a clash, the later set wins, so rename or filter first.
    tools: { ...(await aiSdkTools(crm)), ...(await aiSdkTools(analytics)) },
  })
  const { text } = await sales.generate({ prompt: 'Q2 forecast?' })
  // #endregion agent
  return text
}
