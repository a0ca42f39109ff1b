/**
 * The node response the transport writes, turned into a web `Response`: a body written with
 * one `end()` (JSON answers, rejections) becomes a plain body; a response that writes before
 * it ends (SSE answers, notification streams) becomes a `ReadableStream` that stays open until
 * `end()`. The client going away (the stream cancelled, or the request's signal aborted)
 * reads as a destroyed node response: `close` fires, calls in flight see their signal abort.
 */
import { EventEmitter } from 'node:events'
import type { OutgoingHttpHeaders } from 'node:http'

/** Connection-level headers: meaningless past the runtime's own connection, refused in HTTP/2. */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding'])
/** Statuses whose response carries no body. */
const NO_BODY = new Set([101, 103, 204, 205, 304])

export class WebServerResponse extends EventEmitter {
  statusCode = 200
  headersSent = false
  writableEnded = false
  writableFinished = false
  destroyed = false
  /** Resolves with the web response once its head is decided. */
  readonly response: Promise<Response>
  #resolve!: (response: Response) => void
  #headers: OutgoingHttpHeaders = {}
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined
  #committed = false
  /** Chunks written before the body was decided (see `writeHead`). */
  #held: Array<string | Uint8Array> = []
  #deciding = false
  readonly #headOnly: boolean
  readonly #encoder = new TextEncoder()

  constructor(request: Request, headOnly = false) {
    super()
    this.#headOnly = headOnly
    this.response = new Promise((resolve) => {
      this.#resolve = resolve
    })
    // Watched from the start, not on the first `close` listener: the transport's sweep also
    // finds clients that went away from requests nobody listens on (`destroyed`).
    const signal = request.signal
    if (signal.aborted) queueMicrotask(() => this.#gone())
    else signal.addEventListener('abort', () => this.#gone(), { once: true })
  }

  writeHead(status: number, headers?: OutgoingHttpHeaders): this {
    if (this.headersSent) return this
    this.statusCode = status
    if (headers) this.#headers = headers
    this.headersSent = true
    // A head and its body in one go (JSON answers) cost one microtask; otherwise the body is
    // decided at the end of the I/O turn (see `#decideLater`).
    queueMicrotask(() => this.#decideLater())
    return this
  }

  /** The head goes out with the stream, at the end of the current turn. */
  flushHeaders(): void {
    if (!this.headersSent) this.writeHead(this.statusCode)
    this.#decideLater()
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.writableEnded || this.destroyed) return false
    if (!this.headersSent) this.writeHead(this.statusCode)
    if (this.#committed) this.#enqueue(chunk)
    else if (this.#held.push(chunk) === 1) this.#decideLater()
    return true
  }

  /**
   * Decides the body once the current I/O turn is over: an answer that ends by then (a quick
   * call's progress and result) is one body; one still going becomes a stream. A stream per
   * SSE answer measured 4.4× the server CPU per call of node's; most SSE answers end in the turn.
   */
  #decideLater(): void {
    if (this.#committed || this.writableEnded || this.#deciding) return
    this.#deciding = true
    nextTurn(() => this.#commitStream())
  }

  end(chunk?: string | Uint8Array): this {
    if (this.writableEnded) return this
    this.writableEnded = true
    if (!this.headersSent) this.writeHead(this.statusCode)
    if (!this.#committed) {
      this.#committed = true
      if (chunk !== undefined && chunk.length > 0) this.#held.push(chunk)
      const held = this.#held
      this.#held = []
      this.#resolve(this.#respond(held.length === 0 ? null : held.length === 1 ? held[0]! : joined(held)))
    } else if (!this.destroyed) {
      if (chunk !== undefined && chunk.length > 0) this.#enqueue(chunk)
      try {
        this.#controller?.close()
      } catch {
        // already closed by a cancelled reader
      }
    }
    this.#finish()
    return this
  }

  /** Ends the response at once (as node's `res.destroy()`): an open stream errors. */
  destroy(error?: Error): this {
    if (this.destroyed) return this
    this.destroyed = true
    if (!this.#committed) {
      this.#committed = true
      this.#resolve(new Response(null, { status: 500 }))
    } else {
      try {
        this.#controller?.error(error ?? new Error('response destroyed'))
      } catch {
        // already closed
      }
    }
    this.emit('close')
    return this
  }

  #commitStream(): void {
    if (this.#committed || this.writableEnded) return
    this.#committed = true
    const held = this.#held
    this.#held = []
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller
        for (const chunk of held) this.#enqueue(chunk)
      },
      cancel: () => this.#gone(),
    })
    this.#resolve(this.#respond(body))
  }

  #respond(body: ReadableStream<Uint8Array> | string | Uint8Array | null): Response {
    // A plain record: adapters copy it to the wire without a `Headers` object (@hono/node-server).
    const headers: Record<string, string> = {}
    for (const name in this.#headers) {
      const value = this.#headers[name]
      if (value === undefined || CONNECTION_HEADERS.has(name.toLowerCase())) continue
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value)
    }
    const empty = this.#headOnly || NO_BODY.has(this.statusCode)
    return new Response(empty ? null : body, { status: this.statusCode, headers })
  }

  #enqueue(chunk: string | Uint8Array): void {
    if (this.destroyed) return
    try {
      this.#controller?.enqueue(typeof chunk === 'string' ? this.#encoder.encode(chunk) : chunk)
    } catch {
      // the reader is gone; #gone() follows
    }
  }

  #finish(): void {
    this.writableFinished = true
    queueMicrotask(() => {
      this.emit('finish')
      this.emit('close')
    })
  }

  /** The client went away before the response was complete. */
  #gone(): void {
    if (this.writableFinished || this.destroyed) return
    this.destroyed = true
    if (!this.#committed) {
      // Nobody will read it, but the runtime awaits a Response: settle it rather than leave the
      // handler's promise (and what it holds) pending. 499: nginx's "client closed request".
      this.#committed = true
      this.#resolve(new Response(null, { status: 499 }))
    }
    try {
      this.#controller?.close()
    } catch {
      // already closed
    }
    this.emit('close')
  }
}

/** After the current I/O turn (microtasks and all): `setImmediate` where there is one. */
const nextTurn: (run: () => void) => void =
  typeof setImmediate === 'function' ? (run) => void setImmediate(run) : (run) => void setTimeout(run, 0)

function joined(chunks: Array<string | Uint8Array>): string | Uint8Array {
  if (chunks.every((chunk) => typeof chunk === 'string')) return chunks.join('')
  const encoder = new TextEncoder()
  return Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? encoder.encode(chunk) : chunk)))
}
