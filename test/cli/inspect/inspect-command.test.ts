/** `toolwire inspect` as a user runs it: the compiled CLI prints a URL whose token opens the API. */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { beforeAll, expect, it } from 'vitest'
import { serve } from '../../../src/server/index.js'
import { buildCli, CLI_ENTRY } from '../../support/cli.js'
import { echoServer } from '../../support/echo-server.js'

beforeAll(() => buildCli(), 240_000)

it('prints the page URL with its token; the page and the API answer', async () => {
  await using running = await serve(echoServer(), { port: 0, env: false })
  const child = spawn(process.execPath, [CLI_ENTRY, 'inspect', running.url, '-H', 'X-Tenant: acme'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  try {
    let out = ''
    child.stdout.setEncoding('utf8')
    while (!/open (\S+)/.test(out)) out += (await once(child.stdout, 'data'))[0]
    const url = new URL(out.match(/open (\S+)/)![1]!)
    expect(url.hostname).toBe('127.0.0.1')
    const token = new URLSearchParams(url.hash.slice(1)).get('token')!
    const script = await fetch(new URL('/app.js', url))
    expect(script.status).toBe(200)
    expect((await script.text()).length).toBeGreaterThan(5000)
    expect((await fetch(new URL('/api/targets', url))).status).toBe(403)
    const targets = await fetch(new URL('/api/targets', url), {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(await targets.json()).toEqual({
      targets: [{ name: new URL(running.url).host, url: running.url, headers: { 'X-Tenant': 'acme' } }],
    })
  } finally {
    child.kill('SIGTERM')
  }
  const [code] = await once(child, 'exit')
  expect(code).toBe(0)
}, 60_000)
