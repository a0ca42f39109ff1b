/**
 * The run loop: ask the model, run the tools it calls (concurrently, capped), give it their
 * outputs, until it answers without calling a tool. Tool failures become outputs the model can
 * read; only the model failing, cancellation or `maxTurns` end a run early.
 */

import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { Task } from '../protocol/tasks.js'
import { newTraceId } from '../protocol/trace-context.js'
import type { Agent } from './agent.js'
import { MaxTurnsExceededError, RunCancelledError } from './errors.js'
import {
  type AgentInputItem,
  addUsage,
  emptyUsage,
  type ModelOutputItem,
  type RunItem,
  type RunWarning,
  type Usage,
} from './items.js'
import type { Model, ModelRequest, ModelResponse } from './model.js'
import { resolveModel } from './model-api.js'
import { listServerTools, unavailableNote } from './server-availability.js'
import { runTools } from './tool-execution.js'
import { type ToolTable, toolTable } from './tool-routing.js'

export interface RunOptions {
  /** Model calls the run may make. @default 10 */
  maxTurns?: number
  /** Cancels the run: the model call and tool calls in flight are aborted. */
  signal?: AbortSignal
  /** Your value, handed to local tools as `runContext`. */
  context?: unknown
  /** Tool calls of one turn run at once, at most this many. @default 8 */
  maxConcurrentToolCalls?: number
  /**
   * Fail the run (with the server's typed error) when a server cannot be reached at its start.
   * Without it, the run goes on with the other servers' tools, the model is told which server
   * is unavailable, and `warnings` says so. @default false
   */
  requireAllServers?: boolean
}

export interface RunResult {
  /** The agent's final answer. */
  finalOutput: string
  /** What the run added: messages, tool calls, tool outputs. */
  newItems: RunItem[]
  /** The model's raw responses, one per turn. */
  rawResponses: unknown[]
  usage: Usage
  /** The W3C trace id of the run: the tool servers' log lines for its calls carry it. */
  traceId: string
  /** The whole conversation, to continue it: pass it as the next run's input with a new message. */
  history: AgentInputItem[]
  /** What the run worked around: unavailable servers, renamed or skipped tools. */
  warnings: RunWarning[]
}

/** Events of `Runner.runStreamed`. */
export type RunStreamEvent =
  | { type: 'text_delta'; delta: string }
  | { type: 'tool_called'; item: Extract<RunItem, { type: 'tool_call_item' }> }
  | { type: 'tool_output'; item: Extract<RunItem, { type: 'tool_call_output_item' }> }
  | { type: 'message'; item: Extract<RunItem, { type: 'message_output_item' }> }
  | { type: 'warning'; warning: RunWarning }
  /**
   * A tool call that runs as a task (MCP Tasks extension) changed status (`working`,
   * `input_required`, …, with the server's `statusMessage`); the run waits for it to end.
   */
  | { type: 'tool_task'; callId: string; name: string; server: string; task: Task }
  | { type: 'run_done'; result: RunResult }

export interface StreamedRun extends AsyncIterable<RunStreamEvent> {
  /** Resolves with the result when the run ends (rejects as `Runner.run` would). */
  readonly completed: Promise<RunResult>
}

const tracer = trace.getTracer('toolwire-agent')

export const Runner = {
  /**
   * Runs an agent to its final answer.
   *
   * @example
   * ```ts
   * const result = await Runner.run(agent, 'What is the pipeline value for Q2?')
   * console.log(result.finalOutput)
   * ```
   */
  run(agent: Agent, input: string | readonly AgentInputItem[], options: RunOptions = {}): Promise<RunResult> {
    return runLoop(agent, input, options)
  },

  /** Runs an agent, yielding text deltas, tool calls and outputs as they happen. */
  runStreamed(
    agent: Agent,
    input: string | readonly AgentInputItem[],
    options: RunOptions = {},
  ): StreamedRun {
    const queue: RunStreamEvent[] = []
    let wake: (() => void) | undefined
    let finished = false
    const emit = (event: RunStreamEvent) => {
      queue.push(event)
      wake?.()
    }
    const completed = runLoop(agent, input, { ...options, emit }).finally(() => {
      finished = true
      wake?.()
    })
    completed.catch(() => {})
    return {
      completed,
      async *[Symbol.asyncIterator]() {
        while (true) {
          const event = queue.shift()
          if (event) {
            yield event
            continue
          }
          if (finished) {
            await completed // rethrows a failed run to the iterating caller
            return
          }
          await new Promise<void>((resolve) => {
            wake = resolve
          })
          wake = undefined
        }
      },
    }
  },
}

async function runLoop(
  agent: Agent,
  input: string | readonly AgentInputItem[],
  options: RunOptions & { emit?: (event: RunStreamEvent) => void },
): Promise<RunResult> {
  const emit = options.emit
  const maxTurns = options.maxTurns ?? 10
  const cap = options.maxConcurrentToolCalls ?? 8
  // The model first: a missing key or model name fails before any tool server is touched.
  const model = resolveModel(agent.model)
  const history: AgentInputItem[] =
    typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : [...input]
  const newItems: RunItem[] = []
  const rawResponses: unknown[] = []
  const usage = emptyUsage()
  const signal = options.signal
  const runSpan = tracer.startSpan(`invoke_agent ${agent.name}`, {
    kind: SpanKind.INTERNAL,
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': agent.name },
  })
  const runContext = trace.setSpan(context.active(), runSpan)
  const spanTrace = runSpan.spanContext().traceId
  const traceId = runSpan.isRecording() ? spanTrace : newTraceId()
  const cancelled = () => new RunCancelledError(signal?.reason, newItems)
  /** A failure caused by the run's own cancellation is reported as the cancellation. */
  const rethrowAsCancelled = (error: unknown): never => {
    throw signal?.aborted ? cancelled() : error
  }
  /** Keeps an item of the run and streams it. */
  const record = (item: RunItem) => {
    newItems.push(item)
    if (!emit) return
    if (item.type === 'tool_call_item') emit({ type: 'tool_called', item })
    else if (item.type === 'tool_call_output_item') emit({ type: 'tool_output', item })
    else emit({ type: 'message', item })
  }
  const warnings: RunWarning[] = []
  const warn = (warning: RunWarning) => {
    warnings.push(warning)
    emit?.({ type: 'warning', warning })
  }
  try {
    if (signal?.aborted) throw cancelled()
    const listing = await context
      .with(runContext, () =>
        listServerTools(agent.mcpServers, { signal, requireAllServers: options.requireAllServers ?? false }),
      )
      .catch(rethrowAsCancelled)
    const table = toolTable(agent, listing.listed)
    reportTable(table, listing, warn)
    const instructions =
      listing.unavailable.length === 0
        ? agent.instructions
        : `${agent.instructions}\n\n${unavailableNote(listing.unavailable)}`
    for (let turn = 1; turn <= maxTurns; turn++) {
      if (signal?.aborted) throw cancelled()
      const request: ModelRequest = {
        instructions,
        input: history,
        tools: table.specs,
        settings: agent.modelSettings,
        signal,
      }
      const response = await context
        .with(runContext, () => callModel(model, request, emit))
        .catch(rethrowAsCancelled)
      rawResponses.push(response.raw ?? response)
      addUsage(usage, response.usage)
      const calls = response.output.filter(
        (o): o is Extract<ModelOutputItem, { type: 'function_call' }> => o.type === 'function_call',
      )
      for (const item of response.output) {
        if (item.type === 'message') {
          history.push({ type: 'message', role: 'assistant', content: item.content })
          if (calls.length > 0 && item.content) {
            record({ type: 'message_output_item', agent: agent.name, content: item.content })
          }
        } else if (item.type === 'reasoning' || item.type === 'hosted_tool_item') history.push(item)
        else
          history.push({
            type: 'function_call',
            callId: item.callId,
            name: item.name,
            arguments: item.arguments,
          })
      }
      if (calls.length === 0) {
        const finalOutput = response.output
          .filter((o) => o.type === 'message')
          .map((o) => o.content)
          .join('\n')
        record({ type: 'message_output_item', agent: agent.name, content: finalOutput })
        runSpan.setStatus({ code: SpanStatusCode.OK })
        const result: RunResult = { finalOutput, newItems, rawResponses, usage, traceId, history, warnings }
        emit?.({ type: 'run_done', result })
        return result
      }
      const outputs = await runTools(calls, {
        agent,
        table,
        cap,
        signal,
        traceId,
        runContext: options.context,
        spanContext: runContext,
        record,
        onTask: emit ? (event) => emit({ type: 'tool_task', ...event }) : undefined,
      }).catch(rethrowAsCancelled)
      if (signal?.aborted) throw cancelled()
      for (const output of outputs) history.push(output)
    }
    throw new MaxTurnsExceededError(maxTurns, newItems)
  } catch (error) {
    runSpan.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    })
    throw error
  } finally {
    runSpan.end()
  }
}

async function callModel(
  model: Model,
  request: ModelRequest,
  emit: ((event: RunStreamEvent) => void) | undefined,
): Promise<ModelResponse> {
  return tracer.startActiveSpan(
    `chat ${model.name}`,
    {
      kind: SpanKind.CLIENT,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model.name },
    },
    async (span) => {
      try {
        if (!emit) return await model.getResponse(request)
        if (!model.getStreamedResponse) {
          const response = await model.getResponse(request)
          for (const item of response.output)
            if (item.type === 'message' && item.content) emit({ type: 'text_delta', delta: item.content })
          return response
        }
        for await (const event of model.getStreamedResponse(request)) {
          if (event.type === 'text_delta') emit(event)
          else return event.response
        }
        throw new Error(`model ${model.name} ended its stream without a response`)
      } catch (error) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        })
        throw error
      } finally {
        span.end()
      }
    },
  )
}

/** The run's warnings about its servers and tools. */
function reportTable(
  table: ToolTable,
  listing: Awaited<ReturnType<typeof listServerTools>>,
  warn: (warning: RunWarning) => void,
): void {
  for (const { server, reason } of listing.unavailable) {
    warn({
      kind: 'server_unavailable',
      server: server.name,
      message: `${server.name} is unavailable, its tools are left out of this run: ${reason}`,
    })
  }
  for (const renamed of table.renamed) {
    warn({
      kind: 'tool_renamed',
      ...renamed,
      message: `tool ${renamed.tool} of ${renamed.server} is offered as ${renamed.name} (${renamed.reason})`,
    })
  }
  for (const skipped of table.skipped) {
    warn({
      kind: 'tool_skipped',
      ...skipped,
      message: `tool ${skipped.tool} of ${skipped.server} was left out: ${skipped.reason}`,
    })
  }
}
