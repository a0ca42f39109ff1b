/**
 * `toolwire call` on a tool that runs as a task: a status line per task status and the progress
 * bar while it works; Ctrl-C sends tasks/cancel and exits 130.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { serve, ToolServer } from '../../src/server/index.js'
import { buildCli, CLI_ENTRY, runCli } from '../support/cli.js'

beforeAll(() => buildCli(), 240_000)

const seen: { aborted: string | undefined } = { aborted: undefined }

function server() {
  return new ToolServer({ name: 'tasks-cli', version: '1.0.0', tasks: { pollIntervalMs: 20 } })
    .tool('report', { input: z.object({}), taskSupport: 'required' }, async (_a, ctx) => {
      for (let step = 1; step <= 3; step++) {
        ctx.progress(step, { total: 3, message: `step ${step}` })
        await new Promise((resolve) => setTimeout(resolve, 60))
      }
      return 'report ready'
    })
    .tool('endless', { input: z.object({}), taskSupport: 'required' }, async (_a, ctx) => {
      await new Promise<void>((resolve) =>
        ctx.signal.addEventListener('abort', () => {
          seen.aborted = String(ctx.signal.reason)
          resolve()
        }),
      )
      return 'stopped'
    })
}

describe('toolwire call: tasks', () => {
  it('shows the task status and progress, and prints the result', async () => {
    await using running = await serve(server(), { port: 0, env: false })
    const outcome = await runCli(['call', running.url, 'report'], {}, 30_000)
    expect(outcome.code).toBe(0)
    expect(outcome.stdout.trim()).toBe('report ready')
    expect(outcome.stderr).toMatch(/task [0-9a-f-]{36}: working/)
    expect(outcome.stderr).toMatch(/task [0-9a-f-]{36}: completed/)
    expect(outcome.stderr).toContain('progress')
  })

  it('Ctrl-C cancels the task (tasks/cancel) and exits 130', async () => {
    await using running = await serve(server(), { port: 0, env: false })
    const child = spawn(process.execPath, [CLI_ENTRY, 'call', running.url, 'endless'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    await expect.poll(() => stderr, { timeout: 20_000 }).toMatch(/task [0-9a-f-]{36}: working/)
    child.kill('SIGINT')
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(130)
    expect(stderr).toMatch(/cancelled \(tasks\/cancel sent for task [0-9a-f-]{36}\)/)
    await expect.poll(() => seen.aborted).toContain('cancelled')
  })
})
