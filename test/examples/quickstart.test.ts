import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)

describe('README quick start examples', () => {
  it('the echo server and client run as documented', async () => {
    const server = spawn(process.execPath, ['--import', 'tsx', 'examples/echo-server.ts', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    try {
      const [line] = (await once(createInterface({ input: server.stdout! }), 'line')) as [string]
      const url = line.replace('MCP server listening on ', '')
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/)
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/echo-client.ts', url])
      expect(stdout).toContain('connected: echo, protocol 2026-07-28')
      expect(stdout).toContain('tools: echo, add, count_to')
      expect(stdout).toContain('add → {"sum":42}')
      expect(stdout).toContain('progress 3/3')
      expect(stdout).toContain('count_to → counted to 3')
      expect(stdout).toContain('timed out as asked: request after 0.2 s')
    } finally {
      server.kill('SIGTERM')
      const [code] = (await once(server, 'exit')) as [number | null]
      expect(code).toBe(0)
    }
  })
})
