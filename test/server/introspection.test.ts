/**
 * auth: { introspection }: opaque tokens checked at a real local authorization server (RFC 7662),
 * with the toolwire client getting its tokens there by client credentials.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp, McpAuthError, oauth } from '../../src/client/index.js'
import { type RunningServer, serveOptionsFromEnv, ToolServer } from '../../src/server/index.js'
import { startAuthorizationServer, type TestAuthorizationServer } from '../support/authorization-server.js'
import { serve } from '../support/mount.js'
import { modern, send } from '../support/raw.js'

let as: TestAuthorizationServer

function crm() {
  return new ToolServer({ name: 'crm' })
    .tool(
      'whoami',
      { input: z.object({}) },
      (_a, ctx) => `${ctx.identity?.subject}:${ctx.identity?.scopes.join(',')}`,
    )
    .tool('update_deal', { input: z.object({}), scopes: ['crm.write'] }, () => 'updated')
}

async function start(
  extra: { cacheSeconds?: number; audience?: string; url?: string } = {},
): Promise<RunningServer> {
  return serve(crm(), {
    port: 0,
    env: false,
    auth: {
      introspection: {
        url: extra.url ?? `${as.issuer}/introspect`,
        clientId: 'crm-server',
        clientSecret: 'crm-server-secret',
        issuer: as.issuer,
        ...(extra.audience ? { audience: extra.audience } : {}),
        ...(extra.cacheSeconds !== undefined ? { cacheSeconds: extra.cacheSeconds } : {}),
      },
    },
  })
}

function agent(url: string, clientId = 'agent') {
  as.settings.secretClients.set(clientId, `${clientId}-secret`)
  return new MCPServerStreamableHttp({
    params: { url },
    auth: oauth({ clientId, clientSecret: `${clientId}-secret`, scope: 'crm.read crm.write' }),
    maxRetryAttempts: 0,
  })
}

beforeAll(async () => {
  as = await startAuthorizationServer()
  as.settings.secretClients.set('crm-server', 'crm-server-secret')
})
afterAll(() => as.close())

describe('auth: { introspection } (RFC 7662)', () => {
  it('checks a token once at the authorization server, then serves from the cache; identity and scopes reach the tool', async () => {
    await using running = await start()
    const before = as.introspections()
    await using client = await agent(running.url).connect()
    const results = await Promise.all(Array.from({ length: 6 }, () => client.callTool('whoami', {})))
    expect(results.map((r) => r.content)).toEqual(
      Array.from({ length: 6 }, () => [{ type: 'text', text: 'user-of-agent:crm.read,crm.write' }]),
    )
    expect((await client.callTool('update_deal', {})).content).toEqual([{ type: 'text', text: 'updated' }])
    expect(as.introspections() - before).toBe(1)
    // The resource metadata names the authorization server, as in JWT mode.
    const origin = running.url.replace('/mcp', '')
    const metadata = await send(`${origin}/.well-known/oauth-protected-resource`, {
      method: 'GET',
      headers: {},
    })
    expect(metadata.json).toMatchObject({
      resource: running.url,
      authorization_servers: [as.issuer],
      scopes_supported: ['crm.write'],
    })
  })

  it('a revoked token is refused once the cache lets go (cacheSeconds: 0 asks every time)', async () => {
    await using running = await start({ cacheSeconds: 0 })
    as.settings.secretClients.set('revocable', 'revocable-secret')
    const issued = await fetch(`${as.issuer}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('revocable:revocable-secret').toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: running.url }).toString(),
    })
    const { access_token: token } = (await issued.json()) as { access_token: string }
    const call = () =>
      send(
        running.url,
        modern('tools/call', { name: 'whoami', arguments: {} }, { authorization: `Bearer ${token}` }),
      )
    expect((await call()).status).toBe(200)
    as.revoked.add(token)
    const refused = await call()
    expect(refused.status).toBe(401)
    expect(refused.headers['www-authenticate']).toBe(
      `Bearer realm="mcp", resource_metadata="${running.url.replace('/mcp', '')}/.well-known/oauth-protected-resource", error="invalid_token"`,
    )
  })

  it('refuses a token issued for another audience', async () => {
    await using running = await start({ audience: 'https://another-server.example.com/mcp' })
    const client = agent(running.url, 'audience-check')
    const error = await client.connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(String(error)).toMatch(/the server refused the token \(HTTP 401\) even after refreshing it/)
    await client.close()
  })

  it('an unreachable introspection endpoint is a 503 with Retry-After, not a 401', async () => {
    await using running = await start({ url: 'http://127.0.0.1:9/introspect' })
    const res = await send(
      running.url,
      modern('tools/call', { name: 'whoami', arguments: {} }, { authorization: 'Bearer some-opaque-token' }),
    )
    expect(res.status).toBe(503)
    expect(res.headers['retry-after']).toBe('1')
    expect(JSON.stringify(res.json)).toMatch(/the token could not be checked at the authorization server/)
  })

  it('is configured from the environment, and incomplete settings name what is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolwire-introspection-'))
    writeFileSync(`${dir}/secret`, 'from-a-file\n')
    const options = serveOptionsFromEnv({
      TOOLWIRE_AUTH_INTROSPECTION_URL: 'https://auth.example.com/introspect',
      TOOLWIRE_AUTH_INTROSPECTION_CLIENT_ID: 'crm-server',
      TOOLWIRE_AUTH_INTROSPECTION_CLIENT_SECRET_FILE: `${dir}/secret`,
      TOOLWIRE_AUTH_INTROSPECTION_ISSUER: 'https://auth.example.com',
      TOOLWIRE_AUTH_INTROSPECTION_AUDIENCE: 'https://crm.example.com/mcp',
    })
    expect(options.auth).toEqual({
      introspection: {
        url: 'https://auth.example.com/introspect',
        clientId: 'crm-server',
        clientSecret: 'from-a-file',
        issuer: 'https://auth.example.com',
        audience: ['https://crm.example.com/mcp'],
      },
    })
    expect(() =>
      serveOptionsFromEnv({ TOOLWIRE_AUTH_INTROSPECTION_URL: 'https://auth.example.com/introspect' }),
    ).toThrow(
      /needs TOOLWIRE_AUTH_INTROSPECTION_CLIENT_ID, TOOLWIRE_AUTH_INTROSPECTION_CLIENT_SECRET_FILE and TOOLWIRE_AUTH_INTROSPECTION_ISSUER/,
    )
  })

  it('rejects bad options at start, naming the option', async () => {
    await expect(
      serve(crm(), {
        port: 0,
        env: false,
        auth: { introspection: { url: 'nope', clientId: 'a', clientSecret: 'b', issuer: 'https://x' } },
      }),
    ).rejects.toThrow('serve: auth.introspection.url is not a valid URL: nope')
  })
})
