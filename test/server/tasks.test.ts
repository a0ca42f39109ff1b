/**
 * The MCP Tasks extension on the server, over real sockets with raw 2026-07-28 requests: every
 * state transition, input_required round trips, cancellation, TTL expiry, principal binding,
 * -32021, and every message checked against the types derived from the extension's schema.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  META_TASK_PROGRESS,
  type Parsed,
  parseCreateTaskResult,
  parseGetTaskResult,
  parseTaskAck,
  TASKS_EXTENSION,
} from '../../src/protocol/tasks.js'

/** Every message is checked against the types derived from the extension's schema. */
function valid<T>(outcome: Parsed<T>): T {
  if (!outcome.ok) throw new Error(`invalid message: ${outcome.error}`)
  return outcome.value
}
const createTaskResultSchema = { parse: (value: unknown) => valid(parseCreateTaskResult(value)) }
const getTaskResultSchema = { parse: (value: unknown) => valid(parseGetTaskResult(value)) }
const taskAckSchema = { parse: (value: unknown) => valid(parseTaskAck(value)) }

import { request } from 'undici'
import { MODERN_PROTOCOL_VERSION } from '../../src/protocol/versions.js'
import { hashApiKey, serve, ToolServer } from '../../src/server/index.js'
import { JSON_HEADERS, MODERN_META, send, sseMessages } from '../support/raw.js'

const WITH_TASKS = { elicitation: { form: {} }, extensions: { [TASKS_EXTENSION]: {} } }

function rpc(
  url: string,
  method: string,
  params: Record<string, unknown>,
  options: { capabilities?: Record<string, unknown>; key?: string; mcpName?: string } = {},
) {
  const name = options.mcpName ?? ((params.name ?? params.taskId) as string | undefined)
  return send(url, {
    headers: {
      ...JSON_HEADERS,
      'mcp-protocol-version': MODERN_PROTOCOL_VERSION,
      'mcp-method': method,
      ...(name === undefined ? {} : { 'mcp-name': name }),
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
    },
    body: {
      jsonrpc: '2.0',
      id: 1,
      method,
      params: {
        ...params,
        _meta: {
          ...MODERN_META,
          'io.modelcontextprotocol/clientCapabilities': options.capabilities ?? WITH_TASKS,
        },
      },
    },
  })
}

async function getTask(url: string, taskId: string, key?: string) {
  const answer = await rpc(url, 'tasks/get', { taskId }, key ? { key } : {})
  expect(answer.json.error).toBeUndefined()
  return getTaskResultSchema.parse(answer.json.result)
}

/** Polls until `until` holds (bounded: never a long real sleep). */
async function pollUntil(
  url: string,
  taskId: string,
  until: (status: string, task: ReturnType<typeof getTaskResultSchema.parse>) => boolean,
  key?: string,
) {
  for (let i = 0; i < 200; i++) {
    const task = await getTask(url, taskId, key)
    if (until(task.status, task)) return task
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`task ${taskId} never reached the expected status`)
}

const released: { resolve: (() => void) | undefined } = { resolve: undefined }
/** Lets the running `report` handler finish. */
const release = () => released.resolve?.()
const seen: { aborted: string | undefined } = { aborted: undefined }

function tasksServer(options: { ttlSeconds?: number } = {}) {
  return new ToolServer({ name: 'tasks', version: '1.0.0', tasks: { pollIntervalMs: 50, ...options } })
    .tool(
      'report',
      { input: z.object({ deals: z.number() }), taskSupport: 'required' },
      async ({ deals }, ctx) => {
        ctx.progress(1, { total: 2, message: `scoring ${deals} deals` })
        await new Promise<void>((resolve) => {
          released.resolve = resolve
        })
        return `scored ${deals} deals in task ${ctx.taskId}`
      },
    )
    .tool('confirm', { input: z.object({}), taskSupport: 'required' }, async (_a, ctx) => {
      const first = await ctx.elicit('Name?', { type: 'object', properties: { name: { type: 'string' } } })
      const second = await ctx.elicit('Sure?', { type: 'object', properties: {} })
      return `${String(first.content?.name)} ${second.action}`
    })
    .tool('endless', { input: z.object({}), taskSupport: 'required' }, async (_a, ctx) => {
      await new Promise<void>((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          seen.aborted = String(ctx.signal.reason)
          resolve()
        })
      })
      return 'stopped'
    })
    .tool(
      'broken',
      { input: z.object({ how: z.enum(['tool', 'rpc']) }), taskSupport: 'required' },
      async ({ how }, ctx) => {
        if (how === 'tool') throw new Error('the CRM is down')
        await ctx.sample({ messages: [], maxTokens: 1 })
        return 'never'
      },
    )
    .tool(
      'maybe',
      { input: z.object({ count: z.number() }), taskSupport: 'optional' },
      async ({ count }, ctx) => {
        if (count > 100) await ctx.runAsTask()
        return `counted ${count}${ctx.taskId ? ' as a task' : ''}`
      },
    )
}

describe('tasks: creation and negotiation', () => {
  it('answers CreateTaskResult once tasks/get finds it, then completes with the result and progress on the way', async () => {
    await using running = await serve(tasksServer(), { port: 0 })
    const created = await rpc(running.url, 'tools/call', { name: 'report', arguments: { deals: 20000 } })
    expect(created.status).toBe(200)
    const handle = createTaskResultSchema.parse(created.json.result)
    expect(handle.status).toBe('working')
    expect(handle.taskId).toMatch(/^[0-9a-f-]{36}$/)
    expect(handle.pollIntervalMs).toBe(50)
    expect(handle.ttlMs).toBe(3_600_000)
    const working = await pollUntil(running.url, handle.taskId, () => released.resolve !== undefined)
    expect(working.status).toBe('working')
    const progressed = await pollUntil(running.url, handle.taskId, () => true)
    expect(progressed.statusMessage).toBe('scoring 20000 deals')
    expect(progressed._meta?.[META_TASK_PROGRESS]).toEqual({
      progress: 1,
      total: 2,
      message: 'scoring 20000 deals',
    })
    expect(Date.parse(progressed.lastUpdatedAt)).toBeGreaterThanOrEqual(Date.parse(progressed.createdAt))
    released.resolve?.()
    const done = await pollUntil(running.url, handle.taskId, (s) => s === 'completed')
    if (done.status !== 'completed') throw new Error('not completed')
    expect(done.result.content).toEqual([
      { type: 'text', text: `scored 20000 deals in task ${handle.taskId}` },
    ])
    expect(done.resultType).toBe('complete')
  })

  it('refuses a required tool to a client without the extension: -32021 naming it in requiredCapabilities', async () => {
    await using running = await serve(tasksServer(), { port: 0 })
    const answer = await rpc(
      running.url,
      'tools/call',
      { name: 'report', arguments: { deals: 1 } },
      { capabilities: {} },
    )
    expect(answer.json.error?.code).toBe(-32021)
    expect(answer.json.error?.data).toEqual({
      requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } },
    })
    const get = await rpc(running.url, 'tasks/get', { taskId: 'x' }, { capabilities: {} })
    expect(get.json.error?.code).toBe(-32021)
  })

  it('lets an optional tool decide per call: inline for small work or clients without tasks, a task otherwise', async () => {
    await using running = await serve(tasksServer(), { port: 0 })
    const small = await rpc(running.url, 'tools/call', { name: 'maybe', arguments: { count: 3 } })
    expect(small.json.result?.content).toEqual([{ type: 'text', text: 'counted 3' }])
    const noTasks = await rpc(
      running.url,
      'tools/call',
      { name: 'maybe', arguments: { count: 500 } },
      { capabilities: {} },
    )
    expect(noTasks.json.result?.content).toEqual([{ type: 'text', text: 'counted 500' }])
    const big = await rpc(running.url, 'tools/call', { name: 'maybe', arguments: { count: 500 } })
    const handle = createTaskResultSchema.parse(big.json.result)
    const done = await pollUntil(running.url, handle.taskId, (s) => s === 'completed')
    expect(done.status === 'completed' && done.result.content).toEqual([
      { type: 'text', text: 'counted 500 as a task' },
    ])
  })

  it('settles tool errors as completed isError results and JSON-RPC errors as failed', async () => {
    await using running = await serve(tasksServer(), { port: 0 })
    const tool = createTaskResultSchema.parse(
      (await rpc(running.url, 'tools/call', { name: 'broken', arguments: { how: 'tool' } })).json.result,
    )
    const completed = await pollUntil(running.url, tool.taskId, (s) => s !== 'working')
    expect(completed.status).toBe('completed')
    expect(completed.status === 'completed' && completed.result.isError).toBe(true)
    const rpcTask = createTaskResultSchema.parse(
      (await rpc(running.url, 'tools/call', { name: 'broken', arguments: { how: 'rpc' } })).json.result,
    )
    const failed = await pollUntil(running.url, rpcTask.taskId, (s) => s !== 'working')
    if (failed.status !== 'failed') throw new Error(`expected failed, got ${failed.status}`)
    expect(failed.error.code).toBe(-32021)
    expect(failed.statusMessage).toContain('sampling')
  })
})

describe('tasks: input_required', () => {
  it('asks through inputRequests with keys unique per task, takes answers through tasks/update, ignores unknown keys', async () => {
    await using running = await serve(tasksServer(), { port: 0 })
    const handle = createTaskResultSchema.parse(
      (await rpc(running.url, 'tools/call', { name: 'confirm', arguments: {} })).json.result,
    )
    const asking = await pollUntil(running.url, handle.taskId, (s) => s === 'input_required')
    if (asking.status !== 'input_required') throw new Error('not input_required')
    expect(Object.keys(asking.inputRequests)).toEqual(['elicitation-1'])
    expect(asking.inputRequests['elicitation-1']?.method).toBe('elicitation/create')
    const stray = await rpc(running.url, 'tasks/update', {
      taskId: handle.taskId,
      inputResponses: { 'elicitation-9': { action: 'accept', content: {} } },
    })
    taskAckSchema.parse(stray.json.result)
    expect((await getTask(running.url, handle.taskId)).status).toBe('input_required')
    const ack = await rpc(running.url, 'tasks/update', {
      taskId: handle.taskId,
      inputResponses: { 'elicitation-1': { action: 'accept', content: { name: 'Luca' } } },
    })
    expect(taskAckSchema.parse(ack.json.result)).toEqual(expect.objectContaining({ resultType: 'complete' }))
    const again = await pollUntil(
      running.url,
      handle.taskId,
      (_s, t) => t.status === 'input_required' && 'elicitation-2' in t.inputRequests,
    )
    expect(again.status === 'input_required' && Object.keys(again.inputRequests)).toEqual(['elicitation-2'])
    await rpc(running.url, 'tasks/update', {
      taskId: handle.taskId,
      inputResponses: { 'elicitation-2': { action: 'decline' } },
    })
    const done = await pollUntil(running.url, handle.taskId, (s) => s === 'completed')
    expect(done.status === 'completed' && done.result.content).toEqual([
      { type: 'text', text: 'Luca decline' },
    ])
  })

  it('refuses tasks/update without inputResponses, naming the field', async () => {
    await using running = await serve(tasksServer(), { port: 0 })
    const answer = await rpc(running.url, 'tasks/update', { taskId: 'abc' })
    expect(answer.json.error?.code).toBe(-32602)
    expect(answer.json.error?.message).toContain('inputResponses')
  })
})

describe('tasks: cancellation, expiry, binding, routing', () => {
  it('cancels: the task is cancelled at once and the handler signal aborts; cancelling again changes nothing', async () => {
    await using running = await serve(tasksServer(), { port: 0 })
    const handle = createTaskResultSchema.parse(
      (await rpc(running.url, 'tools/call', { name: 'endless', arguments: {} })).json.result,
    )
    await pollUntil(running.url, handle.taskId, (s) => s === 'working')
    taskAckSchema.parse((await rpc(running.url, 'tasks/cancel', { taskId: handle.taskId })).json.result)
    expect((await getTask(running.url, handle.taskId)).status).toBe('cancelled')
    await expect.poll(() => seen.aborted).toContain('cancelled')
    taskAckSchema.parse((await rpc(running.url, 'tasks/cancel', { taskId: handle.taskId })).json.result)
    expect((await getTask(running.url, handle.taskId)).status).toBe('cancelled')
  })

  it('drops a task after its ttlMs: tasks/get answers -32602, the handler is stopped', async () => {
    seen.aborted = undefined
    await using running = await serve(tasksServer({ ttlSeconds: 0.3 }), { port: 0 })
    const handle = createTaskResultSchema.parse(
      (await rpc(running.url, 'tools/call', { name: 'endless', arguments: {} })).json.result,
    )
    expect(handle.ttlMs).toBe(300)
    await expect
      .poll(async () => (await rpc(running.url, 'tasks/get', { taskId: handle.taskId })).json.error?.code, {
        timeout: 5000,
      })
      .toBe(-32602)
    await expect.poll(() => seen.aborted, { timeout: 5000 }).toContain('expired')
  })

  it('binds a task to its creator: another identity gets "not found" for get, update and cancel', async () => {
    const apiKeys = [
      { id: 'alice', sha256: hashApiKey('alice-key-0123456789') },
      { id: 'bob', sha256: hashApiKey('bob-key-0123456789ab') },
    ]
    await using running = await serve(tasksServer(), { port: 0, auth: { apiKeys } })
    const handle = createTaskResultSchema.parse(
      (
        await rpc(
          running.url,
          'tools/call',
          { name: 'endless', arguments: {} },
          { key: 'alice-key-0123456789' },
        )
      ).json.result,
    )
    for (const [method, params] of [
      ['tasks/get', { taskId: handle.taskId }],
      ['tasks/update', { taskId: handle.taskId, inputResponses: {} }],
      ['tasks/cancel', { taskId: handle.taskId }],
    ] as const) {
      const answer = await rpc(running.url, method, params, { key: 'bob-key-0123456789ab' })
      expect(answer.json.error?.code, method).toBe(-32602)
      expect(answer.json.error?.message).toBe('Failed to retrieve task: Task not found (or expired)')
    }
    expect((await getTask(running.url, handle.taskId, 'alice-key-0123456789')).status).toBe('working')
    await rpc(running.url, 'tasks/cancel', { taskId: handle.taskId }, { key: 'alice-key-0123456789' })
  })

  it('answers an unknown task -32602 and requires Mcp-Name = taskId (spec: routing headers)', async () => {
    await using running = await serve(tasksServer(), { port: 0 })
    const unknown = await rpc(running.url, 'tasks/get', { taskId: 'no-such-task' })
    expect(unknown.json.error?.code).toBe(-32602)
    const mismatch = await rpc(running.url, 'tasks/get', { taskId: 'a' }, { mcpName: 'b' })
    expect(mismatch.status).toBe(400)
    expect(mismatch.json.error?.code).toBe(-32020)
    const empty = await rpc(running.url, 'tasks/get', { taskId: '' }, { mcpName: '' })
    expect(empty.json.error?.message ?? '').toMatch(/taskId|Mcp-Name/)
  })
})

describe('tasks: notifications/tasks on subscriptions/listen', () => {
  function listen(url: string, taskIds: string[], capabilities: Record<string, unknown> = WITH_TASKS) {
    return request(url, {
      method: 'POST',
      headers: {
        ...JSON_HEADERS,
        'mcp-protocol-version': MODERN_PROTOCOL_VERSION,
        'mcp-method': 'subscriptions/listen',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'subscriptions/listen',
        params: {
          notifications: { taskIds },
          _meta: { ...MODERN_META, 'io.modelcontextprotocol/clientCapabilities': capabilities },
        },
      }),
    })
  }

  it('acknowledges the task ids and streams the full task at each change, to the end', async () => {
    await using running = await serve(tasksServer(), { port: 0 })
    released.resolve = undefined
    const handle = createTaskResultSchema.parse(
      (await rpc(running.url, 'tools/call', { name: 'report', arguments: { deals: 7 } })).json.result,
    )
    const res = await listen(running.url, [handle.taskId])
    expect(res.statusCode).toBe(200)
    const messages: Array<Record<string, unknown>> = []
    let completed: Record<string, unknown> | undefined
    await expect.poll(() => released.resolve).toBeDefined()
    release()
    for await (const chunk of res.body) {
      messages.push(...sseMessages(String(chunk)))
      completed = messages.find(
        (m) => m.method === 'notifications/tasks' && (m.params as { status?: string }).status === 'completed',
      )
      if (completed) break
    }
    res.body.destroy()
    expect(messages[0]).toMatchObject({
      method: 'notifications/subscriptions/acknowledged',
      params: { notifications: { taskIds: [handle.taskId] } },
    })
    const params = completed?.params as Record<string, unknown>
    const { _meta, ...task } = params
    const detailed = parseGetTaskResult({ ...task, resultType: 'complete' })
    expect(detailed.ok).toBe(true)
    expect(params).toMatchObject({ taskId: handle.taskId, result: { content: [{ type: 'text' }] } })
  })

  it('refuses task ids from a client without the extension: -32021', async () => {
    await using running = await serve(tasksServer(), { port: 0 })
    const res = await listen(running.url, ['x'], {})
    expect(res.statusCode).toBe(400)
    const body = (await res.body.json()) as { error: { code: number; data: unknown } }
    expect(body.error.code).toBe(-32021)
    expect(body.error.data).toEqual({ requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } })
  })
})
