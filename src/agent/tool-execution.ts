/**
 * One turn's tool calls: run concurrently (capped), each routed to its local function or MCP
 * server, each failure turned into an output the model can read instead of an error that ends
 * the run.
 */
import { type Context, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { McpToolError } from '../protocol/errors.js'
import { isObject } from '../protocol/jsonrpc.js'
import type { Task } from '../protocol/tasks.js'
import { describeIssues } from '../schema/validation.js'
import type { Agent } from './agent.js'
import type { AgentInputItem, ModelOutputItem, RunItem } from './items.js'
import { schemasOf } from './tool.js'
import { describeFailure } from './tool-failures.js'
import type { ToolRoute, ToolTable } from './tool-routing.js'

const tracer = trace.getTracer('toolwire-agent')

export interface ToolRun {
  agent: Agent
  table: ToolTable
  cap: number
  signal: AbortSignal | undefined
  traceId: string
  runContext: unknown
  spanContext: Context
  record: (item: RunItem) => void
  /** Status changes of tool calls that run as tasks (the `tool_task` stream event). */
  onTask?: ((event: { callId: string; name: string; server: string; task: Task }) => void) | undefined
}

/** Runs one turn's tool calls, at most `cap` at once; outputs come back in call order. */
export async function runTools(
  calls: Array<Extract<ModelOutputItem, { type: 'function_call' }>>,
  run: ToolRun,
): Promise<AgentInputItem[]> {
  const outputs: AgentInputItem[] = new Array(calls.length)
  let next = 0
  const worker = async () => {
    while (next < calls.length) {
      const index = next++
      const call = calls[index]!
      const route = run.table.routes.get(call.name)
      run.record({
        type: 'tool_call_item',
        agent: run.agent.name,
        callId: call.callId,
        name: call.name,
        tool: route ? route.tool.name : call.name,
        arguments: call.arguments,
        ...(route?.kind === 'mcp' ? { server: route.server.name } : {}),
      })
      const span = tracer.startSpan(
        `execute_tool ${call.name}`,
        {
          kind: SpanKind.INTERNAL,
          attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': call.name },
        },
        run.spanContext,
      )
      const outcome = await context.with(trace.setSpan(run.spanContext, span), () =>
        execute(call, route, run),
      )
      if (outcome.isError)
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.output.slice(0, 200) })
      span.end()
      run.record({
        type: 'tool_call_output_item',
        agent: run.agent.name,
        callId: call.callId,
        name: call.name,
        output: outcome.output,
        isError: outcome.isError,
        ...(outcome.traceId ? { traceId: outcome.traceId } : {}),
      })
      outputs[index] = {
        type: 'function_call_result',
        callId: call.callId,
        name: call.name,
        output: outcome.output,
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(run.cap, calls.length) }, worker))
  return outputs
}

async function execute(
  call: { name: string; arguments: string; callId: string },
  route: ToolRoute | undefined,
  run: ToolRun,
): Promise<{ output: string; isError: boolean; traceId?: string }> {
  if (!route) {
    return {
      output: `Error: there is no tool named "${call.name}"; use one of: ${[...run.table.routes.keys()].join(', ')}`,
      isError: true,
    }
  }
  let args: unknown
  try {
    args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments)
  } catch (error) {
    return {
      output: `Error: the arguments of ${call.name} are not valid JSON (${(error as Error).message}); send a JSON object`,
      isError: true,
    }
  }
  if (!isObject(args))
    return { output: `Error: the arguments of ${call.name} must be a JSON object`, isError: true }
  try {
    if (route.kind === 'local') {
      const parsed = await schemasOf(route.tool).validate(args)
      if (!parsed.ok) {
        return {
          output: `Error: invalid arguments for ${call.name}: ${describeIssues(parsed.issues)}`,
          isError: true,
        }
      }
      const value = await route.tool.execute(parsed.value, { signal: run.signal, runContext: run.runContext })
      return { output: typeof value === 'string' ? value : JSON.stringify(value ?? null), isError: false }
    }
    const { onTask } = run
    const server = route.server.name
    // A tool that runs as a task is polled by the client: no per-request timeout spans the whole task.
    const result = await route.server.callTool(route.tool.name, args, {
      ...(run.signal ? { signal: run.signal } : {}),
      traceId: run.traceId,
      ...(onTask
        ? { onTaskStatus: (task: Task) => onTask({ callId: call.callId, name: call.name, server, task }) }
        : {}),
    })
    const text = result.content
      .map((block) => (block.type === 'text' ? block.text : JSON.stringify(block)))
      .join('\n')
    const output =
      result.structuredContent !== undefined && !result.isError
        ? JSON.stringify(result.structuredContent)
        : text
    return {
      output: result.isError ? `Error from ${route.server.name}: ${output}` : output,
      isError: result.isError === true,
      traceId: result.traceId,
    }
  } catch (error) {
    if (run.signal?.aborted) throw error
    if (error instanceof McpToolError && error.result) {
      return {
        output: `Error from ${route.kind === 'mcp' ? route.server.name : 'tool'}: ${error.message}`,
        isError: true,
      }
    }
    return { output: describeFailure(error, call.name, route), isError: true }
  }
}
