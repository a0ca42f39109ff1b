/**
 * The tools an agent offers its model, and the way back from a name to the tool: local
 * function tools and every connected server's tools, with names a model API accepts.
 *
 * Naming rule (deterministic): a tool keeps its own name when no other server (or local tool)
 * has it; names that collide are prefixed with their server's slug, `crm_tools__search`, for
 * every server that has them; `includeServerInToolNames` prefixes all MCP tools. Names keep to
 * `[A-Za-z0-9_-]` and 64 characters; a longer one is cut and ends with a short hash so it stays
 * unique.
 */
import { createHash } from 'node:crypto'
import type { MCPServerStreamableHttp } from '../client/mcp-server-streamable-http.js'
import type { Tool } from '../protocol/types.js'
import type { Agent } from './agent.js'
import type { FunctionToolSpec } from './model.js'
import { type FunctionTool, parametersOf } from './tool.js'

export type ToolRoute =
  | { kind: 'local'; tool: FunctionTool }
  | { kind: 'mcp'; server: MCPServerStreamableHttp; tool: Tool }

export interface ToolTable {
  specs: FunctionToolSpec[]
  routes: Map<string, ToolRoute>
}

const MAX_NAME = 64

function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_')
}

function withinLimit(name: string): string {
  if (name.length <= MAX_NAME) return name
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8)
  return `${name.slice(0, MAX_NAME - 9)}_${hash}`
}

export function slug(serverName: string): string {
  return safe(serverName.toLowerCase()).replace(/_+/g, '_').replace(/^_|_$/g, '') || 'server'
}

/** Lists every server's tools (their `toolFilter` applies) and builds the table. */
export async function toolTable(agent: Agent, signal?: AbortSignal): Promise<ToolTable> {
  const listed = await Promise.all(
    agent.mcpServers.map(async (server) => ({
      server,
      tools: await server.listTools(signal ? { signal } : {}),
    })),
  )
  const counts = new Map<string, number>()
  for (const t of agent.tools) counts.set(safe(t.name), (counts.get(safe(t.name)) ?? 0) + 1)
  for (const { tools } of listed)
    for (const t of tools) counts.set(safe(t.name), (counts.get(safe(t.name)) ?? 0) + 1)
  const specs: FunctionToolSpec[] = []
  const routes = new Map<string, ToolRoute>()
  const add = (name: string, spec: Omit<FunctionToolSpec, 'name'>, route: ToolRoute) => {
    let unique = withinLimit(name)
    for (let n = 2; routes.has(unique); n++) unique = withinLimit(`${name}_${n}`)
    specs.push({ name: unique, ...spec })
    routes.set(unique, route)
  }
  for (const t of agent.tools) {
    add(safe(t.name), { description: t.description, parameters: parametersOf(t) }, { kind: 'local', tool: t })
  }
  for (const { server, tools } of listed) {
    for (const t of tools) {
      const shared = (counts.get(safe(t.name)) ?? 0) > 1
      const name =
        agent.includeServerInToolNames || shared ? `${slug(server.name)}__${safe(t.name)}` : safe(t.name)
      const { $schema: _dialect, ...parameters } = t.inputSchema as Record<string, unknown>
      add(
        name,
        { description: t.description ?? t.title ?? `${t.name} (${server.name})`, parameters },
        { kind: 'mcp', server, tool: t },
      )
    }
  }
  return { specs, routes }
}
