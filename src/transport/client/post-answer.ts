/**
 * The answer to one POST, read straight from undici's dispatch callbacks: no response stream,
 * no body mixin, no async resource per request. A JSON body is collected as chunks and parsed
 * once; an SSE body goes chunk by chunk through `SseAnswer`; a body nobody reads is drained (up
 * to a limit, then the connection is dropped), as `body.dump()` did.
 */
import type { Dispatcher } from 'undici'
import { util } from 'undici'
import { type ErrorSite, McpProtocolError } from '../../protocol/errors.js'
import {
  classifyMessage,
  type JsonRpcMessage,
  type JsonRpcResponse,
  type RequestId,
} from '../../protocol/jsonrpc.js'
import { printable } from '../../protocol/printable.js'
import { CallSignal, type WireSignal } from './call-signal.js'
import type { PostOutcome, PostRequest } from './client-wire.js'
import { SseAnswer, tooLarge } from './sse-answer.js'

/** What the handler needs from its wire. */
export interface AnswerContext {
  readonly site: ErrorSite
  readonly maxResponseBytes: number
  translate(error: unknown, signal?: WireSignal): unknown
}

/** Bytes of a body nobody reads that are drained before the connection is dropped (undici's dump default). */
const DUMP_LIMIT = 128 * 1024
/** Bytes drained after an SSE answer's response before the stream is let go. */
const SSE_DRAIN_LIMIT = 64 * 1024

enum Mode {
  /** Before the headers. */
  Waiting,
  Json,
  Sse,
  /** Drained and dropped: a 202, a notification's answer, an unexpected content type. */
  Dump,
  /** Settled; what still arrives is drained (up to a limit). */
  Done,
}

type Headers = Record<string, string | string[] | undefined>
const NO_HEADERS: Buffer[] = []

export class PostAnswer implements Dispatcher.DispatchHandler {
  readonly #context: AnswerContext
  readonly #request: PostRequest
  readonly #expectId: RequestId | undefined
  /** Settles with the outcome, or fails with a typed error (or the caller's abort reason). */
  readonly promise: Promise<PostOutcome>
  #resolve!: (outcome: PostOutcome) => void
  #reject!: (error: unknown) => void
  #mode = Mode.Waiting
  #status = 0
  /** The response headers as undici hands them over (name, value, …): parsed only if read. */
  #raw: Buffer[] = NO_HEADERS
  #abort: ((error?: Error) => void) | undefined
  /** Listening to the caller's signal (until settled). */
  #listening = false
  /** Bytes read in Json, Dump and Done modes (the limit that applies depends on the mode). */
  #bytes = 0
  /** The JSON body: most answers are one chunk, so the list exists only from the second on. */
  #first: Buffer | undefined
  #more: Buffer[] | undefined
  #sse: SseAnswer | undefined
  /** Json: settle as a failure once the body is in (an unexpected content type, 2xx). */
  #unexpectedType = ''

  constructor(context: AnswerContext, request: PostRequest, expectId: RequestId | undefined) {
    this.#context = context
    this.#request = request
    this.#expectId = expectId
    this.promise = new Promise<PostOutcome>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    const signal = request.signal
    if (signal) {
      this.#listening = true
      if (signal instanceof CallSignal) signal.on('abort', this.#onAbort)
      else signal.addEventListener('abort', this.#onAbort, { once: true })
    }
  }

  /** Stops listening to the caller's signal. */
  #release(): void {
    if (!this.#listening) return
    this.#listening = false
    const signal = this.#request.signal!
    if (signal instanceof CallSignal) signal.removeListener('abort', this.#onAbort)
    else signal.removeEventListener('abort', this.#onAbort)
  }

  readonly #onAbort = (): void => {
    const reason = this.#request.signal!.reason as Error
    if (this.#abort) this.#abort(reason)
    else this.#fail(reason)
  }

  onConnect(abort: (error?: Error) => void): void {
    if (this.#mode === Mode.Done) {
      abort(this.#request.signal?.reason as Error | undefined)
      return
    }
    this.#abort = abort
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200 || this.#mode === Mode.Done) return true
    this.#status = statusCode
    this.#raw = rawHeaders
    const expectId = this.#expectId
    if (statusCode === 202 || expectId === undefined) {
      this.#mode = Mode.Dump
      return this.#overDumpLimit() ? this.#settleDumped() : true
    }
    const type = String(headerOf(rawHeaders, 'content-type') ?? '').toLowerCase()
    if (type.startsWith('text/event-stream') && statusCode < 300) {
      this.#mode = Mode.Sse
      this.#sse = new SseAnswer(expectId, this.#request.onMessage, this.#context)
      return true
    }
    if (type.startsWith('application/json')) {
      const declared = Number(headerOf(rawHeaders, 'content-length') ?? Number.NaN)
      if (declared > this.#context.maxResponseBytes) {
        this.#fail(tooLarge(this.#context.maxResponseBytes, this.#context.site))
        return false
      }
      this.#mode = Mode.Json
      return true
    }
    this.#mode = Mode.Dump
    if (statusCode < 300) this.#unexpectedType = type || 'no content type'
    return this.#overDumpLimit() ? this.#settleDumped() : true
  }

  onData(chunk: Buffer): boolean {
    switch (this.#mode) {
      case Mode.Json:
        this.#bytes += chunk.length
        if (this.#bytes > this.#context.maxResponseBytes) {
          this.#fail(tooLarge(this.#context.maxResponseBytes, this.#context.site))
          return false
        }
        if (this.#first === undefined) this.#first = chunk
        else if (this.#more) this.#more.push(chunk)
        else this.#more = [this.#first, chunk]
        return true
      case Mode.Sse:
        return this.#feedSse(chunk)
      case Mode.Dump:
        this.#bytes += chunk.length
        return this.#bytes > DUMP_LIMIT ? this.#settleDumped() : true
      default:
        // Settled: drain a little of what still comes, then drop the connection.
        this.#bytes += chunk.length
        if (this.#bytes > SSE_DRAIN_LIMIT) this.#abort?.()
        return true
    }
  }

  onComplete(): void {
    const mode = this.#mode
    this.#mode = Mode.Done
    this.#release()
    if (mode === Mode.Json) this.#settleJson()
    else if (mode === Mode.Sse) this.#resolveWith(this.#sse!.reading())
    else if (mode === Mode.Dump) this.#settleDumped()
  }

  onError(error: Error): void {
    const mode = this.#mode
    if (mode === Mode.Done) return
    const signal = this.#request.signal
    if (mode === Mode.Sse && !signal?.aborted) {
      // The stream broke: the caller may resume it (2025 era) or decide to re-issue.
      this.#mode = Mode.Done
      this.#release()
      this.#resolveWith(this.#sse!.reading(this.#context.translate(error, signal)))
      return
    }
    this.#fail(this.#context.translate(error, signal))
  }

  #feedSse(chunk: Buffer): boolean {
    let complete: boolean
    try {
      complete = this.#sse!.feed(chunk)
    } catch (error) {
      if (error instanceof McpProtocolError || this.#request.signal?.aborted) this.#fail(error)
      else {
        // A message handler threw: the answer is lost, as when the stream breaks.
        this.#mode = Mode.Done
        this.#release()
        this.#resolveWith(this.#sse!.reading(this.#context.translate(error, this.#request.signal)))
        this.#abort?.()
      }
      return false
    }
    if (!complete) return true
    // The server SHOULD end the stream after the response: drain a little, then let go.
    this.#mode = Mode.Done
    this.#bytes = 0
    this.#release()
    this.#resolveWith(this.#sse!.reading())
    return true
  }

  #settleJson(): void {
    const text = this.#more
      ? Buffer.concat(this.#more).toString('utf8')
      : (this.#first?.toString('utf8') ?? '')
    const status = this.#status
    const raw = this.#raw
    const body = this.#request.body
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      if (status >= 300) this.#resolve(new Outcome(status, undefined, raw))
      else {
        this.#reject(
          new McpProtocolError(`malformed JSON in the response to ${describe(body)}`, this.#context.site, {
            cause: error,
          }),
        )
      }
      return
    }
    const classified = classifyMessage(parsed)
    const expectId = this.#expectId
    // Ours: the same id (`"1"` is not `1`), or an error the server could not tie to a request.
    if (
      classified.kind === 'response' &&
      (classified.message.id === expectId ||
        ('error' in classified.message && classified.message.id === null))
    ) {
      this.#resolve(new Outcome(status, classified.message, raw))
      return
    }
    if (status >= 300) {
      this.#resolve(new Outcome(status, undefined, raw))
      return
    }
    this.#reject(
      new McpProtocolError(
        classified.kind === 'response'
          ? `the response to ${describe(body)} carries another JSON-RPC id (${printable(JSON.stringify(classified.message.id) ?? '', { maxChars: 40, oneLine: true })}, expected ${JSON.stringify(expectId)})`
          : `the response to ${describe(body)} is not a JSON-RPC response`,
        this.#context.site,
      ),
    )
  }

  #overDumpLimit(): boolean {
    return Number(headerOf(this.#raw, 'content-length') ?? 0) > DUMP_LIMIT
  }

  /** A drained body (or one too large to drain, then dropped): the outcome without a response. */
  #settleDumped(): false {
    const complete = this.#mode === Mode.Done
    this.#mode = Mode.Done
    this.#release()
    if (!complete) this.#abort?.()
    if (this.#unexpectedType) {
      this.#reject(
        new McpProtocolError(
          `expected application/json or text/event-stream, got "${this.#unexpectedType}" (HTTP ${this.#status}): is the URL an MCP endpoint?`,
          this.#context.site,
        ),
      )
    } else this.#resolve(new Outcome(this.#status, undefined, this.#raw))
    return false
  }

  #resolveWith(reading: ReturnType<SseAnswer['reading']>): void {
    this.#resolve({ status: this.#status, headers: parsed(this.#raw), ...reading })
  }

  /** Settles as a failure and drops the request (or its answer). */
  #fail(error: unknown): void {
    if (this.#mode === Mode.Done) return
    this.#mode = Mode.Done
    this.#release()
    this.#reject(error)
    this.#abort?.(error instanceof Error ? error : undefined)
  }
}

/**
 * An answer read as a whole: its headers are parsed when first read (an error's `Retry-After`,
 * a handshake's session id); a result on the hot path never reads them.
 */
class Outcome implements PostOutcome {
  readonly status: number
  readonly response: JsonRpcResponse | undefined
  readonly #raw: Buffer[]
  #headers: Headers | undefined

  constructor(status: number, response: JsonRpcResponse | undefined, raw: Buffer[]) {
    this.status = status
    this.response = response
    this.#raw = raw
  }

  get headers(): Headers {
    this.#headers ??= parsed(this.#raw)
    return this.#headers
  }
}

function parsed(raw: Buffer[]): Headers {
  return util.parseHeaders(raw) as Headers
}

/** One header as `util.parseHeaders` would give it (a list when repeated), without parsing the others. */
function headerOf(raw: Buffer[], name: string): string | string[] | undefined {
  let value: string | string[] | undefined
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i]!
    if (key.length !== name.length || util.headerNameToString(key) !== name) continue
    const text = raw[i + 1]!.toString('latin1')
    if (value === undefined) value = text
    else if (typeof value === 'string') value = [value, text]
    else value.push(text)
  }
  return value
}

function describe(message: JsonRpcMessage): string {
  return 'method' in message ? message.method : 'a response'
}
