/** Server-sent events from the inspector to its open pages: progress, logs, input requests. */
import type { ServerResponse } from 'node:http'

/** One event for the page; `type` names it, the rest is its JSON payload. */
export interface PageEvent {
  type: string
  [key: string]: unknown
}

/** The open pages' event streams; an event goes to every one of them. */
export class PageEvents {
  readonly #streams = new Set<ServerResponse>()
  readonly #heartbeat: NodeJS.Timeout

  constructor(options: { heartbeatSeconds?: number; maxStreams?: number } = {}) {
    this.#maxStreams = options.maxStreams ?? 16
    // Comments keep idle streams open through proxies and let a closed tab be noticed.
    this.#heartbeat = setInterval(
      () => {
        for (const res of this.#streams) res.write(': ping\n\n')
      },
      (options.heartbeatSeconds ?? 15) * 1000,
    ).unref()
  }

  readonly #maxStreams: number

  /** Opens a stream on `res`; false when too many pages are already open. */
  open(res: ServerResponse): boolean {
    if (this.#streams.size >= this.#maxStreams) return false
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    })
    res.write(': open\n\n')
    this.#streams.add(res)
    res.on('close', () => this.#streams.delete(res))
    return true
  }

  /** Sends an event to every open page. */
  send(event: PageEvent): void {
    const frame = `data: ${JSON.stringify(event)}\n\n`
    for (const res of this.#streams) res.write(frame)
  }

  close(): void {
    clearInterval(this.#heartbeat)
    for (const res of this.#streams) res.end()
    this.#streams.clear()
  }
}
