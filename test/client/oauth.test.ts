/**
 * oauth(): the toolwire client against a toolwire server in JWT mode (RFC 9728 metadata,
 * 401/403 challenges) and a real local authorization server, all over loopback.
 */
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ClientCredentialsProvider,
  Client as SdkClient,
  StreamableHTTPClientTransport as SdkTransport,
} from '@modelcontextprotocol/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  fileOAuthStore,
  loopbackAuthorization,
  MCPServerStreamableHttp,
  McpAuthError,
  type OAuthState,
  oauth,
} from '../../src/client/index.js'
import { type RunningServer, serve, ToolServer } from '../../src/server/index.js'
import {
  type AuthorizationServerRequest,
  startAuthorizationServer,
  type TestAuthorizationServer,
} from '../support/authorization-server.js'
import { buildCli, runCli } from '../support/cli.js'
import { listen } from '../support/sdk-servers.js'

const REDIRECT = 'http://127.0.0.1:8976/callback'

let as: TestAuthorizationServer
let running: RunningServer

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

/** A headless user: follows the authorization URL to its redirect, as a browser would. */
const seen: URL[] = []
async function approve(url: URL): Promise<string> {
  seen.push(url)
  const res = await fetch(url, { redirect: 'manual' })
  return res.headers.get('location') ?? ''
}

const authorizeRequests = (): AuthorizationServerRequest[] =>
  as.requests.filter((r) => r.path === '/authorize')

beforeAll(async () => {
  await buildCli()
  as = await startAuthorizationServer()
  const port = await freePort()
  const audience = `http://127.0.0.1:${port}/mcp`
  running = await serve(
    new ToolServer({ name: 'crm' })
      .tool(
        'whoami',
        { input: z.object({}), scopes: ['crm.read'] },
        (_a, ctx) => ctx.identity?.subject ?? 'nobody',
      )
      .tool('update_deal', { input: z.object({}), scopes: ['crm.write'] }, () => 'updated'),
    { port, env: false, auth: { jwt: { jwksUrl: as.jwksUrl, issuer: as.issuer, audience } } },
  )
}, 240_000)

afterAll(async () => {
  await running?.close()
  await as?.close()
})

describe('oauth(): MCP authorization against a real authorization server', () => {
  it('authorization code + PKCE with dynamic registration, from the server 401 to a tool call', async () => {
    as.requests.length = 0
    seen.length = 0
    const states: OAuthState[] = []
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      auth: oauth({
        redirectUrl: REDIRECT,
        authorize: approve,
        store: { load: () => undefined, save: (s) => void states.push(s) },
      }),
    }).connect()
    expect((await client.callTool('whoami', {})).content).toEqual([
      { type: 'text', text: 'user-of-registered-1' },
    ])
    // Discovery, registration, one authorization, one code exchange.
    // (the MCP server's own JWKS fetches left out)
    expect(as.requests.map((r) => r.path).filter((p) => p !== '/jwks')).toEqual([
      '/.well-known/oauth-authorization-server',
      '/register',
      '/authorize',
      '/token',
    ])
    const authorize = seen[0]!.searchParams
    expect(authorize.get('code_challenge_method')).toBe('S256')
    expect(authorize.get('resource')).toBe(running.url)
    expect(authorize.get('redirect_uri')).toBe(REDIRECT)
    expect(authorize.get('client_id')).toBe('registered-1')
    // The resource metadata lists the tools' scopes; offline_access is added (the authorization server offers it).
    expect(authorize.get('scope')).toBe('crm.read crm.write offline_access')
    const token = as.requests.find((r) => r.path === '/token')!.form
    expect(token.get('resource')).toBe(running.url)
    expect(token.get('code_verifier')).toMatch(/^[\w-]{43}$/)
    // The store saw the registration (by authorization server) and the tokens (by resource, with
    // a refresh token, since offline_access was granted).
    expect(states.at(-1)?.clients?.[as.issuer]).toEqual({
      clientId: 'registered-1',
      tokenEndpointAuthMethod: 'none',
    })
    expect(states.at(-1)?.resources?.[running.url]).toMatchObject({
      resource: running.url,
      issuer: as.issuer,
      refreshToken: expect.stringMatching(/^refresh-/),
    })
  })

  it('steps up on 403 insufficient_scope: authorizes again with the scopes the server names, once', async () => {
    as.requests.length = 0
    seen.length = 0
    as.settings.defaultScope = 'crm.read'
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      // Least privilege: ask for read only; writing needs a step-up.
      auth: oauth({ redirectUrl: REDIRECT, authorize: approve, offlineAccess: false, scope: 'crm.read' }),
    }).connect()
    expect((await client.callTool('whoami', {})).isError).toBeFalsy()
    expect((await client.callTool('update_deal', {})).content).toEqual([{ type: 'text', text: 'updated' }])
    expect(seen.map((u) => u.searchParams.get('scope'))).toEqual(['crm.read', 'crm.read crm.write'])
    // Later calls use the stepped-up token: no third authorization.
    await client.callTool('update_deal', {})
    expect(authorizeRequests()).toHaveLength(2)
  })

  it('refreshes with the refresh token when the access token runs out, without the user', async () => {
    as.requests.length = 0
    as.settings.expiresIn = 5 // inside the 30 s refresh skew: every call finds it due
    try {
      await using client = await new MCPServerStreamableHttp({
        params: { url: running.url },
        auth: oauth({ redirectUrl: REDIRECT, authorize: approve }),
      }).connect()
      await client.callTool('whoami', {})
      await client.callTool('whoami', {})
      expect(authorizeRequests()).toHaveLength(1)
      expect(as.grants()).toContain('refresh_token')
      expect(as.grants()[0]).toBe('authorization_code')
    } finally {
      as.settings.expiresIn = 3600
    }
  })

  it('concurrent first calls share one authorization', async () => {
    as.requests.length = 0
    await using client = new MCPServerStreamableHttp({
      params: { url: running.url },
      auth: oauth({ redirectUrl: REDIRECT, authorize: approve }),
      protocolEra: 'modern',
    })
    const results = await Promise.all(Array.from({ length: 8 }, () => client.callTool('whoami', {})))
    expect(results.every((r) => !r.isError)).toBe(true)
    expect(authorizeRequests()).toHaveLength(1)
    expect(as.grants()).toEqual(['authorization_code'])
  })

  it('client credentials with a pre-registered secret: no user, HTTP Basic, scopes as configured', async () => {
    as.requests.length = 0
    as.settings.secretClients.set('nightly-report', 's3cret:with/odd chars')
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      auth: oauth({
        clientId: 'nightly-report',
        clientSecret: 's3cret:with/odd chars',
        grantType: 'client_credentials',
        scope: 'crm.read crm.write',
      }),
    }).connect()
    expect((await client.callTool('update_deal', {})).content).toEqual([{ type: 'text', text: 'updated' }])
    expect(authorizeRequests()).toHaveLength(0)
    const token = as.requests.find((r) => r.path === '/token')!
    expect(token.authorization).toMatch(/^Basic /)
    expect(token.form.get('scope')).toBe('crm.read crm.write')
    expect(token.form.get('client_secret')).toBeNull()
    expect(as.requests.some((r) => r.path === '/register')).toBe(false)
  })

  it('a stored registration and token are reused by the next process: no new authorization', async () => {
    let saved: OAuthState | undefined
    const store = {
      load: () => saved,
      save: (state: OAuthState) => {
        saved = state
      },
    }
    {
      await using first = await new MCPServerStreamableHttp({
        params: { url: running.url },
        auth: oauth({ redirectUrl: REDIRECT, authorize: approve, store }),
      }).connect()
      await first.callTool('whoami', {})
    }
    as.requests.length = 0
    await using second = await new MCPServerStreamableHttp({
      params: { url: running.url },
      auth: oauth({ redirectUrl: REDIRECT, authorize: approve, store }),
    }).connect()
    await second.callTool('whoami', {})
    expect(as.requests).toEqual([])
  })

  it("a store holding another server's tokens or another client: neither is used here", async () => {
    as.requests.length = 0
    as.settings.secretClients.set('nightly-report', 's3cret:with/odd chars')
    let saved: OAuthState | undefined = {
      client: { clientId: 'registered-old', tokenEndpointAuthMethod: 'none' },
      tokens: { accessToken: 'token-for-elsewhere', resource: 'https://elsewhere.example.com/mcp' },
    }
    const store = {
      load: () => saved,
      save: (state: OAuthState) => {
        saved = state
      },
    }
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      auth: oauth({
        clientId: 'nightly-report',
        clientSecret: 's3cret:with/odd chars',
        grantType: 'client_credentials',
        store,
      }),
    }).connect()
    expect((await client.callTool('whoami', {})).content).toEqual([
      { type: 'text', text: 'user-of-nightly-report' },
    ])
    const token = as.requests.find((r) => r.path === '/token')!
    expect(Buffer.from(token.authorization!.slice(6), 'base64').toString()).toMatch(/^nightly-report:/)
    expect(saved?.resources?.[running.url]?.resource).toBe(running.url)
    // The other server's tokens are still there, and the configured secret is not persisted.
    expect(saved?.resources?.['https://elsewhere.example.com/mcp']?.accessToken).toBe('token-for-elsewhere')
    expect(JSON.stringify(saved)).not.toContain('s3cret')
  })

  it('without a way to ask the user, the error says what to configure', async () => {
    await using client = new MCPServerStreamableHttp({
      params: { url: running.url },
      auth: oauth(),
      maxRetryAttempts: 0,
    })
    const error = await client.connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(String(error)).toMatch(
      /needs a user to authorize this client: pass oauth\(\{ redirectUrl, authorize \}\)/,
    )
  })

  it('a refused client secret fails with the authorization server error, no retry loop', async () => {
    as.requests.length = 0
    await using client = new MCPServerStreamableHttp({
      params: { url: running.url },
      auth: oauth({ clientId: 'nightly-report', clientSecret: 'wrong', grantType: 'client_credentials' }),
      maxRetryAttempts: 0,
    })
    const error = await client.connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(String(error)).toMatch(
      /token endpoint refused the client_credentials grant \(HTTP 401\): invalid_client \(unknown client\)/,
    )
    expect(as.grants()).toEqual(['client_credentials'])
  })

  it('refuses resource metadata made out for another server, before any authorization', async () => {
    seen.length = 0
    const evil = await listen((req, res) => {
      if (req.url?.startsWith('/.well-known/oauth-protected-resource')) {
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end(
          JSON.stringify({
            resource: 'https://elsewhere.example.com/mcp',
            authorization_servers: [as.issuer],
          }),
        )
      }
      res
        .writeHead(401, { 'www-authenticate': 'Bearer realm="mcp"', 'content-type': 'application/json' })
        .end('{}')
    })
    try {
      await using client = new MCPServerStreamableHttp({
        params: { url: evil.url },
        auth: oauth({ redirectUrl: REDIRECT, authorize: approve }),
        maxRetryAttempts: 0,
      })
      const error = await client.connect().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(McpAuthError)
      expect(String(error)).toMatch(
        /metadata is for https:\/\/elsewhere\.example\.com\/mcp, not http:\/\/127\.0\.0\.1:\d+\/mcp/,
      )
      expect(seen).toEqual([])
    } finally {
      await evil.close()
    }
  })

  it('refuses authorization server metadata that names another issuer (mix-up)', async () => {
    seen.length = 0
    const impostor = await listen((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      if (req.url === '/.well-known/oauth-authorization-server')
        return res.end(
          JSON.stringify({ issuer: 'https://real-issuer.example.com', token_endpoint: `${as.issuer}/token` }),
        )
      res.end('{}')
    })
    const resourceServer = await listen((req, res) => {
      const origin = `http://${req.headers.host}`
      if (req.url?.startsWith('/.well-known/oauth-protected-resource')) {
        res.writeHead(200, { 'content-type': 'application/json' })
        return res.end(
          JSON.stringify({
            resource: `${origin}/mcp`,
            authorization_servers: [new URL(impostor.url).origin],
          }),
        )
      }
      res
        .writeHead(401, { 'www-authenticate': 'Bearer realm="mcp"', 'content-type': 'application/json' })
        .end('{}')
    })
    try {
      await using client = new MCPServerStreamableHttp({
        params: { url: resourceServer.url },
        auth: oauth({ redirectUrl: REDIRECT, authorize: approve }),
        maxRetryAttempts: 0,
      })
      await expect(client.connect()).rejects.toThrow(
        /names issuer https:\/\/real-issuer\.example\.com: refusing it/,
      )
      expect(seen).toEqual([])
    } finally {
      await resourceServer.close()
      await impostor.close()
    }
  })

  it('refuses an authorization response with the wrong state', async () => {
    await using client = new MCPServerStreamableHttp({
      params: { url: running.url },
      auth: oauth({
        redirectUrl: REDIRECT,
        authorize: async (url) => (await approve(url)).replace(/state=[^&]+/, 'state=forged'),
      }),
      maxRetryAttempts: 0,
    })
    await expect(client.connect()).rejects.toThrow(/wrong state/)
  })

  it('rejects bad options at construction, naming the option', () => {
    expect(() => oauth({ authorize: approve })).toThrow('oauth: "authorize" needs "redirectUrl"')
    expect(() => oauth({ redirectUrl: 'not a url', authorize: approve })).toThrow(
      'oauth: "redirectUrl" is not a valid URL',
    )
    expect(() => oauth({ clientSecret: 'x' })).toThrow('oauth: "clientSecret" needs "clientId"')
    expect(() =>
      oauth({ identityAssertion: { tokenEndpoint: 'nope', idToken: 't', clientId: 'c' } }),
    ).toThrow('oauth: "identityAssertion.tokenEndpoint" is not a valid URL')
  })
})

describe("oauth() helpers for programs on a user's machine", () => {
  it('loopbackAuthorization: opens the URL, catches the redirect on 127.0.0.1, answers the browser', async () => {
    const pages: string[] = []
    // The "browser": follows the authorization server's redirect to the loopback listener.
    const loopback = await loopbackAuthorization({
      open: async (url) => pages.push(await (await fetch(url)).text()),
    })
    try {
      expect(loopback.redirectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/)
      await using client = await new MCPServerStreamableHttp({
        params: { url: running.url },
        auth: oauth({ ...loopback }),
      }).connect()
      expect((await client.callTool('whoami', {})).isError).toBeFalsy()
      expect(pages).toEqual([expect.stringContaining('Authorized. You can close this tab.')])
      // Anything else reaching the listener is turned away.
      expect((await fetch(`${loopback.redirectUrl}?state=guess&code=x`)).status).toBe(404)
    } finally {
      await loopback.close()
    }
  })

  it('loopbackAuthorization: a user who never comes back is a clear error after the timeout', async () => {
    await using loopback = await loopbackAuthorization({ open: () => {}, timeoutSeconds: 0.2 })
    await using client = new MCPServerStreamableHttp({
      params: { url: running.url },
      auth: oauth(loopback),
      maxRetryAttempts: 0,
    })
    await expect(client.connect()).rejects.toThrow(
      /no authorization arrived at http:\/\/127\.0\.0\.1:\d+\/callback within 0\.2 s/,
    )
  })

  it('fileOAuthStore: a private file another process reuses; a corrupt one is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolwire-oauth-'))
    const path = join(dir, 'nested', 'crm.json')
    {
      await using first = await new MCPServerStreamableHttp({
        params: { url: running.url },
        auth: oauth({ redirectUrl: REDIRECT, authorize: approve, store: fileOAuthStore(path) }),
      }).connect()
      await first.callTool('whoami', {})
    }
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      clients: { [as.issuer]: { clientId: expect.any(String) } },
      resources: { [running.url]: { accessToken: expect.any(String) } },
    })
    as.requests.length = 0
    {
      await using second = await new MCPServerStreamableHttp({
        params: { url: running.url },
        auth: oauth({ redirectUrl: REDIRECT, authorize: approve, store: fileOAuthStore(path) }),
      }).connect()
      await second.callTool('whoami', {})
    }
    expect(as.requests).toEqual([])
    writeFileSync(path, 'not json')
    expect(() => fileOAuthStore(path).load()).toThrow(
      /crm\.json does not hold saved OAuth state \(not a JSON object\): delete it/,
    )
  })

  it('the CLI: --oauth-client-id + --oauth-client-secret-env (client credentials) and --oauth (browser, loopback)', async () => {
    as.settings.secretClients.set('cli-report', 'cli-secret')
    const dir = mkdtempSync(join(tmpdir(), 'toolwire-cli-oauth-'))
    const cc = await runCli(
      [
        'call',
        running.url,
        'update_deal',
        '--oauth-client-id',
        'cli-report',
        '--oauth-client-secret-env',
        'CRM_SECRET',
        '--oauth-store',
        join(dir, 'cc.json'),
      ],
      { CRM_SECRET: 'cli-secret' },
    )
    expect(cc).toMatchObject({ code: 0 })
    expect(cc.stdout.trim()).toBe('updated')
    // A "browser" ($BROWSER) that follows the authorization URL to the CLI's loopback listener.
    const browser = join(dir, 'browser.mjs')
    writeFileSync(browser, '#!/usr/bin/env node\nawait fetch(process.argv[2])\n')
    chmodSync(browser, 0o755)
    const code = await runCli(['call', running.url, 'whoami', '--oauth'], {
      BROWSER: browser,
      XDG_CONFIG_HOME: dir,
    })
    expect(code).toMatchObject({ code: 0 })
    expect(code.stdout.trim()).toMatch(/^user-of-registered-\d+$/)
    expect(code.stderr).toMatch(/Open this URL to authorize: http:\/\/127\.0\.0\.1:\d+\/authorize\?/)
    expect(
      statSync(
        join(dir, 'toolwire', 'oauth', `${encodeURIComponent(`${new URL(running.url).host}/mcp`)}.json`),
      ).isFile(),
    ).toBe(true)
    // Without credentials: the 401 comes with a hint naming the flags.
    const bare = await runCli(['tools', running.url])
    expect(bare.code).toBe(1)
    expect(bare.stderr).toMatch(
      /error: HTTP 401 .*\nhint: the server asks for a bearer token: --token-env VAR, --oauth \(authorize in a browser\)/,
    )
    const misuse = await runCli(['tools', running.url, '--oauth-client-secret-env', 'UNSET_VAR'])
    expect(misuse.code).toBe(2)
    expect(misuse.stderr).toMatch(
      /--oauth-client-secret-env UNSET_VAR: that environment variable is empty or unset/,
    )
  })
})

describe('interop: the official SDK v2 client authorizing against a toolwire server', () => {
  it('SDK v2 ClientCredentialsProvider: discovery from our 401 and resource metadata, token, tool call', async () => {
    as.requests.length = 0
    as.settings.secretClients.set('sdk-client', 'sdk-secret')
    const sdk = new SdkClient({ name: 'sdk-v2', version: '2' })
    const transport = new SdkTransport(new URL(running.url), {
      authProvider: new ClientCredentialsProvider({
        clientId: 'sdk-client',
        clientSecret: 'sdk-secret',
        scope: 'crm.read crm.write',
        expectedIssuer: as.issuer,
      }),
    })
    await sdk.connect(transport)
    try {
      const result = await sdk.callTool({ name: 'update_deal', arguments: {} })
      expect(result.content).toEqual([{ type: 'text', text: 'updated' }])
      const token = as.requests.find((r) => r.path === '/token')!
      expect(token.form.get('grant_type')).toBe('client_credentials')
      expect(token.form.get('resource')).toBe(running.url)
    } finally {
      await sdk.close()
    }
  })
})
