/**
 * basic/authorization: the resource-server side (JWT-protected `serve()`) and what the client
 * sends. Authorization-server and OAuth client flows are left to the official conformance suite.
 */
import { generateKeyPairSync } from 'node:crypto'
import { importPKCS8, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { z } from 'zod'
import { type RunningServer, serve, ToolServer } from '../../src/server/index.js'
import { clientFor, startPeer } from './peer.js'
import { call, post, spec } from './suite.js'

const ISSUER = 'https://auth.compliance.test'
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 })
const AUDIENCE = 'https://mcp.compliance.test/mcp'
let server: RunningServer

beforeAll(async () => {
  const tools = new ToolServer({ name: 'guarded' })
    .tool('open', { input: z.object({}) }, () => 'open')
    .tool('admin', { input: z.object({}), scopes: ['crm.admin'] }, () => 'admin')
  const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString()
  server = await serve(tools, {
    port: 0,
    env: false,
    auth: { jwt: { publicKey, issuer: ISSUER, audience: AUDIENCE } },
  })
})
afterAll(() => server.close())

async function token(claims: { aud?: string; scope?: string; expiresIn?: string } = {}) {
  const key = await importPKCS8(keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256')
  return new SignJWT({ scope: claims.scope ?? 'crm.read' })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(ISSUER)
    .setSubject('alice')
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '5m')
    .sign(key)
}

const bearer = async (claims?: Parameters<typeof token>[0]) => ({
  authorization: `Bearer ${await token(claims)}`,
})
const challenge = (headers: Record<string, string | string[] | undefined>) =>
  String(headers['www-authenticate'] ?? '')
const metadataUrl = () => `${new URL(server.url).origin}/.well-known/oauth-protected-resource`

describe('basic/authorization (server)', () => {
  spec(
    'basic/authorization: servers MUST serve Protected Resource Metadata naming an authorization server',
    async () => {
      const res = await post(metadataUrl(), { headers: { accept: 'application/json' } }, 'GET')
      expect(res.status).toBe(200)
      expect(res.json).toMatchObject({ resource: server.url, authorization_servers: [ISSUER] })
    },
  )

  spec(
    'basic/authorization: a request without a token MUST get 401 with WWW-Authenticate naming resource_metadata',
    async () => {
      const res = await call(server.url, 'tools/list')
      expect(res.status).toBe(401)
      expect(challenge(res.headers)).toMatch(/^Bearer /)
      expect(challenge(res.headers)).toContain(`resource_metadata="${metadataUrl()}"`)
    },
  )

  spec('basic/authorization: invalid or expired tokens MUST receive HTTP 401', async () => {
    expect(
      (await call(server.url, 'tools/list', {}, { headers: await bearer({ expiresIn: '-1m' }) })).status,
    ).toBe(401)
    expect(
      (await call(server.url, 'tools/list', {}, { headers: { authorization: 'Bearer not-a-jwt' } })).status,
    ).toBe(401)
  })

  spec('basic/authorization: servers MUST reject tokens issued for another audience', async () => {
    const res = await call(
      server.url,
      'tools/list',
      {},
      { headers: await bearer({ aud: 'https://other.example/mcp' }) },
    )
    expect(res.status).toBe(401)
  })

  spec('basic/authorization: servers MUST NOT accept an access token from the URI query string', async () => {
    const res = await call(`${server.url}?access_token=${await token()}`, 'tools/list')
    expect(res.status).toBe(401)
  })

  spec(
    'basic/authorization: a valid token is accepted (validation as an OAuth 2.1 resource server)',
    async () => {
      const res = await call(
        server.url,
        'tools/call',
        { name: 'open', arguments: {} },
        { headers: await bearer() },
      )
      expect(res.json.result?.content).toEqual([{ type: 'text', text: 'open' }])
    },
  )

  spec(
    'basic/authorization: insufficient scope SHOULD be 403 with error="insufficient_scope" and the required scope',
    async () => {
      const res = await call(
        server.url,
        'tools/call',
        { name: 'admin', arguments: {} },
        { headers: await bearer() },
      )
      expect(res.status).toBe(403)
      expect(challenge(res.headers)).toMatch(/^Bearer .*error="insufficient_scope"/)
      expect(challenge(res.headers)).toContain('scope="crm.admin"')
    },
  )

  spec('basic/authorization: the insufficient_scope challenge SHOULD include resource_metadata', async () => {
    const res = await call(
      server.url,
      'tools/call',
      { name: 'admin', arguments: {} },
      { headers: await bearer() },
    )
    expect(challenge(res.headers)).toContain(`resource_metadata="${metadataUrl()}"`)
  })

  spec('basic/authorization: servers SHOULD NOT list offline_access in scopes_supported', async () => {
    const res = await post(metadataUrl(), { headers: { accept: 'application/json' } }, 'GET')
    expect(res.json.scopes_supported ?? []).not.toContain('offline_access')
  })
})

describe('basic/authorization (client)', () => {
  const discover = {
    'server/discover': () => ({
      result: {
        resultType: 'complete',
        supportedVersions: ['2026-07-28'],
        capabilities: { tools: { listChanged: true } },
        ttlMs: 0,
        cacheScope: 'public',
      },
    }),
  }

  spec('basic/authorization: client MUST send the Authorization header on every HTTP request', async () => {
    await using peer = await startPeer(discover)
    await using client = await clientFor(peer, {
      auth: () => 'tok-123',
      cacheToolsList: true,
    }).client.connect()
    await expect.poll(() => peer.listens.length).toBe(1)
    await client.listTools()
    await client.callTool('echo', {})
    expect(peer.seen.map((s) => s.body?.method)).toEqual(
      expect.arrayContaining(['server/discover', 'subscriptions/listen', 'tools/list', 'tools/call']),
    )
    for (const s of peer.seen) expect(s.headers.authorization).toBe('Bearer tok-123')
  })

  spec('basic/authorization: client MUST NOT put access tokens in the URI query string', async () => {
    await using peer = await startPeer()
    await using client = await clientFor(peer, { auth: () => 'tok-456' }).client.connect()
    await client.callTool('echo', {})
    for (const s of peer.seen) expect(s.url).toBe('/mcp')
  })
})
