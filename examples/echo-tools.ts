/**
 * The echo example's tools, as a module: `examples/echo-server.ts` serves them, and so does
 * `toolwire serve examples/echo-tools.ts`.
 */
import { ToolError, ToolServer } from 'toolwire/server'
import { z } from 'zod'

export const server = new ToolServer({ name: 'echo', version: '1.0.0', instructions: 'Echo and add things.' })
  .tool(
    'echo',
    {
      description: 'Echo text back',
      input: z.object({ text: z.string().describe('What to say') }),
      annotations: { readOnlyHint: true },
    },
    ({ text }) => text,
  )
  .tool(
    'add',
    {
      description: 'Add two numbers',
      input: z.object({ a: z.number(), b: z.number() }),
      output: z.object({ sum: z.number() }),
      annotations: { readOnlyHint: true, idempotentHint: true },
    },
    ({ a, b }) => ({ sum: a + b }),
  )
  .tool(
    'count_to',
    {
      description: 'Count slowly, reporting progress',
      input: z.object({ n: z.number().int().min(1).max(100) }),
    },
    async ({ n }, ctx) => {
      for (let i = 1; i <= n; i++) {
        if (ctx.signal.aborted) throw new ToolError('stopped')
        ctx.progress(i, { total: n, message: `at ${i}` })
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      return `counted to ${n}`
    },
  )
