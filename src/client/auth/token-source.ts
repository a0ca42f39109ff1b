/** Bearer tokens: what a token provider is, and a cached, single-flight token source over one. */
import { McpAuthError, ToolwireConfigError } from '../../protocol/errors.js'
import { SharedFetch } from '../shared-fetch.js'

/** A token, optionally with its expiry (epoch milliseconds) so it is refreshed ahead of it. */
export interface AccessToken {
  token: string
  expiresAt?: number
}

/** The server's answer that asked for (other) credentials: a 401, or a 403 `insufficient_scope`. */
export interface AuthChallenge {
  status: 401 | 403
  /** The `WWW-Authenticate` header, when the server sent one. */
  wwwAuthenticate: string | undefined
}

export interface GetTokenOptions {
  signal?: AbortSignal | undefined
  /** Set when the server refused the previous attempt: what it asked for. */
  challenge?: AuthChallenge | undefined
  /** The MCP endpoint the token is for. */
  resourceUrl: string
}

/** An object that hands out tokens and can be told one was refused. */
export interface TokenProvider {
  /**
   * The token to send. `undefined` (only without a challenge) sends the request without one:
   * providers that learn where to get a token from the server's 401 (OAuth discovery) start so.
   */
  getToken(options: GetTokenOptions): Promise<string | AccessToken | undefined>
  /** Called with a token the server refused (HTTP 401). */
  invalidate?(token: string): void
}

/** `auth` option: a function returning a token, or a `TokenProvider`. */
export type AuthOption = (() => Promise<string | AccessToken> | string | AccessToken) | TokenProvider

/**
 * Caches the current token until it is refused or about to expire (`skewSeconds` ahead), and
 * makes concurrent callers share one refresh. The shared fetch runs on a signal of its own:
 * a caller that gives up stops waiting at once, and the fetch is cancelled only when every
 * caller waiting on it has given up.
 */
export class TokenSource {
  readonly #provider: TokenProvider
  readonly #skewMs: number
  readonly #onRefresh: () => void
  readonly #resourceUrl: string
  #current: AccessToken | undefined
  #pending: (SharedFetch<AccessToken | undefined> & { answersChallenge: boolean }) | undefined

  constructor(
    auth: AuthOption,
    options: { skewSeconds: number; onRefresh: () => void; resourceUrl: string },
  ) {
    this.#provider = typeof auth === 'function' ? { getToken: async () => auth() } : auth
    this.#resourceUrl = options.resourceUrl
    if (typeof this.#provider.getToken !== 'function') {
      throw new ToolwireConfigError('option "auth" must be a function or an object with getToken()')
    }
    this.#skewMs = options.skewSeconds * 1000
    this.#onRefresh = options.onRefresh
  }

  /** The cached token when it is still good, without waiting (the hot path). */
  peek(): string | undefined {
    const current = this.#current
    if (current && (current.expiresAt === undefined || current.expiresAt - this.#skewMs > Date.now()))
      return current.token
    return undefined
  }

  /**
   * The token to send now; `undefined` when the provider waits for the server's challenge.
   * With a challenge the provider is asked again (unless another caller already replaced the
   * refused token), and must answer with a token.
   */
  async get(signal?: AbortSignal, challenge?: AuthChallenge): Promise<string | undefined> {
    const cached = this.peek()
    if (cached !== undefined) return cached
    // A challenged caller cannot use a fetch started without one (it may answer "no token
    // yet"): it waits for it, and asks again with the challenge if that gave no token.
    const earlier = this.#pending
    if (challenge && earlier && !earlier.answersChallenge) {
      const token = (
        await earlier.wait(signal).catch((error: unknown) => {
          if (signal?.aborted) throw error
          return undefined
        })
      )?.token
      if (token !== undefined) return token
    }
    let shared = this.#pending
    if (!shared || (challenge && !shared.answersChallenge)) shared = this.#start(challenge)
    return (await shared.wait(signal))?.token
  }

  /** The server refused `token`: drop it (unless a newer one already replaced it). */
  invalidate(token: string): void {
    if (this.#current?.token === token) this.#current = undefined
    this.#provider.invalidate?.(token)
  }

  #start(
    challenge: AuthChallenge | undefined,
  ): SharedFetch<AccessToken | undefined> & { answersChallenge: boolean } {
    const shared = Object.assign(
      new SharedFetch((signal) =>
        this.#fetch(signal, challenge).finally(() => {
          if (this.#pending === shared) this.#pending = undefined
        }),
      ),
      { answersChallenge: challenge !== undefined },
    )
    this.#pending = shared
    return shared
  }

  async #fetch(signal: AbortSignal, challenge: AuthChallenge | undefined): Promise<AccessToken | undefined> {
    const value = await this.#provider.getToken({ signal, challenge, resourceUrl: this.#resourceUrl })
    if (value === undefined && challenge === undefined) return undefined
    const token = typeof value === 'string' ? { token: value } : value
    if (!token || typeof token.token !== 'string' || token.token.length === 0) {
      throw new McpAuthError('the auth provider returned no token', {})
    }
    this.#current = token
    this.#onRefresh()
    return token
  }
}
