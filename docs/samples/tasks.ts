/** docs/tasks.md: long tools as tasks (MCP Tasks extension), served, scaled out and called. */
import { MCPServerStreamableHttp, McpTaskError } from 'toolwire/client'
import { serve, ToolServer } from 'toolwire/server'
import { z } from 'zod'

declare function rescoreDeals(
  onBatch: (done: number, total: number) => void,
  signal: AbortSignal,
): Promise<{ atRisk: number }>
declare function countDeals(quarter: string): Promise<number>
declare function exportDeals(quarter: string, signal: AbortSignal): Promise<string>
declare const db: { saveTaskId(id: string): Promise<void>; loadTaskId(): Promise<string> }

export function tools() {
  // #region server
  const server = new ToolServer({ name: 'crm', version: '1.0.0', tasks: { pollIntervalMs: 500 } })
    // Always a task: the client gets a task handle at once and polls for the result.
    .tool(
      'rescore_pipeline',
      { input: z.object({}), annotations: { readOnlyHint: true }, taskSupport: 'required' },
      async (_args, ctx) => {
        const report = await rescoreDeals(
          (done, total) => ctx.progress(done, { total, message: `${done} of ${total} deals re-scored` }),
          ctx.signal, // aborts when the task is cancelled or expires
        )
        return { atRisk: report.atRisk }
      },
    )
    // A task only when the work is big: the handler decides per call.
    .tool(
      'export_deals',
      { input: z.object({ quarter: z.string() }), taskSupport: 'optional' },
      async ({ quarter }, ctx) => {
        if ((await countDeals(quarter)) > 5000) await ctx.runAsTask() // runs again, as a task
        const answer = await ctx.elicit('Include closed deals?', { type: 'object', properties: {} })
        if (answer.action !== 'accept') return 'Export cancelled'
        return exportDeals(quarter, ctx.signal)
      },
    )
  // #endregion server
  return server
}

export async function fleet(server: ToolServer) {
  // #region fleet
  await serve(server, {
    port: 3000,
    // Tasks kept in Redis and run as BullMQ jobs by any replica (npm install bullmq ioredis).
    store: { redisUrl: 'redis://redis:6379', keyPrefix: 'crm:' },
  })
  // #endregion fleet
}

export async function client(url: string, signal: AbortSignal) {
  // #region client
  await using crm = await new MCPServerStreamableHttp({ name: 'CRM Tools', params: { url } }).connect()
  const result = await crm.callTool(
    'rescore_pipeline',
    {},
    {
      signal, // aborting it sends tasks/cancel
      onTaskStatus: (task) => console.log(`${task.taskId}: ${task.status} ${task.statusMessage ?? ''}`),
      onProgress: ({ progress, total }) => console.log(`${progress}/${total}`),
    },
  )
  // #endregion client
  return result
}

export async function handle(crm: MCPServerStreamableHttp) {
  // #region handle
  const started = await crm.startTask('rescore_pipeline', {})
  if (started.taskId) await db.saveTaskId(started.taskId)
  // … after a restart, in this process or another:
  const task = crm.resumeTask(await db.loadTaskId(), 'rescore_pipeline')
  console.log((await task.status()).status) // working, input_required, completed, …
  try {
    const result = await task.result({ onProgress: ({ message }) => console.log(message) })
    console.log(result.structuredContent)
  } catch (error) {
    if (!(error instanceof McpTaskError)) throw error
    console.log(`task ${error.taskId} ${error.status}: ${error.message}`) // failed, cancelled or gone
  }
  // #endregion handle
}
