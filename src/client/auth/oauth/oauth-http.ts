/**
 * JSON exchanges with OAuth endpoints (metadata, registration, token requests), shared by
 * `clientCredentials()` and `oauth()`: one request within a timeout, the answer read as a JSON
 * object, failures worded for the endpoint as `McpAuthError`.
 */
import { type Dispatcher, request } from 'undici'
import { type ErrorSite, McpAuthError } from '../../../protocol/errors.js'
import { printable } from '../../../protocol/printable.js'

export interface OAuthReply {
  status: number
  /** The JSON object answered; `{}` for anything else (an HTML page, an empty body). */
  body: Record<string, unknown>
}

export interface OAuthMessage {
  method: 'GET' | 'POST'
  headers: Record<string, string>
  body?: string
}

/** Where an exchange happens and what it is, for the error message. */
export interface ExchangeSite {
  site: ErrorSite
  /** `metadata`, `token request`, `client registration`, … */
  what: string
  signal?: AbortSignal | undefined
}

/** The HTTP side of OAuth for one provider: its timeout and dispatcher. */
export class OAuthHttp {
  readonly timeoutMs: number
  readonly #dispatcher: Dispatcher | undefined

  constructor(options: { timeoutMs: number; dispatcher?: Dispatcher | undefined }) {
    this.timeoutMs = options.timeoutMs
    this.#dispatcher = options.dispatcher
  }

  /** GETs a metadata document: the JSON object on HTTP 200, else `undefined`. */
  async getJson(url: string, at: Omit<ExchangeSite, 'what'>): Promise<Record<string, unknown> | undefined> {
    const { status, body } = await this.send(url, { method: 'GET', headers: {} }, { ...at, what: 'metadata' })
    return status === 200 && Object.keys(body).length > 0 ? body : undefined
  }

  /** POSTs a form or JSON body. */
  post(url: string, message: Omit<OAuthMessage, 'method'>, at: ExchangeSite): Promise<OAuthReply> {
    return this.send(url, { method: 'POST', ...message }, at)
  }

  /**
   * One exchange. Rejects with the caller's abort reason when its signal aborted, else with an
   * `McpAuthError` naming the endpoint (and the timeout when it ran out).
   */
  async send(url: string, message: OAuthMessage, at: ExchangeSite): Promise<OAuthReply> {
    try {
      return await oauthExchange(url, message, {
        timeoutMs: this.timeoutMs,
        signal: at.signal,
        dispatcher: this.#dispatcher,
      })
    } catch (error) {
      if (at.signal?.aborted) throw error
      const timedOut = (error as Error).name === 'TimeoutError'
      const why = timedOut ? `no answer within ${this.timeoutMs / 1000} s` : (error as Error).message
      throw new McpAuthError(
        `the ${at.what} to ${printable(url, { maxChars: 300, oneLine: true })} failed: ${printable(why, { maxChars: 300, oneLine: true })}`,
        at.site,
        { cause: error },
      )
    }
  }
}

/**
 * Longest OAuth answer read, in bytes: metadata, registrations and token responses are a few
 * KiB; a server sending more is refused before it fills the memory.
 */
export const OAUTH_MAX_RESPONSE_BYTES = 1024 * 1024

/**
 * One request within `timeoutMs`, its answer read up to `OAUTH_MAX_RESPONSE_BYTES`. Rejects
 * with the caller's abort reason when its signal aborted, else with the network error (a
 * `TimeoutError` when the time ran out). The timer and the listener on the caller's signal are
 * removed when it settles.
 */
export async function oauthExchange(
  url: string | URL,
  message: OAuthMessage,
  at: { timeoutMs: number; signal?: AbortSignal | undefined; dispatcher?: Dispatcher | undefined },
): Promise<OAuthReply> {
  at.signal?.throwIfAborted()
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${at.timeoutMs} ms`, 'TimeoutError')),
    at.timeoutMs,
  )
  const onAbort = () => controller.abort(at.signal?.reason)
  at.signal?.addEventListener('abort', onAbort, { once: true })
  let status: number
  let text: string
  try {
    const res = await request(url, {
      method: message.method,
      headers: { accept: 'application/json', ...message.headers },
      ...(message.body === undefined ? {} : { body: message.body }),
      signal: controller.signal,
      ...(at.dispatcher ? { dispatcher: at.dispatcher } : {}),
    })
    status = res.statusCode
    text = await boundedText(res.body, res.headers['content-length'])
  } catch (error) {
    if (at.signal?.aborted) throw at.signal.reason
    if (controller.signal.aborted) throw controller.signal.reason
    throw error
  } finally {
    clearTimeout(timer)
    at.signal?.removeEventListener('abort', onAbort)
  }
  let body: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>
  } catch {
    // Not JSON: an empty body with the status.
  }
  return { status, body }
}

async function boundedText(
  body: Dispatcher.ResponseData['body'],
  contentLength: string | string[] | undefined,
): Promise<string> {
  const tooLarge = () =>
    new Error(`the answer exceeds ${OAUTH_MAX_RESPONSE_BYTES} bytes, more than any OAuth answer needs`)
  if (Number(contentLength) > OAUTH_MAX_RESPONSE_BYTES) {
    body.destroy()
    throw tooLarge()
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > OAUTH_MAX_RESPONSE_BYTES) {
      body.destroy()
      throw tooLarge()
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** An OAuth error answer (RFC 6749 §5.2) as an `McpAuthError`: the summary, the error code and its description. */
export function refusal(summary: string, reply: OAuthReply, site: ErrorSite): McpAuthError {
  const { body, status } = reply
  // The server's words, made safe to print and short.
  const text = (value: string) => printable(value, { maxChars: 300, oneLine: true })
  const code = typeof body.error === 'string' ? `: ${text(body.error)}` : ''
  const description = typeof body.error_description === 'string' ? ` (${text(body.error_description)})` : ''
  return new McpAuthError(`${summary}${code}${description}`, site, { status })
}

/** RFC 6749 §2.3.1: HTTP Basic with the form-encoded client id and secret. */
export function basicAuthorization(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`
}
