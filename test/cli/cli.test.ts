import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashApiKey, type RunningServer, serve } from '../../src/server/index.js'
import { runTs } from '../support/child.js'
import { buildCli, runCli } from '../support/cli.js'
import { echoServer } from '../support/echo-server.js'

const KEY = 'cli-test-key'
let running: RunningServer

beforeAll(async () => {
  await buildCli()
  running = await serve(echoServer(), {
    port: 0,
    env: false,
    auth: { apiKeys: [{ id: 'cli', sha256: hashApiKey(KEY) }] },
  })
}, 240_000)
afterAll(() => running.close())

/** Runs `toolwire …` (the built CLI) as a child process, the way a user does. */
function toolwire(args: string[], env: Record<string, string> = {}) {
  return runCli(args, { CLI_TEST_TOKEN: KEY, ...env }, 30_000)
}

const auth = ['--token-env', 'CLI_TEST_TOKEN']

describe('toolwire CLI', () => {
  it('tools: a table of tools and arguments; --json for scripts', async () => {
    const human = await toolwire(['tools', running.url, ...auth])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/^echo-server 1\.2\.3 · protocol 2026-07-28 · \d+ tools/)
    expect(human.stdout).toMatch(/^sum\s+a: number, b: number/m)
    const json = await toolwire(['tools', running.url, ...auth, '--json'])
    expect((JSON.parse(json.stdout) as Array<{ name: string }>).map((t) => t.name)).toContain('echo')
  })

  it('call: key=value and --json arguments, progress, structured output, errors exit 1', async () => {
    // Independent children: run together.
    const [sum, text, json, progress, failed, unknown, unauthorized] = await Promise.all([
      toolwire(['call', running.url, 'sum', 'a=2', 'b=40', ...auth]),
      toolwire(['call', running.url, 'echo', 'text=007', ...auth]),
      toolwire(['call', running.url, 'echo', '--json', '{"text":"hi"}', ...auth]),
      toolwire(['call', running.url, 'progress', 'steps=3', ...auth]),
      toolwire(['call', running.url, 'fail', 'kind=tool', ...auth]),
      toolwire(['call', running.url, 'nope', ...auth]),
      toolwire(['call', running.url, 'echo', 'text=x']),
    ])
    expect(sum).toMatchObject({ code: 0 })
    expect(JSON.parse(sum.stdout)).toEqual({ sum: 42 })
    expect(text.stdout.trim()).toBe('007') // a string argument stays a string
    expect(JSON.parse(json.stdout)).toMatchObject({
      content: [{ type: 'text', text: 'hi' }],
      traceId: expect.any(String),
    })
    expect(progress.code).toBe(0)
    expect(progress.stderr).toContain('progress 3/3')
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/the tool failed \(trace [0-9a-f]{32}\)/)
    expect(unknown).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('has no tool "nope"; it has: echo'),
    })
    expect(unauthorized.code).toBe(1)
    expect(unauthorized.stderr).toMatch(/401|Unauthorized/)
  })

  it('ping: health, server, protocol and latency', async () => {
    const ping = await toolwire(['ping', running.url, ...auth, '--json'])
    expect(ping.code).toBe(0)
    expect(JSON.parse(ping.stdout)).toMatchObject({
      health: { status: 200, body: { status: 'ok', name: 'echo-server' } },
      protocolVersion: '2026-07-28',
      server: { name: 'echo-server' },
      connectMs: expect.any(Number),
    })
    const legacy = await toolwire(['ping', running.url, ...auth, '--era', 'legacy'])
    expect(legacy.stdout).toMatch(/protocol:\s+2025-11-25/)
  })

  it('bench: a bounded load test with percentiles and errors', async () => {
    const bench = await toolwire([
      'bench',
      running.url,
      ...auth,
      '--tool',
      'sum',
      '--args',
      '{"a":1,"b":2}',
      '--calls',
      '200',
      '--concurrency',
      '4',
      '--json',
    ])
    expect(bench.code).toBe(0)
    const report = JSON.parse(bench.stdout)
    expect(report).toMatchObject({ tool: 'sum', calls: 200, concurrency: 4, errors: 0 })
    expect(report.p99Ms).toBeGreaterThanOrEqual(report.p50Ms)
    const broken = await toolwire([
      'bench',
      running.url,
      ...auth,
      '--tool',
      'sum',
      '--args',
      '{"a":"x"}',
      '--calls',
      '10',
    ])
    expect(broken.code).toBe(1) // every call failed
    expect(broken.stdout).toMatch(/errors\s+10 \(first:/)
  })

  it('usage errors print one line and where help is, and exit 2', async () => {
    const cases = [
      ['frobnicate'],
      ['call'],
      ['tools', 'not-a-url'],
      ['call', running.url, 'echo', 'no-equals-sign'],
      ['bench', running.url, '--tool', 'sum', '--calls', '0'],
      ['tools', running.url, '--header', 'no colon'],
      ['tools', running.url, '--token-env', 'UNSET_TOKEN_VARIABLE'],
    ]
    // Independent children: run together.
    const outcomes = await Promise.all(cases.map((args) => toolwire(args)))
    cases.forEach((args, i) => {
      const outcome = outcomes[i]!
      expect(outcome.code, args.join(' ')).toBe(2)
      expect(outcome.stdout, args.join(' ')).toBe('')
      // One line for the mistake, one for where help is: never the whole help text.
      const lines = outcome.stderr.trim().split('\n')
      expect(lines, args.join(' ')).toHaveLength(2)
      expect(lines[0], args.join(' ')).toMatch(/^error: .+/)
      expect(lines[1], args.join(' ')).toBe(
        args[0] === 'frobnicate' ? '(see toolwire --help)' : `(see toolwire ${args[0]} --help)`,
      )
    })
  })

  it('serve: serves the ToolServer a module exports, until SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'serve',
        'examples/echo-tools.ts',
        '--port',
        '0',
        '--log-level',
        'warn',
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, TOOLWIRE_PORT: '' },
      },
    )
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string]
      const url = /MCP endpoint (\S+)/.exec(line)![1]!
      const called = await toolwire(['call', url, 'add', 'a=1', 'b=2'])
      expect(JSON.parse(called.stdout)).toEqual({ sum: 3 })
    } finally {
      child.kill('SIGTERM')
      const [code] = (await once(child, 'exit')) as [number | null]
      expect(code).toBe(0)
    }
    // Serving a TypeScript module that imports the sources: the CLI from the sources too.
    const missing = await runTs(['src/cli/main.ts', 'serve', 'examples/echo-tools.ts', '--export', 'nothing'])
    expect(missing).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('exports no ToolServer as "nothing"'),
    })
  })
})
