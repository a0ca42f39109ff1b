/** What a run is made of: the conversation items a model reads, and the run items a caller gets. */

/**
 * A reasoning model's reasoning (Responses API): kept in the conversation and sent back on the
 * next turn, so the model goes on from its reasoning across tool calls. Chat Completions
 * endpoints have no such item and skip it.
 */
export interface ReasoningItem {
  type: 'reasoning'
  /** The provider's id of the item (`rs_…`). */
  id: string
  /** Reasoning summary texts, when the model gave some. */
  summary: string[]
  /** The reasoning itself, encrypted by the provider (with `store: false`). */
  encryptedContent?: string
}

/**
 * An item of a tool the provider runs itself (the Responses API's hosted MCP tool: tool lists,
 * calls, approval requests and answers), in the provider's own shape: kept in the conversation
 * and sent back as is; other models skip it.
 */
export interface HostedToolItem {
  type: 'hosted_tool_item'
  item: Record<string, unknown>
}

/** An input item of the conversation, as the model sees it (OpenAI Agents SDK naming). */
export type AgentInputItem =
  | { type: 'message'; role: 'user' | 'assistant' | 'system'; content: string }
  | { type: 'function_call'; callId: string; name: string; arguments: string }
  | { type: 'function_call_result'; callId: string; name: string; output: string }
  | ReasoningItem
  | HostedToolItem

/** What the model produced in one response. */
export type ModelOutputItem =
  | { type: 'message'; role: 'assistant'; content: string }
  | { type: 'function_call'; callId: string; name: string; arguments: string }
  | ReasoningItem
  | HostedToolItem

/** Items a run adds, in order: what the agent said, the tools it called and their outputs. */
export type RunItem =
  | { type: 'message_output_item'; agent: string; content: string }
  | {
      type: 'tool_call_item'
      agent: string
      callId: string
      /** The name the model used. */
      name: string
      /** The MCP server that owns the tool, when it is remote. */
      server?: string
      /** The tool's own name on that server. */
      tool: string
      arguments: string
    }
  | {
      type: 'tool_call_output_item'
      agent: string
      callId: string
      name: string
      output: string
      /** True when the output reports a failure (tool error, timeout, server unavailable). */
      isError: boolean
      /** The W3C trace id the tool server logged the call under. */
      traceId?: string
    }

export interface Usage {
  requests: number
  inputTokens: number
  outputTokens: number
  totalTokens: number
}

export function emptyUsage(): Usage {
  return { requests: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 }
}

export function addUsage(total: Usage, more: Partial<Usage>): void {
  total.requests += more.requests ?? 1
  total.inputTokens += more.inputTokens ?? 0
  total.outputTokens += more.outputTokens ?? 0
  total.totalTokens += more.totalTokens ?? (more.inputTokens ?? 0) + (more.outputTokens ?? 0)
}

/**
 * Something a run worked around, reported in `RunResult.warnings` and as a `warning` stream
 * event: a server that could not be reached (its tools left out, the model told), a server tool
 * offered under another name, a tool definition that could not be offered.
 */
export type RunWarning =
  | { kind: 'server_unavailable'; server: string; message: string }
  | {
      kind: 'tool_renamed'
      server: string
      tool: string
      /** The name the model sees. */
      name: string
      reason: 'shared' | 'reserved-prefix' | 'invalid-name'
      message: string
    }
  | { kind: 'tool_skipped'; server: string; tool: string; message: string }
