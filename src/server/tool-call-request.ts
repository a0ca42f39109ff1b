/**
 * Answering `tools/call`: the tool and its arguments checked, then the handler run inline
 * (across multi round-trip rounds on 2026-07-28) or as a task (MCP Tasks extension): always for
 * `taskSupport: 'required'`, on `ctx.runAsTask()` for `optional` tools.
 */
import { ErrorCode, isObject, type JsonRpcRequest, RpcError } from '../protocol/jsonrpc.js'
import { describeIssues } from '../schema/validation.js'
import type { Exchange } from '../transport/server/request-dispatcher.js'
import type { InputRounds } from './input-rounds.js'
import { BecomeTask, clientDeclaresTasks } from './tasks/become-task.js'
import type { TaskEngine } from './tasks/task-engine.js'
import { runTool } from './tool-call.js'
import type { ToolRegistry } from './tool-registry.js'
import { textResult } from './tool-result.js'

type Params = Record<string, unknown>

export async function callToolRequest(
  deps: { tools: ToolRegistry; rounds: InputRounds; tasks: TaskEngine },
  params: Params,
  { exchange, request }: { exchange: Exchange; request: JsonRpcRequest },
): Promise<Params> {
  if (typeof params.name !== 'string')
    throw new RpcError(ErrorCode.InvalidParams, 'params.name must be a string')
  const tool = deps.tools.get(params.name)
  if (!tool) throw new RpcError(ErrorCode.InvalidParams, `Unknown tool: ${params.name}`)
  if (params.arguments !== undefined && !isObject(params.arguments)) {
    throw new RpcError(ErrorCode.InvalidParams, 'params.arguments must be an object')
  }
  const checked = tool.input(params.arguments ?? {})
  const parsed = checked instanceof Promise ? await checked : checked
  if (!parsed.ok) {
    return textResult(
      `Invalid arguments for tool '${params.name}': ${describeIssues(parsed.issues)}`,
      true,
    ) as Record<string, unknown>
  }
  const args = (params.arguments ?? {}) as Params
  const tasks = tool.taskSupport !== 'none' && clientDeclaresTasks(exchange)
  if (tool.taskSupport === 'required') {
    if (!tasks) deps.tasks.refuse(tool.definition.name)
    return deps.tasks.create(tool, args, { exchange, request, preAnswers: {} })
  }
  try {
    return await deps.rounds.run(
      `tools/call ${params.name}`,
      { params, exchange, request, singleUse: !tool.repeatable },
      async (ctx) => {
        ctx.taskSupport = tool.taskSupport
        try {
          return (await runTool(tool, parsed.value, { exchange, ctx })) as Record<string, unknown>
        } catch (error) {
          // `ctx.runAsTask()`: the handler runs again as a task, with the answers it had so far.
          if (error instanceof BecomeTask) throw Object.assign(error, { answers: ctx.answers })
          throw error
        }
      },
    )
  } catch (error) {
    if (!(error instanceof BecomeTask)) throw error
    return deps.tasks.create(tool, args, { exchange, request, preAnswers: error.answers })
  }
}
