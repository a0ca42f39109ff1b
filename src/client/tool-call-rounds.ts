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
import { awaitTask, parseCreatedTask, type TaskPolling } from './tasks/task-polling.js'

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
  /** How to wait for a task (MCP Tasks extension); undefined when the client did not declare tasks. */
  polling: TaskPolling | undefined
}

/** The whole call: rounds, then the task's polling when it became one, then the result checked. */
export async function callToolInRounds(call: ToolCallRounds): Promise<ToolCallResult> {
  let result = await sendToolCall(call)
  if (result.resultType === 'task' && call.polling) {
    const traceId = result.traceId
    result = await awaitTask(call.polling, parseCreatedTask(result, { tool: call.name, site: call.site }))
    result.traceId = traceId
  }
  return finishToolCall(call, result)
}

/** Sends `tools/call` through its rounds; the answer is a result or a task handle (`resultType: "task"`). */
export async function sendToolCall(call: ToolCallRounds): Promise<Record<string, unknown>> {
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
  return result
}

/** Checks a tool's final result; with `toolErrors: 'throw'` a tool failure becomes `McpToolError`. */
export function finishToolCall(
  call: Pick<ToolCallRounds, 'name' | 'site' | 'toolErrors'>,
  result: Record<string, unknown>,
): ToolCallResult {
  const { name, site } = call
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
