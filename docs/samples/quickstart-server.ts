/**
 * README quick start: serve tools. `npx tsx server.ts`; test/docs/quickstarts.test.ts runs it
 * with TOOLWIRE_PORT=0.
 */
// #region quickstart
import { serve, ToolServer } from 'toolwire/server'
import { z } from 'zod'

const server = new ToolServer({ name: 'calculator', version: '1.0.0' }).tool(
  'add',
  {
    description: 'Add two numbers',
    input: z.object({ a: z.number(), b: z.number() }),
    output: z.object({ sum: z.number() }),
    annotations: { readOnlyHint: true },
  },
  ({ a, b }) => ({ sum: a + b }),
)

// Port 3000, or TOOLWIRE_PORT / PORT (0: any free port); Ctrl-C stops it gracefully.
const running = await serve(server, { shutdownOnSignals: true })
console.log(`MCP server listening on ${running.url}`)
// #endregion quickstart
