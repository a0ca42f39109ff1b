/** Server-side Server-Sent Events framing for JSON-RPC messages. */

/** Frames one JSON-RPC message as an SSE event, with an optional event id for resumption. */
export function sseEvent(message: unknown, id?: string): string {
  return sseFrame(JSON.stringify(message), id)
}

/** Frames an already-encoded JSON-RPC message (JSON text has no raw newline) as an SSE event. */
export function sseFrame(json: string, id?: string): string {
  return id === undefined
    ? `event: message\ndata: ${json}\n\n`
    : `id: ${id}\nevent: message\ndata: ${json}\n\n`
}

/** A comment line: keeps idle streams alive through proxies; clients ignore it. */
export const SSE_KEEPALIVE = ':\n\n'

export const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // Spec: servers SHOULD send this so reverse proxies (nginx) do not buffer the stream.
  'x-accel-buffering': 'no',
} as const
