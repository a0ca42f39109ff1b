import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  MCPServerStdio,
  type MCPServerStdioOptions,
  McpClosedError,
  McpConnectionError,
  ToolwireConfigError,
} from '../../src/client/index.js'

const FIXTURE = fileURLToPath(new URL('../support/stdio-fixture-server.mjs', import.meta.url))

function fixture(
  mode = 'normal',
  options: Omit<Partial<MCPServerStdioOptions>, 'params'> & {
    params?: Partial<MCPServerStdioOptions['params']>
  } = {},
): MCPServerStdio {
  const { params, ...rest } = options
  return new MCPServerStdio({
    name: 'Fixture',
    onStderr: () => {},
    onWarning: () => {},
    retryBackoffSecondsBase: 0.05,
    ...rest,
    params: { command: process.execPath, args: [FIXTURE, mode], ...params },
  })
}

const textOf = (result: { content: unknown }) => (result.content as Array<{ text: string }>)[0]!.text

describe('MCPServerStdio: the process', () => {
  it('passes only a minimal environment plus params.env (no secret of the parent leaks)', async () => {
    process.env.TOOLWIRE_TEST_SECRET = 'sk-parent-secret'
    try {
      await using server = await fixture('normal', { params: { env: { CRM_URL: 'http://crm' } } }).connect()
      const env = JSON.parse(textOf(await server.callTool('env'))) as Record<string, string>
      expect(env.CRM_URL).toBe('http://crm')
      expect(env.PATH).toBe(process.env.PATH)
      expect(env.TOOLWIRE_TEST_SECRET).toBeUndefined()
      await using all = await fixture('normal', { params: { inheritEnv: true } }).connect()
      expect(JSON.parse(textOf(await all.callTool('env'))).TOOLWIRE_TEST_SECRET).toBe('sk-parent-secret')
    } finally {
      delete process.env.TOOLWIRE_TEST_SECRET
    }
  })

  it('runs in params.cwd', async () => {
    const cwd = fileURLToPath(new URL('../support', import.meta.url))
    await using server = await fixture('normal', { params: { cwd } }).connect()
    expect(textOf(await server.callTool('cwd'))).toBe(cwd)
  })

  it('refuses a command that does not exist with a config error naming it (not retried)', async () => {
    const server = new MCPServerStdio({
      params: { command: 'toolwire-no-such-command-xyz' },
      onWarning: () => {},
    })
    const error = await server.connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ToolwireConfigError)
    expect((error as Error).message).toMatch(/toolwire-no-such-command-xyz.*ENOENT/)
    await server.close()
  })

  it('validates options with messages naming them', () => {
    expect(() => new MCPServerStdio({ params: { command: 'x', stderr: 'file' as 'pipe' } })).toThrow(
      /params\.stderr/,
    )
    expect(
      () => new MCPServerStdio({ params: { command: 'x', env: { A: 1 as unknown as string } } }),
    ).toThrow(/params\.env\.A must be a string/)
    expect(() => new MCPServerStdio({ params: { command: 'x' }, shutdownGraceSeconds: 0 })).toThrow(
      /shutdownGraceSeconds/,
    )
    expect(
      () => new MCPServerStdio({ params: { command: 'x' }, restartOnCrash: { maxRestarts: -1 } }),
    ).toThrow(/restartOnCrash\.maxRestarts/)
  })

  it('hands stderr lines to onStderr and tolerates junk on stdout (with a warning)', async () => {
    const stderr: string[] = []
    const warnings: string[] = []
    await using server = await fixture('noisy', {
      onStderr: (line) => stderr.push(line),
      onWarning: (w) => warnings.push(w),
    }).connect()
    expect((await server.listTools()).map((t) => t.name)).toContain('pid')
    expect(stderr.some((line) => line.startsWith('fixture started pid'))).toBe(true)
    expect(warnings[0]).toMatch(/not JSON on stdout.*fixture server v1/)
    expect(warnings.length).toBeLessThanOrEqual(3)
  })
})

describe('MCPServerStdio: crashes and restarts', () => {
  it('fails the call in flight with the stderr tail, then restarts the process and shakes hands again', async () => {
    const events: string[] = []
    await using server = await fixture('normal', { restartOnCrash: { backoffSecondsBase: 0.05 } }).connect()
    server.on('start', ({ restart }) => events.push(restart ? 'restart' : 'start'))
    server.on('exit', ({ code, expected }) => events.push(`exit ${code} ${expected}`))
    server.on('reconnect', ({ reason }) => events.push(`reconnect: ${reason}`))
    const firstPid = textOf(await server.callTool('pid'))
    const error = await server.callTool('crash').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpConnectionError)
    expect((error as McpConnectionError).maybeDelivered).toBe(true)
    expect((error as Error).message).toMatch(/exited \(code 3\)[\s\S]*the database file is locked/)
    // Not idempotent: not repeated on the new process.
    expect((error as McpConnectionError).notRetriedReason).toMatch(/not idempotent/)
    const secondPid = textOf(await server.callTool('pid'))
    expect(secondPid).not.toBe(firstPid)
    expect(events).toEqual(['exit 3 false', 'restart', 'reconnect: the server process was restarted'])
  })

  it('with restartOnCrash: false, a crashed server stays down', async () => {
    await using server = await fixture('normal', { restartOnCrash: false, maxRetryAttempts: 0 }).connect()
    await expect(server.callTool('crash')).rejects.toBeInstanceOf(McpConnectionError)
    await expect(server.callTool('pid')).rejects.toThrow(/restartOnCrash is off/)
  })

  it('stops restarting after maxRestarts consecutive crashes', async () => {
    await using server = await fixture('normal', {
      restartOnCrash: { maxRestarts: 1, backoffSecondsBase: 0.01 },
      maxRetryAttempts: 0,
    }).connect()
    await expect(server.callTool('crash')).rejects.toBeInstanceOf(McpConnectionError)
    // The restart's handshake succeeds (the count resets), so crash twice without a healthy call between.
    await expect(server.callTool('crash')).rejects.toBeInstanceOf(McpConnectionError)
    await expect(server.callTool('crash')).rejects.toBeInstanceOf(McpConnectionError)
  })
})

describe('MCPServerStdio: stopping', () => {
  it('close() ends a well-behaved server by closing its stdin', async () => {
    const exits: Array<{ code: number | null; signal: string | null; expected: boolean }> = []
    const server = await fixture('normal').connect()
    server.on('exit', (exit) => exits.push(exit))
    const pid = server.pid!
    await server.close()
    expect(exits).toEqual([{ code: 0, signal: null, expected: true }])
    expect(() => process.kill(pid, 0)).toThrow()
    await expect(server.listTools()).rejects.toBeInstanceOf(McpClosedError)
  })

  it('close() escalates to SIGTERM, then SIGKILL, for a server that ignores both', async () => {
    const exits: Array<{ signal: string | null }> = []
    const server = await fixture('stubborn', { shutdownGraceSeconds: 0.2 }).connect()
    server.on('exit', (exit) => exits.push(exit))
    await server.close()
    expect(exits[0]?.signal).toBe('SIGKILL')
  })

  it('fails a call in flight with McpClosedError when the client closes', async () => {
    const server = await fixture('normal', { shutdownGraceSeconds: 0.2 }).connect()
    const call = server.callTool('sleep', {}, { timeoutSeconds: 30 }).catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 100))
    await server.close()
    expect(await call).toBeInstanceOf(McpClosedError)
  })
})
