/**
 * The tool server the integration tests call through the frameworks: a few CRM tools, served
 * on port 0 by a real toolwire handler that counts the requests it sees by MCP method.
 */
import { z } from 'zod'
import { hashApiKey, ToolError, ToolServer } from '../../src/server/index.js'
import { listen, type TestHttpServer } from '../support/sdk-servers.js'

export const API_KEY = 'crm-key'

/** Calls of `slow_report` whose `ctx.signal` aborted (the client cancelled them). */
export interface CrmProbe {
  cancelled: number
}

export function crmTools(probe: CrmProbe = { cancelled: 0 }): ToolServer {
  return new ToolServer({ name: 'crm', version: '1.0.0' })
    .tool(
      'search_contacts',
      {
        description: 'Find contacts by company',
        input: z.object({ company: z.string() }),
        annotations: { readOnlyHint: true },
      },
      ({ company }) => `${company}: Ada Lovelace <ada@${company.toLowerCase()}.com>`,
    )
    .tool(
      'pipeline_summary',
      {
        description: 'Open deals and their total value',
        input: z.object({ quarter: z.enum(['Q1', 'Q2', 'Q3', 'Q4']) }),
        output: z.object({ deals: z.number(), value: z.number() }),
        annotations: { readOnlyHint: true },
      },
      ({ quarter }) => ({ deals: quarter === 'Q2' ? 3 : 1, value: 120_000 }),
    )
    .tool(
      'delete_account',
      {
        description: 'Delete an account',
        input: z.object({ id: z.string() }),
        annotations: { destructiveHint: true },
      },
      ({ id }) => `deleted ${id}`,
    )
    .tool('update_deal', { input: z.object({ id: z.string() }) }, ({ id }) => {
      throw new ToolError(`deal ${id} is locked by another user`)
    })
    .tool('slow_report', { input: z.object({ ms: z.number().int().max(10_000) }) }, async ({ ms }, ctx) => {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms)
        ctx.signal.addEventListener('abort', () => {
          clearTimeout(timer)
          probe.cancelled++
          resolve()
        })
      })
      return 'report ready'
    })
}

export interface CrmServer extends TestHttpServer {
  tools: ToolServer
  probe: CrmProbe
  /** Requests seen, by `Mcp-Method` header (2026-07-28) or JSON-RPC method (2025 eras). */
  methods: string[]
  count(method: string): number
}

/** The CRM tools on 127.0.0.1, port 0; `apiKey` requires `Authorization: Bearer crm-key`. */
export async function startCrmServer(options: { apiKey?: boolean } = {}): Promise<CrmServer> {
  const probe: CrmProbe = { cancelled: 0 }
  const tools = crmTools(probe)
  const handler = tools.handler(
    options.apiKey ? { auth: { apiKeys: [{ id: 'agent', sha256: hashApiKey(API_KEY) }] } } : {},
  )
  const methods: string[] = []
  const server = await listen((req, res) => {
    const method = req.headers['mcp-method']
    if (typeof method === 'string') methods.push(method)
    else if (req.method === 'POST') {
      // A 2025-era request: read the method from the body, then hand the parsed body on.
      let text = ''
      req.on('data', (chunk) => (text += chunk))
      req.on('end', () => {
        const body = text ? (JSON.parse(text) as { method?: string }) : {}
        if (body.method) methods.push(body.method)
        ;(req as typeof req & { body: unknown }).body = body
        handler(req, res)
      })
      return
    }
    handler(req, res)
  })
  return { ...server, tools, probe, methods, count: (method) => methods.filter((m) => m === method).length }
}
