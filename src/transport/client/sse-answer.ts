/**
 * One SSE answer to a request, read chunk by chunk: the response for the request's id, the
 * server's notifications and requests on the way (passed on), the `retry` field and the last
 * event id (2025-era resumption). Fed by the POST handler (`post-answer.ts`) straight from
 * undici's callbacks, and by the GET resumption from a response stream.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser'
import { type ErrorSite, McpConnectionError, McpProtocolError } from '../../protocol/errors.js'
import { classifyMessage, type JsonRpcResponse, type RequestId } from '../../protocol/jsonrpc.js'
import type { PostOutcome, PostRequest } from './client-wire.js'

export type SseReading = Omit<PostOutcome, 'status' | 'headers'>

export class SseAnswer {
  response: JsonRpcResponse | undefined
  #retryMs: number | undefined
  #lastEventId: string | undefined
  #failure: Error | undefined
  #size = 0
  readonly #parser: EventSourceParser
  readonly #decoder = new TextDecoder()
  readonly #site: ErrorSite
  readonly #maxBytes: number

  constructor(
    expectId: RequestId,
    onMessage: PostRequest['onMessage'],
    limits: { site: ErrorSite; maxResponseBytes: number },
  ) {
    this.#site = limits.site
    this.#maxBytes = limits.maxResponseBytes
    this.#parser = createParser({
      onEvent: (event) => {
        if (event.id !== undefined) this.#lastEventId = event.id
        if (!event.data || this.response || this.#failure) return
        let parsed: unknown
        try {
          parsed = JSON.parse(event.data)
        } catch (error) {
          this.#failure = new McpProtocolError('malformed JSON in an SSE event', this.#site, { cause: error })
          return
        }
        const classified = classifyMessage(parsed)
        if (classified.kind === 'response' && classified.message.id === expectId)
          this.response = classified.message
        else if (classified.kind === 'notification' || classified.kind === 'request')
          onMessage?.(classified.message)
      },
      onRetry: (ms) => {
        this.#retryMs = ms
      },
    })
  }

  /**
   * Reads one chunk; true once the response is in. Throws `McpProtocolError` for an answer
   * over `maxResponseBytes` or a malformed event, and whatever a message handler throws.
   */
  feed(chunk: Buffer): boolean {
    this.#size += chunk.length
    if (this.#size > this.#maxBytes) throw tooLarge(this.#maxBytes, this.#site)
    this.#parser.feed(this.#decoder.decode(chunk, { stream: true }))
    if (this.#failure) throw this.#failure
    return this.response !== undefined
  }

  /** What was read; `broken` (why the stream ended without the response) when there is no response. */
  reading(broken?: unknown): SseReading {
    const response = this.response
    const why =
      response || broken !== undefined
        ? broken
        : new McpConnectionError('the response stream ended before the result', this.#site, {
            maybeDelivered: true,
          })
    return {
      response,
      ...(this.#retryMs === undefined ? {} : { retryMs: this.#retryMs }),
      ...(this.#lastEventId === undefined ? {} : { lastEventId: this.#lastEventId }),
      ...(response ? {} : { broken: why }),
    }
  }
}

export function tooLarge(maxBytes: number, site: ErrorSite): McpProtocolError {
  return new McpProtocolError(`response exceeds maxResponseBytes (${maxBytes} bytes)`, site)
}
