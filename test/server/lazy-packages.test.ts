/**
 * What a configuration does not use is not loaded (issue: small processes): a plain server
 * answering both eras loads no JWT, logging, metrics, tracing, Redis, queue, rate-limit or
 * schema-library package, nor node:https (the child's own fetch loads node's TLS, so not that).
 */
import { describe, expect, it } from 'vitest'
import { runTs } from '../support/child.js'

describe('a plain server process', () => {
  it('loads none of the packages its configuration does not use', async () => {
    const child = await runTs(['test/support/plain-server-modules.ts'])
    expect(child.stderr).toBe('')
    const { answers, modules, builtins } = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      answers: string[]
      modules: string[]
      builtins: string[]
    }
    // It did answer: the modules below were not needed for that.
    expect(answers[0]).toContain('"text":"hi"')
    expect(answers[1]).toContain('"text":"hi"')
    expect(modules.some((url) => url.includes('/src/server/tool-server.ts'))).toBe(true)
    const packages = new Set(
      modules.flatMap((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? []),
    )
    for (const unused of [
      '@opentelemetry/api',
      'jose',
      'pino',
      'prom-client',
      'ioredis',
      'bullmq',
      'rate-limiter-flexible',
      'zod',
      'openai',
    ])
      expect(packages, unused).not.toContain(unused)
    expect(builtins).not.toContain('https')
  })
})
