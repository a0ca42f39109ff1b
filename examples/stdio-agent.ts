/**
 * One agent over a local stdio server and a remote HTTP server:
 *
 *   npx tsx examples/stdio-agent.ts                      # a scripted model: no API key needed
 *   OPENAI_API_KEY=… TOOLWIRE_MODEL=gpt-5-mini npx tsx examples/stdio-agent.ts "What is 2+40? Then echo it."
 *
 * The echo tools run twice: as a child process over stdio (`toolwire serve examples/echo-tools.ts
 * --stdio`, what a desktop app's MCP config would run) and over HTTP (`serve()` in this
 * process, standing in for a remote server). The agent sees the tools of both, prefixed where
 * they share a name, and each call goes to its own server.
 */
import { fileURLToPath } from 'node:url'
import { Agent, type Model, Runner } from 'toolwire/agent'
import { ScriptedModel } from 'toolwire/agent/testing'
import { MCPServerStdio, MCPServerStreamableHttp } from 'toolwire/client'
import { serve } from 'toolwire/server'
import { server as echoTools } from './echo-tools.js'

const root = fileURLToPath(new URL('../', import.meta.url))
const question = process.argv[2] ?? 'Add 2 and 40 on the local server, then echo the sum on the remote one.'

const remote = await serve(echoTools, { port: 0, env: false, logLevel: 'silent' })
await using local = new MCPServerStdio({
  name: 'Local',
  params: {
    command: process.execPath,
    args: [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      'examples/echo-tools.ts',
      '--stdio',
      '--log-level',
      'warn',
    ],
    cwd: root,
  },
})
await using http = new MCPServerStreamableHttp({ name: 'Remote', params: { url: remote.url } })

// Without a model configured, a scripted one makes the same calls a model would.
const model: Model | undefined = process.env.TOOLWIRE_MODEL
  ? undefined
  : new ScriptedModel([
      { toolCalls: [{ name: 'local__add', arguments: { a: 2, b: 40 } }] },
      { toolCalls: [{ name: 'remote__echo', arguments: { text: 'the sum is 42' } }] },
      { answer: 'The local server added 2 and 40: 42; the remote one echoed "the sum is 42".' },
    ])
const agent = new Agent({
  name: 'Mixed',
  instructions: 'Use the tools of both servers; say which server answered what.',
  ...(model ? { model } : {}),
  mcpServers: [local, http],
})
try {
  const result = await Runner.run(agent, question)
  for (const item of result.newItems) {
    if (item.type === 'tool_call_item') console.log(`→ ${item.server}: ${item.tool} ${item.arguments}`)
    if (item.type === 'tool_call_output_item') console.log(`← ${item.output}`)
  }
  console.log(result.finalOutput)
} finally {
  await remote.close()
}
