/** The toolwire server most tests talk to: a few tools that exercise each code path. */
import { z } from 'zod'
import { ToolError, ToolServer } from '../../src/server/index.js'

export interface EchoServerProbe {
  /** Calls that saw their `ctx.signal` abort. */
  aborted: string[]
  started: string[]
}

export function echoServer(
  probe: EchoServerProbe = { aborted: [], started: [] },
  pageSize = 100,
): ToolServer {
  return new ToolServer({ name: 'echo-server', version: '1.2.3', instructions: 'Echoes things.', pageSize })
    .tool(
      'echo',
      {
        title: 'Echo',
        description: 'Echo text back',
        input: z.object({ text: z.string() }),
        annotations: { readOnlyHint: true },
      },
      ({ text }) => text,
    )
    .tool(
      'regional',
      {
        description: 'Has a parameter mirrored into a header',
        input: z.object({ region: z.string().meta({ 'x-mcp-header': 'Region' }), query: z.string() }),
      },
      ({ region, query }) => `${region}/${query}`,
    )
    .tool(
      'progress',
      { input: z.object({ steps: z.number().int().min(1).max(10) }) },
      async ({ steps }, ctx) => {
        for (let i = 1; i <= steps; i++) ctx.progress(i, { total: steps, message: `step ${i}` })
        ctx.log('info', { done: steps })
        return `did ${steps}`
      },
    )
    .tool(
      'sum',
      { input: z.object({ a: z.number(), b: z.number() }), output: z.object({ sum: z.number() }) },
      ({ a, b }) => ({
        sum: a + b,
      }),
    )
    .tool('fail', { input: z.object({ kind: z.enum(['tool', 'crash']) }) }, ({ kind }) => {
      if (kind === 'tool') throw new ToolError('the CRM has no such account')
      throw new TypeError('cannot read properties of undefined (reading "id")')
    })
    .tool(
      'wait',
      { input: z.object({ id: z.string(), ms: z.number().int().max(30_000) }) },
      async ({ id, ms }, ctx) => {
        probe.started.push(id)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms)
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(timer)
            probe.aborted.push(id)
            resolve()
          })
        })
        return `waited ${id}`
      },
    )
}
