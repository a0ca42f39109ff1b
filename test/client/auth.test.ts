import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { clientCredentials, MCPServerStreamableHttp, McpAuthError } from '../../src/client/index.js'
import { type FaultServer, startFaultServer } from '../support/fault-server.js'
import { startTokenServer, type TokenServer } from '../support/token-server.js'

const SECRET = 's3cret-value'

describe.each(['modern', 'legacy'] as const)('bearer tokens against a %s-era server', (era) => {
  let server: FaultServer
  beforeEach(async () => {
    server = await startFaultServer({ era })
  })
  afterEach(() => server.close())

  it('sends the current token on every request, refreshes once on 401 and repeats the call', async () => {
    let n = 0
    const auth = async () => `token-${++n}`
    await using client = new MCPServerStreamableHttp({
      params: { url: server.url },
      auth,
      maxRetryAttempts: 0,
    })
    let refreshes = 0
    client.on('tokenRefresh', () => refreshes++)
    await client.connect()
    await client.listTools()
    server.faults.set('tools/call', { kind: 'status', status: 401, times: 1 })
    const result = await client.callTool('create_order')
    expect(result.content).toEqual([{ type: 'text', text: 'ok create_order' }])
    // A 401 means the server did not run the call: the non-idempotent tool ran exactly once.
    expect(server.executions.get('create_order')).toBe(1)
    expect(refreshes).toBe(2)
    const calls = server.requests.filter((r) => r.method === 'tools/call').map((r) => r.headers.authorization)
    expect(calls).toEqual(['Bearer token-1', 'Bearer token-2'])
    expect(server.requests.every((r) => r.headers.authorization?.startsWith('Bearer token-'))).toBe(true)
  })

  it('a token refused again after the refresh is an McpAuthError', async () => {
    await using client = await new MCPServerStreamableHttp({
      params: { url: server.url },
      auth: () => 'never-good',
    }).connect()
    server.faults.set('tools/call', { kind: 'status', status: 401 })
    const error = await client.callTool('echo').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(String(error)).toContain('even after refreshing it')
    expect(String(error)).not.toContain('never-good')
    expect(server.hits.get('tools/call')).toBe(2)
  })

  it('refreshes a token ahead of its known expiry', async () => {
    let n = 0
    const auth = { getToken: async () => ({ token: `short-${++n}`, expiresAt: Date.now() + 20_000 }) }
    await using client = await new MCPServerStreamableHttp({
      params: { url: server.url },
      auth,
      tokenRefreshSkewSeconds: 30,
    }).connect()
    await client.callTool('echo')
    // Every token expires within the skew: each request gets a fresh one.
    expect(n).toBeGreaterThanOrEqual(2)
  })
})

describe('clientCredentials()', () => {
  let tokens: TokenServer
  let server: FaultServer
  beforeEach(async () => {
    tokens = await startTokenServer({ id: 'agent', secret: SECRET })
    server = await startFaultServer()
  })
  afterEach(async () => {
    await tokens.close()
    await server.close()
  })

  it('100 concurrent callers cause one token request; the token is cached', async () => {
    tokens.delayMs = 50
    const auth = clientCredentials({
      tokenUrl: tokens.url,
      clientId: 'agent',
      clientSecret: SECRET,
      scope: 'crm.read',
      audience: server.url,
    })
    const client = () => new MCPServerStreamableHttp({ params: { url: server.url }, auth })
    await using a = client()
    await using b = client()
    await using c = client()
    await using d = client()
    const clients = [a, b, c, d]
    await Promise.all(Array.from({ length: 100 }, (_, i) => clients[i % 4]!.callTool('echo')))
    expect(tokens.requests).toHaveLength(1)
    const [request] = tokens.requests
    expect(request!.authorization).toBe(`Basic ${Buffer.from(`agent:${SECRET}`).toString('base64')}`)
    expect(Object.fromEntries(request!.form)).toEqual({
      grant_type: 'client_credentials',
      scope: 'crm.read',
      audience: server.url,
      resource: server.url,
    })
    expect(new Set(server.requests.map((r) => r.headers.authorization))).toEqual(new Set(['Bearer tok-1']))
  })

  it('refreshes when the token is about to expire, and after a 401', async () => {
    tokens.expiresIn = 10 // inside the 30 s skew: refreshed on every use
    const auth = clientCredentials({
      tokenUrl: tokens.url,
      clientId: 'agent',
      clientSecret: SECRET,
      authMethod: 'post',
    })
    await using client = await new MCPServerStreamableHttp({ params: { url: server.url }, auth }).connect()
    await client.callTool('echo')
    expect(tokens.requests.length).toBeGreaterThanOrEqual(2)
    expect(tokens.requests[0]!.form.get('client_secret')).toBe(SECRET)
    tokens.expiresIn = 3600
    await client.callTool('echo')
    const before = tokens.requests.length
    server.faults.set('tools/call', { kind: 'status', status: 401, times: 1 })
    await client.callTool('echo')
    expect(tokens.requests.length).toBe(before + 1)
  })

  it('reports token endpoint errors clearly, without the secret', async () => {
    const auth = clientCredentials({ tokenUrl: tokens.url, clientId: 'agent', clientSecret: 'wrong' })
    await using client = new MCPServerStreamableHttp({ params: { url: server.url }, auth })
    const error = await client.connect().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpAuthError)
    expect(String(error)).toContain(
      'the token endpoint refused the client_credentials grant (HTTP 401): invalid_client (Client authentication failed)',
    )
    expect(String(error)).not.toContain('wrong')
    expect(server.hits.size).toBe(0)
    expect(() => clientCredentials({ tokenUrl: 'nope', clientId: 'a', clientSecret: 'b' })).toThrow(
      'option "tokenUrl" is not a valid URL',
    )
  })
})
