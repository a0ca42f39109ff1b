/**
 * The server the inspector is connected to: one MCPServerStreamableHttp, the calls in flight
 * (cancellable from the page), the requests the server makes mid-call, and the history.
 */
import { fileOAuthStore } from '../../client/auth/oauth/file-store.js'
import { loopbackAuthorization } from '../../client/auth/oauth/loopback.js'
import { oauth } from '../../client/auth/oauth/oauth-provider.js'
import {
  type AuthOption,
  type GetPromptResult,
  isToolwireError,
  MCPServerStreamableHttp,
  type Prompt,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
  type Tool,
  type ToolCallResult,
} from '../../client/index.js'
import { callCommandLine } from './call-command-line.js'
import { type LoadRunReport, loadRun } from './load-run.js'
import type { PageEvents } from './page-events.js'
import { PendingInputs } from './pending-inputs.js'
import type { HistoryEntry, RequestHistory } from './request-history.js'

/** What the page sends to connect. */
export interface ConnectRequest {
  url: string
  headers?: Record<string, string>
  /** Sent as `X-API-Key`. */
  apiKey?: string
  /** Sent as `Authorization: Bearer …`. */
  bearerToken?: string
  /** MCP authorization in the browser (authorization code + PKCE), tokens kept in `oauthStorePath`. */
  oauth?: boolean
  era?: 'auto' | 'modern' | 'legacy'
  /** Per-request timeout, in seconds. @default 60 */
  timeoutSeconds?: number
}

/** An error as the page shows it: the client's code and message, the trace id when there was one. */
export function errorBody(error: unknown): {
  code: string
  message: string
  traceId?: string
  status?: number
} {
  if (isToolwireError(error)) {
    const status = (error as { status?: unknown }).status
    return {
      code: error.code,
      message: error.message,
      ...(error.traceId ? { traceId: error.traceId } : {}),
      ...(typeof status === 'number' ? { status } : {}),
    }
  }
  return { code: 'ERROR', message: error instanceof Error ? error.message : String(error) }
}

export class InspectorConnection {
  readonly client: MCPServerStreamableHttp
  readonly request: ConnectRequest
  readonly #headers: Record<string, string>
  readonly #events: PageEvents
  readonly #history: RequestHistory
  readonly #inputs: PendingInputs
  readonly #calls = new Map<string, AbortController>()
  readonly #closeAuth: (() => Promise<void>) | undefined

  private constructor(
    request: ConnectRequest,
    deps: { events: PageEvents; history: RequestHistory; auth?: AuthOption; closeAuth?: () => Promise<void> },
  ) {
    this.request = request
    this.#events = deps.events
    this.#history = deps.history
    this.#inputs = new PendingInputs(deps.events)
    this.#closeAuth = deps.closeAuth
    this.#headers = { ...request.headers }
    if (request.apiKey) this.#headers['X-API-Key'] = request.apiKey
    if (request.bearerToken) this.#headers.Authorization = `Bearer ${request.bearerToken}`
    const timeout = request.timeoutSeconds ?? 60
    this.client = new MCPServerStreamableHttp({
      params: {
        url: request.url,
        headers: this.#headers,
        timeout: Math.min(timeout, 30),
        sseReadTimeout: Math.max(timeout, 300),
      },
      clientSessionTimeoutSeconds: timeout,
      // The inspector shows the server as it is: no retries or breaker between the user and it.
      maxRetryAttempts: 0,
      circuitBreaker: false,
      protocolEra: request.era ?? 'auto',
      clientInfo: { name: 'toolwire-inspect', version: '0.1.0' },
      ...(deps.auth ? { auth: deps.auth } : {}),
      handlers: {
        elicitation: (params) => this.#inputs.elicit(params),
        sampling: (params) => this.#inputs.sample(params),
      },
      onWarning: (message) => this.#events.send({ type: 'warning', message }),
    })
  }

  /** Connects, recording the handshake in the history; throws the client's error on failure. */
  static async open(
    request: ConnectRequest,
    deps: { events: PageEvents; history: RequestHistory; oauthStorePath: string },
  ): Promise<InspectorConnection> {
    let auth: AuthOption | undefined
    let closeAuth: (() => Promise<void>) | undefined
    if (request.oauth) {
      // The authorization URL goes to the page, which opens it: the inspector runs no command.
      const loopback = await loopbackAuthorization({
        open: (url) => deps.events.send({ type: 'oauth', url: url.href }),
      })
      closeAuth = () => loopback.close()
      auth = oauth({
        clientName: 'toolwire inspect',
        store: fileOAuthStore(deps.oauthStorePath),
        redirectUrl: loopback.redirectUrl,
        authorize: loopback.authorize,
      })
    }
    const connection = new InspectorConnection(request, {
      events: deps.events,
      history: deps.history,
      ...(auth ? { auth } : {}),
      ...(closeAuth ? { closeAuth } : {}),
    })
    try {
      await connection.#record({ method: 'connect', target: request.url, params: { url: request.url } }, () =>
        connection.client.connect().then(() => connection.describe()),
      )
    } catch (error) {
      await connection.close()
      throw error
    }
    return connection
  }

  /** Server info, protocol version and era, capabilities, instructions. */
  describe() {
    const server = this.client.server
    const version = this.client.protocolVersion
    return {
      url: this.request.url,
      protocolVersion: version,
      era: version === undefined ? undefined : version >= '2026' ? 'modern' : 'legacy',
      serverInfo: server?.serverInfo,
      capabilities: server?.capabilities,
      instructions: server?.instructions,
    }
  }

  listTools(): Promise<Tool[]> {
    this.client.invalidateToolsCache()
    return this.#record({ method: 'tools/list', target: this.request.url, params: {} }, () =>
      this.client.listTools(),
    )
  }

  /** Resources and resource templates (empty lists when the server offers none). */
  async resources(): Promise<{ resources: Resource[]; templates: ResourceTemplate[] }> {
    if (!this.client.server?.capabilities.resources) return { resources: [], templates: [] }
    const target = this.request.url
    const resources = await this.#record({ method: 'resources/list', target, params: {} }, () =>
      this.client.listResources(),
    )
    const templates = await this.#record({ method: 'resources/templates/list', target, params: {} }, () =>
      this.client.listResourceTemplates(),
    )
    return { resources, templates }
  }

  readResource(uri: string): Promise<ReadResourceResult> {
    return this.#record({ method: 'resources/read', target: uri, params: { uri } }, () =>
      this.client.readResource(uri),
    )
  }

  async prompts(): Promise<Prompt[]> {
    if (!this.client.server?.capabilities.prompts) return []
    return this.#record({ method: 'prompts/list', target: this.request.url, params: {} }, () =>
      this.client.listPrompts(),
    )
  }

  getPrompt(name: string, args: Record<string, string>): Promise<GetPromptResult> {
    return this.#record({ method: 'prompts/get', target: name, params: { name, arguments: args } }, () =>
      this.client.getPrompt(name, args),
    )
  }

  /** Calls a tool; progress and log messages go to the page as events tagged with `callId`. */
  async callTool(call: {
    callId: string
    tool: string
    args: Record<string, unknown>
    timeoutSeconds?: number | undefined
  }): Promise<{ result: ToolCallResult; entry: HistoryEntry }> {
    const { callId, tool, args, timeoutSeconds } = call
    if (this.#calls.has(callId)) throw new Error(`a call with id "${callId}" is already running`)
    if (this.#calls.size >= 32) throw new Error('32 calls are already running: wait for one to end')
    const controller = new AbortController()
    this.#calls.set(callId, controller)
    const command = callCommandLine({
      url: this.request.url,
      tool,
      arguments: args,
      headers: this.#headers,
      ...(this.request.era ? { era: this.request.era } : {}),
    })
    let entry: HistoryEntry | undefined
    try {
      const result = await this.#record(
        {
          method: 'tools/call',
          target: tool,
          params: { name: tool, arguments: args },
          command,
          signal: controller.signal,
          onEntry: (e) => {
            entry = e
          },
        },
        () =>
          this.client.callTool(tool, args, {
            signal: controller.signal,
            ...(timeoutSeconds ? { timeoutSeconds } : {}),
            onProgress: (p) => this.#events.send({ type: 'progress', callId, ...p }),
            onLog: (m) => this.#events.send({ type: 'log', callId, ...m }),
            logLevel: 'debug',
          }),
      )
      return { result, entry: entry! }
    } finally {
      this.#calls.delete(callId)
    }
  }

  /** Cancels a call in flight; false when no call has that id. */
  cancel(callId: string): boolean {
    const controller = this.#calls.get(callId)
    controller?.abort(new Error('cancelled in the inspector'))
    return controller !== undefined
  }

  /** The page's answer to an elicitation or sampling request. */
  answer(id: string, body: Record<string, unknown>): boolean {
    return this.#inputs.answer(id, body)
  }

  /** A load run against one tool; progress goes to the page as `load-progress` events. */
  load(
    tool: string,
    args: Record<string, unknown>,
    options: { calls: number; concurrency: number },
  ): Promise<LoadRunReport> {
    return this.#record(
      { method: 'load', target: tool, params: { name: tool, arguments: args, ...options } },
      () =>
        loadRun(
          async (signal) => {
            const result = await this.client.callTool(tool, args, { signal })
            const text = result.content.find((c) => c.type === 'text')
            return result.isError
              ? { ok: false, message: text?.type === 'text' ? text.text : 'isError' }
              : { ok: true }
          },
          {
            ...options,
            onProgress: (done, errors) =>
              this.#events.send({ type: 'load-progress', done, errors, calls: options.calls }),
          },
        ),
    )
  }

  async #record<T>(
    what: {
      method: string
      target: string
      params: Record<string, unknown>
      command?: string
      signal?: AbortSignal
      onEntry?: (entry: HistoryEntry) => void
    },
    run: () => Promise<T>,
  ): Promise<T> {
    const { onEntry, signal, ...start } = what
    const extra = { onEntry, signal }
    const entry = this.#history.start(start)
    extra.onEntry?.(entry)
    this.#events.send({ type: 'history', entry })
    const startedMs = performance.now()
    try {
      const result = await run()
      const traceId = (result as { traceId?: unknown })?.traceId
      const isError = (result as { isError?: unknown })?.isError === true
      this.#history.finish(entry, {
        status: isError ? 'tool-error' : 'ok',
        startedMs,
        result,
        traceId: typeof traceId === 'string' ? traceId : undefined,
      })
      return result
    } catch (error) {
      const body = errorBody(error)
      const cancelled = extra.signal?.aborted === true
      this.#history.finish(entry, {
        status: cancelled ? 'cancelled' : 'error',
        startedMs,
        error: { code: body.code, message: body.message },
        traceId: body.traceId,
      })
      throw error
    } finally {
      this.#events.send({ type: 'history', entry })
    }
  }

  async close(): Promise<void> {
    for (const controller of this.#calls.values()) controller.abort(new Error('disconnected'))
    this.#inputs.clear('the inspector disconnected')
    await this.client.close()
    await this.#closeAuth?.()
  }
}
