/** The context a tool handler receives: cancellation, progress, logging, and who is calling. */
import { ErrorCode, isObject, type RequestId, RpcError } from '../protocol/jsonrpc.js'
import type {
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
  Implementation,
  Root,
} from '../protocol/types.js'
import {
  LOG_LEVELS,
  type LogLevel,
  META_CLIENT_CAPABILITIES,
  META_CLIENT_INFO,
  META_LOG_LEVEL,
} from '../protocol/versions.js'
import type { Exchange, Identity } from '../transport/server/request-dispatcher.js'
import { InputRequired } from './input-requests.js'
import { BecomeTask, clientDeclaresTasks, type TaskSupport } from './tasks/become-task.js'
import { ToolError } from './tool-result.js'

export { LOG_LEVELS, type LogLevel }

export interface ToolContext {
  /** Aborted when the caller disconnects or cancels; pass it to database and HTTP calls. */
  readonly signal: AbortSignal
  readonly requestId: RequestId
  /** The protocol revision of this request (`2026-07-28`, `2025-11-25`, …). */
  readonly protocolVersion: string
  /** The 2025-era session id, when the client has one. */
  readonly sessionId: string | undefined
  readonly clientInfo: Implementation | undefined
  /** W3C trace id of this call (the caller's, from `traceparent`, else a new one): put it in your logs. */
  readonly traceId: string
  /** Who is calling, when the server authenticates requests (`serve({ auth })`). */
  readonly identity: Identity | undefined
  /**
   * Reports progress to the caller (when it asked for progress with a `progressToken`).
   * The first report turns the answer into an SSE stream.
   */
  progress(progress: number, options?: { total?: number; message?: string }): void
  /**
   * Sends a log message to the caller (`notifications/message`) at or above the level it asked
   * for: `logging/setLevel` in a 2025-era session (everything until it does), the request's
   * `_meta` logLevel on 2026-07-28 (nothing when the request carries none, as the spec requires).
   */
  log(level: LogLevel, data: unknown, logger?: string): void
  /**
   * Asks the client's model for a completion (`sampling/createMessage`). Needs a client that
   * declared `sampling`: asked on the call's stream in a 2025-era session, or by ending the round
   * with `input_required` on 2026-07-28 (the handler then runs again with the answer); otherwise
   * throws a `ToolError` saying so.
   */
  sample(params: CreateMessageRequestParams): Promise<CreateMessageResult>
  /**
   * Asks the user for input through the client (`elicitation/create`, form mode): resolves
   * with `{ action: 'accept', content }`, or `action` `decline` / `cancel`.
   */
  elicit(message: string, requestedSchema: ElicitRequestFormParams['requestedSchema']): Promise<ElicitResult>
  /** The client's roots (`roots/list`): the directories or URIs it lets the server work in. */
  roots(): Promise<Root[]>
  /**
   * Ends this answer's connection while the call goes on (2025-11-25 resumable streams): the
   * client reconnects after the server's `retry` interval and receives progress and the result.
   * Long calls use it so no connection is held open for minutes. Returns false when the
   * client cannot resume (older protocol, no session); the answer then continues as is.
   */
  closeStream(): boolean
  /**
   * Asks to continue this call as a task (MCP Tasks extension; the tool declares
   * `taskSupport: 'optional'`). When the client accepts tasks, the call ends here, the client
   * gets a task handle at once, and the handler runs again from the start as that task (where
   * `runAsTask()` simply returns): call it early, before side effects. Otherwise it returns and
   * the handler goes on answering inline.
   *
   * @example
   * ```ts
   * if (deals.length > 1000) await ctx.runAsTask()
   * ```
   */
  runAsTask(): Promise<void>
  /** The task this handler runs as, when it runs as one. */
  readonly taskId: string | undefined
}

/** The context of one tool call: a class so a call allocates one object and no closures. */
export class CallContext implements ToolContext {
  readonly requestId: RequestId
  /** 2026-07-28: the first question of this round without an answer (the call then ends with it). */
  pendingInput: InputRequired | undefined
  /** The tool's task support (`runAsTask()` consults it). */
  taskSupport: TaskSupport = 'none'
  readonly taskId = undefined
  readonly #exchange: Exchange
  readonly #progressToken: string | number | undefined
  readonly #answers: Record<string, Record<string, unknown>>
  #asked = 0

  constructor(
    exchange: Exchange,
    request: { id: RequestId; params?: Record<string, unknown> },
    answers: Record<string, Record<string, unknown>> = {},
  ) {
    this.#exchange = exchange
    this.#answers = answers
    this.requestId = request.id
    const meta = request.params?._meta
    const token = isObject(meta) ? meta.progressToken : undefined
    this.#progressToken = typeof token === 'string' || typeof token === 'number' ? token : undefined
  }

  get signal(): AbortSignal {
    return this.#exchange.signal
  }

  get protocolVersion(): string {
    return this.#exchange.protocolVersion
  }

  get traceId(): string {
    return this.#exchange.traceId
  }

  get identity(): Identity | undefined {
    return this.#exchange.identity
  }

  get sessionId(): string | undefined {
    return this.#exchange.session?.id
  }

  get clientInfo(): Implementation | undefined {
    const exchange = this.#exchange
    return exchange.era === 'modern'
      ? (exchange.meta?.[META_CLIENT_INFO] as Implementation | undefined)
      : (exchange.session?.clientInfo as Implementation | undefined)
  }

  progress(progress: number, options: { total?: number; message?: string } = {}): void {
    if (this.#progressToken === undefined) return
    this.#exchange.notify({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: this.#progressToken, progress, ...options },
    })
  }

  sample(params: CreateMessageRequestParams): Promise<CreateMessageResult> {
    return this.#ask(
      'sampling/createMessage',
      params as Record<string, unknown>,
    ) as Promise<CreateMessageResult>
  }

  async elicit(
    message: string,
    requestedSchema: ElicitRequestFormParams['requestedSchema'],
  ): Promise<ElicitResult> {
    return elicitResultOf(await this.#ask('elicitation/create', { mode: 'form', message, requestedSchema }))
  }

  async roots(): Promise<Root[]> {
    return rootsOf(await this.#ask('roots/list', {}))
  }

  closeStream(): boolean {
    return this.#exchange.closeStream()
  }

  runAsTask(): Promise<void> {
    if (this.taskSupport === 'none') {
      return Promise.reject(
        new ToolError("runAsTask() needs the tool to declare taskSupport: 'optional' (it has 'none')"),
      )
    }
    return clientDeclaresTasks(this.#exchange) ? Promise.reject(new BecomeTask()) : Promise.resolve()
  }

  /** The answers this call has so far (2026-07-28), to carry in the next `requestState`. */
  get answers(): Record<string, Record<string, unknown>> {
    return this.#answers
  }

  #ask(method: keyof typeof NEEDS, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const exchange = this.#exchange
    const modern = exchange.era === 'modern'
    if (!modern && !exchange.session) {
      return Promise.reject(
        new ToolError(
          `${method} needs a 2025-era session with the client (or a 2026-07-28 request); this stateless 2025-era request has none`,
        ),
      )
    }
    const declared = modern ? exchange.meta?.[META_CLIENT_CAPABILITIES] : exchange.session?.clientCapabilities
    const missing = missingCapability(declared, method, params)
    if (missing) {
      const message = `The client did not declare the ${missing.name} capability: it cannot answer ${method}`
      // 2026-07-28: the whole request fails with -32021 naming the capability (HTTP 400).
      return Promise.reject(
        modern
          ? new RpcError(ErrorCode.MissingRequiredClientCapability, message, {
              requiredCapabilities: missing.required,
            })
          : new ToolError(message),
      )
    }
    if (!modern) return exchange.request(method, params)
    // 2026-07-28: questions are numbered in the order the handler asks them, the same on every round.
    const key = `${NEEDS[method]}-${++this.#asked}`
    const answer = Object.hasOwn(this.#answers, key) ? this.#answers[key] : undefined
    if (answer) return Promise.resolve(answer)
    this.pendingInput ??= new InputRequired(key, { method, params })
    return Promise.reject(this.pendingInput)
  }

  log(level: LogLevel, data: unknown, logger?: string): void {
    const exchange = this.#exchange
    const modern = exchange.era === 'modern'
    const requested = modern ? exchange.meta?.[META_LOG_LEVEL] : exchange.session?.logLevel
    if (modern && requested === undefined) return
    const minLevel =
      typeof requested === 'string' ? Math.max(0, LOG_LEVELS.indexOf(requested as LogLevel)) : 0
    if (LOG_LEVELS.indexOf(level) < minLevel) return
    exchange.notify({
      jsonrpc: '2.0',
      method: 'notifications/message',
      params: logger === undefined ? { level, data } : { level, data, logger },
    })
  }
}

/** The client capability each server→client request needs. */
const NEEDS = {
  'sampling/createMessage': 'sampling',
  'elicitation/create': 'elicitation',
  'roots/list': 'roots',
} as const

/**
 * The capability a server→client request needs and the client did not declare, if any.
 * Elicitation also needs the mode (`elicitation: {}` means form only), sampling with `tools`
 * or `toolChoice` needs `sampling.tools` (spec, Elicitation and Sampling).
 */
export function missingCapability(
  declared: unknown,
  method: keyof typeof NEEDS,
  params: Record<string, unknown>,
): { name: string; required: Record<string, unknown> } | undefined {
  const capability = NEEDS[method]
  const held = isObject(declared) && Object.hasOwn(declared, capability) ? declared[capability] : undefined
  if (!isObject(held)) return { name: capability, required: { [capability]: {} } }
  if (method === 'sampling/createMessage') {
    // Tool-enabled sampling needs `sampling.tools` (spec, Sampling).
    const withTools = params.tools !== undefined || params.toolChoice !== undefined
    return withTools && !isObject(held.tools)
      ? { name: 'sampling.tools', required: { sampling: { tools: {} } } }
      : undefined
  }
  if (method !== 'elicitation/create') return undefined
  const mode = params.mode === 'url' ? 'url' : 'form'
  const declaresModes = Object.hasOwn(held, 'form') || Object.hasOwn(held, 'url')
  const supported = declaresModes ? Object.hasOwn(held, mode) : mode === 'form'
  return supported ? undefined : { name: `elicitation.${mode}`, required: { elicitation: { [mode]: {} } } }
}

export function createToolContext(
  exchange: Exchange,
  request: { id: RequestId; params?: Record<string, unknown> },
  answers?: Record<string, Record<string, unknown>>,
): CallContext {
  return new CallContext(exchange, request, answers)
}

/** A client's answer to `elicitation/create`, its `action` checked (inline calls and tasks alike). */
export function elicitResultOf(result: Record<string, unknown>): ElicitResult {
  if (!['accept', 'decline', 'cancel'].includes(result.action as string)) {
    throw new ToolError(
      `The client answered elicitation/create with an unknown action: ${String(result.action)}`,
    )
  }
  return result as ElicitResult
}

/** The roots in a client's answer to `roots/list` (none when it sent no list). */
export function rootsOf(result: Record<string, unknown>): Root[] {
  return Array.isArray(result.roots) ? (result.roots as Root[]) : []
}
