/**
 * The stdio client wire: JSON-RPC messages as lines on a child process's stdin and stdout. One
 * channel carries every answer, so answers are matched by id; what the server sends on its own
 * is routed: progress by its token, log messages to the calls in flight, everything else to
 * the session's listener. A process that exits is reported to the calls waiting on it and, when
 * a restart policy allows, started again on the next use (after a backoff that grows with each
 * consecutive crash).
 */
import { type ErrorSite, McpClosedError, McpConnectionError } from '../../protocol/errors.js'
import {
  classifyMessage,
  ErrorCode,
  isObject,
  type JsonRpcMessage,
  type RequestId,
} from '../../protocol/jsonrpc.js'
import { LineSplitter } from '../../protocol/line-framing.js'
import { printable } from '../../protocol/printable.js'
import { sleep, type WireSignal } from './call-signal.js'
import type { ClientWire, PostOutcome, PostRequest } from './client-wire.js'
import { type ProcessExit, StdioProcess, type StdioProcessOptions } from './stdio-process.js'

export interface RestartPolicy {
  /** Consecutive crashes after which the process is not started again. */
  maxRestarts: number
  /** Backoff before restart n: up to base × 2^(n-1) ms. */
  backoffMsBase: number
  backoffMsMax: number
}

export interface StdioWireOptions {
  process: Omit<StdioProcessOptions, 'site'>
  site: ErrorSite
  /** Cap on one message (line) from the server, in bytes. */
  maxMessageBytes: number
  /** Grace between closing stdin, SIGTERM and SIGKILL, in ms. */
  shutdownGraceMs: number
  restart: RestartPolicy | undefined
  onWarning: (message: string) => void
  /** The process started (`restart`: not the first one). */
  onStart?: (info: { pid: number | undefined; restart: boolean }) => void
  /** The process exited; `expected` when the client stopped it. */
  onExit?: (info: ProcessExit & { expected: boolean }) => void
}

interface Pending {
  resolve: (outcome: PostOutcome) => void
  reject: (error: unknown) => void
  onMessage: ((message: JsonRpcMessage) => void) | undefined
  progressToken: unknown
  method: string
}

/** Non-JSON lines on stdout reported per process, at most (some servers print banners there). */
const MAX_NOISE_WARNINGS = 3

export class StdioWire implements ClientWire {
  readonly persistent = true
  readonly #o: StdioWireOptions
  readonly #pending = new Map<RequestId, Pending>()
  readonly #listeners = new Set<{ onMessage: (message: JsonRpcMessage) => void; end: () => void }>()
  #process: StdioProcess | undefined
  #starting: Promise<StdioProcess> | undefined
  #generation = 0
  #crashes = 0
  #lastExitMs = 0
  #noise = 0
  #closed = false

  constructor(options: StdioWireOptions) {
    this.#o = options
  }

  get site(): ErrorSite {
    return this.#o.site
  }

  /** Which process this is: 1 for the first, +1 on each restart (0 before the first start). */
  get generation(): number {
    return this.#generation
  }

  /** The running process's id. */
  get pid(): number | undefined {
    return this.#process?.exit ? undefined : this.#process?.pid
  }

  /** Consecutive crashes are forgotten once a restarted process proved healthy (a handshake). */
  healthy(): void {
    this.#crashes = 0
  }

  /** Starts the process unless it runs (a restart waits for its backoff). */
  start(): Promise<StdioProcess> {
    if (this.#closed) return Promise.reject(new McpClosedError(this.#o.site))
    const running = this.#process
    if (running && !running.exit) return Promise.resolve(running)
    this.#starting ??= this.#spawn().finally(() => {
      this.#starting = undefined
    })
    return this.#starting
  }

  async #spawn(): Promise<StdioProcess> {
    const restart = this.#generation > 0
    if (restart) {
      const policy = this.#o.restart
      const last = this.#process?.exit
      const why = `the server process exited (${describeExit(last)})${tailOf(this.#process)}`
      if (!policy) {
        throw new McpConnectionError(`${why}; it is not restarted (restartOnCrash is off)`, this.#o.site, {
          maybeDelivered: false,
        })
      }
      if (this.#crashes > policy.maxRestarts) {
        throw new McpConnectionError(
          `${why}; it crashed ${this.#crashes} times in a row, more than restartOnCrash.maxRestarts (${policy.maxRestarts}), so it is not started again`,
          this.#o.site,
          { maybeDelivered: false },
        )
      }
      const backoff = Math.min(
        policy.backoffMsMax,
        policy.backoffMsBase * 2 ** Math.max(0, this.#crashes - 1),
      )
      const wait = this.#lastExitMs + backoff - Date.now()
      if (wait > 0) await sleep(wait)
      if (this.#closed) throw new McpClosedError(this.#o.site)
    }
    const proc = await StdioProcess.start({ ...this.#o.process, site: this.#o.site })
    if (this.#closed) {
      await proc.stop(this.#o.shutdownGraceMs)
      throw new McpClosedError(this.#o.site)
    }
    this.#generation++
    this.#process = proc
    this.#noise = 0
    const lines = new LineSplitter({
      maxLineBytes: this.#o.maxMessageBytes,
      onLine: (line) => this.#onLine(line),
      onOversized: (bytes) =>
        this.#o.onWarning(
          `the server wrote a message of more than ${bytes} bytes, over maxMessageBytes (${this.#o.maxMessageBytes}): dropped`,
        ),
    })
    proc.child.stdout.on('data', (chunk: Buffer) => lines.feed(chunk))
    proc.child.stdout.on('end', () => lines.end())
    void proc.exited.then((exit) => this.#onExit(proc, exit))
    this.#o.onStart?.({ pid: proc.pid, restart })
    return proc
  }

  async post(request: PostRequest, expectId: RequestId | undefined): Promise<PostOutcome> {
    const signal = request.signal
    if (signal?.aborted) throw signal.reason
    const proc = this.#process && !this.#process.exit ? this.#process : await this.start()
    if (signal?.aborted) throw signal.reason
    const line = request.json ?? JSON.stringify(request.body)
    if (expectId === undefined) {
      proc.write(line)
      return { status: 202, response: undefined, headers: {} }
    }
    const body = request.body as { method?: string; params?: Record<string, unknown> }
    const meta = isObject(body.params?._meta) ? body.params._meta : undefined
    return new Promise<PostOutcome>((resolve, reject) => {
      let unlink: (() => void) | undefined
      const settle = () => {
        this.#pending.delete(expectId)
        unlink?.()
      }
      this.#pending.set(expectId, {
        resolve: (outcome) => {
          settle()
          resolve(outcome)
        },
        reject: (error) => {
          settle()
          reject(error)
        },
        onMessage: request.onMessage,
        progressToken: meta?.progressToken,
        method: body.method ?? 'a request',
      })
      if (signal) unlink = onAbort(signal, () => this.#pending.get(expectId)?.reject(signal.reason))
      proc.write(line)
    })
  }

  async listen(
    _headers: Record<string, string>,
    onMessage: (message: JsonRpcMessage) => void,
    signal: AbortSignal,
  ): Promise<number> {
    if (this.#closed || signal.aborted) return 404
    try {
      await this.start()
    } catch {
      // Not restarted (policy, or too many crashes): there is no channel to listen on.
      return 404
    }
    return new Promise<number>((resolve) => {
      const listener = {
        onMessage,
        end: () => {
          this.#listeners.delete(listener)
          signal.removeEventListener('abort', listener.end)
          resolve(200)
        },
      }
      this.#listeners.add(listener)
      signal.addEventListener('abort', listener.end, { once: true })
    })
  }

  /** Nothing to end: a stdio session ends with its process. */
  async delete(): Promise<void> {}

  translate(error: unknown, signal?: WireSignal): unknown {
    return signal?.aborted ? signal.reason : error
  }

  /** Stops the process (stdin closed → SIGTERM → SIGKILL) and fails what still waits. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const starting = this.#starting
    if (starting) await starting.catch(() => {})
    const proc = this.#process
    this.#failAll(new McpClosedError(this.#o.site))
    if (proc && !proc.exit) await proc.stop(this.#o.shutdownGraceMs)
  }

  #onLine(line: string): void {
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch {
      if (this.#noise++ < MAX_NOISE_WARNINGS) {
        this.#o.onWarning(
          `the server wrote a line that is not JSON on stdout (ignored; logs belong on stderr): ${printable(line, { maxChars: 120, oneLine: true })}`,
        )
      }
      return
    }
    const classified = classifyMessage(parsed)
    if (classified.kind === 'invalid') {
      this.#o.onWarning(`the server wrote an invalid JSON-RPC message (ignored): ${classified.reason}`)
      return
    }
    const message = classified.message
    if (classified.kind === 'response') {
      const id = classified.message.id
      // An answer for a request that timed out or was cancelled: nobody waits for it any more.
      if (id === null) {
        this.#o.onWarning(
          `the server answered with an error for no request: ${'error' in message ? printable(message.error.message, { maxChars: 200, oneLine: true }) : ''}`,
        )
        return
      }
      this.#pending.get(id)?.resolve({ status: 200, response: classified.message, headers: {} })
      return
    }
    this.#route(message as JsonRpcMessage & { method: string })
  }

  /** Server messages outside any answer. */
  #route(message: JsonRpcMessage & { method: string; params?: Record<string, unknown> }): void {
    const isRequest = 'id' in message
    if (!isRequest && message.method === 'notifications/progress') {
      const token = message.params?.progressToken
      for (const pending of this.#pending.values())
        if (pending.progressToken !== undefined && pending.progressToken === token)
          pending.onMessage?.(message)
      return
    }
    // stdio has no per-request streams: a log message goes to the calls in flight.
    if (!isRequest && message.method === 'notifications/message') {
      const calls = [...this.#pending.values()].filter(
        (p) => p.onMessage && p.method !== 'subscriptions/listen',
      )
      if (calls.length > 0) {
        for (const call of calls) call.onMessage!(message)
        return
      }
    }
    if (this.#listeners.size > 0) {
      for (const listener of this.#listeners) listener.onMessage(message)
      return
    }
    const takers = [...this.#pending.values()].filter((p) => p.onMessage)
    if (takers.length > 0) {
      for (const pending of isRequest ? takers.slice(0, 1) : takers) pending.onMessage!(message)
      return
    }
    // A server request nobody can answer must not leave the server waiting.
    if (isRequest) {
      this.#process?.write(
        JSON.stringify({
          jsonrpc: '2.0',
          id: message.id,
          error: { code: ErrorCode.MethodNotFound, message: `This client does not handle ${message.method}` },
        }),
      )
    }
  }

  #onExit(proc: StdioProcess, exit: ProcessExit): void {
    if (proc !== this.#process) return
    const expected = this.#closed
    this.#lastExitMs = Date.now()
    if (!expected) this.#crashes++
    this.#o.onExit?.({ ...exit, expected })
    this.#failAll(
      new McpConnectionError(
        `the server process exited (${describeExit(exit)}) before it answered${tailOf(proc)}`,
        this.#o.site,
        { maybeDelivered: true },
      ),
    )
    for (const listener of [...this.#listeners]) listener.end()
  }

  #failAll(error: unknown): void {
    for (const pending of [...this.#pending.values()]) pending.reject(error)
  }
}

function onAbort(signal: WireSignal, listener: () => void): () => void {
  if ('addEventListener' in signal) {
    signal.addEventListener('abort', listener, { once: true })
    return () => signal.removeEventListener('abort', listener)
  }
  signal.once('abort', listener)
  return () => signal.removeListener('abort', listener)
}

function describeExit(exit: ProcessExit | undefined): string {
  if (!exit) return 'unknown status'
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`
}

function tailOf(proc: StdioProcess | undefined): string {
  const tail = proc?.stderrTail
  return tail ? `; its last stderr lines:\n${tail}` : ''
}
