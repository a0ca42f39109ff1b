/**
 * The tools an agent offers its model, and the way back from a name to the tool: local
 * function tools and every reachable server's tools, with names a model API accepts.
 *
 * Naming rule (deterministic, and no server can forge another's names):
 * - each server has a prefix space, `<slug>__…`, its slug made unique in the agent's
 *   configured server order (`crm_tools`, then `crm_tools_2`);
 * - a tool keeps its own name when no other server (or local tool) has it and it does not look
 *   like a name in any server's prefix space; otherwise it is offered as `<slug>__<name>` in
 *   its own server's space (so `crm__status` declared by another server becomes
 *   `evil__crm__status`, never the CRM's `crm__status`);
 * - `includeServerInToolNames` prefixes every MCP tool;
 * - names keep to `[A-Za-z0-9_-]` and 64 characters (a longer one is cut and ends with a short
 *   hash); the rare clash left (within one server, or with a local tool) takes `_2`, `_3`.
 * Local tools, which the agent's author names, keep their names first.
 */
import { createHash } from 'node:crypto'
import type { McpClient } from '../client/mcp-client.js'
import type { Tool } from '../protocol/types.js'
import type { Agent } from './agent.js'
import type { FunctionToolSpec } from './model.js'
import { type FunctionTool, schemasOf } from './tool.js'

export type ToolRoute = { kind: 'local'; tool: FunctionTool } | { kind: 'mcp'; server: McpClient; tool: Tool }

/** A server tool offered to the model under another name than its own. */
export interface RenamedTool {
  server: string
  tool: string
  /** The name the model sees. */
  name: string
  /** Why: another server (or a local tool) has it, it looks like a name in a server's prefix space, or it had to be made valid. */
  reason: 'shared' | 'reserved-prefix' | 'invalid-name'
}

export interface ToolTable {
  specs: FunctionToolSpec[]
  routes: Map<string, ToolRoute>
  renamed: RenamedTool[]
  /** Tools left out because their definition could not be offered (server, tool, why). */
  skipped: Array<{ server: string; tool: string; reason: string }>
}

const MAX_NAME = 64
/** Slugs stay short so a prefixed name keeps its prefix when cut to 64 characters. */
const MAX_SLUG = 24

function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_')
}

function withinLimit(name: string): string {
  if (name.length <= MAX_NAME) return name
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8)
  return `${name.slice(0, MAX_NAME - 9)}_${hash}`
}

export function slug(serverName: string): string {
  return (
    safe(serverName.toLowerCase())
      .replace(/_+/g, '_')
      .replace(/^_|_$/g, '')
      .slice(0, MAX_SLUG)
      .replace(/_$/, '') || 'server'
  )
}

/** One unique slug per server, in the agent's configured order (configuration, not servers, decides). */
function slugsOf(servers: readonly McpClient[]): Map<McpClient, string> {
  const slugs = new Map<McpClient, string>()
  const taken = new Set<string>()
  for (const server of servers) {
    const base = slug(server.name)
    let unique = base
    for (let n = 2; taken.has(unique); n++) unique = `${base}_${n}`
    taken.add(unique)
    slugs.set(server, unique)
  }
  return slugs
}

/** Builds the table from the listed tools of each reachable server. */
export function toolTable(
  agent: Agent,
  listed: ReadonlyArray<{ server: McpClient; tools: readonly Tool[] }>,
): ToolTable {
  const slugs = slugsOf(agent.mcpServers)
  const prefixes = [...slugs.values()].map((s) => `${s}__`)
  const counts = new Map<string, number>()
  const count = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1)
  for (const t of agent.tools) count(safe(t.name))
  for (const { tools } of listed) for (const t of tools) count(safe(t.name))

  const table: ToolTable = { specs: [], routes: new Map(), renamed: [], skipped: [] }
  const add = (name: string, spec: Omit<FunctionToolSpec, 'name'>, route: ToolRoute): string => {
    let unique = withinLimit(name)
    for (let n = 2; table.routes.has(unique); n++) unique = withinLimit(`${name}_${n}`)
    table.specs.push({ name: unique, ...spec })
    table.routes.set(unique, route)
    return unique
  }
  for (const t of agent.tools) {
    add(
      safe(t.name),
      { description: t.description, parameters: schemasOf(t).parameters },
      { kind: 'local', tool: t },
    )
  }
  for (const { server, tools } of listed) {
    const prefix = `${slugs.get(server) ?? slug(server.name)}__`
    for (const t of tools) {
      try {
        const own = safe(t.name)
        const shared = (counts.get(own) ?? 0) > 1
        const reserved = prefixes.some((p) => own.startsWith(p))
        const bare = !agent.includeServerInToolNames && !shared && !reserved
        const { $schema: _dialect, ...parameters } = t.inputSchema as Record<string, unknown>
        const name = add(
          bare ? own : `${prefix}${own}`,
          { description: t.description ?? t.title ?? `${t.name} (${server.name})`, parameters },
          { kind: 'mcp', server, tool: t },
        )
        const expected = agent.includeServerInToolNames ? `${prefix}${t.name}` : t.name
        if (name !== expected) {
          table.renamed.push({
            server: server.name,
            tool: t.name,
            name,
            reason: shared ? 'shared' : reserved ? 'reserved-prefix' : 'invalid-name',
          })
        }
      } catch (error) {
        table.skipped.push({
          server: server.name,
          tool: String(t.name),
          reason: error instanceof Error ? error.message : String(error),
        })
      }
    }
  }
  return table
}
