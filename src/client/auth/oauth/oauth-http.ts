/** JSON exchanges with OAuth endpoints, shared by `clientCredentials()` and `oauth()`. */
import { type Dispatcher, request } from 'undici'

export interface OAuthReply {
  status: number
  /** The JSON object answered; `{}` for anything else (an HTML page, an empty body). */
  body: Record<string, unknown>
}

/**
 * One request within `timeoutMs`. Rejects with the caller's abort reason when its signal
 * aborted, else with the network error (a `TimeoutError` when the time ran out): callers word
 * the failure for their endpoint.
 */
export async function oauthExchange(
  url: string | URL,
  message: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  at: { timeoutMs: number; signal?: AbortSignal | undefined; dispatcher?: Dispatcher | undefined },
): Promise<OAuthReply> {
  const timeout = AbortSignal.timeout(at.timeoutMs)
  let status: number
  let text: string
  try {
    const res = await request(url, {
      method: message.method,
      headers: { accept: 'application/json', ...message.headers },
      ...(message.body === undefined ? {} : { body: message.body }),
      signal: at.signal ? AbortSignal.any([at.signal, timeout]) : timeout,
      ...(at.dispatcher ? { dispatcher: at.dispatcher } : {}),
    })
    status = res.statusCode
    text = await res.body.text()
  } catch (error) {
    if (at.signal?.aborted) throw at.signal.reason
    throw error
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

/** RFC 6749 §2.3.1: HTTP Basic with the form-encoded client id and secret. */
export function basicAuthorization(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`
}
