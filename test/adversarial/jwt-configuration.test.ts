/**
 * `auth.jwt` works with any asymmetric key with default settings, refuses a configuration
 * that cannot verify anything at startup (naming the option), never swallows an error, and
 * refuses tokens without `exp` unless told otherwise.
 */
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { serve, serveOptionsFromEnv, ToolServer } from '../../src/server/index.js'
import { modern, send } from '../support/raw.js'
import { listen } from '../support/sdk-servers.js'

const ISSUER = 'https://auth.example.test'
const AUDIENCE = 'https://crm.example.test/mcp'

const server = () =>
  new ToolServer({ name: 'crm' }).tool(
    'whoami',
    { input: z.object({}) },
    (_a, ctx) => ctx.identity?.subject ?? '',
  )

async function sign(
  key: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'],
  alg: string,
  options: { exp?: boolean } = {},
) {
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg })
    .setSubject('svc')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
  if (options.exp !== false) jwt.setExpirationTime('5m')
  return jwt.sign(key)
}

async function whoami(url: string, token: string) {
  const req = modern('tools/call', { name: 'whoami', arguments: {} })
  return send(url, { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } })
}

describe('auth.jwt with a pinned public key', () => {
  it.each([
    ['ES256', {}],
    ['ES384', {}],
    ['ES512', {}],
    ['RS256', {}],
    ['PS256', {}],
    ['EdDSA', { crv: 'Ed25519' }],
  ])('verifies %s tokens with default settings (the algorithm comes from the key)', async (alg, options) => {
    const pair = await generateKeyPair(alg, { extractable: true, ...options })
    await using running = await serve(server(), {
      port: 0,
      auth: { jwt: { publicKey: await exportSPKI(pair.publicKey), issuer: ISSUER, audience: AUDIENCE } },
    })
    const res = await whoami(running.url, await sign(pair.privateKey, alg))
    expect(res.json.result?.content).toEqual([{ type: 'text', text: 'svc' }])
  })

  it('takes a public JWK too', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true })
    const jwk = await exportJWK(pair.publicKey)
    await using running = await serve(server(), {
      port: 0,
      auth: { jwt: { publicKey: jwk, issuer: ISSUER, audience: AUDIENCE } },
    })
    expect((await whoami(running.url, await sign(pair.privateKey, 'ES256'))).status).toBe(200)
  })

  it('refuses at startup what cannot verify anything, naming the option', async () => {
    const ec = await generateKeyPair('ES256', { extractable: true })
    const jwt = (extra: object) => ({
      auth: { jwt: { issuer: ISSUER, audience: AUDIENCE, ...extra } },
      port: 0,
    })
    await expect(
      serve(server(), jwt({ publicKey: await exportSPKI(ec.publicKey), algorithms: ['RS256'] })),
    ).rejects.toThrow(
      'auth.jwt.algorithms (RS256) cannot be verified with auth.jwt.publicKey, a ec key (it verifies ES256)',
    )
    await expect(serve(server(), jwt({ publicKey: 'not a key' }))).rejects.toThrow(
      'auth.jwt.publicKey is not a usable public key',
    )
    await expect(serve(server(), jwt({ publicKey: await exportPKCS8(ec.privateKey) }))).rejects.toThrow(
      'auth.jwt.publicKey must be a public key',
    )
  })

  it('refuses tokens without exp by default; requireExpiration: false accepts them', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true })
    const publicKey = await exportSPKI(pair.publicKey)
    const token = await sign(pair.privateKey, 'ES256', { exp: false })
    await using strict = await serve(server(), {
      port: 0,
      auth: { jwt: { publicKey, issuer: ISSUER, audience: AUDIENCE } },
    })
    const refused = await whoami(strict.url, token)
    expect(refused.status).toBe(401)
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"')
    await using lenient = await serve(server(), {
      port: 0,
      auth: { jwt: { publicKey, issuer: ISSUER, audience: AUDIENCE, requireExpiration: false } },
    })
    expect((await whoami(lenient.url, token)).status).toBe(200)
    expect(
      serveOptionsFromEnv({
        TOOLWIRE_AUTH_JWT_ISSUER: ISSUER,
        TOOLWIRE_AUTH_JWT_AUDIENCE: AUDIENCE,
        TOOLWIRE_AUTH_JWT_JWKS_URL: 'https://auth.example.test/jwks',
        TOOLWIRE_AUTH_JWT_ALGORITHMS: 'ES256,ES384',
        TOOLWIRE_AUTH_JWT_REQUIRE_EXPIRATION: 'false',
      }).auth,
    ).toMatchObject({ jwt: { algorithms: ['ES256', 'ES384'], requireExpiration: false } })
  })
})

describe('auth.jwt with a JWKS', () => {
  it('answers 503 with Retry-After, not 401, when the signing keys cannot be fetched', async () => {
    const pair = await generateKeyPair('RS256', { extractable: true })
    const failing = await listen((_req, res) => res.writeHead(500).end('down'), { path: '/jwks.json' })
    await using running = await serve(server(), {
      port: 0,
      auth: { jwt: { jwksUrl: failing.url, issuer: ISSUER, audience: AUDIENCE } },
    })
    try {
      const res = await whoami(running.url, await sign(pair.privateKey, 'RS256'))
      expect(res.status).toBe(503)
      expect(res.headers['retry-after']).toBe('1')
      expect(res.json.error).toMatchObject({
        code: -31000,
        message: expect.stringContaining('auth.jwt.jwksUrl'),
        data: { reason: 'unavailable' },
      })
    } finally {
      await failing.close()
    }
  })
})
