/** `toolwire inspect` as a user runs it: the compiled CLI prints a URL whose token opens the API. */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, expect, it } from 'vitest'
import { serve } from '../../../src/server/index.js'
import { buildCli, CLI_ENTRY } from '../../support/cli.js'
import { echoServer } from '../../support/echo-server.js'

beforeAll(() => buildCli(), 240_000)

/** Runs `toolwire inspect <args>` until it prints its URL; `check` gets the URL and stderr, then the process is stopped. */
async function inspect(
  args: string[],
  check: (url: URL, token: string, stderr: () => string) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  const child = spawn(process.execPath, [CLI_ENTRY, 'inspect', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // No model configured: the Chat view is off.
    env: { ...process.env, TOOLWIRE_MODEL: '', ...env },
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  try {
    let out = ''
    child.stdout.setEncoding('utf8')
    while (!/open (\S+)/.test(out)) out += (await once(child.stdout, 'data'))[0]
    const url = new URL(out.match(/open (\S+)/)![1]!)
    await check(url, new URLSearchParams(url.hash.slice(1)).get('token')!, () => stderr)
  } finally {
    child.kill('SIGTERM')
  }
  const [code] = await once(child, 'exit')
  expect(code).toBe(0)
}

it('prints the page URL with its token; the page and the API answer', async () => {
  await using running = await serve(echoServer(), { port: 0, env: false })
  await inspect([running.url, '-H', 'X-Tenant: acme'], async (url, token) => {
    expect(url.hostname).toBe('127.0.0.1')
    const script = await fetch(new URL('/app.js', url))
    expect(script.status).toBe(200)
    expect((await script.text()).length).toBeGreaterThan(5000)
    expect((await fetch(new URL('/api/targets', url))).status).toBe(403)
    const targets = await fetch(new URL('/api/targets', url), {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(await targets.json()).toEqual({
      targets: [{ name: new URL(running.url).host, url: running.url, headers: { 'X-Tenant': 'acme' } }],
      chat: false,
    })
  })
}, 60_000)

it('offers the remote servers of an mcp.json, variables filled in, and says which it left out', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tw-inspect-'))
  const file = join(dir, 'mcp.json')
  await writeFile(
    file,
    JSON.stringify({
      mcpServers: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: mcp.json's own variable syntax
        crm: { url: 'http://127.0.0.1:3001/mcp', headers: { 'X-API-Key': '${env:TW_TEST_CRM_KEY}' } },
        files: { command: 'npx', args: ['some-stdio-server'] },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: mcp.json's own variable syntax
        other: { url: 'http://127.0.0.1:3002/mcp', headers: { Authorization: 'Bearer ${TW_TEST_UNSET}' } },
      },
    }),
  )
  await inspect(
    [file],
    async (url, token, stderr) => {
      const targets = await fetch(new URL('/api/targets', url), {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(await targets.json()).toEqual({
        targets: [{ name: 'crm', url: 'http://127.0.0.1:3001/mcp', headers: { 'X-API-Key': 'k-123' } }],
        chat: false,
      })
      expect(stderr()).toMatch(/skipped files: it runs a local command/)
      expect(stderr()).toMatch(/skipped other: .*TW_TEST_UNSET is unset or empty/)
    },
    { TW_TEST_CRM_KEY: 'k-123' },
  )
}, 60_000)
