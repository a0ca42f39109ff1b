/** docs/server.md: defining tools, serving and mounting them, resources, prompts, asking the client. */
import { createServer } from 'node:http'
import express from 'express'
// #region tools
import { serve, ToolError, ToolServer } from 'toolwire/server'
import { z } from 'zod'

export const server = new ToolServer({ name: 'echo', version: '1.0.0' })
  .tool(
    'add',
    {
      description: 'Add two numbers',
      input: z.object({ a: z.number(), b: z.number() }),
      output: z.object({ sum: z.number() }), // optional: structured results, checked
      annotations: { readOnlyHint: true, idempotentHint: true },
      timeoutSeconds: 5, // optional: then ctx.signal aborts, the caller gets an error result
    },
    ({ a, b }) => ({ sum: a + b }),
  )
  .tool('count_to', { input: z.object({ n: z.number().int() }) }, async ({ n }, ctx) => {
    for (let i = 1; i <= n; i++) {
      if (ctx.signal.aborted) throw new ToolError('stopped') // the caller went away
      ctx.progress(i, { total: n }) // streams SSE progress
    }
    return `counted to ${n}`
  })
// #endregion tools

export async function start() {
  // #region serve
  const running = await serve(server, { port: 3000 }) // http://127.0.0.1:3000/mcp
  // #endregion serve
  return running
}

/** Mounts the handler in node:http and in Express; test/docs/samples-run.test.ts serves both. */
export function mount(server: ToolServer) {
  // #region node-http
  const handler = server.handler()
  const httpServer = createServer((req, res) =>
    req.url === '/mcp' ? handler(req, res) : res.writeHead(404).end(),
  )
  // #endregion node-http
  // #region express
  const app = express()
  app.use(express.json()) // optional: the handler reads a parsed body as well as the raw stream
  app.all('/mcp', server.handler())
  // #endregion express
  return { httpServer, app, handler }
}

export function headerParameter(server: ToolServer) {
  // #region header-param
  server.tool(
    'search_region',
    {
      input: z.object({ region: z.string().meta({ 'x-mcp-header': 'Region' }), query: z.string() }),
    },
    ({ region, query }) => `${region}: ${query}`,
  )
  // #endregion header-param
}

interface Db {
  customerIds(prefix: string): Promise<string[]>
  customer(id: string): Promise<unknown>
}

export function resourcesAndPrompts(server: ToolServer, db: Db, schemaText: string) {
  // #region resources-prompts
  server
    .resource('crm://schema', { mimeType: 'text/plain' }, () => schemaText) // text, bytes or contents
    .resourceTemplate(
      'crm://customers/{id}', // {id}: a segment, {+path}: the rest
      { mimeType: 'application/json', complete: { id: (prefix) => db.customerIds(prefix) } },
      async (_uri, { id }) => JSON.stringify(await db.customer(id!)),
    )
    .prompt(
      'follow_up',
      {
        description: 'Draft a follow-up',
        arguments: z.object({ customer: z.string().describe('Customer name') }),
      },
      ({ customer }) => `Write a short follow-up email to ${customer}.`, // or messages, or a full result
    )
  server.resourceUpdated('crm://customers/42') // tells the clients subscribed to it
  // #endregion resources-prompts
}

export function askTheClient(server: ToolServer, deleteRecords: (table: string) => Promise<number>) {
  // #region ask-client
  server.tool('purge', { input: z.object({ table: z.string() }) }, async ({ table }, ctx) => {
    const answer = await ctx.elicit(`Delete every row of ${table}?`, {
      type: 'object',
      properties: { confirm: { type: 'boolean', title: 'Yes, delete them' } },
      required: ['confirm'],
    })
    if (answer.action !== 'accept' || answer.content?.confirm !== true) return 'Nothing deleted.'
    // Side effects after the questions: on 2026-07-28 the handler runs again from the start.
    return `Deleted ${await deleteRecords(table)} rows.`
  })
  // #endregion ask-client
}
