/** The client commands: tools, call, ping, bench. */
import { isObject } from '../protocol/jsonrpc.js'
import { printable } from '../protocol/printable.js'
import type { Tool } from '../protocol/types.js'
import { EXIT } from './cli-errors.js'
import { agentTargets, anyClientFor, type ClientFlags, clientFor } from './client-flags.js'
import { percentile, progressBar, table, UsageError } from './output.js'

const print = (text: string) => process.stdout.write(`${text}\n`)
/** Server-supplied text for a terminal: control and bidi characters shown as escapes. */
const shown = (text: string) => printable(text, { maxChars: 500, oneLine: true })
/** A tool's output: as sent when piped, made safe when it reaches a terminal. */
const output = (text: string) =>
  process.stdout.isTTY ? printable(text, { maxChars: Number.MAX_SAFE_INTEGER }) : text

/** A flag's JSON object value; a UsageError (`what: why`) otherwise. */
function jsonObject(text: string, what: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${what}: ${(error as Error).message}`)
  }
  if (!isObject(parsed)) throw new UsageError(`${what}: not an object`)
  return parsed
}

/** `name: type` for each argument; `?` marks optional ones. */
function describeArguments(tool: Tool): string {
  const schema = tool.inputSchema as { properties?: Record<string, unknown>; required?: string[] }
  const required = new Set(schema.required ?? [])
  return Object.entries(schema.properties ?? {})
    .map(([name, property]) => {
      const p = isObject(property) ? property : {}
      const type = Array.isArray(p.enum)
        ? p.enum.map(String).join('|')
        : typeof p.type === 'string'
          ? p.type
          : 'any'
      return `${name}${required.has(name) ? '' : '?'}: ${type}`
    })
    .join(', ')
}

function hints(tool: Tool): string {
  const a = tool.annotations
  if (!a) return ''
  if (a.readOnlyHint) return ' (read-only)'
  if (a.destructiveHint) return ' (destructive)'
  if (a.idempotentHint === false) return ' (not idempotent)'
  return ''
}

export async function toolsCommand(url: string, flags: ClientFlags): Promise<void> {
  await using client = await (await anyClientFor(url, flags)).connect()
  const tools = await client.listTools()
  if (flags.json) {
    print(JSON.stringify(tools, null, 2))
    return
  }
  const info = client.server?.serverInfo
  print(
    `${shown(String(info?.name))} ${shown(String(info?.version))} · protocol ${client.protocolVersion} · ${tools.length} tools\n`,
  )
  print(
    table(
      ['tool', 'arguments', 'description'],
      tools.map((t) => [
        `${shown(t.name)}${hints(t)}`,
        shown(describeArguments(t)),
        shown(t.description ?? ''),
      ]),
    ),
  )
}

/** `key=value` pairs: numbers, booleans, null, arrays and objects are JSON; strings stay as typed for string arguments. */
export function parseArguments(pairs: string[], tool: Tool | undefined): Record<string, unknown> {
  const properties =
    (tool?.inputSchema as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties ?? {}
  const args: Record<string, unknown> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`arguments look like key=value, got "${pair}"`)
    const key = pair.slice(0, eq)
    const raw = pair.slice(eq + 1)
    if (properties[key]?.type === 'string') {
      args[key] = raw
      continue
    }
    try {
      args[key] = JSON.parse(raw)
    } catch {
      args[key] = raw
    }
  }
  return args
}

export interface CallRequest {
  url: string
  tool: string
  /** `key=value` pairs. */
  pairs: string[]
}

export async function callCommand(
  { url, tool: name, pairs }: CallRequest,
  flags: ClientFlags & { json?: boolean | string },
): Promise<number> {
  // Usage mistakes are reported before any network traffic.
  const malformed = pairs.find((pair) => pair.indexOf('=') <= 0)
  if (malformed !== undefined) throw new UsageError(`arguments look like key=value, got "${malformed}"`)
  let args: Record<string, unknown> | undefined
  if (typeof flags.json === 'string') {
    args = jsonObject(flags.json, '--json must be a JSON object of arguments')
    if (pairs.length > 0) throw new UsageError('give arguments as key=value pairs or as --json, not both')
  }
  await using client = await (await anyClientFor(url, flags)).connect()
  const tools = await client.listTools()
  const tool = tools.find((t) => t.name === name)
  if (!tool) {
    process.stderr.write(
      `error: ${client.name} has no tool "${shown(name)}"; it has: ${shown(tools.map((t) => t.name).join(', '))}\n`,
    )
    return 1
  }
  const bar = progressBar()
  // Ctrl-C during a call cancels it; a call that runs as a task gets tasks/cancel (exit 130).
  const interrupt = new AbortController()
  const onSigint = () => interrupt.abort(new Error('interrupted (Ctrl-C)'))
  process.once('SIGINT', onSigint)
  let taskId: string | undefined
  let status: string | undefined
  const calling = client
    .callTool(name, args ?? parseArguments(pairs, tool), {
      signal: interrupt.signal,
      onProgress: (p) =>
        bar.update(p.progress, p.total, p.message === undefined ? undefined : shown(p.message)),
      onTaskStatus: (task) => {
        taskId = task.taskId
        // One line per status (the progress bar shows the messages of a working task).
        if (task.status === status) return
        status = task.status
        bar.done()
        process.stderr.write(
          `task ${task.taskId}: ${task.status}${task.statusMessage ? ` — ${shown(task.statusMessage)}` : ''}\n`,
        )
      },
    })
    .finally(() => {
      bar.done()
      process.removeListener('SIGINT', onSigint)
    })
  const result = await calling.catch((error: unknown) => {
    if (!interrupt.signal.aborted) throw error
    return undefined
  })
  if (!result) {
    process.stderr.write(`cancelled${taskId ? ` (tasks/cancel sent for task ${taskId})` : ''}\n`)
    return EXIT.interrupted
  }
  if (flags.json) {
    print(JSON.stringify(result, null, 2))
    return result.isError ? EXIT.failure : EXIT.ok
  }
  const text = result.content.map((block) =>
    block.type === 'text' ? block.text : `[${block.type}] ${JSON.stringify(block)}`,
  )
  if (result.isError) {
    // A failure is a diagnostic: stderr only, so stdout holds results and nothing else.
    process.stderr.write(`error: the tool failed (trace ${result.traceId})${text.length > 0 ? ':' : ''}\n`)
    for (const line of text) process.stderr.write(`${printable(line, { maxChars: 4000 })}\n`)
    return EXIT.failure
  }
  if (result.structuredContent !== undefined) print(JSON.stringify(result.structuredContent, null, 2))
  else for (const line of text) print(output(line))
  return EXIT.ok
}

export async function pingCommand(target: string, flags: ClientFlags): Promise<number> {
  const unconnected = await clientFor(target, flags)
  const url = unconnected.url.href
  const health = await fetchHealth(new URL('/health', url))
  const started = performance.now()
  await using client = await unconnected.connect()
  const connectMs = performance.now() - started
  const pingStarted = performance.now()
  const tools = await client.listTools()
  const listMs = performance.now() - pingStarted
  const report = {
    url,
    health,
    protocolVersion: client.protocolVersion,
    server: client.server?.serverInfo ?? { name: '?', version: '?' },
    capabilities: Object.keys(client.server?.capabilities ?? {}),
    tools: tools.length,
    connectMs: Math.round(connectMs * 10) / 10,
    listToolsMs: Math.round(listMs * 10) / 10,
  }
  if (flags.json) print(JSON.stringify(report, null, 2))
  else {
    print(`${url}`)
    print(
      `  health:    ${health ? `${health.status} (${JSON.stringify(health.body)})` : 'no /health endpoint'}`,
    )
    print(`  server:    ${report.server.name} ${report.server.version}`)
    print(`  protocol:  ${report.protocolVersion}`)
    print(`  features:  ${report.capabilities.join(', ')}`)
    print(
      `  connect:   ${report.connectMs} ms (${(client.protocolVersion ?? '') >= '2026' ? 'server/discover' : 'initialize'})`,
    )
    print(`  tools:     ${report.tools} (tools/list ${report.listToolsMs} ms)`)
  }
  return 0
}

async function fetchHealth(url: URL): Promise<{ status: number; body: unknown } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
    if (res.status === 404) return undefined
    const text = await res.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {}
    return { status: res.status, body }
  } catch {
    return undefined
  }
}

export interface BenchFlags extends ClientFlags {
  tool: string
  args?: string
  calls: string
  concurrency: string
  seconds: string
}

export async function benchCommand(url: string, flags: BenchFlags): Promise<number> {
  const calls = Number(flags.calls)
  const concurrency = Number(flags.concurrency)
  const seconds = Number(flags.seconds)
  if (!Number.isInteger(calls) || calls < 1 || calls > 100_000)
    throw new UsageError('--calls must be 1–100000')
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new UsageError('--concurrency must be 1–256')
  }
  if (!(seconds > 0 && seconds <= 300)) throw new UsageError('--seconds must be > 0 and ≤ 300')
  let args: Record<string, unknown> = {}
  if (flags.args) {
    args = jsonObject(flags.args, '--args must be a JSON object')
  }
  await using client = await (await clientFor(url, flags, { retries: 0 })).connect()
  const tools = await client.listTools()
  if (!tools.some((t) => t.name === flags.tool)) {
    process.stderr.write(
      `error: no tool "${shown(flags.tool)}"; the server has: ${shown(tools.map((t) => t.name).join(', '))}\n`,
    )
    return 1
  }
  const latencies: number[] = []
  let errors = 0
  let firstError: string | undefined
  let next = 0
  const deadline = performance.now() + seconds * 1000
  const started = performance.now()
  const worker = async () => {
    while (next < calls && performance.now() < deadline) {
      next++
      const t = performance.now()
      try {
        const result = await client.callTool(flags.tool, args)
        if (result.isError) {
          errors++
          firstError ??= JSON.stringify(result.content)
        }
      } catch (error) {
        errors++
        firstError ??= error instanceof Error ? error.message : String(error)
      }
      latencies.push(performance.now() - t)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const report = {
    tool: flags.tool,
    calls: latencies.length,
    concurrency,
    errors,
    seconds: Math.round(elapsed * 1000) / 1000,
    throughputPerSecond: Math.round(latencies.length / elapsed),
    p50Ms: Math.round(percentile(latencies, 50) * 1000) / 1000,
    p99Ms: Math.round(percentile(latencies, 99) * 1000) / 1000,
    maxMs: Math.round((latencies.at(-1) ?? 0) * 1000) / 1000,
    ...(firstError ? { firstError } : {}),
  }
  if (flags.json) print(JSON.stringify(report, null, 2))
  else {
    print(`${report.calls} calls of ${report.tool}, ${concurrency} at a time, in ${report.seconds} s`)
    print(`  throughput  ${report.throughputPerSecond} calls/s`)
    print(`  latency     p50 ${report.p50Ms} ms · p99 ${report.p99Ms} ms · max ${report.maxMs} ms`)
    print(`  errors      ${errors}${firstError ? ` (first: ${firstError})` : ''}`)
  }
  return errors === report.calls ? 1 : 0
}

export interface AgentFlags extends ClientFlags {
  server: string[]
  model?: string
  instructions?: string
  maxTurns: string
  requireAllServers?: boolean
}

export async function agentCommand(question: string, flags: AgentFlags): Promise<number> {
  const { Agent, Runner, resolveModel } = await import('../agent/index.js')
  const targets = agentTargets(flags.server, flags)
  const maxTurns = Number(flags.maxTurns)
  if (!Number.isInteger(maxTurns) || maxTurns < 1)
    throw new UsageError('--max-turns must be a positive integer')
  // The model first: a missing key or model name is reported before any server is contacted.
  if (!flags.model && !process.env.TOOLWIRE_MODEL)
    throw new UsageError('no model: give --model <name> or set TOOLWIRE_MODEL (e.g. gpt-4o-mini)')
  const model = resolveModel(flags.model)
  const servers = await Promise.all(targets.map((target) => anyClientFor(target, flags)))
  try {
    // Servers connect when the run lists their tools: one that is down is left out (the model
    // is told), unless --require-all-servers.
    const agent = new Agent({
      name: 'toolwire agent',
      model,
      mcpServers: servers,
      ...(flags.instructions ? { instructions: flags.instructions } : {}),
    })
    const stream = Runner.runStreamed(agent, question, {
      maxTurns,
      requireAllServers: flags.requireAllServers ?? false,
    })
    for await (const event of stream) {
      if (event.type === 'warning') {
        process.stderr.write(`warning: ${shown(event.warning.message)}\n`)
        continue
      }
      if (flags.json) continue
      if (event.type === 'text_delta') process.stdout.write(event.delta)
      else if (event.type === 'tool_called') {
        process.stderr.write(
          `→ ${event.item.server ?? 'local'}: ${event.item.tool}(${event.item.arguments})\n`,
        )
      } else if (event.type === 'tool_task') {
        const { task } = event
        process.stderr.write(
          `  task ${task.taskId}: ${task.status}${task.statusMessage ? ` — ${shown(task.statusMessage)}` : ''}\n`,
        )
      } else if (event.type === 'tool_output' && event.item.isError) {
        process.stderr.write(`  ${shown(event.item.output)}\n`)
      }
    }
    const result = await stream.completed
    if (flags.json) {
      print(
        JSON.stringify(
          {
            finalOutput: result.finalOutput,
            traceId: result.traceId,
            usage: result.usage,
            items: result.newItems,
            warnings: result.warnings,
          },
          null,
          2,
        ),
      )
    } else {
      process.stdout.write('\n')
      process.stderr.write(
        `(trace ${result.traceId}, ${result.usage.requests} model calls, ${result.usage.totalTokens} tokens)\n`,
      )
    }
    return 0
  } finally {
    await Promise.all(servers.map((s) => s.close()))
  }
}
