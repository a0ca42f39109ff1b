/**
 * Official-SDK MCP servers, set up the way their docs show, for interop tests and the
 * benchmark: SDK v2 (`createMcpHandler`, both eras) and SDK v1 (`McpServer` over
 * `StreamableHTTPServerTransport`, stateless or stateful, JSON or SSE answers).
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { toNodeHandler } from '@modelcontextprotocol/node'
import { McpServer as V1McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport as V1Transport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import {
  acceptedContent,
  createMcpHandler,
  inputRequired,
  McpServer as V2McpServer,
} from '@modelcontextprotocol/server'
import { z } from 'zod'

export interface TestHttpServer extends AsyncDisposable {
  url: string
  server: Server
  close(): Promise<void>
}

export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: { path?: string; port?: number } = {},
): Promise<TestHttpServer> {
  const path = options.path ?? '/mcp'
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  return { url: `http://127.0.0.1:${port}${path}`, server, close, [Symbol.asyncDispose]: close }
}

function v2Factory(): V2McpServer {
  const server = new V2McpServer({ name: 'sdk-v2-echo', version: '2.0.0' })
  server.registerTool(
    'echo',
    { description: 'Echo text back', inputSchema: z.object({ text: z.string() }) },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  )
  server.registerTool(
    'slow_progress',
    { description: 'Report progress twice then answer', inputSchema: z.object({ steps: z.number().int() }) },
    async ({ steps }, ctx) => {
      const token = ctx.mcpReq._meta?.progressToken
      for (let i = 1; i <= steps; i++) {
        if (token !== undefined) {
          await ctx.mcpReq.notify({
            method: 'notifications/progress',
            params: { progressToken: token, progress: i, total: steps },
          })
        }
      }
      return { content: [{ type: 'text', text: `done ${steps}` }] }
    },
  )
  // Asks the client for input: input_required on 2026-07-28 (the SDK's legacy shim turns it
  // into an elicitation/create request on 2025-era sessions).
  const nameForm = z.object({ name: z.string() })
  server.registerTool(
    'greet',
    { description: 'Asks for a name, then greets', inputSchema: z.object({}) },
    async (_args, ctx) => {
      const answer = acceptedContent(ctx.mcpReq.inputResponses, 'who', nameForm)
      if (!answer) {
        return inputRequired({
          inputRequests: { who: inputRequired.elicit({ message: 'Your name?', requestedSchema: nameForm }) },
        })
      }
      return { content: [{ type: 'text', text: `hello ${answer.name}` }] }
    },
  )
  return server
}

/** SDK v2 `createMcpHandler` with its defaults: 2026-07-28, plus stateless 2025-era fallback. */
export async function startSdkV2Server(): Promise<TestHttpServer> {
  const handler = toNodeHandler(createMcpHandler(() => v2Factory()))
  return listen((req, res) => void handler(req as Parameters<typeof handler>[0], res))
}

function v1Server(): V1McpServer {
  const server = new V1McpServer({ name: 'sdk-v1-echo', version: '1.0.0' })
  server.registerTool(
    'echo',
    { description: 'Echo text back', inputSchema: { text: z.string() } },
    async ({ text }) => ({
      content: [{ type: 'text', text }],
    }),
  )
  server.registerTool(
    'slow_progress',
    { description: 'Report progress then answer', inputSchema: { steps: z.number().int() } },
    async ({ steps }, extra) => {
      const token = extra._meta?.progressToken
      for (let i = 1; i <= steps; i++) {
        if (token !== undefined) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken: token, progress: i, total: steps },
          })
        }
      }
      return { content: [{ type: 'text', text: `done ${steps}` }] }
    },
  )
  return server
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
  const text = Buffer.concat(chunks).toString()
  return text ? JSON.parse(text) : undefined
}

/** SDK v1 stateless: a new server and transport per request, as the SDK's docs show. */
export async function startSdkV1StatelessServer(options: { json: boolean }): Promise<TestHttpServer> {
  return listen(async (req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end()
      return
    }
    const body = await readBody(req)
    const server = v1Server()
    // The SDK's documented stateless setup passes `sessionIdGenerator: undefined`.
    const transport = new V1Transport({ enableJsonResponse: options.json } as ConstructorParameters<
      typeof V1Transport
    >[0])
    res.on('close', () => {
      void transport.close()
      void server.close()
    })
    await server.connect(transport)
    await transport.handleRequest(req, res, body)
  })
}

/** SDK v1 stateful: sessions keyed by `Mcp-Session-Id`, as the SDK's docs show. */
export async function startSdkV1StatefulServer(options: {
  json: boolean
}): Promise<TestHttpServer & { sessions: Map<string, V1Transport> }> {
  const sessions = new Map<string, V1Transport>()
  const started = await listen(async (req, res) => {
    const body = req.method === 'POST' ? await readBody(req) : undefined
    const id = req.headers['mcp-session-id']
    let transport = typeof id === 'string' ? sessions.get(id) : undefined
    if (!transport) {
      transport = new V1Transport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: options.json,
        onsessioninitialized: (sid) => {
          sessions.set(sid, transport!)
        },
        onsessionclosed: (sid) => {
          sessions.delete(sid)
        },
      })
      await v1Server().connect(transport)
    }
    await transport.handleRequest(req, res, body)
  })
  return Object.assign(started, { sessions })
}
