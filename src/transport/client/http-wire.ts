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
  type JsonRpcResponse,
  type RequestId,
} from '../../protocol/jsonrpc.js'
import { printable } from '../../protocol/printable.js'
import type { WireSignal } from './call-signal.js'
import type { ClientWire, PostOutcome, PostRequest } from './client-wire.js'
import { describeConnectionFailure } from './connection-failure.js'

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

  /** POSTs one JSON-RPC message and reads the answer for `expectId` (JSON or SSE). */
  async post(request: PostRequest, expectId: RequestId | undefined): Promise<PostOutcome> {
    let res: Dispatcher.ResponseData
    try {
      res = await this.#o.dispatcher.request({
        origin: this.#origin,
        path: this.#path,
        method: 'POST',
        headers: request.headers,
        body: JSON.stringify(request.body),
        // undici takes an EventEmitter-like signal too (see CallSignal).
        signal: request.signal as AbortSignal | undefined,
        headersTimeout: this.#o.headersTimeoutMs,
        bodyTimeout: this.#o.bodyTimeoutMs,
      })
    } catch (error) {
      throw this.translate(error, request.signal)
    }
    try {
      return await this.#read(res, expectId, request)
    } catch (error) {
      res.body.destroy()
      throw this.translate(error, request.signal)
    }
  }

  async #read(
    res: Dispatcher.ResponseData,
    expectId: RequestId | undefined,
    request: PostRequest,
  ): Promise<PostOutcome> {
    const headers = res.headers
    const status = res.statusCode
    if (status === 202 || expectId === undefined) {
      await res.body.dump()
      return { status, response: undefined, headers }
    }
    const type = String(headers['content-type'] ?? '').toLowerCase()
    if (type.startsWith('text/event-stream') && status < 300) {
      return { status, headers, ...(await this.#readSse(res, expectId, request)) }
    }
    if (type.startsWith('application/json')) {
      const text = await this.#text(res)
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch (error) {
        if (status >= 300) return { status, response: undefined, headers }
        throw new McpProtocolError(
          `malformed JSON in the response to ${describe(request.body)}`,
          this.#o.site,
          { cause: error },
        )
      }
      const classified = classifyMessage(parsed)
      // Ours: the same id (`"1"` is not `1`), or an error the server could not tie to a request.
      const ours =
        classified.kind === 'response' &&
        (classified.message.id === expectId ||
          ('error' in classified.message && classified.message.id === null))
      if (ours) return { status, response: classified.message, headers }
      if (status >= 300) return { status, response: undefined, headers }
      throw new McpProtocolError(
        classified.kind === 'response'
          ? `the response to ${describe(request.body)} carries another JSON-RPC id (${printable(JSON.stringify(classified.message.id) ?? '', { maxChars: 40, oneLine: true })}, expected ${JSON.stringify(expectId)})`
          : `the response to ${describe(request.body)} is not a JSON-RPC response`,
        this.#o.site,
      )
    }
    await res.body.dump()
    if (status >= 300) return { status, response: undefined, headers }
    throw new McpProtocolError(
      `expected application/json or text/event-stream, got "${type || 'no content type'}" (HTTP ${status}): is the URL an MCP endpoint?`,
      this.#o.site,
    )
  }

  async #text(res: Dispatcher.ResponseData): Promise<string> {
    const declared = Number(res.headers['content-length'] ?? Number.NaN)
    if (declared > this.#o.maxResponseBytes) throw this.#tooLarge()
    // A declared length within the cap: undici's own reader is the fast path (measured).
    if (declared >= 0) return res.body.text()
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > this.#o.maxResponseBytes) throw this.#tooLarge()
      chunks.push(chunk)
    }
    return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')
  }

  #tooLarge(): McpProtocolError {
    return new McpProtocolError(
      `response exceeds maxResponseBytes (${this.#o.maxResponseBytes} bytes)`,
      this.#o.site,
    )
  }

  async #readSse(
    res: Dispatcher.ResponseData,
    expectId: RequestId,
    { onMessage, signal }: Pick<PostRequest, 'onMessage' | 'signal'>,
  ): Promise<Omit<PostOutcome, 'status' | 'headers'>> {
    let response: JsonRpcResponse | undefined
    let retryMs: number | undefined
    let lastEventId: string | undefined
    let failure: Error | undefined
    const parser = createParser({
      onEvent: (event) => {
        if (event.id !== undefined) lastEventId = event.id
        if (!event.data || response || failure) return
        let parsed: unknown
        try {
          parsed = JSON.parse(event.data)
        } catch (error) {
          failure = new McpProtocolError('malformed JSON in an SSE event', this.#o.site, { cause: error })
          return
        }
        const classified = classifyMessage(parsed)
        if (classified.kind === 'response' && classified.message.id === expectId)
          response = classified.message
        else if (classified.kind === 'notification' || classified.kind === 'request')
          onMessage?.(classified.message)
      },
      onRetry: (ms) => {
        retryMs = ms
      },
    })
    const decoder = new TextDecoder()
    let size = 0
    let broken: unknown
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length
        if (size > this.#o.maxResponseBytes) throw this.#tooLarge()
        parser.feed(decoder.decode(chunk, { stream: true }))
        if (failure) throw failure
        if (response) {
          // The server SHOULD end the stream after the response; drain a little, then let go.
          res.body.dump({ limit: 64 * 1024 }).catch(() => {})
          break
        }
      }
    } catch (error) {
      if (error === failure || error instanceof McpProtocolError || signal?.aborted) throw error
      // The stream broke: the caller may resume it (2025 era) or decide to re-issue.
      broken = this.translate(error, signal)
    }
    if (!response && broken === undefined) {
      broken = new McpConnectionError('the response stream ended before the result', this.#o.site, {
        maybeDelivered: true,
      })
    }
    return {
      response,
      ...(retryMs === undefined ? {} : { retryMs }),
      ...(lastEventId === undefined ? {} : { lastEventId }),
      ...(response ? {} : { broken }),
    }
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
    try {
      return {
        status: 200,
        headers: res.headers,
        ...(await this.#readSse(res, resumption.expectId, {
          onMessage: request.onMessage,
          signal: request.signal,
        })),
      }
    } catch (error) {
      res.body.destroy()
      throw this.translate(error, request.signal)
    }
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

function describe(message: JsonRpcMessage): string {
  return 'method' in message ? message.method : 'a response'
}

export type { JsonRpcNotification }
