/**
 * Tasks on a fleet: two replica processes share one Redis (a key prefix of their own); the
 * replica whose worker runs a task is SIGKILLed mid-task, and the client still gets a terminal
 * state through the other one: `completed` for a read-only tool (run again), `failed` with a
 * message saying why for a tool that is neither idempotent nor read-only. Leases are 1 s here.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createInterface } from 'node:readline'
import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp, McpTaskError } from '../../src/client/index.js'
import { serve, ToolServer } from '../../src/server/index.js'

const REDIS_URL = 'redis://127.0.0.1:6379'

interface Replica extends AsyncDisposable {
  url: string
  child: ChildProcess
  /** Resolves with the task id when this replica starts running `tool`. */
  running: Map<string, string>
}

async function startReplica(prefix: string): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/task-replica.ts'], {
    env: { ...process.env, TOOLWIRE_REDIS_URL: REDIS_URL, TASK_KEY_PREFIX: prefix },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const running = new Map<string, string>()
  const lines = createInterface({ input: child.stdout! })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('replica did not start within 20 s')), 20_000)
    child.once('exit', (code) => reject(new Error(`replica exited with ${code}`)))
    lines.on('line', (line) => {
      if (line.startsWith('{')) {
        clearTimeout(timer)
        resolve((JSON.parse(line) as { url: string }).url)
      }
      const [word, tool, taskId] = line.split(' ')
      if (word === 'RUNNING' && tool && taskId) running.set(taskId, tool)
    })
  })
  return {
    url,
    child,
    running,
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await new Promise((resolve) => child.once('exit', resolve))
      }
    },
  }
}

async function removeKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL)
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
    cursor = next
    if (keys.length > 0) await redis.del(...keys)
  } while (cursor !== '0')
  redis.disconnect()
}

describe.sequential('tasks on a fleet (2 replicas, shared Redis, SIGKILL)', () => {
  it.each([
    ['pipeline_report', 'completed'],
    ['send_invoices', 'failed'],
  ] as const)(
    '%s: the replica running it dies, the other settles it %s',
    async (tool, expected) => {
      const prefix = `tw-test-${randomUUID().slice(0, 8)}:`
      try {
        await using a = await startReplica(prefix)
        await using b = await startReplica(prefix)
        await using viaA = await new MCPServerStreamableHttp({ name: 'a', params: { url: a.url } }).connect()
        const started = await viaA.startTask(tool, {})
        const taskId = started.taskId!
        await expect
          .poll(() => a.running.has(taskId) || b.running.has(taskId), { timeout: 10_000 })
          .toBe(true)
        const [victim, survivor] = a.running.has(taskId) ? [a, b] : [b, a]
        const killedAt = Date.now()
        victim.child.kill('SIGKILL')
        await using viaSurvivor = await new MCPServerStreamableHttp({
          name: 's',
          params: { url: survivor.url },
        }).connect()
        const outcome = await viaSurvivor
          .resumeTask(taskId, tool)
          .result()
          .catch((error: unknown) => error)
        const settledSeconds = (Date.now() - killedAt) / 1000
        console.log(`fleet ${tool}: ${expected} ${settledSeconds.toFixed(1)} s after SIGKILL (lease 1 s)`)
        if (expected === 'completed') {
          expect(outcome).not.toBeInstanceOf(Error)
          expect((outcome as { content: unknown }).content).toEqual([
            { type: 'text', text: `${tool} done by replica ${survivor.child.pid}` },
          ])
          expect(survivor.running.get(taskId)).toBe(tool)
        } else {
          expect(outcome).toBeInstanceOf(McpTaskError)
          expect((outcome as McpTaskError).status).toBe('failed')
          expect((outcome as McpTaskError).message).toContain('neither idempotent nor read-only')
        }
      } finally {
        await removeKeys(prefix)
      }
    },
    60_000,
  )
})

describe('tasks across replicas (in process, shared Redis)', () => {
  it('a question asked by a task is answered through another replica; a cancel through one is seen through the other', async () => {
    const prefix = `tw-test-${randomUUID().slice(0, 8)}:`
    const replica = () =>
      new ToolServer({ name: 'fleet', version: '1.0.0', tasks: { pollIntervalMs: 50, leaseSeconds: 2 } })
        .tool('confirm', { input: z.object({}), taskSupport: 'required' }, async (_a, ctx) => {
          const answer = await ctx.elicit('Proceed?', { type: 'object', properties: {} })
          return `answered ${answer.action}`
        })
        .tool('endless', { input: z.object({}), taskSupport: 'required' }, async (_a, ctx) => {
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve))
          return 'stopped'
        })
    try {
      const store = { redisUrl: REDIS_URL, keyPrefix: prefix }
      await using a = await serve(replica(), { port: 0, env: false, store })
      await using b = await serve(replica(), { port: 0, env: false, store })
      // The task asks with the capabilities of the request that created it: both views declare elicitation.
      const handlers = { elicitation: () => ({ action: 'accept' as const, content: {} }) }
      await using viaA = await new MCPServerStreamableHttp({
        name: 'a',
        params: { url: a.url },
        handlers,
      }).connect()
      await using viaB = await new MCPServerStreamableHttp({
        name: 'b',
        params: { url: b.url },
        handlers,
      }).connect()
      const started = await viaA.startTask('confirm', {})
      const seen: string[] = []
      const result = await viaB
        .resumeTask(started.taskId!, 'confirm')
        .result({ onTaskStatus: (task) => seen.push(task.status) })
      expect(result.content).toEqual([{ type: 'text', text: 'answered accept' }])
      expect(seen).toContain('input_required')
      const endless = await viaA.startTask('endless', {})
      await viaB.resumeTask(endless.taskId!, 'endless').cancel()
      const ended = await viaA
        .resumeTask(endless.taskId!, 'endless')
        .result()
        .catch((e: unknown) => e)
      expect((ended as McpTaskError).status).toBe('cancelled')
    } finally {
      await removeKeys(prefix)
    }
  }, 30_000)
})
