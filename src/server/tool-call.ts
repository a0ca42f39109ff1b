/** One tool call: run the handler with its timeout and turn what it returns or throws into a result. */
import type { ParamHeader } from '../protocol/header-values.js'
import { ErrorCode, RpcError } from '../protocol/jsonrpc.js'
import type { CallToolResult, Tool } from '../protocol/types.js'
import type { Validate } from '../schema/validation.js'
import { type Exchange, type RunLimit, RunTimeExceeded } from '../transport/server/request-dispatcher.js'
import { BecomeTask, type TaskSupport } from './tasks/become-task.js'
import type { CallContext, ToolContext } from './tool-context.js'
import { ToolError, type ToolReturn, textResult, toCallToolResult } from './tool-result.js'

/** A tool as the server keeps it. */
export interface RegisteredTool {
  definition: Tool
  /** Validates (and, for Standard Schemas, transforms) the arguments. */
  input: Validate
  /** Validates `structuredContent`, when the tool declares an output schema. */
  output: Validate | undefined
  handler: (args: unknown, ctx: ToolContext) => Promise<ToolReturn> | ToolReturn
  paramHeaders: readonly ParamHeader[]
  /**
   * Seconds the handler may run (the tool's own `timeoutSeconds`, else the server default;
   * `Infinity`: no bound), and the option that set them (named in the timed-out message).
   */
  runLimit: RunLimit & { option: 'timeoutSeconds' | 'defaultToolTimeoutSeconds' }
  scopes: readonly string[] | undefined
  /** Whether running the tool twice with the same arguments is harmless (annotations). */
  repeatable: boolean
  /** Whether the tool runs as a task (MCP Tasks extension). */
  taskSupport: TaskSupport
}

/** The longest delay `setTimeout` honours (about 24.8 days); longer bounds mean none. */
const MAX_TIMER_SECONDS = 2_147_483_647 / 1000

/**
 * Runs a tool's handler: its time bound, cancellation, errors as `isError` results. A tool's
 * own `timeoutSeconds` gets a precise timer; the server-wide default is checked by the
 * transport about once a second (`limitRunTime`): a timer per call cost ~15% of server CPU.
 */
export async function runTool(
  tool: RegisteredTool,
  args: unknown,
  { exchange, ctx }: { exchange: Exchange; ctx: CallContext },
): Promise<CallToolResult> {
  const name = tool.definition.name
  const limit = tool.runLimit
  const seconds = limit.seconds
  const precise = limit.option === 'timeoutSeconds' && seconds <= MAX_TIMER_SECONDS
  if (!precise && Number.isFinite(seconds)) exchange.limitRunTime(limit)
  let timer: NodeJS.Timeout | undefined
  try {
    const running = Promise.resolve(tool.handler(args, ctx))
    // The answer does not wait for a handler that ignores its aborted signal.
    const value = !precise
      ? await running
      : await Promise.race([
          running,
          new Promise<typeof TIMED_OUT>((resolve) => {
            timer = setTimeout(() => {
              exchange.abort(new RunTimeExceeded(seconds, limit.option))
              resolve(TIMED_OUT)
            }, seconds * 1000)
          }),
        ])
    if (value === TIMED_OUT) {
      exchange.outlived(running, `tool '${name}' (timed out after ${seconds} s)`)
      return timedOut(name, exchange.abortReason)
    }
    if (exchange.aborted) return stopped(name, exchange.abortReason)
    // Awaited here so that an output failing its schema becomes this tool's error result.
    return await toCallToolResult(value, tool.output, name)
  } catch (error) {
    // 2026-07-28: a question the client cannot answer fails the whole request (-32021, HTTP 400).
    if (error instanceof RpcError && error.code === ErrorCode.MissingRequiredClientCapability) throw error
    if (error instanceof BecomeTask) throw error
    if (exchange.aborted) return stopped(name, exchange.abortReason)
    // Only the message travels: stack traces stay on the server.
    const message = error instanceof Error ? error.message : String(error)
    return textResult(error instanceof ToolError ? message : `Tool '${name}' failed: ${message}`, true)
  } finally {
    clearTimeout(timer)
  }
}

/** The result of a call stopped by `reason`: timed out (naming the option) or cancelled. */
export function stopped(name: string, reason: unknown): CallToolResult {
  return reason instanceof RunTimeExceeded
    ? timedOut(name, reason)
    : textResult(`Tool '${name}' was cancelled`, true)
}

function timedOut(name: string, reason: unknown): CallToolResult {
  const bound = reason as RunTimeExceeded
  return textResult(`Tool '${name}' timed out after ${bound.seconds} s (${bound.option})`, true)
}

const TIMED_OUT: unique symbol = Symbol('timed out')
