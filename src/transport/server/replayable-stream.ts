/**
 * A resumable SSE answer (2025-11-25, SEP-1699): every event carries an id, the stream opens
 * with a priming event (id, `retry`, empty data) so clients know they can reconnect, and
 * events written while no connection is attached are kept and replayed to a
 * `GET` with `Last-Event-ID`. The server may also end the connection on purpose
 * (`ctx.closeStream()`): the client polls back after `retry` and receives the rest.
 */
import type { ServerResponse } from 'node:http'
import { sseEvent } from './sse-framing.js'

/** Events kept per stream for replay; older ones are dropped first. */
const MAX_KEPT_EVENTS = 1000

export class ReplayableStream {
  readonly id: string
  /** True once the final response was written. */
  done = false
  #seq = 0
  readonly #events: Array<[number, string]> = []
  #live: ServerResponse | undefined

  constructor(id: string, live: ServerResponse, retryMs: number) {
    this.id = id
    this.#live = live
    // Priming event: an id and empty data, plus how long to wait before reconnecting.
    live.write(`id: ${id}_0\nretry: ${retryMs}\ndata: \n\n`)
  }

  /** Whether a connection is attached. */
  get attached(): boolean {
    return this.#live !== undefined && !this.#live.writableEnded && !this.#live.destroyed
  }

  write(message: unknown): void {
    const seq = ++this.#seq
    const frame = sseEvent(message, `${this.id}_${seq}`)
    this.#events.push([seq, frame])
    if (this.#events.length > MAX_KEPT_EVENTS) this.#events.shift()
    if (this.attached) this.#live!.write(frame)
  }

  /** Writes the final message and ends the attached connection (or waits for a resume). */
  finish(message: unknown): void {
    this.write(message)
    this.done = true
    if (this.attached) this.#live!.end()
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
      return
    }
    this.#live = res
    res.once('close', () => {
      if (this.#live === res) this.#live = undefined
    })
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
