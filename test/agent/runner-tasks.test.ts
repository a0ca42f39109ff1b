/**
 * The Runner and tools that run as tasks (MCP Tasks extension): the client polls the task (no
 * per-request timeout covers it), and the streamed run shows its status changes as `tool_task`.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Agent, Runner, type RunStreamEvent } from '../../src/agent/index.js'
import { ScriptedModel } from '../../src/agent/testing/index.js'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { serve, ToolServer } from '../../src/server/index.js'

describe('Runner: tools that run as tasks', () => {
  it('waits past the per-request timeout and streams tool_task events', async () => {
    const server = new ToolServer({ name: 'crm', version: '1.0.0', tasks: { pollIntervalMs: 50 } }).tool(
      'rescore_pipeline',
      { description: 'Re-score every deal', input: z.object({}), taskSupport: 'required' },
      async (_a, ctx) => {
        ctx.progress(1, { total: 2, message: 'half way' })
        // Longer than the client's per-request timeout below: only polling gets past it.
        await new Promise((resolve) => setTimeout(resolve, 1500))
        return 'rescored 8,133 open deals'
      },
    )
    await using running = await serve(server, { port: 0, env: false })
    await using crm = new MCPServerStreamableHttp({
      name: 'crm',
      params: { url: running.url },
      clientSessionTimeoutSeconds: 1,
    })
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'rescore_pipeline', arguments: {} }] },
      { answer: 'Done.' },
    ])
    const events: RunStreamEvent[] = []
    const stream = Runner.runStreamed(new Agent({ name: 'S', model, mcpServers: [crm] }), 'rescore')
    for await (const event of stream) events.push(event)
    const tasks = events.filter((e) => e.type === 'tool_task')
    // One event per change of status or statusMessage ('Started', then the progress message).
    const statuses = tasks.map((e) =>
      e.type === 'tool_task' ? `${e.task.status}: ${e.task.statusMessage}` : '',
    )
    expect(statuses[0]).toBe('working: Started')
    expect(statuses).toContain('working: half way')
    expect(statuses.at(-1)).toBe('completed: Completed')
    expect(tasks[0]).toMatchObject({ name: 'rescore_pipeline', server: 'crm' })
    const output = events.find((e) => e.type === 'tool_output')
    expect(output?.type === 'tool_output' && output.item.output).toBe('rescored 8,133 open deals')
    expect((await stream.completed).finalOutput).toBe('Done.')
  })
})
