import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

describe('examples/stdio-agent.ts', () => {
  it('runs one agent over a stdio server and an HTTP server (scripted model)', async () => {
    const env = { ...process.env }
    delete env.TOOLWIRE_MODEL
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/stdio-agent.ts'],
      {
        env,
        timeout: 30_000,
      },
    )
    expect(stdout).toContain('→ Local: add {"a":2,"b":40}')
    expect(stdout).toContain('← {"sum":42}')
    expect(stdout).toContain('→ Remote: echo {"text":"the sum is 42"}')
    expect(stdout).toContain('The local server added 2 and 40: 42')
  })
})
