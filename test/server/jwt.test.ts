import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose'
import { Client } from 'undici'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { type RunningServer, ToolServer } from '../../src/server/index.js'
import { serve } from '../support/mount.js'
import { modern, send } from '../support/raw.js'
import { listen, type TestHttpServer } from '../support/sdk-servers.js'

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey']

const ISSUER = 'https://auth.example.test'
const AUDIENCE = 'https://crm.example.test/mcp'

let signingKey: SigningKey
let otherKey: SigningKey
let jwks: TestHttpServer
let running: RunningServer

function server() {
  return new ToolServer({ name: 'crm' })
    .tool(
      'whoami',
      { input: z.object({}) },
      (_a, ctx) => `${ctx.identity?.subject}:${ctx.identity?.scopes.join(',')}`,
    )
    .tool('write', { input: z.object({}), scopes: ['crm.write'] }, () => 'written')
}

async function token(
  claims: Record<string, unknown> = {},
  options: { key?: SigningKey; exp?: string; nbf?: string; aud?: string; iss?: string } = {},
) {
  const jwt = new SignJWT({ scope: 'crm.read', client_id: 'sales-agent', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('agent-7')
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.exp ?? '5m')
  if (options.nbf) jwt.setNotBefore(options.nbf)
  return jwt.sign(options.key ?? signingKey)
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true })
  signingKey = pair.privateKey
  otherKey = (await generateKeyPair('RS256')).privateKey
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
  jwks = await listen(
    (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    {
      path: '/jwks.json',
    },
  )
  running = await serve(server(), {
    port: 0,
    auth: { jwt: { jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE } },
  })
})
afterAll(async () => {
  await running.close()
  await jwks.close()
})

async function call(bearer: string | undefined) {
  const req = modern('tools/call', { name: 'whoami', arguments: {} })
  return send(running.url, {
    ...req,
    headers: { ...req.headers, ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
  })
}

describe('JWT auth (JWKS)', () => {
  it('accepts a valid token and maps sub, client_id and scope to the identity', async () => {
    const res = await call(await token())
    expect(res.json.result?.content).toEqual([{ type: 'text', text: 'agent-7:crm.read' }])
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      auth: () => token({ scope: 'crm.read crm.write' }),
    }).connect()
    expect((await client.callTool('write')).content).toEqual([{ type: 'text', text: 'written' }])
  })

  it.each([
    ['expired', () => token({}, { exp: '-1m' })],
    ['not yet valid', () => token({}, { nbf: '10m' })],
    ['wrong audience', () => token({}, { aud: 'https://other.example.test' })],
    ['wrong issuer', () => token({}, { iss: 'https://evil.example.test' })],
    ['badly signed', () => token({}, { key: otherKey })],
    ['not a JWT', async () => 'plainly-not-a-jwt'],
  ])('refuses a token that is %s with 401 invalid_token', async (_case, make) => {
    const res = await call(await make())
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/)
  })

  it('points clients at RFC 9728 protected-resource metadata', async () => {
    const res = await call(undefined)
    expect(res.status).toBe(401)
    const origin = running.url.replace('/mcp', '')
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="mcp", resource_metadata="${origin}/.well-known/oauth-protected-resource"`,
    )
    const metadata = await send(`${origin}/.well-known/oauth-protected-resource`, {
      method: 'GET',
      headers: {},
    })
    expect(metadata.json).toEqual({
      resource: running.url,
      authorization_servers: [ISSUER],
      bearer_methods_supported: ['header'],
      // The scopes the server's tools require, so OAuth clients ask for them up front.
      scopes_supported: ['crm.write'],
    })
  })

  it('an insufficient_scope challenge also points at the metadata', async () => {
    const req = modern('tools/call', { name: 'write', arguments: {} })
    const res = await send(running.url, {
      ...req,
      headers: { ...req.headers, authorization: `Bearer ${await token()}` },
    })
    expect(res.status).toBe(403)
    const origin = running.url.replace('/mcp', '')
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="mcp", error="insufficient_scope", scope="crm.write", resource_metadata="${origin}/.well-known/oauth-protected-resource"`,
    )
  })

  it('also verifies against a single public key, and rejects bad configuration', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true })
    const pem = await exportSPKI(pair.publicKey)
    await using pinned = await serve(server(), {
      port: 0,
      auth: { jwt: { publicKey: pem, issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'] } },
    })
    const es = await new SignJWT({ scope: '' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('svc')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('1m')
      .sign(pair.privateKey)
    const req = modern('tools/call', { name: 'whoami', arguments: {} })
    const res = await send(pinned.url, { ...req, headers: { ...req.headers, authorization: `Bearer ${es}` } })
    expect(res.json.result?.content).toEqual([{ type: 'text', text: 'svc:' }])
    await expect(
      serve(server(), { port: 0, auth: { jwt: { issuer: ISSUER, audience: AUDIENCE } } }),
    ).rejects.toThrow('auth.jwt needs exactly one of "jwksUrl" or "publicKey"')
  })

  it('forgets a remembered token once it expires: the next request is refused', async () => {
    await using strict = await serve(server(), {
      port: 0,
      auth: { jwt: { jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 0 } },
    })
    const jwt = await token({}, { exp: '60s' })
    const callStrict = () => {
      const req = modern('tools/call', { name: 'whoami', arguments: {} })
      return send(strict.url, { ...req, headers: { ...req.headers, authorization: `Bearer ${jwt}` } })
    }
    expect((await callStrict()).status).toBe(200)
    expect((await callStrict()).status).toBe(200) // answered from the verified-token cache
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(Date.now() + 61_000)
      const expired = await callStrict()
      expect(expired.status).toBe(401)
      expect(expired.headers['www-authenticate']).toContain('error="invalid_token"')
    } finally {
      vi.useRealTimers()
    }
  })
  it('on one keep-alive connection: another token is verified as itself, and two servers with different audiences never share a verdict', async () => {
    const AUDIENCE_B = 'https://analytics.example.test/mcp'
    const crm = server().handler({ auth: { jwt: { jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE } } })
    const analytics = server().handler({
      auth: { jwt: { jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE_B } },
    })
    const app = createServer((req, res) => (req.url === '/analytics' ? analytics(req, res) : crm(req, res)))
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
    // One connection: every request below travels on the same socket.
    const connection = new Client(`http://127.0.0.1:${(app.address() as AddressInfo).port}`, {
      pipelining: 1,
    })
    try {
      const call = async (path: string, jwt: string) => {
        const req = modern('tools/call', { name: 'whoami', arguments: {} })
        const res = await connection.request({
          method: 'POST',
          path,
          headers: { ...req.headers, authorization: `Bearer ${jwt}` },
          body: JSON.stringify(req.body),
        })
        const text = await res.body.text()
        return { status: res.statusCode, text }
      }
      const forCrm = await token()
      for (let i = 0; i < 3; i++) expect((await call('/crm', forCrm)).text).toContain('agent-7:crm.read')
      // The same connection, the same header, another server (another audience): refused.
      expect((await call('/analytics', forCrm)).status).toBe(401)
      // The same connection, another token: its own subject, not the connection's last one.
      const other = await token({ scope: 'crm.write' }, {})
      const otherSubject = await new SignJWT({ scope: 'crm.read' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('agent-8')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(signingKey)
      expect((await call('/crm', otherSubject)).text).toContain('agent-8:crm.read')
      expect((await call('/crm', other)).text).toContain('agent-7:crm.write')
      expect((await call('/crm', forCrm)).text).toContain('agent-7:crm.read')
      // A bad token after a good one on the same connection is still refused.
      expect((await call('/crm', await token({}, { key: otherKey }))).status).toBe(401)
    } finally {
      await connection.close()
      crm.close()
      analytics.close()
      await new Promise((resolve) => app.close(resolve))
    }
  })
})
