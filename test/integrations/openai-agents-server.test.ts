/**
 * `toolwire/openai-agents` as an `MCPServer` on its own: the shapes `@openai/agents` reads, the
 * options it takes (their names and units, refused when implausible), and its lifecycle, against
 * a real toolwire server.
 */
import { connectMcpServers, getAllMcpTools, type MCPServer } from '@openai/agents'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  McpClosedError,
  McpToolError,
  ToolListCache,
  MCPServerStreamableHttp as ToolwireClient,
  ToolwireConfigError,
} from '../../src/client/index.js'
import {
  MCPServerStreamableHttp,
  type MCPServerStreamableHttpOptions,
  toOpenAIAgentsServer,
} from '../../src/integrations/openai-agents/index.js'
import { API_KEY, type CrmServer, startCrmServer } from './crm-tool-server.js'

let crm: CrmServer
beforeAll(async () => {
  crm = await startCrmServer({ apiKey: true })
})
afterAll(() => crm.close())

const options = (extra: Partial<MCPServerStreamableHttpOptions> = {}): MCPServerStreamableHttpOptions => ({
  url: crm.url,
  headers: { authorization: `Bearer ${API_KEY}` },
  toolListCache: new ToolListCache(),
  ...extra,
})

describe('the MCPServer shapes', () => {
  it('is an MCPServer: listTools in their MCPTool shape, callTool as content with metadata attached', async () => {
    const server: MCPServer = new MCPServerStreamableHttp(options())
    await server.connect()
    try {
      expect(server.name).toBe(`streamable-http: ${crm.url}`) // their default name
      const tools = await server.listTools()
      const search = tools.find((t) => t.name === 'search_contacts')!
      expect(search.inputSchema).toMatchObject({
        type: 'object',
        properties: { company: { type: 'string' } },
        required: ['company'],
        additionalProperties: false,
      })
      expect(search).toMatchObject({ annotations: { readOnlyHint: true } }) // kept for callable filters

      const content = await server.callTool('pipeline_summary', { quarter: 'Q2' })
      expect(Array.isArray(content)).toBe(true)
      expect(content.structuredContent).toEqual({ deals: 3, value: 120000 })
      expect(Object.keys(content)).toEqual(['0']) // metadata is non-enumerable, as theirs

      const failed = await server.callTool('update_deal', { id: 'D-1' }, null)
      expect(failed.isError).toBe(true)
      expect(failed[0]).toEqual({ type: 'text', text: 'deal D-1 is locked by another user' })

      const full = await server.callToolResult!('pipeline_summary', { quarter: 'Q1' })
      expect(full).toMatchObject({
        content: [{ type: 'text', text: '{"deals":1,"value":120000}' }],
        structuredContent: { deals: 1, value: 120000 },
      })
      // Their CallToolResult: no toolwire extras (traceId, resultType) leak into it.
      expect(
        Object.keys(full).every((k) => ['content', 'structuredContent', '_meta', 'isError'].includes(k)),
      ).toBe(true)
    } finally {
      await server.close()
    }
  })

  it('a static toolFilter (their names) filters listTools and refuses excluded calls; empty lists allow all', async () => {
    const filtered = new MCPServerStreamableHttp(
      options({
        toolFilter: {
          allowedToolNames: ['search_contacts', 'delete_account'],
          blockedToolNames: ['delete_account'],
        },
      }),
    )
    await using _ = await connected(filtered)
    expect((await filtered.listTools()).map((t) => t.name)).toEqual(['search_contacts'])
    await expect(filtered.callTool('delete_account', { id: 'A-1' })).rejects.toThrow(McpToolError)
    await expect(filtered.callTool('delete_account', { id: 'A-1' })).rejects.toThrow(/excluded by toolFilter/)

    const open = new MCPServerStreamableHttp(
      options({ toolFilter: { allowedToolNames: [], blockedToolNames: [] } }),
    )
    await using __ = await connected(open)
    expect(await open.listTools()).toHaveLength(5)
  })

  it('request _meta (toolMetaResolver) is refused rather than dropped', async () => {
    const server = new MCPServerStreamableHttp(options())
    await using _ = await connected(server)
    await expect(server.callTool('search_contacts', { company: 'x' }, { trace: 'y' })).rejects.toThrow(
      /_meta .* not supported/,
    )
  })

  it('works with their getAllMcpTools and connectMcpServers', async () => {
    const server = new MCPServerStreamableHttp(options({ name: 'CRM' }))
    await using servers = await connectMcpServers([server], { strict: true })
    const tools = await getAllMcpTools({ mcpServers: servers.active })
    expect(tools.map((t) => t.name)).toContain('pipeline_summary')
  })
})

describe('options', () => {
  it('headers from requestInit.headers (theirs) or headers; toolwire auth too', async () => {
    for (const extra of [
      { headers: {}, requestInit: { headers: new Headers({ Authorization: `Bearer ${API_KEY}` }) } },
      { headers: {}, auth: () => API_KEY },
    ]) {
      const server = new MCPServerStreamableHttp(options(extra))
      await using _ = await connected(server)
      expect(await server.callTool('search_contacts', { company: 'Acme' })).toHaveLength(1)
    }
    const refused = new MCPServerStreamableHttp(options({ headers: {} }))
    await expect(refused.connect()).rejects.toMatchObject({ code: 'MCP_HTTP', status: 401 })
    await refused.close()
  })

  it.each([
    [{ authProvider: {} }, /"authProvider" is not supported: use auth: oauth/],
    [{ fetch: globalThis.fetch }, /"fetch" is not supported: use dispatcher/],
    [{ params: { url: 'http://x' } }, /"params" is not supported: this class takes @openai\/agents options/],
    [{ toolMetaResolver: () => ({}) }, /"toolMetaResolver" is not supported/],
    [{ requestInit: { credentials: 'include' } }, /requestInit.credentials is not supported/],
    [{ url: undefined }, /option "url" is required/],
  ])('refuses what it cannot honour: %o', (extra, message) => {
    const bad = { ...options(), ...extra } as unknown as MCPServerStreamableHttpOptions
    expect(() => new MCPServerStreamableHttp(bad)).toThrow(ToolwireConfigError)
    expect(() => new MCPServerStreamableHttp(bad)).toThrow(message)
  })
})

describe('the unit guard', () => {
  it.each([
    [{ timeout: 5 }, 'option "timeout" is in milliseconds: 5 is 5 milliseconds', 'write timeout: 5000'],
    [{ timeout: 30 }, 'is in milliseconds', 'if you meant 30 seconds, write timeout: 30000'],
    [
      { clientSessionTimeoutSeconds: 30000 },
      'option "clientSessionTimeoutSeconds" is in seconds: 30000 is 8.3 hours',
      'write clientSessionTimeoutSeconds: 30',
    ],
    [{ connectTimeoutSeconds: 5000 }, 'is in seconds: 5000 is 1.4 hours', 'connectTimeoutSeconds: 5'],
    [{ sseReadTimeoutSeconds: 300_000 }, 'is in seconds', 'sseReadTimeoutSeconds: 300'],
    [{ timeout: 10_000_000 }, 'is 2.8 hours, outside the plausible 100–3600000 ms', ''],
  ])('refuses %o, naming the unit', (extra, unit, hint) => {
    const make = () => new MCPServerStreamableHttp(options(extra))
    expect(make).toThrow(ToolwireConfigError)
    expect(make).toThrow(unit)
    if (hint) expect(make).toThrow(hint)
  })

  it('accepts plausible values and refuses non-positive ones', () => {
    expect(
      () => new MCPServerStreamableHttp(options({ timeout: 100, clientSessionTimeoutSeconds: 600 })),
    ).not.toThrow()
    expect(
      () => new MCPServerStreamableHttp(options({ timeout: 3_600_000, sseReadTimeoutSeconds: 0.1 })),
    ).not.toThrow()
    expect(() => new MCPServerStreamableHttp(options({ timeout: 0 }))).toThrow(
      /positive number of milliseconds/,
    )
    expect(() => new MCPServerStreamableHttp(options({ timeout: Number.NaN }))).toThrow(/positive number/)
  })

  it('guards toOpenAIAgentsServer({ timeout }) too', () => {
    const client = new ToolwireClient({ params: { url: crm.url } })
    expect(() => toOpenAIAgentsServer(client, { timeout: 60 })).toThrow(/in milliseconds.*timeout: 60000/)
  })
})

describe('lifecycle', () => {
  it('connect() after close() starts a new toolwire client (as MCPServers.reconnect expects)', async () => {
    const server = new MCPServerStreamableHttp(options())
    await server.connect()
    const first = server.toolwire
    await server.close()
    await server.connect()
    expect(server.toolwire).not.toBe(first)
    expect(await server.callTool('search_contacts', { company: 'Acme' })).toHaveLength(1)
    await server.close()
  })

  it('toOpenAIAgentsServer: the wrapped client, its name and policies; closed for good by close()', async () => {
    const client = new ToolwireClient({
      name: 'CRM Tools',
      params: { url: crm.url, headers: { authorization: `Bearer ${API_KEY}` } },
      maxRetryAttempts: 0,
    })
    const server = toOpenAIAgentsServer(client, { timeout: 5000 })
    expect(server.name).toBe('CRM Tools')
    expect(server.toolwire).toBe(client)
    await server.connect()
    expect(client.protocolVersion).toBe('2026-07-28')
    expect(await server.callTool('search_contacts', { company: 'Acme' })).toHaveLength(1)
    await server.close()
    await expect(server.connect()).rejects.toThrow(McpClosedError)
  })
})

async function connected(server: MCPServerStreamableHttp) {
  await server.connect()
  return { [Symbol.asyncDispose]: () => server.close() }
}
