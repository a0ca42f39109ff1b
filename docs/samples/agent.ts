/** docs/agent.md: agents over MCP servers and local tools, on any OpenAI-compatible model. */
import { Agent, OpenAIChatCompletionsModel, OpenAIResponsesModel, Runner, tool } from 'toolwire/agent'
import { ScriptedModel } from 'toolwire/agent/testing'
import { MCPServerStreamableHttp } from 'toolwire/client'
import { z } from 'zod'

interface Setup {
  url: string
  token: string
  instructions: string
  analytics: MCPServerStreamableHttp
}

export async function agent({ url, token, instructions, analytics }: Setup) {
  // #region agent
  const crm = new MCPServerStreamableHttp({
    name: 'CRM Tools',
    params: { url, headers: { Authorization: `Bearer ${token}` }, timeout: 15, sseReadTimeout: 120 },
    cacheToolsList: true,
  })
  await using _ = await crm.connect()
  const agent = new Agent({ name: 'Sales Intelligence Agent', instructions, mcpServers: [crm, analytics] })
  const result = await Runner.run(
    agent,
    'What is the current pipeline value for Q2 and which deals are most at risk?',
  )
  console.log(result.finalOutput, result.traceId)
  // #endregion agent
}

export function localModel(crm: MCPServerStreamableHttp) {
  // #region model
  const model = new OpenAIChatCompletionsModel({ model: 'llama3.1', baseURL: 'http://127.0.0.1:11434/v1' })
  const agent = new Agent({
    name: 'Sales',
    model, // or a name: model: 'gpt-4o-mini' (OPENAI_API_KEY / OPENAI_BASE_URL)
    modelSettings: { temperature: 0.2, parallelToolCalls: true, toolChoice: 'auto' },
    mcpServers: [crm],
  })
  // #endregion model
  return agent
}

export function responsesModel(crm: MCPServerStreamableHttp) {
  // #region responses
  const model = new OpenAIResponsesModel({
    model: 'gpt-5-mini', // or TOOLWIRE_MODEL
    reasoningEffort: 'low',
    reasoningSummary: 'auto',
    store: false, // nothing kept at OpenAI: reasoning travels encrypted in the history
  })
  const agent = new Agent({ name: 'Sales', model, mcpServers: [crm] })
  // #endregion responses
  return agent
}

export function hostedMcp(crmToken: string) {
  // #region hosted-mcp
  const model = new OpenAIResponsesModel({
    model: 'gpt-5-mini',
    hostedMcp: [
      {
        serverLabel: 'crm',
        serverUrl: 'https://crm.example.com/mcp', // reached by OpenAI, not by this process
        headers: { Authorization: `Bearer ${crmToken}` },
        allowedTools: ['search_deals', 'get_deal'],
        requireApproval: 'always', // the default
        onApproval: ({ name, arguments: args }) => name === 'search_deals' || args.length < 200,
      },
    ],
  })
  const agent = new Agent({ name: 'Sales', model })
  // #endregion hosted-mcp
  return agent
}

export function localTools(crm: MCPServerStreamableHttp) {
  // #region local-tool
  const today = tool({
    name: 'today',
    description: "Today's date (ISO 8601)",
    parameters: z.object({}),
    execute: () => new Date().toISOString().slice(0, 10),
  })
  const agent = new Agent({ name: 'Sales', tools: [today], mcpServers: [crm] })
  // #endregion local-tool
  return agent
}

export async function loop(agent: Agent) {
  // #region run-options
  const controller = new AbortController()
  const first = await Runner.run(agent, 'Which Q2 deals are at risk?', {
    maxTurns: 10, // model calls at most, then MaxTurnsExceededError
    signal: controller.signal, // abort: RunCancelledError, model and tool calls in flight aborted
    maxConcurrentToolCalls: 8,
  })
  // Continue the conversation: the previous history plus a new message.
  const next = await Runner.run(agent, [
    ...first.history,
    { type: 'message', role: 'user', content: 'And in Q3?' },
  ])
  // #endregion run-options
  return next
}

export async function streamed(agent: Agent) {
  // #region streaming
  const run = Runner.runStreamed(agent, 'Summarize the Q2 pipeline.')
  for await (const event of run) {
    if (event.type === 'text_delta') process.stdout.write(event.delta)
    else if (event.type === 'tool_called') console.error(`→ ${event.item.name} ${event.item.arguments}`)
    else if (event.type === 'tool_output' && event.item.isError) console.error(`✗ ${event.item.output}`)
  }
  const result = await run.completed
  // #endregion streaming
  return result
}

/** Run by test/docs/samples-run.test.ts against a served ToolServer with an `add` tool. */
export async function scripted(calculator: MCPServerStreamableHttp) {
  // #region testing
  const model = new ScriptedModel([
    { toolCalls: [{ name: 'add', arguments: { a: 2, b: 40 } }] },
    (request) => {
      const last = request.input.at(-1)
      return { answer: `The sum is ${last?.type === 'function_call_result' ? last.output : '?'}.` }
    },
  ])
  const agent = new Agent({ name: 'Calculator', model, mcpServers: [calculator] })
  const result = await Runner.run(agent, 'What is 2 + 40?')
  // result.finalOutput === 'The sum is {"sum":42}.'; model.requests holds what the runner sent.
  // #endregion testing
  return { result, model }
}
