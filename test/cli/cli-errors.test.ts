/**
 * The CLI's failures, as a user sees them: CLI words (flags, not library options), exit codes
 * 0/1/2, results on stdout and diagnostics on stderr, connection errors said in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashApiKey, type RunningServer, serve } from '../../src/server/index.js'
import { buildCli, runCli } from '../support/cli.js'
import { echoServer } from '../support/echo-server.js'
import { listen } from '../support/sdk-servers.js'

const KEY = 'cli-errors-key'
let running: RunningServer
/** A port where nothing listens. */
let deadUrl: string

beforeAll(async () => {
  await buildCli()
  running = await serve(echoServer(), {
    port: 0,
    env: false,
    auth: { apiKeys: [{ id: 'cli', sha256: hashApiKey(KEY) }] },
  })
  const dead = await listen(() => {})
  deadUrl = dead.url
  await dead.close()
}, 240_000)
afterAll(() => running.close())

const toolwire = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { CLI_TEST_TOKEN: KEY, ...env }, 30_000)
const auth = ['--token-env', 'CLI_TEST_TOKEN']

describe('toolwire CLI errors', () => {
  it('exit codes: 0 success, 1 runtime failure, 2 usage; a failed tool prints on stderr only', async () => {
    const [array, object, invalid, failed] = await Promise.all([
      toolwire(['call', running.url, 'echo', '--json', '[1,2]', ...auth]),
      toolwire(['call', running.url, 'echo', '--json', '{a:1}', ...auth]),
      toolwire(['call', running.url, 'sum', 'a=x', 'b=1', ...auth]),
      toolwire(['call', running.url, 'fail', 'kind=tool', ...auth]),
    ])
    expect(array).toMatchObject({ code: 2, stdout: '' })
    expect(array.stderr).toMatch(/^error: --json must be a JSON object of arguments: not an object\n/)
    expect(object).toMatchObject({ code: 2, stdout: '' })
    // A validation failure is a runtime failure reported once, on stderr.
    expect(invalid).toMatchObject({ code: 1, stdout: '' })
    expect(invalid.stderr).toMatch(/^error: the tool failed \(trace [0-9a-f]{32}\):\n.*\ba\b/)
    expect(failed).toMatchObject({ code: 1, stdout: '' })
    expect(failed.stderr).toContain('the CRM has no such account')
  })

  it('timeouts name --timeout, not the library option', async () => {
    const slow = await toolwire(['call', running.url, 'wait', 'id=t', 'ms=3000', '--timeout', '0.3', ...auth])
    expect(slow.code).toBe(1)
    expect(slow.stderr).toMatch(/timeout after 0\.3 s \(--timeout\)/)
    expect(slow.stderr).not.toContain('clientSessionTimeoutSeconds')
  })

  it('a wrong token shows what the server said; the OAuth hint only when no credentials were given', async () => {
    const [wrong, none] = await Promise.all([
      toolwire(['tools', running.url, ...auth], { CLI_TEST_TOKEN: 'not-the-key' }),
      toolwire(['tools', running.url]),
    ])
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/^error: HTTP 401 for server\/discover: .+/)
    expect(wrong.stderr).not.toContain('hint:')
    expect(none.code).toBe(1)
  })

  it('call, ping and tools retry the same way; connection errors are said in words', async () => {
    const [call, ping, tools, https] = await Promise.all([
      toolwire(['call', deadUrl, 'echo', 'text=x']),
      toolwire(['ping', deadUrl]),
      toolwire(['tools', deadUrl]),
      toolwire(['tools', running.url.replace('http:', 'https:'), ...auth]),
    ])
    for (const outcome of [call, ping, tools]) {
      expect(outcome.code).toBe(1)
      expect(outcome.stderr).toMatch(
        /^error: nothing is listening at 127\.0\.0\.1:\d+: is the server running, and on this port\? \(ECONNREFUSED\) .*\(gave up after 3 attempts\)/,
      )
    }
    expect(https.code).toBe(1)
    expect(https.stderr).toContain(`is this server speaking HTTPS? try ${running.url}`)
    expect(https.stderr).not.toMatch(/ssl3_get_record|OpenSSL/)
  })

  it('agent: no model is a usage error naming --model', async () => {
    const outcome = await toolwire(['agent', '--server', deadUrl, 'hi'], {
      TOOLWIRE_MODEL: '',
      OPENAI_API_KEY: '',
      OPENAI_BASE_URL: '',
    })
    expect(outcome.code).toBe(2)
    expect(outcome.stderr).toMatch(/^error: no model: give --model <name> or set TOOLWIRE_MODEL/)
  })

  it('agent: a model endpoint that does not answer is named in the error', async () => {
    const endpoint = deadUrl.replace(/\/mcp$/, '/v1')
    const outcome = await toolwire(['agent', '--server', running.url, ...auth, '--model', 'm', 'hi'], {
      OPENAI_BASE_URL: endpoint,
      OPENAI_API_KEY: '',
    })
    expect(outcome.code).toBe(1)
    expect(outcome.stderr).toContain(`error: model m failed: no answer from the model endpoint ${endpoint}`)
  })
})
