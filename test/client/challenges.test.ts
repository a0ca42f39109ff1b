/** Auth challenges: the Bearer challenge parser, and the token source answering them. */
import { describe, expect, it } from 'vitest'
import { TokenSource } from '../../src/client/auth/token-source.js'
import { parseBearerChallenge } from '../../src/client/auth/www-authenticate.js'

describe('parseBearerChallenge', () => {
  it('reads quoted and bare parameters, escapes, any case of the scheme', () => {
    expect(
      parseBearerChallenge(
        'bearer realm="mcp", error=insufficient_scope, scope="crm.read crm.write", resource_metadata="https://x.test/.well-known/oauth-protected-resource/mcp", error_description="needs \\"write\\""',
      ),
    ).toEqual({
      error: 'insufficient_scope',
      scope: 'crm.read crm.write',
      resourceMetadata: 'https://x.test/.well-known/oauth-protected-resource/mcp',
      errorDescription: 'needs "write"',
    })
  })

  it('takes the Bearer challenge among several schemes, and nothing from the others', () => {
    expect(
      parseBearerChallenge('Basic realm="a", scope="nope", Bearer scope="mcp:basic", DPoP algs="ES256"'),
    ).toEqual({
      scope: 'mcp:basic',
    })
    expect(parseBearerChallenge('Basic realm="a", scope="nope"')).toEqual({})
    expect(parseBearerChallenge(undefined)).toEqual({})
    expect(parseBearerChallenge('Bearer')).toEqual({})
  })
})

describe('TokenSource with a provider that waits for the challenge', () => {
  it('a challenged caller does not take the "no token yet" of a fetch started without one', async () => {
    const asked: string[] = []
    const source = new TokenSource(
      {
        getToken: async ({ challenge }) => {
          asked.push(challenge ? `challenge ${challenge.status}` : 'plain')
          if (challenge) return 'fresh-token'
          await new Promise((resolve) => setTimeout(resolve, 50))
          return undefined
        },
      },
      { skewSeconds: 30, onRefresh: () => {}, resourceUrl: 'http://127.0.0.1:1/mcp' },
    )
    const plain = source.get()
    const challenged = source.get(undefined, { status: 401, wwwAuthenticate: 'Bearer' })
    expect(await plain).toBeUndefined()
    expect(await challenged).toBe('fresh-token')
    expect(asked).toEqual(['plain', 'challenge 401'])
  })
})
