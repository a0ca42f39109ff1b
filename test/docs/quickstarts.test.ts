/**
 * The README's three quick starts, run as a user runs them: the server as its own process, then
 * the client and the agent (against a local Chat Completions endpoint) as theirs.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ChatRequest, chatServer, completion } from '../support/chat-endpoint.js'
import { runTs } from '../support/child.js'
import { listen, type TestHttpServer } from '../support/sdk-servers.js'

let server: ChildProcess
let url: string
const chat = chatServer()
let endpoint: TestHttpServer

beforeAll(async () => {
  server = spawn(process.execPath, ['--import', 'tsx', 'docs/samples/quickstart-server.ts'], {
    env: { ...process.env, TOOLWIRE_PORT: '0', TOOLWIRE_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [line] = (await once(createInterface({ input: server.stdout! }), 'line')) as [string]
  url = line.replace('MCP server listening on ', '')
  endpoint = await listen(chat.handler, { path: '/v1' })
})

afterAll(async () => {
  await endpoint.close()
  server.kill('SIGTERM')
  const [code] = (await once(server, 'exit')) as [number | null]
  expect(code).toBe(0)
})

describe('README quick starts', () => {
  it('serve tools: listens on the port from TOOLWIRE_PORT', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/)
  })

  it('call tools from a client: lists the tools and adds', async () => {
    const outcome = await runTs(['docs/samples/quickstart-client.ts', url])
    expect(outcome.stderr).toBe('')
    expect(outcome.stdout).toContain('Calculator offers: add')
    expect(outcome.stdout).toMatch(/add → \{ sum: 42 \} trace [0-9a-f]{32}/)
  })

  it('run an agent: the model calls the tool and answers', async () => {
    chat.set([
      completion(
        {
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'add', arguments: '{"a":1234,"b":4321}' } },
          ],
        },
        'tool_calls',
      ),
      (body: ChatRequest, res) => {
        const toolMessage = body.messages.find((m) => m.role === 'tool')
        completion({ content: `1234 + 4321 = ${String(toolMessage?.content)}` }, 'stop')(body, res)
      },
    ])
    const outcome = await runTs(['docs/samples/quickstart-agent.ts', url], {
      OPENAI_BASE_URL: endpoint.url,
      OPENAI_API_KEY: '',
      TOOLWIRE_MODEL: 'test-model',
    })
    expect(outcome.stderr).toBe('')
    expect(outcome.stdout).toContain('1234 + 4321 = {"sum":5555}')
    expect(chat.requests[0]?.body.tools?.map((t) => t.function.name)).toEqual(['add'])
  })
})
