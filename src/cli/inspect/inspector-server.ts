/**
 * `toolwire inspect`'s web app: a node:http server on 127.0.0.1 serving the page and a JSON API
 * over the client (connect, tools, calls with progress and cancel, answers to the server's
 * requests, history, load runs). It runs no command and serves no file but its own page.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { isObject } from '../../protocol/jsonrpc.js'
import { frontEnd } from './front-end.js'
import { type ConnectRequest, errorBody, InspectorConnection } from './inspector-connection.js'
import { loadRunProblem } from './load-run.js'
import { PageEvents } from './page-events.js'
import { checkOrigin, checkToken, newToken } from './request-guard.js'
import { RequestHistory } from './request-history.js'

/** A server offered in the page (from the command line or an mcp.json). */
export interface InspectTarget {
  name: string
  url: string
  headers?: Record<string, string>
}

export interface InspectorOptions {
  /** Servers offered in the page; with one, the page connects to it at once. @default none */
  targets?: InspectTarget[]
  /** TCP port on 127.0.0.1. @default 0 (any free port) */
  port?: number
  /** The token the API asks for. @default 32 random bytes */
  token?: string
  /** Where OAuth tokens are kept. @default ~/.config/toolwire/oauth/inspect.json */
  oauthStorePath?: string
}

export interface RunningInspector extends AsyncDisposable {
  /** The page's URL, with the token in its fragment (never sent in a request line or a Referer). */
  url: string
  port: number
  token: string
  close(): Promise<void>
}

const MAX_BODY_BYTES = 1024 * 1024
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
}
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
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

function stringRecord(value: unknown, field: string): Record<string, string> {
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

/** The connect request from the page, checked field by field. */
function connectRequest(body: Record<string, unknown>): ConnectRequest {
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

function toolArguments(body: Record<string, unknown>): { tool: string; args: Record<string, unknown> } {
  if (typeof body.tool !== 'string' || !body.tool) throw new HttpProblem(400, '"tool" must be a tool name')
  const args = body.arguments ?? {}
  if (!isObject(args)) throw new HttpProblem(400, '"arguments" must be a JSON object')
  return { tool: body.tool, args }
}

/**
 * Starts the inspector on 127.0.0.1.
 *
 * @example
 * ```ts
 * await using inspector = await startInspector({ targets: [{ name: 'crm', url: 'http://127.0.0.1:3001/mcp' }] })
 * console.log(inspector.url)
 * ```
 */
export async function startInspector(options: InspectorOptions = {}): Promise<RunningInspector> {
  const token = options.token ?? newToken()
  const events = new PageEvents()
  const history = new RequestHistory()
  const oauthStorePath =
    options.oauthStorePath ??
    join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'toolwire', 'oauth', 'inspect.json')
  let connection: InspectorConnection | undefined
  let connecting: Promise<InspectorConnection> | undefined
  let port = 0

  const connected = (): InspectorConnection => {
    if (!connection) throw new HttpProblem(409, 'not connected to a server: connect first')
    return connection
  }

  const api = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const method = req.method ?? 'GET'
    switch (`${method} ${path}`) {
      case 'GET /api/events':
        if (!events.open(res))
          send(res, 429, { error: { code: 'TOO_MANY_PAGES', message: 'too many pages are open' } })
        return
      case 'GET /api/targets':
        return send(res, 200, { targets: options.targets ?? [] })
      case 'GET /api/connection':
        return send(res, 200, { connection: connection?.describe() ?? null })
      case 'POST /api/connect': {
        const request = connectRequest(await readJson(req))
        if (connecting) throw new HttpProblem(409, 'already connecting')
        const previous = connection
        connection = undefined
        await previous?.close()
        connecting = InspectorConnection.open(request, { events, history, oauthStorePath })
        try {
          connection = await connecting
        } finally {
          connecting = undefined
        }
        return send(res, 200, { connection: connection.describe() })
      }
      case 'POST /api/disconnect': {
        const previous = connection
        connection = undefined
        await previous?.close()
        return send(res, 200, { connection: null })
      }
      case 'GET /api/tools':
        return send(res, 200, { tools: await connected().listTools() })
      case 'POST /api/calls': {
        const body = await readJson(req)
        const { tool, args } = toolArguments(body)
        const callId =
          typeof body.callId === 'string' && /^[\w-]{1,64}$/.test(body.callId) ? body.callId : undefined
        if (!callId) throw new HttpProblem(400, '"callId" must be 1–64 letters, digits, _ or -')
        const timeoutSeconds = typeof body.timeoutSeconds === 'number' ? body.timeoutSeconds : undefined
        const { result, entry } = await connected().callTool({ callId, tool, args, timeoutSeconds })
        return send(res, 200, {
          result,
          historyId: entry.id,
          command: entry.command,
          durationMs: entry.durationMs,
        })
      }
      case 'POST /api/load': {
        const body = await readJson(req)
        const { tool, args } = toolArguments(body)
        const problem = loadRunProblem({ calls: body.calls, concurrency: body.concurrency })
        if (problem) throw new HttpProblem(400, problem)
        const report = await connected().load(tool, args, {
          calls: body.calls as number,
          concurrency: body.concurrency as number,
        })
        return send(res, 200, { report })
      }
      case 'GET /api/history':
        return send(res, 200, { history: history.list() })
    }
    const cancel = path.match(/^\/api\/calls\/([\w-]{1,64})\/cancel$/)
    if (method === 'POST' && cancel) {
      const found = connected().cancel(cancel[1]!)
      return send(
        res,
        found ? 200 : 404,
        found
          ? { cancelled: true }
          : { error: { code: 'NOT_FOUND', message: 'no call in flight has that id' } },
      )
    }
    const input = path.match(/^\/api\/inputs\/([\w-]{1,64})$/)
    if (method === 'POST' && input) {
      const found = connected().answer(input[1]!, await readJson(req))
      return send(
        res,
        found ? 200 : 404,
        found
          ? { answered: true }
          : { error: { code: 'NOT_FOUND', message: 'nothing waits for that answer' } },
      )
    }
    throw new HttpProblem(404, `no ${method} ${path} in the inspector API`)
  }

  const server = createServer((req, res) => {
    const handle = async () => {
      const refused = checkOrigin(req, port)
      if (refused)
        return send(res, refused.status, { error: { code: 'FORBIDDEN', message: refused.message } })
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
      if (path.startsWith('/api/')) {
        const wrongToken = checkToken(req, token)
        if (wrongToken)
          return send(res, wrongToken.status, { error: { code: 'FORBIDDEN', message: wrongToken.message } })
        return api(req, res, path)
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpProblem(405, 'the page is read-only')
      const page = await frontEnd()
      const files: Record<string, [string, string]> = {
        '/': ['text/html; charset=utf-8', page.html],
        '/app.js': ['text/javascript; charset=utf-8', page.script],
        '/app.css': ['text/css; charset=utf-8', page.style],
      }
      const file = files[path]
      if (!file) throw new HttpProblem(404, `no ${path} here`)
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-security-policy': CSP, 'content-type': file[0] })
      res.end(req.method === 'HEAD' ? undefined : file[1])
    }
    handle().catch((error: unknown) => {
      if (res.headersSent) {
        res.end()
        return
      }
      if (error instanceof HttpProblem)
        send(res, error.status, { error: { code: 'BAD_REQUEST', message: error.message } })
      // The server or the client failed: the page shows the client's error as it is.
      else send(res, 502, { error: errorBody(error) })
    })
  })
  server.listen(options.port ?? 0, '127.0.0.1')
  await once(server, 'listening')
  port = (server.address() as AddressInfo).port
  let closed: Promise<void> | undefined
  const close = () => {
    closed ??= (async () => {
      events.close()
      await connection?.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    })()
    return closed
  }
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    close,
    [Symbol.asyncDispose]: close,
  }
}
