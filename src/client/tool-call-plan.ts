/**
 * One logical request and one logical tool call as both clients (HTTP and stdio) make it: the tool filter and the trace
 * id checked, idempotency from the caller or the tool's annotations (learned on demand), progress
 * and log callbacks, and the request of each round through the client's policies.
 */
import { type ErrorSite, McpToolError, ToolwireConfigError, ToolwireError } from '../protocol/errors.js'
import type { Tool } from '../protocol/types.js'
import type { Call, Send } from './call.js'
import { callNotifications } from './call-notifications.js'
import type { CallToolOptions } from './call-tool-options.js'
import type { ClientRequestHandlers } from './client-requests.js'
import { type ToolFilter, toolAllowed } from './options.js'
import type { TaskPolling } from './tasks/task-polling.js'
import type { ToolCallRounds } from './tool-call-rounds.js'
import { annotatedIdempotent, type ToolListing } from './tool-listing.js'
import { newTraceContext } from './trace-propagation.js'

/** Options of one logical request through a client's policies. */
export type RunOptions = Partial<
  Pick<Call, 'signal' | 'onMessage' | 'extraMeta' | 'idempotent' | 'learnIdempotent'>
> & {
  timeoutSeconds?: number | undefined
  traceId?: string | undefined
}

export interface ToolCallClient {
  /** The server's name (for the tool filter). */
  name: string
  site: ErrorSite
  handlers: ClientRequestHandlers
  toolErrors: 'result' | 'throw'
  filter: ToolFilter | undefined
  tools: ToolListing
  /** One request through the client's policies. */
  run: (
    method: string,
    params: Record<string, unknown>,
    options: RunOptions,
  ) => Promise<Record<string, unknown>>
  /** Drops the cached tool list and lists again (after a `HeaderMismatch`). */
  relist: (signal: AbortSignal | undefined) => Promise<unknown>
  /** How to wait for a task of `tool`; undefined when the client does not declare tasks. Asked only when a call becomes a task. */
  polling: (tool: string, options: CallToolOptions) => TaskPolling | undefined
}

/**
 * The requests of one tool call. `client` is the client's own (made once); per call there is
 * this object and its request options, nothing else.
 */
export function planToolCall(
  client: ToolCallClient,
  call: { name: string; args: Record<string, unknown> },
  options: CallToolOptions,
): ToolCallRounds {
  return new PlannedToolCall(client, call, options)
}

class PlannedToolCall implements ToolCallRounds {
  readonly name: string
  readonly #client: ToolCallClient
  readonly #args: Record<string, unknown>
  readonly #options: CallToolOptions
  readonly #run: RunOptions
  #polling: TaskPolling | undefined | null = null

  constructor(
    client: ToolCallClient,
    call: { name: string; args: Record<string, unknown> },
    options: CallToolOptions,
  ) {
    const { name, args } = call
    const known = client.tools.known.get(name)
    if (
      client.filter &&
      !toolAllowed(client.filter, client.name, known ?? { name, inputSchema: { type: 'object' } })
    ) {
      throw new McpToolError(name, 'the tool is excluded by toolFilter', {
        site: client.site,
        result: undefined,
      })
    }
    if (options.traceId !== undefined && !/^[0-9a-f]{32}$/.test(options.traceId)) {
      throw new ToolwireConfigError(
        `callTool option "traceId" must be 32 lowercase hex digits (a W3C trace id), got "${options.traceId}"`,
        client.site,
      )
    }
    this.name = name
    this.#client = client
    this.#args = args
    this.#options = options
    const { onMessage, meta } = callNotifications(options)
    this.#run = {
      signal: options.signal,
      idempotent: options.idempotent ?? annotatedIdempotent(known as Tool | undefined),
      // Called before the tools were listed: the retry policy learns the annotations if it needs them.
      learnIdempotent:
        options.idempotent === undefined && !known
          ? () => client.tools.idempotent(name, options.signal)
          : undefined,
      timeoutSeconds: options.timeoutSeconds,
      traceId: options.traceId,
      onMessage,
      extraMeta: meta,
    }
  }

  get site(): ErrorSite {
    return this.#client.site
  }

  get handlers(): ClientRequestHandlers {
    return this.#client.handlers
  }

  get toolErrors(): 'result' | 'throw' {
    return this.#client.toolErrors
  }

  get polling(): TaskPolling | undefined {
    if (this.#polling === null) this.#polling = this.#client.polling(this.name, this.#options)
    return this.#polling
  }

  send(answers?: Record<string, unknown>): Promise<Record<string, unknown>> {
    const params = answers
      ? { name: this.name, arguments: this.#args, ...answers }
      : { name: this.name, arguments: this.#args }
    return this.#client.run('tools/call', params, this.#run)
  }

  relist(): Promise<unknown> {
    return this.#client.relist(this.#options.signal)
  }
}

export interface RequestClient {
  /** The client's policies composed around its wire (breaker → retry → auth → timeout → wire). */
  send: Send
  site: ErrorSite
  /** `clientSessionTimeoutSeconds`: a request's timeout unless the call gives its own. */
  requestSeconds: number
  /** Send the W3C `traceparent` header (HTTP); stdio has no headers. */
  traceHeader: boolean
}

/**
 * One logical request through a client's policies, with its trace id: set on the result of a
 * `tools/call` and on any toolwire error it fails with.
 */
export async function runRequest(
  client: RequestClient,
  request: { method: string; params: Record<string, unknown> },
  options: RunOptions,
): Promise<Record<string, unknown>> {
  const { method, params } = request
  const trace = newTraceContext(options.traceId)
  const timeoutSeconds = options.timeoutSeconds ?? client.requestSeconds
  if (!(timeoutSeconds > 0)) {
    throw new ToolwireConfigError(
      `option "timeoutSeconds" must be a positive number of seconds, got ${timeoutSeconds}`,
      client.site,
    )
  }
  try {
    const result = await client.send({
      method,
      params,
      idempotent: options.idempotent ?? false,
      learnIdempotent: options.learnIdempotent,
      timeoutSeconds,
      timeoutOption: options.timeoutSeconds === undefined ? 'clientSessionTimeoutSeconds' : 'timeoutSeconds',
      signal: options.signal,
      headers: client.traceHeader ? { traceparent: trace.traceparent } : {},
      onMessage: options.onMessage,
      extraMeta: options.extraMeta,
      traceId: trace.traceId,
    })
    if (method === 'tools/call') result.traceId = trace.traceId
    return result
  } catch (error) {
    if (error instanceof ToolwireError) error.traceId ??= trace.traceId
    throw error
  }
}
