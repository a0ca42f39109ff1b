/**
 * README quick start: run an agent. `TOOLWIRE_MODEL=… OPENAI_API_KEY=… npx tsx agent.ts [url]`;
 * test/docs/quickstarts.test.ts runs it against the quick start server and a local
 * Chat Completions endpoint.
 */
// #region quickstart
import { Agent, Runner } from 'toolwire/agent'
import { MCPServerStreamableHttp } from 'toolwire/client'

// The model: TOOLWIRE_MODEL, on OpenAI (OPENAI_API_KEY) or any compatible endpoint (OPENAI_BASE_URL).
const url = process.argv[2] ?? 'http://127.0.0.1:3000/mcp'
await using calculator = await new MCPServerStreamableHttp({ name: 'Calculator', params: { url } }).connect()

const agent = new Agent({
  name: 'Assistant',
  instructions: 'Use your tools for arithmetic.',
  mcpServers: [calculator],
})
const result = await Runner.run(agent, 'What is 1234 + 4321?')
console.log(result.finalOutput)
// #endregion quickstart
