/** The inspector's JSON API, with the token from the page's URL fragment, and its event stream. */

const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? ''

export const hasToken = token !== ''

/** An error the API answered with: its code and message (and trace id when the server had one). */
export class ApiError extends Error {
  readonly code: string
  readonly status: number
  readonly traceId: string | undefined
  constructor(message: string, details: { code: string; status: number; traceId?: string | undefined }) {
    super(message)
    this.code = details.code
    this.status = details.status
    this.traceId = details.traceId
  }
}

export async function api<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      'x-toolwire-inspect-token': token,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const json = (await response.json().catch(() => ({}))) as {
    error?: { code?: string; message?: string; traceId?: string }
  }
  if (!response.ok) {
    const e = json.error ?? {}
    throw new ApiError(e.message ?? `HTTP ${response.status}`, {
      code: e.code ?? 'ERROR',
      status: response.status,
      traceId: e.traceId,
    })
  }
  return json as T
}

export interface PageEvent {
  type: string
  [key: string]: unknown
}

/** Reads the server-sent events (fetch, so the token travels in a header); reconnects after a second. */
export async function listen(onEvent: (event: PageEvent) => void): Promise<void> {
  for (;;) {
    try {
      const response = await fetch('/api/events', { headers: { 'x-toolwire-inspect-token': token } })
      if (!response.ok || !response.body) throw new Error(`events: HTTP ${response.status}`)
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      let buffer = ''
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buffer += value
        let end = buffer.indexOf('\n\n')
        while (end !== -1) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const data = frame
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n')
          if (data) onEvent(JSON.parse(data) as PageEvent)
          end = buffer.indexOf('\n\n')
        }
      }
    } catch {
      // The inspector restarted or the network blinked: try again.
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}
