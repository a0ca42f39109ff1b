import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { hashApiKey, ToolServer, ToolwireConfigError } from '../../src/server/index.js'
import { rateLimiter } from '../../src/server/limits/rate-limit.js'
import { serve } from '../support/mount.js'
import { modern, send } from '../support/raw.js'

function server() {
  return new ToolServer({ name: 'limited' })
    .tool('cheap', { input: z.object({}) }, () => 'ok')
    .tool('expensive', { input: z.object({}) }, () => 'done')
}

const keys = [
  { id: 'alice', sha256: hashApiKey('key-alice') },
  { id: 'bob', sha256: hashApiKey('key-bob') },
]

function callAs(url: string, key: string, tool = 'cheap') {
  const req = modern('tools/call', { name: tool, arguments: {} })
  return send(url, { ...req, headers: { ...req.headers, authorization: `Bearer ${key}` } })
}

describe('rate limits', () => {
  it('counts per identity, tells the caller where it stands, and answers 429 past the limit', async () => {
    await using running = await serve(server(), {
      port: 0,
      auth: { apiKeys: keys },
      rateLimit: { points: 3, durationSeconds: 60 },
    })
    const first = await callAs(running.url, 'key-alice')
    expect(first.headers).toMatchObject({ 'ratelimit-limit': '3', 'ratelimit-remaining': '2' })
    await callAs(running.url, 'key-alice')
    await callAs(running.url, 'key-alice')
    const limited = await callAs(running.url, 'key-alice')
    expect(limited.status).toBe(429)
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(50)
    expect(limited.headers['ratelimit-remaining']).toBe('0')
    expect(limited.json.error).toMatchObject({
      code: -31000,
      data: { reason: 'rate_limited', limit: 'rateLimit' },
      message: expect.stringMatching(
        /^Rate limit exceeded: 3 requests per 60 s \(rateLimit\); retry in \d+ s$/,
      ),
    })
    // Another identity has its own budget; health is never limited.
    expect((await callAs(running.url, 'key-bob')).status).toBe(200)
    expect((await send(running.url.replace('/mcp', '/health'), { method: 'GET', headers: {} })).status).toBe(
      200,
    )
  })

  it('applies tighter per-tool limits on top', async () => {
    await using running = await serve(server(), {
      port: 0,
      auth: { apiKeys: keys },
      rateLimit: {
        points: 100,
        durationSeconds: 60,
        perTool: { expensive: { points: 1, durationSeconds: 60 } },
      },
    })
    expect((await callAs(running.url, 'key-alice', 'expensive')).status).toBe(200)
    const limited = await callAs(running.url, 'key-alice', 'expensive')
    expect(limited.status).toBe(429)
    expect(limited.json.error?.message).toContain('1 requests per 60 s for tool expensive')
    expect((await callAs(running.url, 'key-alice', 'cheap')).status).toBe(200)
  })

  it('shares counters across replicas through Redis', async () => {
    const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 })
    try {
      const rateLimit = {
        points: 3,
        durationSeconds: 60,
        store: { redis, keyPrefix: `toolwire-test:${randomUUID()}` },
      }
      await using a = await serve(server(), { port: 0, auth: { apiKeys: keys }, rateLimit })
      await using b = await serve(server(), { port: 0, auth: { apiKeys: keys }, rateLimit })
      expect((await callAs(a.url, 'key-alice')).status).toBe(200)
      expect((await callAs(a.url, 'key-alice')).status).toBe(200)
      expect((await callAs(b.url, 'key-alice')).headers['ratelimit-remaining']).toBe('0')
      expect((await callAs(b.url, 'key-alice')).status).toBe(429)
      expect((await callAs(a.url, 'key-alice')).status).toBe(429)
    } finally {
      redis.disconnect()
    }
  })

  it('counts the very first requests in Redis: a limiter it connects itself waits for the connection', async () => {
    const storeErrors: unknown[] = []
    const limit = rateLimiter(
      {
        points: 3,
        durationSeconds: 60,
        store: { redisUrl: 'redis://127.0.0.1:6379', keyPrefix: `tw-test-${randomUUID()}` },
      },
      (error) => storeErrors.push(error),
    )
    try {
      // Sent at once, while the package loads and the connection opens.
      const request = { socket: { remoteAddress: '127.0.0.1' } } as IncomingMessage
      const decisions = await Promise.all(
        Array.from({ length: 4 }, () => limit(request, { identity: undefined, tool: undefined })),
      )
      expect(storeErrors).toEqual([])
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false])
      expect(decisions.slice(0, 3).map((d) => d.headers['ratelimit-remaining'])).toEqual(['2', '1', '0'])
    } finally {
      limit.close()
    }
  })

  it('a Redis store that cannot connect lets requests through and reports why, without waiting long', async () => {
    const storeErrors: unknown[] = []
    // A port nobody listens on: the connection is refused at once.
    const limit = rateLimiter(
      { points: 1, durationSeconds: 60, store: { redisUrl: 'redis://127.0.0.1:1' } },
      (error) => storeErrors.push(error),
    )
    try {
      const request = { socket: { remoteAddress: '127.0.0.1' } } as IncomingMessage
      const decision = await limit(request, { identity: undefined, tool: undefined })
      expect(decision.allowed).toBe(true)
      expect(storeErrors.length).toBeGreaterThanOrEqual(1)
    } finally {
      limit.close()
    }
  })

  it("toolwire's client waits out a 429 using Retry-After", async () => {
    await using running = await serve(server(), { port: 0, rateLimit: { points: 2, durationSeconds: 1 } })
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      retryBackoffSecondsBase: 0.05,
    }).connect()
    const retries: number[] = []
    client.on('retry', (event) => retries.push(event.delaySeconds))
    for (let i = 0; i < 3; i++)
      expect((await client.callTool('cheap')).content).toEqual([{ type: 'text', text: 'ok' }])
    expect(retries.length).toBeGreaterThanOrEqual(1)
    expect(retries[0]).toBeGreaterThanOrEqual(1)
  })

  it('rejects invalid limits', () => {
    expect(() => server().handler({ rateLimit: { points: 0, durationSeconds: 60 } })).toThrow(
      ToolwireConfigError,
    )
    expect(() =>
      server().handler({
        rateLimit: { points: 1, durationSeconds: 60, perTool: { cheap: { points: 1, durationSeconds: 0 } } },
      }),
    ).toThrow('rateLimit.perTool.cheap.durationSeconds must be > 0 seconds')
  })
})
