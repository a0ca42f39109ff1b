/** Reads an SSE answer event by event over a real connection (undici), for fleet tests. */
import { type Dispatcher, request } from 'undici'

export interface SseEvent {
  id: string | undefined
  data: Record<string, unknown> | undefined
}

export interface SseStream extends AsyncDisposable {
  status: number
  headers: Dispatcher.ResponseData['headers']
  /** The next event with data (priming events skipped); undefined when the stream ended. */
  next(): Promise<SseEvent | undefined>
  /** The id of the last event received. */
  readonly lastEventId: string | undefined
  /** Drops the connection (as a client that lost its network would). */
  abort(): void
}

export async function openSse(
  url: string,
  options: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: object },
): Promise<SseStream> {
  const controller = new AbortController()
  const res = await request(url, {
    method: options.method,
    headers: options.headers,
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
    signal: controller.signal,
  })
  const chunks = res.body[Symbol.asyncIterator]()
  let buffer = ''
  let lastEventId: string | undefined
  const next = async (): Promise<SseEvent | undefined> => {
    for (;;) {
      const end = buffer.indexOf('\n\n')
      if (end >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        let id: string | undefined
        let data = ''
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) id = line.slice(4)
          else if (line.startsWith('data: ')) data += line.slice(6)
        }
        if (id !== undefined) lastEventId = id
        if (data) return { id, data: JSON.parse(data) as Record<string, unknown> }
        continue
      }
      let chunk: IteratorResult<Buffer>
      try {
        chunk = await chunks.next()
      } catch {
        return undefined
      }
      if (chunk.done) return undefined
      buffer += chunk.value.toString('utf8')
    }
  }
  return {
    status: res.statusCode,
    headers: res.headers,
    next,
    get lastEventId() {
      return lastEventId
    },
    abort: () => controller.abort(),
    [Symbol.asyncDispose]: async () => controller.abort(),
  }
}
