import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashApiKey, type RunningServer, serve } from '../../src/server/index.js'
import { chatServer, streamed } from '../support/chat-endpoint.js'
import { runTs } from '../support/child.js'
import { buildCli, runCli } from '../support/cli.js'
import { echoServer } from '../support/echo-server.js'
import { listen, type TestHttpServer } from '../support/sdk-servers.js'

const chat = chatServer()
let endpoint: TestHttpServer
let tools: RunningServer

beforeAll(async () => {
  await buildCli()
  endpoint = await listen(chat.handler, { path: '/v1' })
  tools = await serve(echoServer(), {
    port: 0,
    env: false,
    auth: { apiKeys: [{ id: 'agent', sha256: hashApiKey('agent-key') }] },
  })
}, 240_000)
afterAll(async () => {
  await tools.close()
  await endpoint.close()
})

/** A streamed model turn that calls tools. */
const callTools = (calls: Array<{ name: string; arguments: Record<string, unknown> }>) =>
  streamed([
    {
      choices: [
        {
          index: 0,
          delta: {
            role: 'assistant',
            tool_calls: calls.map((c, index) => ({
              index,
              id: `call_${index}`,
              type: 'function',
              function: { name: c.name, arguments: JSON.stringify(c.arguments) },
            })),
          },
          finish_reason: 'tool_calls',
        },
      ],
    },
    { choices: [], usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 } },
  ])
const answer = (text: string) =>
  streamed([
    { choices: [{ index: 0, delta: { role: 'assistant', content: text }, finish_reason: 'stop' }] },
    { choices: [], usage: { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 } },
  ])

describe('with an OpenAI-compatible model endpoint', () => {
  it('toolwire agent: answers over an MCP server, tool calls on stderr', async () => {
    chat.set([callTools([{ name: 'sum', arguments: { a: 2, b: 3 } }]), answer('The sum is 5.')])
    const outcome = await runCli(
      ['agent', '--server', tools.url, '--token-env', 'AGENT_KEY', 'What is 2 + 3?'],
      {
        OPENAI_BASE_URL: endpoint.url,
        TOOLWIRE_MODEL: 'test-model',
        OPENAI_API_KEY: '',
        AGENT_KEY: 'agent-key',
      },
    )
    expect(outcome.code).toBe(0)
    expect(outcome.stdout.trim()).toBe('The sum is 5.')
    expect(outcome.stderr).toContain('→ 127.0.0.1')
    expect(outcome.stderr).toContain('sum({"a":2,"b":3})')
    expect(outcome.stderr).toMatch(/trace [0-9a-f]{32}, 2 model calls, 82 tokens/)
    expect(chat.requests[1]!.body.messages.at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 'call_0',
      content: '{"sum":5}',
    })
  })

  it('toolwire agent: a server that is down is left out (a warning, the model told); --require-all-servers fails', async () => {
    const dead = await listen(() => {})
    const deadUrl = dead.url
    await dead.close()
    const env = {
      OPENAI_BASE_URL: endpoint.url,
      TOOLWIRE_MODEL: 'test-model',
      OPENAI_API_KEY: '',
      AGENT_KEY: 'agent-key',
    }
    chat.requests.length = 0
    chat.set([answer('Without the CRM: the sum tool is there.')])
    const args = [
      'agent',
      '--server',
      deadUrl,
      '--server',
      tools.url,
      '--token-env',
      'AGENT_KEY',
      '--timeout',
      '2',
    ]
    const outcome = await runCli([...args, 'What is up?'], env)
    expect(outcome.code).toBe(0)
    expect(outcome.stdout.trim()).toBe('Without the CRM: the sum tool is there.')
    expect(outcome.stderr).toMatch(
      new RegExp(
        `warning: ${new URL(deadUrl).host} is unavailable, its tools are left out of this run: nothing is listening at`,
      ),
    )
    const system = chat.requests[0]!.body.messages.find((m) => m.role === 'system')
    expect(String(system?.content)).toContain('these tool servers are unavailable in this run')
    expect(chat.requests[0]!.body.tools?.map((t) => t.function.name)).toContain('sum')
    const strict = await runCli([...args, '--require-all-servers', 'What is up?'], env)
    expect(strict.code).toBe(1)
    expect(strict.stderr).toMatch(/^error: nothing is listening at 127\.0\.0\.1:\d+: .*\(ECONNREFUSED\)/)
  })

  it('examples/sales-agent.ts with the CRM down answers with the analytics tools', async () => {
    const dead = await listen(() => {})
    await dead.close()
    chat.set([answer('The CRM is unavailable, so deal data is missing.')])
    const outcome = await runTs(['examples/sales-agent.ts', 'Which Q2 deals are at risk?'], {
      OPENAI_BASE_URL: endpoint.url,
      TOOLWIRE_MODEL: 'test-model',
      OPENAI_API_KEY: '',
      CRM_URL: dead.url,
      ANALYTICS_URL: tools.url,
      ANALYTICS_API_KEY: 'agent-key',
    })
    expect(outcome.code).toBe(0)
    expect(outcome.stdout).toContain('The CRM is unavailable, so deal data is missing.')
    expect(outcome.stderr).toContain('warning: CRM Tools is unavailable')
    expect(outcome.stderr).not.toMatch(/Uncaught|at .*\.ts:\d+/)
  })

  it('toolwire agent: no model configured is a clear error, before any server is contacted', async () => {
    const outcome = await runCli(['agent', '--server', 'http://127.0.0.1:1/mcp', 'hi'], {
      OPENAI_BASE_URL: '',
      OPENAI_API_KEY: '',
      TOOLWIRE_MODEL: '',
    })
    expect(outcome.code).toBe(2)
    expect(outcome.stderr).toMatch(/^error: no model: give --model <name> or set TOOLWIRE_MODEL/)
    expect(outcome.stderr).not.toMatch(/ECONNREFUSED|unreachable/)
  })

  it('npm run demo with a model: the Sales Intelligence Agent answers; the servers log its trace id', async () => {
    chat.set([
      callTools([
        { name: 'get_pipeline_summary', arguments: { quarter: 'Q2' } },
        { name: 'list_at_risk_deals', arguments: { quarter: 'Q2', limit: 3 } },
      ]),
      answer('Q2 open pipeline: $185M; most at risk: three deals.'),
    ])
    const outcome = await runTs(['examples/demo.ts'], {
      OPENAI_BASE_URL: endpoint.url,
      TOOLWIRE_MODEL: 'test-model',
      DATABASE_URL: '',
    })
    expect(outcome.code, outcome.stderr).toBe(0)
    expect(outcome.stdout).toContain('Sales Intelligence Agent on test-model')
    expect(outcome.stdout).toContain('→ CRM Tools: get_pipeline_summary({"quarter":"Q2"})')
    expect(outcome.stdout).toContain('Q2 open pipeline: $185M; most at risk: three deals.')
    expect(outcome.stdout).toMatch(
      /agent run\s+[0-9a-f]{32}\s+crm:(get_pipeline_summary|list_at_risk_deals), crm:(get_pipeline_summary|list_at_risk_deals)/,
    )
    const system = chat.requests[0]!.body.messages[0] as { role: string; content: string }
    expect(system).toMatchObject({
      role: 'system',
      content: expect.stringContaining('Sales Intelligence Agent'),
    })
    expect(chat.requests[0]!.body.tools!.map((t) => t.function.name)).toContain('forecast')
  }, 60_000)
})
