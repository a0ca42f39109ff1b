/**
 * docs/migrating-from-mcp-sdk.md: the same echo/add server and client with the official MCP
 * TypeScript SDK (v1 and v2) and with toolwire.
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2ClientTransport,
} from '@modelcontextprotocol/client'
import { toNodeHandler } from '@modelcontextprotocol/node'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { createMcpHandler, McpServer as V2McpServer } from '@modelcontextprotocol/server'
import { MCPServerStreamableHttp } from 'toolwire/client'
import { serve, ToolServer } from 'toolwire/server'
import { z } from 'zod'

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
  return chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString()) : undefined
}

export function sdkV1Server() {
  // #region v1-server
  // One McpServer per session (a server connects to one transport at a time).
  const newServer = () => {
    const server = new McpServer({ name: 'calculator', version: '1.0.0' })
    server.registerTool(
      'add',
      {
        description: 'Add two numbers',
        inputSchema: { a: z.number(), b: z.number() },
        outputSchema: { sum: z.number() },
      },
      async ({ a, b }) => ({
        content: [{ type: 'text', text: String(a + b) }],
        structuredContent: { sum: a + b },
      }),
    )
    return server
  }
  // Sessions: one transport per Mcp-Session-Id, kept in a map.
  const transports = new Map<string, StreamableHTTPServerTransport>()
  createServer(async (req, res) => {
    const body = req.method === 'POST' ? await readBody(req) : undefined
    const id = req.headers['mcp-session-id']
    let transport = typeof id === 'string' ? transports.get(id) : undefined
    if (!transport) {
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sid) => void transports.set(sid, created),
        onsessionclosed: (sid) => void transports.delete(sid),
      })
      await newServer().connect(created)
      transport = created
    }
    await transport.handleRequest(req, res, body)
  }).listen(3000)
  // #endregion v1-server
}

export function sdkV2Server() {
  // #region v2-server
  const handler = toNodeHandler(
    createMcpHandler(() => {
      const server = new V2McpServer({ name: 'calculator', version: '1.0.0' })
      server.registerTool(
        'add',
        {
          description: 'Add two numbers',
          inputSchema: z.object({ a: z.number(), b: z.number() }),
          outputSchema: z.object({ sum: z.number() }),
        },
        async ({ a, b }) => ({
          content: [{ type: 'text', text: String(a + b) }],
          structuredContent: { sum: a + b },
        }),
      )
      return server
    }),
  )
  createServer((req, res) => void handler(req as Parameters<typeof handler>[0], res)).listen(3000)
  // #endregion v2-server
}

export async function toolwireServer() {
  // #region toolwire-server
  const server = new ToolServer({ name: 'calculator', version: '1.0.0' }).tool(
    'add',
    {
      description: 'Add two numbers',
      input: z.object({ a: z.number(), b: z.number() }),
      output: z.object({ sum: z.number() }), // structuredContent, and a JSON text mirror
    },
    ({ a, b }) => ({ sum: a + b }),
  )
  await serve(server, { port: 3000 }) // both eras, sessions for 2025 clients, /health, /ready
  // #endregion toolwire-server
}

export async function sdkV1Client(url: string) {
  // #region v1-client
  const client = new Client({ name: 'my-agent', version: '1.0.0' })
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { 'X-Team': 'sales' } } }),
  )
  const { tools } = await client.listTools()
  const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } }, undefined, {
    timeout: 30_000, // milliseconds
  })
  await client.close()
  // #endregion v1-client
  return { tools, result }
}

export async function sdkV2Client(url: string) {
  // #region v2-client
  const client = new V2Client({ name: 'my-agent', version: '1.0.0' })
  await client.connect(
    new V2ClientTransport(new URL(url), { requestInit: { headers: { 'X-Team': 'sales' } } }),
  )
  const { tools } = await client.listTools()
  const result = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } }, { timeout: 30_000 })
  await client.close()
  // #endregion v2-client
  return { tools, result }
}

export async function toolwireClient(url: string) {
  // #region toolwire-client
  await using client = await new MCPServerStreamableHttp({
    name: 'Calculator',
    params: { url, headers: { 'X-Team': 'sales' } },
    clientInfo: { name: 'my-agent', version: '1.0.0' },
  }).connect()
  const tools = await client.listTools() // Tool[], every page
  const result = await client.callTool('add', { a: 2, b: 40 }, { timeoutSeconds: 30 }) // seconds
  // #endregion toolwire-client
  return { tools, result }
}
