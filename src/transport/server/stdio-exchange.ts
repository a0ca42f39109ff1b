/** One request's exchange on a stdio connection: notifications and server requests are lines on stdout. */
import type { IncomingHttpHeaders } from 'node:http'
import type { JsonRpcNotification, JsonRpcRequest } from '../../protocol/jsonrpc.js'
import { newTraceId } from '../../protocol/trace-context.js'
import type { ProtocolEra } from '../../protocol/versions.js'
import type { LegacySession } from './legacy-sessions.js'
import { type Exchange, type Identity, type RunLimit, RunTimeExceeded } from './request-dispatcher.js'

export interface StdioExchangeInit {
  request: JsonRpcRequest
  era: ProtocolEra
  protocolVersion: string
  meta: Record<string, unknown> | undefined
  session: LegacySession | undefined
  write: (message: object) => void
  /** Sends the client a request and waits for its answer (2025 era). */
  ask: (
    method: string,
    params: Record<string, unknown>,
    signal: AbortSignal,
  ) => Promise<Record<string, unknown>>
  onOutlived: (what: string) => void
}

const NO_HEADERS: IncomingHttpHeaders = Object.freeze({}) as IncomingHttpHeaders

export class StdioExchange implements Exchange {
  readonly era: ProtocolEra
  readonly protocolVersion: string
  readonly meta: Record<string, unknown> | undefined
  readonly session: LegacySession | undefined
  readonly headers = NO_HEADERS
  readonly identity: Identity | undefined = undefined
  readonly traceId = newTraceId()
  readonly rpc: JsonRpcRequest
  readonly #controller = new AbortController()
  readonly #init: StdioExchangeInit
  #timer: NodeJS.Timeout | undefined

  constructor(init: StdioExchangeInit) {
    this.rpc = init.request
    this.era = init.era
    this.protocolVersion = init.protocolVersion
    this.meta = init.meta
    this.session = init.session
    this.#init = init
  }

  get signal(): AbortSignal {
    return this.#controller.signal
  }
  get aborted(): boolean {
    return this.#controller.signal.aborted
  }
  get abortReason(): unknown {
    return this.#controller.signal.reason
  }

  notify(notification: JsonRpcNotification): void {
    if (!this.aborted) this.#init.write(notification)
  }

  request(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.#init.ask(method, params, this.signal)
  }

  /** stdio answers are not resumable streams. */
  closeStream(): boolean {
    return false
  }

  abort(reason: unknown): void {
    this.#controller.abort(reason)
    this.finish()
  }

  limitRunTime(limit: RunLimit): void {
    // Not the hot path here: one timer per bounded call is fine.
    this.#timer = setTimeout(
      () => this.abort(new RunTimeExceeded(limit.seconds, limit.option)),
      limit.seconds * 1000,
    )
    this.#timer.unref()
  }

  outlived(work: Promise<unknown>, what: string): void {
    let done = false
    work.then(
      () => {
        done = true
      },
      () => {
        done = true
      },
    )
    setTimeout(() => {
      if (!done) this.#init.onOutlived(what)
    }, 10_000).unref()
  }

  /** Clears the run-time timer. */
  finish(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
