/**
 * The token source's shared fetch (issue 12 #11): concurrent callers share one fetch, a caller
 * that gives up leaves alone, and nothing leaves a listener on a caller's signal.
 */
import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { oauthExchange } from '../../src/client/auth/oauth/oauth-http.js'
import { TokenSource } from '../../src/client/auth/token-source.js'
import { clientCredentials } from '../../src/client/index.js'
import { startTokenServer } from '../support/token-server.js'

/** A provider whose fetch waits until released, recording the signal it was given. */
function gatedProvider() {
  const seen: AbortSignal[] = []
  let release: (token: string) => void = () => {}
  let fetches = 0
  return {
    seen,
    fetches: () => fetches,
    release: (token: string) => release(token),
    provider: {
      getToken: ({ signal }: { signal?: AbortSignal | undefined }) => {
        fetches++
        if (signal) seen.push(signal)
        return new Promise<string>((resolve, reject) => {
          release = resolve
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
        })
      },
    },
  }
}

const source = (auth: ConstructorParameters<typeof TokenSource>[0]) =>
  new TokenSource(auth, { skewSeconds: 30, onRefresh: () => {}, resourceUrl: 'http://127.0.0.1:1/mcp' })

describe('TokenSource shared fetch', () => {
  it('the first caller aborting does not fail the others: they get the token from the same fetch', async () => {
    const gate = gatedProvider()
    const tokens = source(gate.provider)
    const first = new AbortController()
    const a = tokens.get(first.signal)
    const b = tokens.get(new AbortController().signal)
    const c = tokens.get()
    first.abort(new Error('first caller gave up'))
    await expect(a).rejects.toThrow('first caller gave up')
    expect(gate.seen[0]!.aborted).toBe(false)
    gate.release('shared-token')
    expect(await Promise.all([b, c])).toEqual(['shared-token', 'shared-token'])
    expect(gate.fetches()).toBe(1)
    expect(getEventListeners(first.signal, 'abort')).toHaveLength(0)
  })

  it('the fetch is cancelled only when every waiter has given up', async () => {
    const gate = gatedProvider()
    const tokens = source(gate.provider)
    const one = new AbortController()
    const two = new AbortController()
    const a = tokens.get(one.signal)
    const b = tokens.get(two.signal)
    one.abort(new Error('one'))
    await expect(a).rejects.toThrow('one')
    expect(gate.seen[0]!.aborted).toBe(false)
    two.abort(new Error('two'))
    await expect(b).rejects.toThrow('two')
    expect(gate.seen[0]!.aborted).toBe(true)
    // The next caller starts a fresh fetch.
    const c = tokens.get()
    gate.release('next')
    expect(await c).toBe('next')
    expect(gate.fetches()).toBe(2)
  })

  it('clientCredentials(): a caller giving up leaves the shared token request to the others', async () => {
    await using server = await startTokenServer({ id: 'agent', secret: 's' })
    server.delayMs = 200
    const provider = clientCredentials({ tokenUrl: server.url, clientId: 'agent', clientSecret: 's' })
    const quitter = new AbortController()
    const a = provider.getToken({ signal: quitter.signal, resourceUrl: 'x' })
    const b = provider.getToken({ signal: new AbortController().signal, resourceUrl: 'x' })
    quitter.abort(new Error('quit'))
    await expect(a).rejects.toThrow('quit')
    expect(await b).toMatchObject({ token: 'tok-1' })
    expect(server.requests).toHaveLength(1)
    expect(getEventListeners(quitter.signal, 'abort')).toHaveLength(0)
  })

  it('OAuth exchanges remove their listener from a long-lived signal', async () => {
    await using server = await startTokenServer({ id: 'agent', secret: 's' })
    const longLived = new AbortController()
    for (let i = 0; i < 20; i++) {
      await oauthExchange(
        server.url,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=x',
        },
        { timeoutMs: 5000, signal: longLived.signal },
      )
    }
    expect(getEventListeners(longLived.signal, 'abort')).toHaveLength(0)
  })
})
