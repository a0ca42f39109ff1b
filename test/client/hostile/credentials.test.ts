/**
 * Hostile resource and authorization servers against the client's credentials, items 1–4, 11
 * and the OAuth parts of 12 of issue 21: a token goes only to the resource it was issued for,
 * secrets only to their authorization server, only safe URLs are used or opened, the tool-list
 * cache never crosses credentials, stores and answers of the wrong shape or size are refused.
 */

import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { browserCommand } from '../../../src/client/auth/oauth/browser-opener.js'
import {
  fileOAuthStore,
  loopbackAuthorization,
  MCPServerStreamableHttp,
  McpAuthError,
  oauth,
  ToolListCache,
  ToolwireConfigError,
} from '../../../src/client/index.js'
import { type RunningServer, serve, ToolServer } from '../../../src/server/index.js'
import { startAuthorizationServer, type TestAuthorizationServer } from '../../support/authorization-server.js'
import { startHostileServer } from '../../support/hostile-server.js'
import { listen, type TestHttpServer } from '../../support/sdk-servers.js'

const REDIRECT = 'http://127.0.0.1:8976/callback'
const MIB = 1024 * 1024

let as: TestAuthorizationServer
const resources: Record<'a' | 'b', { running: RunningServer; tokens: string[] }> = {} as never

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

/** A toolwire server in JWT mode whose audience is its own URL; records the bearer tokens it gets. */
async function resourceServer(name: string) {
  const port = await freePort()
  const running = await serve(
    new ToolServer({ name }).tool(
      'whoami',
      { input: z.object({}) },
      (_a, ctx) => ctx.identity?.subject ?? '-',
    ),
    {
      port,
      env: false,
      auth: { jwt: { jwksUrl: as.jwksUrl, issuer: as.issuer, audience: `http://127.0.0.1:${port}/mcp` } },
    },
  )
  const tokens: string[] = []
  running.httpServer.prependListener('request', (req) => {
    const header = req.headers.authorization
    if (header?.startsWith('Bearer ')) tokens.push(header.slice(7))
  })
  return { running, tokens }
}

const audienceOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).aud

/** A resource server that challenges every request and names `issuer` as its authorization server. */
async function challengingResource(issuer: string): Promise<TestHttpServer> {
  return listen((req, res) => {
    if (req.url?.startsWith('/.well-known/oauth-protected-resource')) {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(
        JSON.stringify({ resource: `http://${req.headers.host}/mcp`, authorization_servers: [issuer] }),
      )
    }
    res
      .writeHead(401, { 'www-authenticate': 'Bearer realm="mcp"', 'content-type': 'application/json' })
      .end('{}')
  })
}

/** A malicious authorization server: `metadata(issuer)` is what it publishes; it records every request. */
async function maliciousAuthorizationServer(
  metadata: (issuer: string) => unknown,
  options: {
    host?: string
    onRequest?: (path: string, res: import('node:http').ServerResponse) => boolean
  } = {},
) {
  const requests: Array<{ path: string; authorization: string | undefined; body: string }> = []
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
    requests.push({
      path: req.url ?? '',
      authorization: req.headers.authorization,
      body: Buffer.concat(chunks).toString(),
    })
    if (options.onRequest?.(req.url ?? '', res)) return
    if (req.url?.startsWith('/.well-known/')) {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify(metadata(issuer)))
    }
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_request"}')
  })
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve))
  const issuer = `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  return { issuer, requests, bytesWritten: () => 0, close, [Symbol.asyncDispose]: close, server }
}

const goodMetadata = (issuer: string) => ({
  issuer,
  authorization_endpoint: `${issuer}/authorize`,
  token_endpoint: `${issuer}/token`,
  registration_endpoint: `${issuer}/register`,
  response_types_supported: ['code'],
  code_challenge_methods_supported: ['S256'],
})

beforeAll(async () => {
  as = await startAuthorizationServer()
  as.settings.secretClients.set('shared-agent', 'shared-secret')
  resources.a = await resourceServer('a')
  resources.b = await resourceServer('b')
})
afterAll(async () => {
  await resources.a?.running.close()
  await resources.b?.running.close()
  await as?.close()
})

describe('1: a token is only ever sent to the resource it was issued for', () => {
  it('one oauth() provider shared by clients of two servers: each server only ever sees its own tokens', async () => {
    const provider = oauth({
      clientId: 'shared-agent',
      clientSecret: 'shared-secret',
      grantType: 'client_credentials',
    })
    await using a = new MCPServerStreamableHttp({ params: { url: resources.a.running.url }, auth: provider })
    await using b = new MCPServerStreamableHttp({ params: { url: resources.b.running.url }, auth: provider })
    for (let i = 0; i < 3; i++) {
      expect((await a.callTool('whoami', {})).isError).toBeFalsy()
      expect((await b.callTool('whoami', {})).isError).toBeFalsy()
    }
    expect(resources.a.tokens.length).toBeGreaterThan(0)
    expect(resources.b.tokens.length).toBeGreaterThan(0)
    expect(new Set(resources.a.tokens.map(audienceOf))).toEqual(new Set([resources.a.running.url]))
    expect(new Set(resources.b.tokens.map(audienceOf))).toEqual(new Set([resources.b.running.url]))
  })

  it('two providers writing one fileOAuthStore: the file keeps every resource', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'toolwire-hostile-')), 'oauth.json')
    const provider = () =>
      oauth({
        clientId: 'shared-agent',
        clientSecret: 'shared-secret',
        grantType: 'client_credentials',
        store: fileOAuthStore(path),
      })
    await using a = new MCPServerStreamableHttp({
      params: { url: resources.a.running.url },
      auth: provider(),
    })
    await using b = new MCPServerStreamableHttp({
      params: { url: resources.b.running.url },
      auth: provider(),
    })
    await a.callTool('whoami', {})
    await b.callTool('whoami', {})
    await a.callTool('whoami', {})
    const saved = JSON.parse(readFileSync(path, 'utf8'))
    expect(Object.keys(saved.resources).sort()).toEqual(
      [resources.a.running.url, resources.b.running.url].sort(),
    )
    expect(audienceOf(saved.resources[resources.a.running.url].accessToken)).toBe(resources.a.running.url)
    // The configured secret is configuration, not state: it is not written to disk.
    expect(readFileSync(path, 'utf8')).not.toContain('shared-secret')
  })
})

describe('2: OAuth endpoints are checked, secrets bound to their issuer, only web URLs opened', () => {
  it.each([
    [
      'a token endpoint on plain http off loopback',
      { token_endpoint: 'http://as.example.invalid/token' },
      'token endpoint',
    ],
    [
      'a registration endpoint on plain http off loopback',
      { registration_endpoint: 'http://as.example.invalid/register' },
      'registration endpoint',
    ],
    [
      'an authorization endpoint file:///etc/passwd',
      { authorization_endpoint: 'file:///etc/passwd' },
      'authorization endpoint',
    ],
    [
      'an authorization endpoint javascript:',
      { authorization_endpoint: 'javascript:alert(1)' },
      'authorization endpoint',
    ],
    [
      'an authorization endpoint ms-msdt:',
      { authorization_endpoint: 'ms-msdt:/id PCWDiagnostic' },
      'authorization endpoint',
    ],
  ])('%s is refused before the user is sent anywhere', async (_case, override, what) => {
    await using evil = await maliciousAuthorizationServer((issuer) => ({
      ...goodMetadata(issuer),
      ...override,
    }))
    await using resource = await challengingResource(evil.issuer)
    const opened: URL[] = []
    await using client = new MCPServerStreamableHttp({
      params: { url: resource.url },
      auth: oauth({
        redirectUrl: REDIRECT,
        authorize: async (url) => {
          opened.push(url)
          return ''
        },
      }),
      maxRetryAttempts: 0,
    })
    const error = await client.connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(String(error)).toContain(`the ${what} `)
    expect(String(error)).toMatch(/is plain http on a non-loopback host|is not an https URL/)
    expect(opened).toEqual([])
    expect(evil.requests.map((r) => r.path).filter((p) => !p.startsWith('/.well-known/'))).toEqual([])
  })

  it('allowInsecureHttp lifts the https rule (development networks)', async () => {
    await using evil = await maliciousAuthorizationServer((issuer) => ({
      ...goodMetadata(issuer),
      token_endpoint: 'http://as.example.invalid/token',
    }))
    await using resource = await challengingResource(evil.issuer)
    await using client = new MCPServerStreamableHttp({
      params: { url: resource.url },
      auth: oauth({
        clientName: 'x',
        allowInsecureHttp: true,
        redirectUrl: REDIRECT,
        authorize: async () => '',
      }),
      maxRetryAttempts: 0,
    })
    // Past the endpoint check: registration is attempted (and refused by this server).
    await expect(client.connect()).rejects.toThrow(/client registration/)
    expect(evil.requests.map((r) => r.path)).toContain('/register')
  })

  it('a pre-registered secret never goes to an authorization server on another host, nor to one that is not expectedIssuer', async () => {
    await using evil = await maliciousAuthorizationServer(goodMetadata, { host: '127.0.0.2' })
    await using resource = await challengingResource(evil.issuer)
    for (const options of [{}, { expectedIssuer: as.issuer }]) {
      await using client = new MCPServerStreamableHttp({
        params: { url: resource.url },
        auth: oauth({
          clientId: 'shared-agent',
          clientSecret: 'shared-secret',
          grantType: 'client_credentials',
          ...options,
        }),
        maxRetryAttempts: 0,
      })
      const error = await client.connect().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(McpAuthError)
      expect(String(error)).toMatch(
        'expectedIssuer' in options ? /not the expectedIssuer/ : /on another host than the MCP server/,
      )
    }
    expect(evil.requests.filter((r) => r.path === '/token')).toEqual([])
    expect(evil.requests.some((r) => r.authorization !== undefined || r.body.includes('shared-secret'))).toBe(
      false,
    )
    // Naming it as expectedIssuer is how a user says "yes, that one".
    await using trusting = new MCPServerStreamableHttp({
      params: { url: resource.url },
      auth: oauth({
        clientId: 'shared-agent',
        clientSecret: 'shared-secret',
        grantType: 'client_credentials',
        expectedIssuer: evil.issuer,
      }),
      maxRetryAttempts: 0,
    })
    await expect(trusting.connect()).rejects.toThrow(/token endpoint refused/)
    expect(evil.requests.filter((r) => r.path === '/token')).toHaveLength(1)
  })

  it('loopbackAuthorization opens only http(s) URLs, and never through a shell', async () => {
    const opened: URL[] = []
    await using loopback = await loopbackAuthorization({ open: (url) => opened.push(url) })
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ms-msdt:/id PCWDiagnostic']) {
      await expect(loopback.authorize(new URL(url), {})).rejects.toThrow(McpAuthError)
    }
    expect(opened).toEqual([])
    const tricky = new URL('https://as.example.com/authorize?a=1&calc.exe&b="x"')
    expect(browserCommand(tricky, { env: {}, platform: 'win32' })).toEqual([
      'rundll32.exe',
      ['url.dll,FileProtocolHandler', tricky.href],
    ])
    expect(() => browserCommand(new URL('file:///etc/passwd'), { env: {}, platform: 'linux' })).toThrow(
      McpAuthError,
    )
  })

  it('configured endpoints are checked at construction', () => {
    expect(() => oauth({ clientMetadataUrl: 'http://example.com/client.json' })).toThrow(ToolwireConfigError)
    expect(() =>
      oauth({
        identityAssertion: { tokenEndpoint: 'http://idp.example.com/token', idToken: 't', clientId: 'c' },
      }),
    ).toThrow(/identityAssertion.tokenEndpoint.*non-loopback/)
  })
})

describe("3: the tool-list cache never serves one credential holder another one's list", () => {
  it.each([
    ['X-API-Key', (who: string) => ({ params: { headers: { 'X-API-Key': who } } })],
    ['Cookie', (who: string) => ({ params: { headers: { Cookie: `session=${who}` } } })],
    ['a ?tenant= query', (who: string) => ({ query: `?tenant=${who}` })],
  ])('partitioned by %s', async (_what, credentials) => {
    await using server = await startHostileServer()
    server.behave.set('tools/list', (x) => {
      const who = String(x.req.headers['x-api-key'] ?? x.req.headers.cookie ?? x.req.url).replace(/.*[=]/, '')
      x.json(
        x.result({
          tools: [{ name: `private_to_${who}`, inputSchema: { type: 'object' } }],
          cacheScope: 'private',
        }),
      )
    })
    const cache = new ToolListCache()
    const clientOf = (who: string) => {
      const { params = {}, query = '' } = credentials(who) as {
        params?: { headers?: Record<string, string> }
        query?: string
      }
      return new MCPServerStreamableHttp({
        params: { url: `${server.url}${query}`, ...params },
        cacheToolsList: true,
        toolListCache: cache,
      })
    }
    await using x = clientOf('x')
    await using y = clientOf('y')
    expect((await x.listTools()).map((t) => t.name)).toEqual(['private_to_x'])
    expect((await y.listTools()).map((t) => t.name)).toEqual(['private_to_y'])
    expect(server.hits.get('tools/list')).toBe(2)
    // The same holder is served from the cache.
    expect((await x.listTools()).map((t) => t.name)).toEqual(['private_to_x'])
    expect(server.hits.get('tools/list')).toBe(2)
  })

  it('is bounded: rotating credentials leave at most maxEntries lists behind', async () => {
    await using server = await startHostileServer()
    const cache = new ToolListCache({ maxEntries: 3 })
    for (let i = 0; i < 20; i++) {
      await using client = new MCPServerStreamableHttp({
        params: { url: server.url },
        auth: () => `rotated-${i}`,
        cacheToolsList: true,
        toolListCache: cache,
      })
      await client.listTools()
    }
    expect(cache.size).toBe(3)
    expect(() => new ToolListCache({ maxEntries: 0 })).toThrow(ToolwireConfigError)
  })
})

describe('4: a store of the wrong shape is reported and ignored; the file store cannot be redirected', () => {
  it.each([
    ['tokens of the wrong type', { resources: { URL: { accessToken: 123, refreshToken: ['x'] } } }],
    ['the earlier layout with a numeric token', { tokens: { accessToken: 42, resource: 'URL' } }],
    ['not an object at all', 'garbage'],
  ])('%s: a warning, then a fresh authorization', async (_case, stored) => {
    const url = resources.a.running.url
    const warnings: string[] = []
    const state = JSON.parse(JSON.stringify(stored).replaceAll('URL', url))
    await using client = new MCPServerStreamableHttp({
      params: { url },
      auth: oauth({
        clientId: 'shared-agent',
        clientSecret: 'shared-secret',
        grantType: 'client_credentials',
        store: { load: () => state, save: () => {} },
        onWarning: (w) => warnings.push(w),
      }),
    })
    expect((await client.callTool('whoami', {})).isError).toBeFalsy()
    expect((await client.callTool('whoami', {})).isError).toBeFalsy()
    expect(warnings.length).toBeGreaterThan(0)
    expect(warnings.every((w) => /malformed|not an object/.test(w))).toBe(true)
  })

  it('a store that cannot be read is reported once, and authorization goes on', async () => {
    const warnings: string[] = []
    await using client = new MCPServerStreamableHttp({
      params: { url: resources.a.running.url },
      auth: oauth({
        clientId: 'shared-agent',
        clientSecret: 'shared-secret',
        grantType: 'client_credentials',
        store: fileOAuthStore(
          (() => {
            const path = join(mkdtempSync(join(tmpdir(), 'toolwire-hostile-')), 'oauth.json')
            writeFileSync(path, 'not json')
            return path
          })(),
        ),
        onWarning: (w) => warnings.push(w),
      }),
    })
    expect((await client.callTool('whoami', {})).isError).toBeFalsy()
    expect(warnings).toEqual([
      expect.stringMatching(/^the OAuth store could not be read, starting without saved state/),
    ])
  })

  it('a symlink planted at the store path is replaced, never written through; no temporary file is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolwire-hostile-'))
    const victim = join(dir, 'victim.txt')
    writeFileSync(victim, 'precious')
    const path = join(dir, 'oauth.json')
    symlinkSync(victim, path)
    await using client = new MCPServerStreamableHttp({
      params: { url: resources.b.running.url },
      auth: oauth({
        clientId: 'shared-agent',
        clientSecret: 'shared-secret',
        grantType: 'client_credentials',
        store: fileOAuthStore(path),
        onWarning: () => {},
      }),
    })
    await client.callTool('whoami', {})
    expect(readFileSync(victim, 'utf8')).toBe('precious')
    expect(lstatSync(path).isSymbolicLink()).toBe(false)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readdirSync(dir).sort()).toEqual(['oauth.json', 'victim.txt'])
  })
})

describe('11: OAuth answers are bounded in size', () => {
  it.each([
    ['streamed without a length', false],
    ['declaring a 256 MiB length', true],
  ])('metadata of 256 MiB %s is refused after at most 1 MiB', async (_case, declared) => {
    let served = 0
    await using evil = await maliciousAuthorizationServer(goodMetadata, {
      onRequest: (path, res) => {
        if (!path.startsWith('/.well-known/')) return false
        res.writeHead(200, {
          'content-type': 'application/json',
          ...(declared ? { 'content-length': String(256 * MIB) } : {}),
        })
        const chunk = `{"pad":"${'x'.repeat(64 * 1024)}`
        const pump = () => {
          while (served < 256 * MIB && !res.destroyed) {
            served += chunk.length
            if (!res.write(chunk)) return void res.once('drain', pump)
          }
        }
        pump()
        return true
      },
    })
    await using resource = await challengingResource(evil.issuer)
    await using client = new MCPServerStreamableHttp({
      params: { url: resource.url },
      auth: oauth({ redirectUrl: REDIRECT, authorize: async () => '' }),
      maxRetryAttempts: 0,
    })
    const error = await client.connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(String(error)).toContain('exceeds 1048576 bytes')
    expect(served).toBeLessThan(16 * MIB)
  })
})

describe('12: OAuth answers of the wrong shape', () => {
  it.each([
    ['no issuer', (issuer: string) => ({ ...goodMetadata(issuer), issuer: undefined }), 'names no issuer'],
    ['a numeric issuer', (issuer: string) => ({ ...goodMetadata(issuer), issuer: 42 }), 'names no issuer'],
  ])('authorization server metadata with %s is refused', async (_case, metadata, message) => {
    await using evil = await maliciousAuthorizationServer(metadata)
    await using resource = await challengingResource(evil.issuer)
    await using client = new MCPServerStreamableHttp({
      params: { url: resource.url },
      auth: oauth({ redirectUrl: REDIRECT, authorize: async () => '' }),
      maxRetryAttempts: 0,
    })
    await expect(client.connect()).rejects.toThrow(message)
  })

  it.each([
    ['an empty client_id', ''],
    ['a 10 kB client_id', 'x'.repeat(10_000)],
    ['a client_id with control characters', 'id\u001b[31m'],
  ])('a registration answering %s is refused', async (_case, clientId) => {
    await using evil = await maliciousAuthorizationServer(goodMetadata, {
      onRequest: (path, res) => {
        if (path !== '/register') return false
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ client_id: clientId }))
        return true
      },
    })
    await using resource = await challengingResource(evil.issuer)
    const opened: URL[] = []
    await using client = new MCPServerStreamableHttp({
      params: { url: resource.url },
      auth: oauth({
        redirectUrl: REDIRECT,
        authorize: async (url) => {
          opened.push(url)
          return ''
        },
      }),
      maxRetryAttempts: 0,
    })
    const error = await client.connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(String(error)).toContain('the client registration answered no usable client_id')
    expect(opened).toEqual([])
  })

  it('an error on the redirect is read only when its state is ours, and its description made printable', async () => {
    const attempt = async (back: (url: URL) => string) => {
      await using client = new MCPServerStreamableHttp({
        params: { url: resources.a.running.url },
        auth: oauth({ redirectUrl: REDIRECT, authorize: async (url) => back(url) }),
        maxRetryAttempts: 0,
      })
      return client.connect().catch((e: unknown) => e)
    }
    const forged = await attempt(
      () => `${REDIRECT}?state=forged&error=access_denied&error_description=%1B%5B31mEVIL`,
    )
    expect(String(forged)).toContain('the authorization response carries the wrong state')
    expect(String(forged)).not.toContain('EVIL')
    const refused = await attempt(
      (url) =>
        `${REDIRECT}?state=${url.searchParams.get('state')}&error=access_denied&error_description=%1B%5B31mEVIL`,
    )
    expect(refused).toBeInstanceOf(McpAuthError)
    expect(String(refused)).toContain('the authorization was refused: access_denied (\\u{1b}[31mEVIL)')
    expect(String(refused)).not.toContain('\u001b')
  })
})
