/**
 * The Responses API's hosted MCP tool: the provider calls a remote MCP server itself (its URL
 * must be reachable from the provider), and asks this process to approve each call first unless
 * told not to. Approvals are decided here (`onApproval`; refused by default, so nothing runs
 * unapproved) and sent back in the next request, as the API's approval flow describes.
 */
import type { Tool } from 'openai/resources/responses/responses'
import { ModelConfigError } from './errors.js'

/** A tool call the provider wants to make on a hosted MCP server. */
export interface HostedMcpApprovalRequest {
  serverLabel: string
  /** The MCP tool's name. */
  name: string
  /** Its arguments, as JSON text. */
  arguments: string
}

export interface HostedMcpServer {
  /** The label the model and the approval requests use, e.g. `crm`. */
  serverLabel: string
  /** The MCP endpoint the provider calls, e.g. `https://crm.example.com/mcp` (public: the provider reaches it, not you). */
  serverUrl: string
  /** Headers the provider sends it, e.g. `{ Authorization: 'Bearer …' }`. @default none */
  headers?: Record<string, string>
  /** Only these tools. @default all */
  allowedTools?: readonly string[]
  /** Ask before each call (`always`) or never. @default 'always' */
  requireApproval?: 'always' | 'never'
  /** Decides each approval request: `true` lets the call run. @default refuse every call */
  onApproval?: (request: HostedMcpApprovalRequest) => boolean | Promise<boolean>
}

/** Validates the servers and returns their tool definitions (labels unique, URLs http(s)). */
export function hostedMcpTools(servers: readonly HostedMcpServer[]): Tool[] {
  const labels = new Set<string>()
  return servers.map((server, i) => {
    const where = `hostedMcp[${i}]`
    if (!server.serverLabel || !/^[A-Za-z0-9_-]+$/.test(server.serverLabel))
      throw new ModelConfigError(`${where}.serverLabel must be letters, digits, _ or -`)
    if (labels.has(server.serverLabel))
      throw new ModelConfigError(`${where}.serverLabel "${server.serverLabel}" is used twice`)
    labels.add(server.serverLabel)
    if (!URL.canParse(server.serverUrl) || !/^https?:/.test(server.serverUrl))
      throw new ModelConfigError(`${where}.serverUrl must be an http(s) URL, got "${server.serverUrl}"`)
    return {
      type: 'mcp',
      server_label: server.serverLabel,
      server_url: server.serverUrl,
      require_approval: server.requireApproval ?? 'always',
      ...(server.headers ? { headers: server.headers } : {}),
      ...(server.allowedTools ? { allowed_tools: [...server.allowedTools] } : {}),
    }
  })
}

/** Decides one approval request with its server's `onApproval` (unknown label or none: refused). */
export async function decideApproval(
  servers: readonly HostedMcpServer[],
  request: HostedMcpApprovalRequest,
): Promise<boolean> {
  const decide = servers.find((s) => s.serverLabel === request.serverLabel)?.onApproval
  return decide ? (await decide(request)) === true : false
}
