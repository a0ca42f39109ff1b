/**
 * Servers from an `mcp.json` file, the format editors and agents share:
 * `{ "mcpServers": { "crm": { "url": "http://…/mcp", "headers": { … } } } }` (or `"servers"`),
 * read by the CLI's own parser (`../mcp-config.ts`: comments, `${env:VAR}` in headers).
 * Only remote (HTTP) servers are taken: the inspector never starts a command.
 */
import { readMcpConfig, substituteVariables } from '../mcp-config.js'
import type { InspectTarget } from './inspector-server.js'

export interface McpJsonServers {
  targets: InspectTarget[]
  /** Entries left out, and why (stdio servers, unset variables, other transports). */
  skipped: string[]
}

export async function readMcpJson(path: string): Promise<McpJsonServers> {
  const config = readMcpConfig(path)
  const targets: InspectTarget[] = []
  const skipped: string[] = []
  for (const server of config.servers) {
    const where = `server "${server.name}"`
    try {
      const url = substituteVariables(server.url, { where: `${where}, url`, env: process.env })
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(server.headers))
        headers[name] = substituteVariables(value, { where: `${where}, header "${name}"`, env: process.env })
      targets.push({ name: server.name, url, ...(Object.keys(headers).length > 0 ? { headers } : {}) })
    } catch (error) {
      // One server's unset variable does not keep the others from being inspected.
      skipped.push(`${server.name}: ${(error as Error).message}`)
    }
  }
  for (const local of config.processes)
    skipped.push(`${local.name}: a stdio server (the inspector runs no command)`)
  for (const { name, reason } of config.unusable) skipped.push(`${name}: ${reason}`)
  return { targets, skipped }
}
