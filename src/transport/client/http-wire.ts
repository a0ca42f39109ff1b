/**
 * The Streamable HTTP client wire: one POST (or GET/DELETE) on an undici dispatcher, its
 * answer read as JSON or as an SSE stream. No retries, no policy: those wrap this layer.
 */
import { createParser } from 'eventsource-parser'
import type { Dispatcher } from 'undici'
import {
  type ErrorSite,
  McpConnectionError,
  McpHttpError,
  McpProtocolError,
  McpTimeoutError,
  type TimeoutKind,
} from '../../protocol/errors.js'
import {
  classifyMessage,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type RequestId,
} from '../../protocol/jsonrpc.js'
import type { WireSignal } from './call-signal.js'
import type { ClientWire, PostOutcome, PostRequest } from './client-wire.js'
import { describeConnectionFailure } from './connection-failure.js'
import { PostAnswer } from './post-answer.js'
import { SseAnswer } from './sse-answer.js'

export type { PostOutcome, PostRequest } from './client-wire.js'

export interface WireOptions {
  url: URL
  dispatcher: Dispatcher
  site: ErrorSite
  /** Time to receive response headers, in ms (the seed's `timeout`). */
  headersTimeoutMs: number
  /** Longest silence while reading a body or SSE stream, in ms (the seed's `sseReadTimeout`). */
  bodyTimeoutMs: number
  /** Cap on one response body, in bytes. */
  maxResponseBytes: number
  /** Timeout values in seconds, for error messages. */
  timeoutsSeconds: { connect: number; headers: number; sseRead: number }
}

const TIMEOUT_CODES: Record<string, Exclude<TimeoutKind, 'request'>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'headers',
  UND_ERR_BODY_TIMEOUT: 'sseRead',
}
const TIMEOUT_OPTIONS: Record<TimeoutKind, string> = {
  connect: 'params.timeout',
  headers: 'params.timeout',
  sseRead: 'params.sseReadTimeout',
  request: 'clientSessionTimeoutSeconds',
}
const NOT_DELIVERED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
])

export class HttpWire implements ClientWire {
  readonly #o: WireOptions
  readonly #origin: string
  readonly #path: string

  constructor(options: WireOptions) {
    this.#o = options
    this.#origin = options.url.origin
    this.#path = `${options.url.pathname}${options.url.search}`
  }

  get site(): ErrorSite {
    return this.#o.site
  }

  /** Maps an undici/network failure to a typed error (abort reasons pass through untouched). */
  translate(error: unknown, signal?: WireSignal): unknown {
    if (signal?.aborted) return signal.reason
    const code = (error as { code?: string } | null)?.code ?? ''
    const kind = TIMEOUT_CODES[code]
    if (kind) {
      const seconds = this.#o.timeoutsSeconds[kind]
      return new McpTimeoutError({ timeout: kind, seconds, option: TIMEOUT_OPTIONS[kind] }, this.#o.site)
    }
    if (error instanceof McpProtocolError || error instanceof McpHttpError) return error
    const causeCode = (error as { cause?: { code?: string } } | null)?.cause?.code
    const delivered = !NOT_DELIVERED.has(code) && !NOT_DELIVERED.has(causeCode ?? '')
    return new McpConnectionError(describeConnectionFailure(error, this.#o.url), this.#o.site, {
      cause: error,
      maybeDelivered: delivered,
    })
  }

  get maxResponseBytes(): number {
    return this.#o.maxResponseBytes
  }

  /** POSTs one JSON-RPC message and reads the answer for `expectId` (JSON or SSE). */
  post(request: PostRequest, expectId: RequestId | undefined): Promise<PostOutcome> {
    const answer = new PostAnswer(this, request, expectId)
    if (request.signal?.aborted) answer.onError(request.signal.reason as Error)
    else {
      try {
        this.#o.dispatcher.dispatch(
          {
            origin: this.#origin,
            path: this.#path,
            method: 'POST',
            headers: request.headers,
            body: request.json ?? JSON.stringify(request.body),
            headersTimeout: this.#o.headersTimeoutMs,
            bodyTimeout: this.#o.bodyTimeoutMs,
          },
          answer,
        )
      } catch (error) {
        // A body JSON.stringify refuses (a BigInt, a cycle), or a closed dispatcher.
        answer.onError(error as Error)
      }
    }
    return answer.promise
  }

  /** A GET for an SSE stream (2025 era: notification stream or resumption). */
  async #get(
    headers: Record<string, string>,
    options: { signal: WireSignal | undefined; bodyTimeoutMs: number },
  ): Promise<Dispatcher.ResponseData> {
    try {
      return await this.#o.dispatcher.request({
        origin: this.#origin,
        path: this.#path,
        method: 'GET',
        headers: { ...headers, accept: 'text/event-stream' },
        signal: options.signal as AbortSignal | undefined,
        headersTimeout: this.#o.headersTimeoutMs,
        bodyTimeout: options.bodyTimeoutMs,
      })
    } catch (error) {
      throw this.translate(error, options.signal)
    }
  }

  /** 2025 era: resumes a broken SSE answer with GET + `Last-Event-ID`, reading on until the response. */
  async resume(
    request: Omit<PostRequest, 'body'>,
    resumption: { lastEventId: string; expectId: RequestId },
  ): Promise<PostOutcome> {
    const res = await this.#get(
      { ...request.headers, 'last-event-id': resumption.lastEventId },
      { signal: request.signal, bodyTimeoutMs: this.#o.bodyTimeoutMs },
    )
    const type = String(res.headers['content-type'] ?? '')
    if (res.statusCode !== 200 || !type.startsWith('text/event-stream')) {
      await res.body.dump()
      return { status: res.statusCode, response: undefined, headers: res.headers }
    }
    const sse = new SseAnswer(resumption.expectId, request.onMessage, this)
    const signal = request.signal
    let broken: unknown
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        if (sse.feed(chunk)) {
          // The server SHOULD end the stream after the response; drain a little, then let go.
          res.body.dump({ limit: 64 * 1024 }).catch(() => {})
          break
        }
      }
    } catch (error) {
      if (error instanceof McpProtocolError || signal?.aborted) {
        res.body.destroy()
        throw this.translate(error, signal)
      }
      // The stream broke again: the caller may resume once more.
      broken = this.translate(error, signal)
    }
    return { status: 200, headers: res.headers, ...sse.reading(broken) }
  }

  /** Opens a 2025-era GET stream; resolves when it ends. Returns the HTTP status when refused. */
  async listen(
    headers: Record<string, string>,
    onMessage: (message: JsonRpcMessage) => void,
    signal: AbortSignal,
  ): Promise<number> {
    // Idle GET streams are legitimate: the server's keep-alive comments are not guaranteed.
    const res = await this.#get(headers, { signal, bodyTimeoutMs: 0 })
    if (res.statusCode !== 200) {
      await res.body.dump()
      return res.statusCode
    }
    // The stream is long-lived, so it has no total size; one event (or comment) may not grow
    // past maxResponseBytes while the parser buffers it.
    let pending = 0
    const parser = createParser({
      onEvent: (event) => {
        pending = 0
        try {
          const classified = classifyMessage(JSON.parse(event.data))
          if (classified.kind !== 'invalid') onMessage(classified.message)
        } catch {
          // A malformed event on the notification stream is skipped, not fatal.
        }
      },
      onComment: () => {
        pending = 0
      },
    })
    const decoder = new TextDecoder()
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        pending += chunk.length
        if (pending > this.#o.maxResponseBytes) {
          res.body.destroy()
          throw new McpProtocolError(
            `an event on the notification stream exceeds maxResponseBytes (${this.#o.maxResponseBytes} bytes)`,
            this.#o.site,
          )
        }
        parser.feed(decoder.decode(chunk, { stream: true }))
      }
    } catch (error) {
      if (error instanceof McpProtocolError) throw error
      if (!signal.aborted) throw this.translate(error, signal)
    }
    return 200
  }

  /** Sends DELETE (2025-era session end); failures are ignored: the session expires anyway. */
  async delete(headers: Record<string, string>): Promise<void> {
    try {
      const res = await this.#o.dispatcher.request({
        origin: this.#origin,
        path: this.#path,
        method: 'DELETE',
        headers,
        headersTimeout: this.#o.headersTimeoutMs,
      })
      await res.body.dump()
    } catch {
      // Best effort.
    }
  }
}

export type { JsonRpcNotification }
