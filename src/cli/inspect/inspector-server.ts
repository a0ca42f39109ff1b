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
import type { Model } from '../../agent/index.js'
import { connectRequest, HttpProblem, promptArguments, readJson, toolArguments } from './api-input.js'
import { frontEnd } from './front-end.js'
import { InspectorChat } from './inspector-chat.js'
import { errorBody, InspectorConnection } from './inspector-connection.js'
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
  /**
   * The model of the Chat view. @default with TOOLWIRE_MODEL set, the model `toolwire agent`
   * uses (OPENAI_API_KEY, OPENAI_BASE_URL); else no chat
   */
  model?: Model
}

export interface RunningInspector extends AsyncDisposable {
  /** The page's URL, with the token in its fragment (never sent in a request line or a Referer). */
  url: string
  port: number
  token: string
  close(): Promise<void>
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
}
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
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
  const chatModel = options.model ?? (process.env.TOOLWIRE_MODEL ? undefined : null)
  const chat =
    chatModel === null
      ? undefined
      : new InspectorChat(
          async () => chatModel ?? (await import('../../agent/index.js')).resolveModel(undefined),
          events,
        )
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
        return send(res, 200, { targets: options.targets ?? [], chat: chat !== undefined })
      case 'GET /api/connection':
        return send(res, 200, { connection: connection?.describe() ?? null })
      case 'POST /api/connect': {
        const request = connectRequest(await readJson(req))
        if (connecting) throw new HttpProblem(409, 'already connecting')
        const previous = connection
        connection = undefined
        await previous?.close()
        chat?.reset()
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
      case 'GET /api/resources':
        return send(res, 200, await connected().resources())
      case 'POST /api/resources/read': {
        const body = await readJson(req)
        if (typeof body.uri !== 'string' || !body.uri)
          throw new HttpProblem(400, '"uri" must be a resource URI')
        return send(res, 200, { result: await connected().readResource(body.uri) })
      }
      case 'GET /api/prompts':
        return send(res, 200, { prompts: await connected().prompts() })
      case 'POST /api/prompts/get': {
        const body = await readJson(req)
        if (typeof body.name !== 'string' || !body.name)
          throw new HttpProblem(400, '"name" must be a prompt name')
        return send(res, 200, {
          result: await connected().getPrompt(body.name, promptArguments(body.arguments)),
        })
      }
      case 'POST /api/chat': {
        const body = await readJson(req)
        if (!chat)
          throw new HttpProblem(
            409,
            'no model: start toolwire inspect with TOOLWIRE_MODEL (and OPENAI_API_KEY) set',
          )
        if (typeof body.message !== 'string' || !body.message.trim())
          throw new HttpProblem(400, '"message" must be the text to send')
        if (chat.running) throw new HttpProblem(409, 'the agent is still answering: wait, or stop it')
        return send(res, 200, await chat.send(body.message, connected().client))
      }
      case 'POST /api/chat/cancel':
        chat?.cancel()
        return send(res, 200, { cancelled: true })
      case 'POST /api/chat/reset':
        chat?.reset()
        return send(res, 200, { reset: true })
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
