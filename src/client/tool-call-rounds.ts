/**
 * One logical tool call, which may take several requests: a `HeaderMismatch` answer makes the
 * client re-read the tool's schema and call once more (spec), and 2026-07-28 multi round-trip
 * requests (`input_required`) are answered with the client's handlers and the call repeated
 * with the answers. The final result is checked and, with `toolErrors: 'throw'`, a tool failure
 * becomes `McpToolError`.
 */
import { type ErrorSite, McpProtocolError, McpToolError } from '../protocol/errors.js'
import { ErrorCode } from '../protocol/jsonrpc.js'
import type { ToolCallResult } from './call-tool-options.js'
import { answerInputRequired, type ClientRequestHandlers } from './client-requests.js'

/** Rounds of `input_required` answers one tool call may take (2026-07-28). */
const MAX_INPUT_ROUNDS = 10

export interface ToolCallRounds {
  name: string
  site: ErrorSite
  handlers: ClientRequestHandlers
  toolErrors: 'result' | 'throw'
  /** Sends `tools/call` once, with the answers of an earlier round when there are any. */
  send: (answers?: Record<string, unknown>) => Promise<Record<string, unknown>>
  /** Re-reads the tool list (after a `HeaderMismatch`). */
  relist: () => Promise<unknown>
}

export async function callToolInRounds(call: ToolCallRounds): Promise<ToolCallResult> {
  const { name, site } = call
  let result: Record<string, unknown>
  try {
    result = await call.send()
  } catch (error) {
    // Spec: on HeaderMismatch, re-read the tool's schema (x-mcp-header may have changed), retry once.
    if (!(error instanceof McpProtocolError && error.rpcCode === ErrorCode.HeaderMismatch)) throw error
    await call.relist()
    result = await call.send()
  }
  for (let round = 1; result.resultType === 'input_required'; round++) {
    if (round > MAX_INPUT_ROUNDS) {
      throw new McpProtocolError(
        `tools/call ${name} still asked for input after ${MAX_INPUT_ROUNDS} rounds; giving up`,
        site,
      )
    }
    const answers = await answerInputRequired(call.handlers, result, { what: `tools/call ${name}`, site })
    result = await call.send(answers)
  }
  if (result.resultType !== undefined && result.resultType !== 'complete') {
    throw new McpProtocolError(
      `tools/call ${name} answered with resultType "${String(result.resultType)}", which this client does not handle`,
      site,
    )
  }
  if (!Array.isArray(result.content))
    throw new McpProtocolError(`tools/call ${name} result has no "content" array`, site)
  const toolResult = result as ToolCallResult
  if (toolResult.isError && call.toolErrors === 'throw') {
    const text = toolResult.content.find((block) => block.type === 'text')
    throw new McpToolError(name, text?.type === 'text' ? text.text : 'isError result', {
      site,
      result: toolResult,
    })
  }
  return toolResult
}
