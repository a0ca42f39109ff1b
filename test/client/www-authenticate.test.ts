import { describe, expect, it } from 'vitest'
import { parseBearerChallenge } from '../../src/client/www-authenticate.js'

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
