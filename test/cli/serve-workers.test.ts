/** `toolwire serve --workers N`: processes sharing one port, one fleet through Redis. */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { runTs } from '../support/child.js'
import { REDIS_URL, testKeyPrefix } from '../support/fleet-server.js'

describe('toolwire serve --workers', () => {
  it('two workers answer one 2025 session; SIGTERM drains both and exits 0', async () => {
    const keyPrefix = testKeyPrefix()
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'serve',
        'test/fleet/pid-server.ts',
        '--port',
        '0',
        '--log-level',
        'warn',
        '--workers',
        '2',
        '--redis-url',
        REDIS_URL,
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, TOOLWIRE_PORT: '', TOOLWIRE_REDIS_KEY_PREFIX: keyPrefix },
      },
    )
    try {
      const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string]
      const url = /MCP endpoint (\S+)/.exec(line)![1]!
      const pids = new Set<string>()
      // Worker 2 may still be starting when worker 1 prints the URL: new connections (a new
      // client each round) are what the primary hands out in turn.
      for (let round = 0; round < 40 && pids.size < 2; round++) {
        await using client = await new MCPServerStreamableHttp({
          params: { url },
          protocolEra: 'legacy',
        }).connect()
        for (let i = 0; i < 3; i++)
          pids.add(((await client.callTool('pid')).content[0] as { text: string }).text)
        if (pids.size < 2) await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(pids.size).toBe(2)
      expect(pids.has(String(child.pid))).toBe(false)
    } finally {
      child.kill('SIGTERM')
      const [code] = (await once(child, 'exit')) as [number | null]
      expect(code).toBe(0)
      const redis = new Redis(REDIS_URL)
      const keys = await redis.keys(`${keyPrefix}*`)
      if (keys.length > 0) await redis.del(...keys)
      redis.disconnect()
    }
  })

  it('more than one worker without a store is refused while 2025 sessions are on', async () => {
    const outcome = await runTs(['src/cli/main.ts', 'serve', 'test/fleet/pid-server.ts', '--workers', '2'], {
      TOOLWIRE_REDIS_URL: '',
    })
    expect(outcome.code).toBe(2)
    expect(outcome.stderr).toContain('--workers 2 needs a fleet store')
  })
})
