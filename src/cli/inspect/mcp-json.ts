/**
 * Servers from an `mcp.json` file, the format editors and agents share:
 * `{ "mcpServers": { "crm": { "url": "http://…/mcp", "headers": { … } } } }` (or `"servers"`).
 * Only remote (HTTP) servers are taken: the inspector never starts a command.
 */
import { readFile } from 'node:fs/promises'
import { isObject } from '../../protocol/jsonrpc.js'
import { UsageError } from '../output.js'
import type { InspectTarget } from './inspector-server.js'

export interface McpJsonServers {
  targets: InspectTarget[]
  /** Entries left out, and why (stdio servers, entries without a URL). */
  skipped: string[]
}

export async function readMcpJson(path: string): Promise<McpJsonServers> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'))
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`)
  }
  const servers = isObject(parsed) ? (parsed.mcpServers ?? parsed.servers) : undefined
  if (!isObject(servers)) throw new UsageError(`${path}: no "mcpServers" object`)
  const targets: InspectTarget[] = []
  const skipped: string[] = []
  for (const [name, entry] of Object.entries(servers)) {
    const url = isObject(entry) ? (entry.url ?? entry.serverUrl) : undefined
    if (typeof url !== 'string') {
      skipped.push(
        `${name}: ${isObject(entry) && entry.command !== undefined ? 'a stdio server (the inspector runs no command)' : 'no "url"'}`,
      )
      continue
    }
    const headers: Record<string, string> = {}
    const given = isObject(entry) && isObject(entry.headers) ? entry.headers : {}
    for (const [header, value] of Object.entries(given))
      if (typeof value === 'string') headers[header] = value
    targets.push({ name, url, ...(Object.keys(headers).length > 0 ? { headers } : {}) })
  }
  return { targets, skipped }
}
