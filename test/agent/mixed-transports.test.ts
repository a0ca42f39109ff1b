import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Agent, Runner } from '../../src/agent/index.js'
import { ScriptedModel } from '../../src/agent/testing/index.js'
import { MCPServerStdio, MCPServerStreamableHttp } from '../../src/client/index.js'
import { type RunningServer, serve, ToolServer } from '../../src/server/index.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
let analytics: RunningServer

beforeAll(async () => {
  analytics = await serve(
    new ToolServer({ name: 'analytics' }).tool(
      'forecast',
      { description: 'Weighted forecast', input: z.object({ quarter: z.string() }) },
      ({ quarter }) => ({ quarter, forecast: 900000 }),
    ),
    { port: 0, env: false },
  )
})
afterAll(async () => {
  await analytics.close()
})

describe('one Agent over a stdio server and an HTTP server', () => {
  it('offers both servers’ tools and routes each call to its own transport', async () => {
    await using local = new MCPServerStdio({
      name: 'Echo',
      params: {
        command: process.execPath,
        args: ['--import', 'tsx', 'src/cli/main.ts', 'serve', 'examples/echo-tools.ts', '--stdio'],
        cwd: root,
      },
      onStderr: () => {},
    })
    await using remote = new MCPServerStreamableHttp({ name: 'Analytics', params: { url: analytics.url } })
    const model = new ScriptedModel([
      {
        toolCalls: [
          { name: 'add', arguments: { a: 400000, b: 500000 } },
          { name: 'forecast', arguments: { quarter: 'Q2' } },
        ],
      },
      { answer: 'Both agree: 900,000.' },
    ])
    const agent = new Agent({ name: 'Mixed', model, mcpServers: [local, remote] })
    const result = await Runner.run(agent, 'Check the Q2 forecast')
    expect(result.finalOutput).toBe('Both agree: 900,000.')
    expect(model.requests[0]!.tools.map((t) => t.name).sort()).toEqual([
      'add',
      'count_to',
      'echo',
      'forecast',
    ])
    const calls = result.newItems.filter((item) => item.type === 'tool_call_item')
    expect(calls.map((c) => [c.tool, c.server])).toEqual([
      ['add', 'Echo'],
      ['forecast', 'Analytics'],
    ])
    const outputs = result.newItems.filter((item) => item.type === 'tool_call_output_item')
    expect(outputs.map((o) => [o.isError, o.output])).toEqual([
      [false, expect.stringContaining('900000')],
      [false, expect.stringContaining('900000')],
    ])
    expect(result.warnings).toEqual([])
  })
})
