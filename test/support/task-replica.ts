/**
 * One replica of a task fleet, run as its own process by test/fleet/tasks-fleet.test.ts: a
 * ToolServer whose tasks live in the Redis named by TOOLWIRE_REDIS_URL under TASK_KEY_PREFIX,
 * with a short lease. Prints `{"url": …}` once listening, and `RUNNING <tool> <taskId>` when one
 * of its workers starts a task's handler.
 */
import { z } from 'zod'
import { serve, ToolServer } from '../../src/server/index.js'

const RUN_MS = 2500

function work(tool: string) {
  return async (_args: unknown, ctx: { taskId: string | undefined; signal: AbortSignal }) => {
    process.stdout.write(`RUNNING ${tool} ${ctx.taskId}\n`)
    await new Promise((resolve) => setTimeout(resolve, RUN_MS))
    return `${tool} done by replica ${process.pid}`
  }
}

const server = new ToolServer({
  name: 'fleet',
  version: '1.0.0',
  tasks: { leaseSeconds: 1, pollIntervalMs: 100 },
})
  .tool(
    'pipeline_report',
    { input: z.object({}), taskSupport: 'required', annotations: { readOnlyHint: true } },
    work('pipeline_report'),
  )
  .tool('send_invoices', { input: z.object({}), taskSupport: 'required' }, work('send_invoices'))

const running = await serve(server, {
  port: 0,
  store: {
    redisUrl: process.env.TOOLWIRE_REDIS_URL ?? 'redis://127.0.0.1:6379',
    keyPrefix: process.env.TASK_KEY_PREFIX ?? 'tw-test:',
  },
})
await server.startTasks()
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`)
process.on('SIGTERM', () => void running.close().then(() => process.exit(0)))
