/** What the inspector's API accepts: JSON bodies, checked field by field into typed requests. */
import type { IncomingMessage } from 'node:http'
import { isObject } from '../../protocol/jsonrpc.js'
import type { ConnectRequest } from './inspector-connection.js'

const MAX_BODY_BYTES = 1024 * 1024

/** A request the API refuses: its HTTP status and a message naming the field. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpProblem(415, 'send JSON (content-type: application/json)')
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, `the body is larger than ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk)
  }
  let body: unknown
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
  } catch (error) {
    throw new HttpProblem(400, `the body is not JSON: ${(error as Error).message}`)
  }
  if (!isObject(body)) throw new HttpProblem(400, 'the body must be a JSON object')
  return body
}

export function stringRecord(value: unknown, field: string): Record<string, string> {
  if (value === undefined) return {}
  if (!isObject(value)) throw new HttpProblem(400, `"${field}" must be an object of strings`)
  const out: Record<string, string> = {}
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new HttpProblem(400, `"${field}.${name}" must be a string`)
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new HttpProblem(400, `"${field}": "${name}" is not a header name`)
    if (/[\r\n\0]/.test(v)) throw new HttpProblem(400, `"${field}.${name}" has a line break`)
    out[name] = v
  }
  return out
}

/** A prompt's arguments: strings, per the specification. */
export function promptArguments(value: unknown): Record<string, string> {
  if (value === undefined) return {}
  if (!isObject(value)) throw new HttpProblem(400, '"arguments" must be an object of strings')
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new HttpProblem(400, `"arguments.${name}" must be a string`)
  }
  return value as Record<string, string>
}

/** The connect request from the page, checked field by field. */
export function connectRequest(body: Record<string, unknown>): ConnectRequest {
  const url = body.url
  if (typeof url !== 'string') throw new HttpProblem(400, '"url" must be the server\'s MCP endpoint URL')
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new HttpProblem(400, `"url": "${url}" is not a URL (e.g. http://127.0.0.1:3000/mcp)`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new HttpProblem(400, '"url" must be an http: or https: URL')
  const optionalString = (field: string) => {
    const v = body[field]
    if (v === undefined || v === '') return undefined
    if (typeof v !== 'string') throw new HttpProblem(400, `"${field}" must be a string`)
    if (/[\r\n\0]/.test(v)) throw new HttpProblem(400, `"${field}" has a line break`)
    return v
  }
  const era = body.era ?? 'auto'
  if (era !== 'auto' && era !== 'modern' && era !== 'legacy')
    throw new HttpProblem(400, '"era" must be auto, modern or legacy')
  const timeout = body.timeoutSeconds ?? 60
  if (typeof timeout !== 'number' || !(timeout > 0 && timeout <= 3600))
    throw new HttpProblem(400, '"timeoutSeconds" must be a number of seconds from 1 to 3600')
  const apiKey = optionalString('apiKey')
  const bearerToken = optionalString('bearerToken')
  return {
    url: parsed.href,
    headers: stringRecord(body.headers, 'headers'),
    ...(apiKey ? { apiKey } : {}),
    ...(bearerToken ? { bearerToken } : {}),
    ...(body.oauth === true ? { oauth: true } : {}),
    era,
    timeoutSeconds: timeout,
  }
}

export function toolArguments(body: Record<string, unknown>): {
  tool: string
  args: Record<string, unknown>
} {
  if (typeof body.tool !== 'string' || !body.tool) throw new HttpProblem(400, '"tool" must be a tool name')
  const args = body.arguments ?? {}
  if (!isObject(args)) throw new HttpProblem(400, '"arguments" must be a JSON object')
  return { tool: body.tool, args }
}
