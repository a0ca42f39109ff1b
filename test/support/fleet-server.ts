/**
 * The tool server every replica of a test fleet runs: a read-only echo, a call that asks the
 * user (elicitation), a slow call streaming progress, and a counter that must run at most once
 * per call (counted in Redis, where a killed replica cannot lose the count).
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { z } from 'zod'
import { ToolServer } from '../../src/server/index.js'

export const REDIS_URL = process.env.TOOLWIRE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A key prefix no other test (or helper) shares. */
export function testKeyPrefix(): string {
  return `tw-test-${randomBytes(5).toString('hex')}:`
}

export function fleetServer(options: { keyPrefix: string; replica: string; redis?: Redis }): ToolServer {
  const redis = options.redis ?? new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true })
  return new ToolServer({ name: 'fleet-server', version: '1.0.0' })
    .resource('fleet://status', { mimeType: 'text/plain' }, () => `status on ${options.replica}`)
    .tool(
      'echo',
      { input: z.object({ text: z.string() }), annotations: { readOnlyHint: true, idempotentHint: true } },
      ({ text }) => `${text} (from ${options.replica})`,
    )
    .tool('whoami', { input: z.object({}), annotations: { readOnlyHint: true } }, () => options.replica)
    .tool(
      'ask',
      { input: z.object({ question: z.string() }), annotations: { readOnlyHint: true } },
      async ({ question }, ctx) => {
        const answer = await ctx.elicit(question, {
          type: 'object',
          properties: { name: { type: 'string' } },
          required: ['name'],
        })
        return `asked on ${options.replica}: ${answer.action} ${JSON.stringify(answer.content ?? {})}`
      },
    )
    .tool(
      'slow',
      {
        input: z.object({ steps: z.number().int().min(1).max(50), stepMs: z.number().int().max(2000) }),
        annotations: { readOnlyHint: true, idempotentHint: true },
      },
      async ({ steps, stepMs }, ctx) => {
        for (let i = 1; i <= steps; i++) {
          await new Promise((resolve) => setTimeout(resolve, stepMs))
          ctx.progress(i, { total: steps, message: `step ${i} on ${options.replica}` })
        }
        return `slow done on ${options.replica}`
      },
    )
    .tool(
      'count',
      {
        input: z.object({ nonce: z.string(), delayMs: z.number().int().max(2000).optional() }),
        annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false },
      },
      async ({ nonce, delayMs }) => {
        const runs = await redis.incr(`${options.keyPrefix}count:${nonce}`)
        await redis.pexpire(`${options.keyPrefix}count:${nonce}`, 120_000)
        if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs))
        return `counted ${runs}`
      },
    )
}
