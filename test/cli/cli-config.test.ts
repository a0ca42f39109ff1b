// biome-ignore-all lint/suspicious/noTemplateCurlyInString: this file writes and expects ${VAR} placeholders
/**
 * `--config mcp.json`: the servers users already configured for VS Code, Claude Desktop and
 * Cursor, by name, each with its own headers and keys (`${env:VAR}`, `${VAR}`), for `tools`,
 * `call` and `agent`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { hashApiKey, type RunningServer, serve, ToolServer } from '../../src/server/index.js'
import { chatServer, streamed } from '../support/chat-endpoint.js'
import { buildCli, CLI_ENTRY, runCli } from '../support/cli.js'
import { echoServer } from '../support/echo-server.js'
import { listen, type TestHttpServer } from '../support/sdk-servers.js'

const chat = chatServer()
let endpoint: TestHttpServer
let analytics: RunningServer
let crm: RunningServer
let claudeConfig: string
let vscodeConfig: string

beforeAll(async () => {
  await buildCli()
  endpoint = await listen(chat.handler, { path: '/v1' })
  analytics = await serve(echoServer(), {
    port: 0,
    env: false,
    auth: { apiKeys: [{ id: 'analytics', sha256: hashApiKey('analytics-key') }] },
  })
  const crmTools = new ToolServer({ name: 'crm', version: '1.0.0' }).tool(
    'find_account',
    { input: z.object({ name: z.string() }), annotations: { readOnlyHint: true } },
    ({ name }) => ({ account: name, owner: 'Dana' }),
  )
  crm = await serve(crmTools, {
    port: 0,
    env: false,
    auth: { apiKeys: [{ id: 'crm', sha256: hashApiKey('crm-key') }] },
  })
  const dead = await listen(() => {})
  await dead.close()
  const dir = mkdtempSync(join(tmpdir(), 'toolwire-config-'))
  claudeConfig = join(dir, 'claude_desktop_config.json')
  writeFileSync(
    claudeConfig,
    JSON.stringify({
      mcpServers: {
        'CRM Tools': { type: 'http', url: crm.url, headers: { Authorization: 'Bearer ${env:CRM_KEY}' } },
        Analytics: { url: analytics.url, headers: { Authorization: 'Bearer ${ANALYTICS_KEY}' } },
        Billing: { type: 'streamable-http', url: dead.url },
        // A stdio server: run as a local process (here toolwire's own, serving the echo tools).
        files: { command: process.execPath, args: [CLI_ENTRY, 'serve', 'examples/echo-tools.ts', '--stdio'] },
        legacy: { type: 'sse', url: 'http://127.0.0.1:1/sse' },
      },
    }),
  )
  vscodeConfig = join(dir, 'mcp.json')
  writeFileSync(
    vscodeConfig,
    `{
  // VS Code: "servers", comments and trailing commas
  "servers": {
    "crm": { "type": "http", "url": "${crm.url}", "headers": { "Authorization": "Bearer \${env:CRM_KEY}" } },
    "secret": { "type": "http", "url": "${crm.url}", "headers": { "Authorization": "Bearer \${input:crm-key}" } },
  },
}`,
  )
}, 240_000)
afterAll(async () => {
  await Promise.all([analytics.close(), crm.close(), endpoint.close()])
})

const env = { CRM_KEY: 'crm-key', ANALYTICS_KEY: 'analytics-key' }
const toolwire = (args: string[], extra: Record<string, string> = {}) =>
  runCli(args, { ...env, ...extra }, 30_000)

describe('toolwire --config', () => {
  it('tools and call reach servers by name, each with its own key; stdio servers run as processes', async () => {
    const [crmTools, sum, vscode, input, unset, unknown, stdio] = await Promise.all([
      toolwire(['tools', 'CRM Tools', '--config', claudeConfig]),
      toolwire(['call', 'Analytics', 'sum', 'a=2', 'b=40', '--config', claudeConfig]),
      toolwire(['call', 'crm', 'find_account', 'name=Acme', '--config', vscodeConfig]),
      toolwire(['tools', 'secret', '--config', vscodeConfig]),
      toolwire(['tools', 'CRM Tools', '--config', claudeConfig], { CRM_KEY: '' }),
      toolwire(['tools', 'Nope', '--config', claudeConfig]),
      toolwire(['tools', 'files', '--config', claudeConfig]),
    ])
    expect(crmTools.code).toBe(0)
    expect(crmTools.stdout).toMatch(/^find_account \(read-only\)/m)
    expect(JSON.parse(sum.stdout)).toEqual({ sum: 42 })
    expect(JSON.parse(vscode.stdout)).toEqual({ account: 'Acme', owner: 'Dana' })
    expect(input.code).toBe(2)
    expect(input.stderr).toContain('uses ${input:crm-key}, which only an editor can fill in')
    expect(unset.code).toBe(2)
    expect(unset.stderr).toContain(
      'server "CRM Tools", header "Authorization" uses ${env:CRM_KEY}, but CRM_KEY is unset or empty',
    )
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain(
      'has no server "Nope"; it has "CRM Tools", "Analytics", "Billing", "files"',
    )
    expect(stdio.code, stdio.stderr).toBe(0)
    expect(stdio.stdout).toMatch(/^echo 1\.0\.0 · protocol 2026-07-28 · 3 tools/)
    expect(stdio.stdout).toMatch(/^add \(read-only\)\s+a: number, b: number/m)
    const [ping, http] = await Promise.all([
      toolwire(['ping', 'files', '--config', claudeConfig]),
      toolwire(['tools', 'legacy', '--config', claudeConfig]),
    ])
    expect(ping.code).toBe(2)
    expect(ping.stderr).toContain(
      'server "files" runs a local command (stdio): this command speaks Streamable HTTP only',
    )
    expect(http.code).toBe(2)
    expect(http.stderr).toContain('server "legacy" uses the old HTTP+SSE transport')
  })

  it('agent uses every server of the file, by name, stdio ones too: the model reads "Billing", not host:port', async () => {
    chat.requests.length = 0
    chat.set([
      streamed([
        {
          choices: [
            {
              index: 0,
              delta: {
                role: 'assistant',
                tool_calls: [
                  {
                    index: 0,
                    id: 'c0',
                    type: 'function',
                    function: { name: 'find_account', arguments: '{"name":"Acme"}' },
                  },
                  {
                    index: 1,
                    id: 'c1',
                    type: 'function',
                    function: { name: 'sum', arguments: '{"a":1,"b":2}' },
                  },
                ],
              },
              finish_reason: 'tool_calls',
            },
          ],
        },
      ]),
      streamed([
        { choices: [{ index: 0, delta: { role: 'assistant', content: 'Dana, 3.' }, finish_reason: 'stop' }] },
      ]),
    ])
    const outcome = await toolwire(['agent', '--config', claudeConfig, '--timeout', '2', 'Who owns Acme?'], {
      OPENAI_BASE_URL: endpoint.url,
      OPENAI_API_KEY: '',
      TOOLWIRE_MODEL: 'test-model',
    })
    expect(outcome.code, outcome.stderr).toBe(0)
    expect(outcome.stdout.trim()).toBe('Dana, 3.')
    expect(outcome.stderr).toContain('warning: server "legacy" of')
    expect(outcome.stderr).toMatch(/→ CRM Tools: find_account/)
    expect(outcome.stderr).toMatch(/→ Analytics: sum/)
    const system = chat.requests[0]!.body.messages.find((m) => m.role === 'system')
    expect(String(system?.content)).toMatch(/unavailable in this run.*: Billing \(nothing is listening at/)
    expect(chat.requests[0]!.body.tools?.map((t) => t.function.name)).toEqual(
      expect.arrayContaining(['find_account', 'sum', 'count_to']),
    )
    const results = chat.requests[1]!.body.messages.filter((m) => m.role === 'tool').map((m) => m.content)
    expect(results).toEqual(['{"account":"Acme","owner":"Dana"}', '{"sum":3}'])
  })
})
