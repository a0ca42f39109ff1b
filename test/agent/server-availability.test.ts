/**
 * A server that cannot be reached when a run starts does not end the run (issue 12 #12): its
 * tools are left out, the model is told, the run answers with what remains; `requireAllServers`
 * makes it a hard failure.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Agent, Runner, type RunStreamEvent } from '../../src/agent/index.js'
import { ScriptedModel } from '../../src/agent/testing/index.js'
import { MCPServerStreamableHttp, McpConnectionError } from '../../src/client/index.js'
import { serve, ToolServer } from '../../src/server/index.js'

async function deadUrl(): Promise<string> {
  const gone = await serve(new ToolServer({ name: 'gone' }), { port: 0, env: false })
  await gone.close()
  return gone.url
}

async function setup() {
  const analytics = await serve(
    new ToolServer({ name: 'analytics' }).tool('forecast', { input: z.object({}) }, () => '900000'),
    { port: 0, env: false },
  )
  const crm = new MCPServerStreamableHttp({
    name: 'CRM Tools',
    params: { url: await deadUrl() },
    maxRetryAttempts: 0,
  })
  const stats = new MCPServerStreamableHttp({ name: 'Analytics', params: { url: analytics.url } })
  return {
    crm,
    stats,
    async [Symbol.asyncDispose]() {
      await crm.close()
      await stats.close()
      await analytics.close()
    },
  }
}

describe('a server unreachable at the start of a run', () => {
  it('is left out, the model is told which one, and the run answers with what remains', async () => {
    await using s = await setup()
    const model = new ScriptedModel([
      { toolCalls: [{ name: 'forecast', arguments: {} }] },
      { answer: 'forecast 900000' },
    ])
    const agent = new Agent({
      name: 'Sales',
      instructions: 'Be precise.',
      model,
      mcpServers: [s.crm, s.stats],
    })
    const events: RunStreamEvent[] = []
    const stream = Runner.runStreamed(agent, 'Q2?')
    for await (const event of stream) events.push(event)
    const result = await stream.completed
    expect(result.finalOutput).toBe('forecast 900000')
    expect(model.requests[0]!.tools.map((t) => t.name)).toEqual(['forecast'])
    expect(model.requests[0]!.instructions).toMatch(
      /^Be precise\.\n\nNote: these tool servers are unavailable in this run, so their tools are missing: CRM Tools \(nothing is listening at [^)]*\(ECONNREFUSED/,
    )
    expect(result.warnings).toEqual([
      {
        kind: 'server_unavailable',
        server: 'CRM Tools',
        message: expect.stringMatching(
          /^CRM Tools is unavailable, its tools are left out of this run: nothing is listening at/,
        ),
      },
    ])
    expect(events.filter((e) => e.type === 'warning')).toHaveLength(1)
  })

  it('with requireAllServers, the run fails with the server’s typed error before the model is asked', async () => {
    await using s = await setup()
    const model = new ScriptedModel([{ answer: 'never' }])
    const agent = new Agent({ name: 'Sales', model, mcpServers: [s.crm, s.stats] })
    const error = await Runner.run(agent, 'Q2?', { requireAllServers: true }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpConnectionError)
    expect(model.requests).toEqual([])
  })
})
