/** Writing a JSON answer: content type and length set, one `writeHead`. */
import type { ServerResponse } from 'node:http'

export interface JsonAnswer {
  status: number
  body: unknown
  headers?: Record<string, string> | undefined
}

/** Answers with a JSON body (content type and length set). */
export function sendJson(res: ServerResponse, answer: JsonAnswer): void {
  sendJsonText(res, { status: answer.status, json: JSON.stringify(answer.body), headers: answer.headers })
}

/** Answers with an already-encoded JSON text. */
export function sendJsonText(
  res: ServerResponse,
  answer: { status: number; json: string; headers?: Record<string, string> | undefined },
): void {
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(answer.json),
    ...answer.headers,
  })
  res.end(answer.json)
}
