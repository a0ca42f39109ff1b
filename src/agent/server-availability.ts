/**
 * The tools of every server an agent uses, listed at the start of a run. A server that cannot be
 * reached then (down, refusing our credentials, answering garbage) does not end the run: its
 * tools are left out and the model is told which server is missing, unless the run asks for
 * every server (`requireAllServers`).
 */
import type { McpClient } from '../client/mcp-client.js'
import { printable } from '../protocol/printable.js'
import type { Tool } from '../protocol/types.js'

export interface ServerListing {
  listed: Array<{ server: McpClient; tools: Tool[] }>
  unavailable: Array<{ server: McpClient; error: unknown; reason: string }>
}

/**
 * Lists every server's tools at once. With `requireAllServers`, the first unavailable server's
 * error (in the agent's order) is thrown; a cancelled run throws its signal's reason.
 */
export async function listServerTools(
  servers: readonly McpClient[],
  options: { signal: AbortSignal | undefined; requireAllServers: boolean },
): Promise<ServerListing> {
  const { signal } = options
  const settled = await Promise.allSettled(
    servers.map((server) => server.listTools(signal ? { signal } : {})),
  )
  signal?.throwIfAborted()
  const listing: ServerListing = { listed: [], unavailable: [] }
  settled.forEach((outcome, i) => {
    const server = servers[i]!
    if (outcome.status === 'fulfilled') listing.listed.push({ server, tools: outcome.value })
    else listing.unavailable.push({ server, error: outcome.reason, reason: reasonOf(outcome.reason) })
  })
  if (options.requireAllServers && listing.unavailable.length > 0) throw listing.unavailable[0]!.error
  return listing
}

/** What the model reads about the servers it cannot use in this run. */
export function unavailableNote(unavailable: ServerListing['unavailable']): string {
  const servers = unavailable.map(
    ({ server, reason }) => `${printable(server.name, { maxChars: 80, oneLine: true })} (${reason})`,
  )
  return `Note: these tool servers are unavailable in this run, so their tools are missing: ${servers.join('; ')}. If the answer needs them, say which information is missing instead of guessing.`
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  // The error's " [server at url]" suffix repeats the server's name.
  const line = message.split('\n')[0]!.replace(/ \[[^\]]*\]/g, '')
  return printable(line, { maxChars: 200, oneLine: true })
}
