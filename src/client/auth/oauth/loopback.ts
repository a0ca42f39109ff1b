/**
 * A loopback redirect listener for `oauth()` on a user's machine: opens the browser and catches
 * the authorization response (RFC 8252 §7.3).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { McpAuthError, ToolwireConfigError } from '../../../protocol/errors.js'
import { checkWebUrl, openInBrowser } from './browser-opener.js'
import type { OAuthOptions } from './oauth-options.js'

export interface LoopbackAuthorizationOptions {
  /** Port on 127.0.0.1 to listen on (0: any free port; dynamic registration sends the one chosen). @default 0 */
  port?: number
  /** Path of the redirect URI. @default '/callback' */
  path?: string
  /**
   * Shows the authorization URL to the user. @default prints it to stderr and opens the default
   * browser (`$BROWSER` when set, else `open` / `xdg-open` / `start`)
   */
  open?: (url: URL) => unknown
  /** Longest wait for the user, in seconds. @default 300 */
  timeoutSeconds?: number
}

export interface LoopbackAuthorization
  extends Required<Pick<OAuthOptions, 'redirectUrl' | 'authorize'>>,
    AsyncDisposable {
  /** Stops listening (the listener never keeps the process alive on its own). */
  close(): Promise<void>
}

/**
 * Listens on 127.0.0.1 for the authorization server's redirect, for `oauth({ ...loopback })`.
 *
 * @example
 * ```ts
 * const loopback = await loopbackAuthorization()
 * const crm = new MCPServerStreamableHttp({ params: { url }, auth: oauth({ ...loopback, store: fileOAuthStore(path) }) })
 * ```
 */
export async function loopbackAuthorization(
  options: LoopbackAuthorizationOptions = {},
): Promise<LoopbackAuthorization> {
  const path = options.path ?? '/callback'
  if (!path.startsWith('/'))
    throw new ToolwireConfigError(`loopbackAuthorization: "path" must start with /, got "${path}"`)
  const timeoutMs = (options.timeoutSeconds ?? 300) * 1000
  if (!(timeoutMs > 0)) throw new ToolwireConfigError('loopbackAuthorization: "timeoutSeconds" must be > 0')
  const waiting = new Map<string, (url: string) => void>()
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const resolve = url.pathname === path ? waiting.get(url.searchParams.get('state') ?? '') : undefined
    if (!resolve) {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('No authorization is waiting here.\n')
      return
    }
    const refused = url.searchParams.get('error')
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        `<!doctype html><title>toolwire</title><p>${refused ? 'The authorization was refused.' : 'Authorized. You can close this tab.'}</p>\n`,
      )
    resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url}`)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ToolwireConfigError(
          `loopbackAuthorization: cannot listen on 127.0.0.1:${options.port ?? 0}: ${error.code ?? error.message}`,
        ),
      ),
    )
    server.listen(options.port ?? 0, '127.0.0.1', resolve)
  })
  server.unref()
  const redirectUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`
  const open = options.open ?? openInBrowser
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  return {
    redirectUrl,
    authorize: async (authorizationUrl, { signal }) => {
      checkWebUrl(authorizationUrl)
      signal?.throwIfAborted()
      const state = authorizationUrl.searchParams.get('state') ?? ''
      let unlink = () => {}
      const answered = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(state)
          unlink()
          reject(
            new McpAuthError(
              `no authorization arrived at ${redirectUrl} within ${timeoutMs / 1000} s: open ${authorizationUrl.href} to authorize`,
              {},
              { status: 401 },
            ),
          )
        }, timeoutMs)
        const onAbort = () => {
          clearTimeout(timer)
          waiting.delete(state)
          reject(signal?.reason)
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        unlink = () => signal?.removeEventListener('abort', onAbort)
        waiting.set(state, (url) => {
          clearTimeout(timer)
          waiting.delete(state)
          unlink()
          resolve(url)
        })
      })
      await open(authorizationUrl)
      return answered
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
