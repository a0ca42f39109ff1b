/**
 * A minimal tool server: `npx tsx examples/echo-server.ts [port]`.
 * Serves both protocol eras (2026-07-28 and 2025) on http://127.0.0.1:<port>/mcp.
 */
import { serve, ToolError, ToolServer } from 'toolwire/server'
import { z } from 'zod'

const server = new ToolServer({ name: 'echo', version: '1.0.0', instructions: 'Echo and add things.' })
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

// Port: the first argument, else TOOLWIRE_PORT or PORT, else 3000; other TOOLWIRE_* variables
// (log level, auth, metrics, …) configure the rest without code changes (see the README).
// SIGTERM/SIGINT: /ready turns 503, in-flight calls finish, the process exits 0.
const port = process.argv[2]
const running = await serve(server, { ...(port ? { port: Number(port) } : {}), shutdownOnSignals: true })
console.log(`MCP server listening on ${running.url}`)
