/**
 * The client's side of the MCP Tasks extension, against a real toolwire server over loopback:
 * `callTool` polls a task transparently (progress, status, questions answered by the handlers,
 * AbortSignal → tasks/cancel), `startTask()`/`resumeTask()` give an explicit, persistable handle,
 * and every way a task can end without a result is an `McpTaskError`.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp, McpProtocolError, McpTaskError, type Task } from '../../src/client/index.js'
import { serve, ToolServer } from '../../src/server/index.js'

const state: { aborted: string | undefined; release: (() => void) | undefined } = {
  aborted: undefined,
  release: undefined,
}

function server() {
  return new ToolServer({ name: 'tasks', version: '1.0.0', tasks: { pollIntervalMs: 20 } })
    .tool(
      'rescore',
      { input: z.object({ deals: z.number() }), taskSupport: 'required' },
      async ({ deals }, ctx) => {
        for (let done = 0; done < deals; done += 100) {
          ctx.progress(done, { total: deals, message: `${done}/${deals} deals` })
          await new Promise((resolve) => setTimeout(resolve, 30))
        }
        return `rescored ${deals}`
      },
    )
    .tool('confirm', { input: z.object({}), taskSupport: 'required' }, async (_a, ctx) => {
      const answer = await ctx.elicit('Proceed?', { type: 'object', properties: { ok: { type: 'boolean' } } })
      return `answer ${answer.action} ${JSON.stringify(answer.content)}`
    })
    .tool('endless', { input: z.object({}), taskSupport: 'required' }, async (_a, ctx) => {
      await new Promise<void>((resolve) => {
        state.release = resolve
        ctx.signal.addEventListener('abort', () => {
          state.aborted = String(ctx.signal.reason)
          resolve()
        })
      })
      return 'ended'
    })
    .tool('sampler', { input: z.object({}), taskSupport: 'required' }, async (_a, ctx) => {
      await ctx.sample({ messages: [], maxTokens: 1 })
      return 'never'
    })
}

function client(url: string, options: { tasks?: boolean } = {}) {
  return new MCPServerStreamableHttp({
    name: 'tasks',
    params: { url },
    handlers: { elicitation: () => ({ action: 'accept', content: { ok: true } }) },
    ...options,
  })
}

describe('client: tasks', () => {
  it('callTool polls a task transparently, with progress and status events', async () => {
    await using running = await serve(server(), { port: 0 })
    await using crm = await client(running.url).connect()
    const progress: number[] = []
    const statuses: Task[] = []
    const result = await crm.callTool(
      'rescore',
      { deals: 300 },
      { onProgress: (p) => progress.push(p.progress), onTaskStatus: (t) => statuses.push(t) },
    )
    expect(result.content).toEqual([{ type: 'text', text: 'rescored 300' }])
    expect(result.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(progress.length).toBeGreaterThan(0)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
    expect(statuses[0]?.status).toBe('working')
    expect(statuses.at(-1)?.status).toBe('completed')
  })

  it('answers input_required with the elicitation handler through tasks/update', async () => {
    await using running = await serve(server(), { port: 0 })
    await using crm = await client(running.url).connect()
    const seen: string[] = []
    const result = await crm.callTool('confirm', {}, { onTaskStatus: (t) => seen.push(t.status) })
    expect(result.content).toEqual([{ type: 'text', text: 'answer accept {"ok":true}' }])
    expect(seen).toContain('input_required')
  })

  it('turns the caller AbortSignal into tasks/cancel: the handler stops, the call rejects with the reason', async () => {
    state.aborted = undefined
    await using running = await serve(server(), { port: 0 })
    await using crm = await client(running.url).connect()
    const controller = new AbortController()
    const call = crm.callTool(
      'endless',
      {},
      { signal: controller.signal, onTaskStatus: () => controller.abort(new Error('user pressed Ctrl-C')) },
    )
    await expect(call).rejects.toThrow('user pressed Ctrl-C')
    await expect.poll(() => state.aborted).toContain('cancelled')
  })

  it('reports a task cancelled by the server, and a failed one, as McpTaskError', async () => {
    const tools = server()
    await using running = await serve(tools, { port: 0 })
    await using crm = await client(running.url).connect()
    state.release = undefined
    const task = await crm.startTask('endless', {})
    expect(task.taskId).toBeDefined()
    const ending = task.result()
    await expect.poll(() => state.release).toBeDefined()
    // The server's side: an operator cancels the task.
    expect(await tools.cancelTask(task.taskId!, 'Cancelled by the operator')).toBe(true)
    const error = await ending.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpTaskError)
    expect((error as McpTaskError).status).toBe('cancelled')
    expect((error as McpTaskError).message).toContain('Cancelled by the operator')
    const failed = await crm.callTool('sampler', {}).catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(McpTaskError)
    expect((failed as McpTaskError).status).toBe('failed')
    expect((failed as McpTaskError).rpcCode).toBe(-32021)
    expect((failed as McpTaskError).code).toBe('MCP_TASK')
  })

  it('starts a task, persists its id, and resumes it from another client', async () => {
    await using running = await serve(server(), { port: 0 })
    let taskId: string | undefined
    {
      await using first = await client(running.url).connect()
      const started = await first.startTask('rescore', { deals: 200 })
      taskId = started.taskId
    }
    expect(taskId).toMatch(/^[0-9a-f-]{36}$/)
    await using second = await client(running.url).connect()
    const task = second.resumeTask(taskId!, 'rescore')
    expect(['working', 'completed']).toContain((await task.status()).status)
    const result = await task.result()
    expect(result.content).toEqual([{ type: 'text', text: 'rescored 200' }])
    const gone = await second
      .resumeTask('00000000-0000-4000-8000-000000000000', 'rescore')
      .result()
      .catch((e: unknown) => e)
    expect(gone).toBeInstanceOf(McpTaskError)
    expect((gone as McpTaskError).status).toBe('gone')
  })

  it('without tasks (option tasks: false) a tool that needs them fails with -32021', async () => {
    await using running = await serve(server(), { port: 0 })
    await using crm = await client(running.url, { tasks: false }).connect()
    const error = await crm.callTool('rescore', { deals: 1 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpProtocolError)
    expect((error as McpProtocolError).rpcCode).toBe(-32021)
  })
})
