/**
 * A resumable SSE answer (2025-11-25, SEP-1699): every event carries an id, the stream opens
 * with a priming event (id, `retry`, empty data) so clients know they can reconnect, and
 * events are kept so a `GET` with `Last-Event-ID` receives what its client missed. The server
 * may also end the connection on purpose (`ctx.closeStream()`): the client polls back after
 * `retry` and receives the rest.
 *
 * What is kept is released as soon as the answer is delivered; an answer that finished while
 * its client was away waits for it (5 minutes at most) within the shared `ReplayBudget`.
 * Event ids start with a random stream id: knowing one answer's ids tells nothing of another's.
 */
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { AnswerEvent } from './fleet-store.js'
import type { SseSink } from './gathered-sse.js'
import type { EvictableAnswer, ReplayBudget } from './replay-budget.js'
import { sseFrame } from './sse-framing.js'

/** How long a finished but unclaimed answer is kept for its client. */
const UNCLAIMED_ANSWER_MS = 5 * 60_000

export interface ReplayableStreamInit {
  live: SseSink
  retryMs: number
  budget: ReplayBudget
  /** Called once when the stream is released (its owner forgets it). */
  onRelease: (stream: ReplayableStream) => void
  /** Opens the stream id (a fleet names the replica writing it). @default none */
  idPrefix?: string
  /** Also keeps every event elsewhere (a fleet store), so another replica can resume. */
  mirror?: (streamId: string, event: AnswerEvent) => void
}

export class ReplayableStream implements EvictableAnswer {
  readonly id: string
  /** True once the final response was written. */
  done = false
  /** True once everything kept was freed: the stream can no longer be resumed. */
  released = false
  #seq = 0
  #events: Array<[seq: number, frame: string]> = []
  #keptBytes = 0
  #live: SseSink | undefined
  #expiry: NodeJS.Timeout | undefined
  readonly #budget: ReplayBudget
  readonly #onRelease: (stream: ReplayableStream) => void
  readonly #mirror: ReplayableStreamInit['mirror']

  constructor(init: ReplayableStreamInit) {
    this.id = init.idPrefix ? init.idPrefix + randomUUID() : randomUUID()
    this.#mirror = init.mirror
    this.#live = init.live
    this.#budget = init.budget
    this.#onRelease = init.onRelease
    // Priming event: an id and empty data, plus how long to wait before reconnecting.
    init.live.write(`id: ${this.id}_0\nretry: ${init.retryMs}\ndata: \n\n`)
  }

  /** Whether a connection is attached. */
  get attached(): boolean {
    return this.#live !== undefined && !this.#live.writableEnded && !this.#live.destroyed
  }

  /** Bytes this stream keeps for resumption. */
  get keptBytes(): number {
    return this.#keptBytes
  }

  /** Writes an already-encoded JSON-RPC message. */
  write(json: string, final = false): void {
    const seq = ++this.#seq
    const frame = sseFrame(json, `${this.id}_${seq}`)
    this.#mirror?.(this.id, { seq, frame, final })
    this.#keep(seq, frame)
    if (this.attached) this.#live!.write(frame)
  }

  /** Writes the final message: delivered at once when a client is attached, else kept for it. */
  finish(json: string): void {
    const attached = this.attached
    this.write(json, true)
    this.done = true
    if (attached || this.released) {
      this.#live?.end()
      this.release()
      return
    }
    this.#budget.unclaimed(this)
    this.#expiry = setTimeout(() => this.release(), UNCLAIMED_ANSWER_MS).unref()
  }

  /** Ends the connection without ending the stream: the client reconnects with Last-Event-ID. */
  detach(): void {
    const live = this.#live
    this.#live = undefined
    live?.end()
  }

  /** Attaches a reconnecting client: replays what it missed after `lastSeq`, then goes live. */
  resume(res: ServerResponse, lastSeq: number): void {
    for (const [seq, frame] of this.#events) if (seq > lastSeq) res.write(frame)
    if (this.done) {
      res.end()
      this.release()
      return
    }
    // One connection per answer: a client reconnecting again replaces its earlier connection.
    const previous = this.#live
    this.#live = res
    if (previous && previous !== res) previous.end()
    res.once('close', () => {
      if (this.#live === res) this.#live = undefined
    })
  }

  /** Frees what is kept and tells the owner to forget the stream. Idempotent. */
  release(): void {
    if (this.released) return
    this.released = true
    clearTimeout(this.#expiry)
    this.#budget.free(this.#keptBytes)
    this.#budget.forget(this)
    this.#keptBytes = 0
    this.#events = []
    this.#onRelease(this)
  }

  #keep(seq: number, frame: string): void {
    if (this.released) return
    const bytes = frame.length
    while (!this.#budget.reserve(bytes)) {
      // No room even after evicting unclaimed answers: drop this stream's oldest events.
      const oldest = this.#events.shift()
      if (!oldest) return
      this.#keptBytes -= oldest[1].length
      this.#budget.free(oldest[1].length)
    }
    this.#events.push([seq, frame])
    this.#keptBytes += bytes
  }
}

/** Parses `<streamId>_<seq>`, the event ids ReplayableStream writes. */
export function parseEventId(value: string | undefined): { streamId: string; seq: number } | undefined {
  if (!value) return undefined
  const cut = value.lastIndexOf('_')
  const seq = Number(value.slice(cut + 1))
  if (cut <= 0 || !Number.isInteger(seq) || seq < 0) return undefined
  return { streamId: value.slice(0, cut), seq }
}
