/**
 * DNS rebinding: a loopback server answers only loopback `Host` names unless `allowedHosts`
 * says otherwise, and security metadata is built from the configured public URL, never from
 * request headers.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportSPKI, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { serve, serveOptionsFromEnv } from '../../src/server/index.js'
import { echoServer } from '../support/echo-server.js'
import { modern, send } from '../support/raw.js'

const list = () => modern('tools/list')
const withHost = (host: string, extra: Record<string, string> = {}) => {
  const req = list()
  return { ...req, headers: { ...req.headers, host, ...extra } }
}

describe('Host check', () => {
  it('a loopback bind answers loopback names only (any port), 421 for others', async () => {
    await using running = await serve(echoServer(), { port: 0 })
    for (const host of [
      `localhost:${running.port}`,
      `127.0.0.1:${running.port}`,
      'LOCALHOST',
      `[::1]:${running.port}`,
    ]) {
      expect((await send(running.url, withHost(host))).status).toBe(200)
    }
    for (const host of [
      'evil.example',
      `evil.example:${running.port}`,
      'localhost.evil.example',
      '127.0.0.1.nip.io',
    ]) {
      const refused = await send(running.url, withHost(host))
      expect(refused.status).toBe(421)
      expect(refused.json.error).toMatchObject({
        code: -32600,
        message: expect.stringMatching(/Host .* is not served here \(allowedHosts, TOOLWIRE_ALLOWED_HOSTS\)/),
      })
    }
  })

  it('allowedHosts lists the names answered; * answers any', async () => {
    await using named = await serve(echoServer(), { port: 0, allowedHosts: ['mcp.example.com', 'localhost'] })
    expect((await send(named.url, withHost('mcp.example.com'))).status).toBe(200)
    expect((await send(named.url, withHost('MCP.example.com:8443'))).status).toBe(200)
    expect((await send(named.url, withHost(`localhost:${named.port}`))).status).toBe(200)
    expect((await send(named.url, withHost(`127.0.0.1:${named.port}`))).status).toBe(421)
    await using any = await serve(echoServer(), { port: 0, allowedHosts: ['*'] })
    expect((await send(any.url, withHost('whatever.example'))).status).toBe(200)
    expect(serveOptionsFromEnv({ TOOLWIRE_ALLOWED_HOSTS: 'a.example, b.example:8443' }).allowedHosts).toEqual(
      ['a.example', 'b.example:8443'],
    )
  })
})

describe('public URL of the security metadata', () => {
  const ISSUER = 'https://auth.example.test'
  const jwtAuth = async () => {
    const pair = await generateKeyPair('ES256', { extractable: true })
    return { jwt: { publicKey: await exportSPKI(pair.publicKey), issuer: ISSUER, audience: 'x' } }
  }

  it('challenges and metadata name the configured publicUrl, whatever Host and X-Forwarded-* say', async () => {
    await using running = await serve(echoServer(), {
      port: 0,
      auth: await jwtAuth(),
      publicUrl: 'https://mcp.example.com/crm/mcp',
      allowedHosts: ['*'],
    })
    const forged = { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' }
    const challenged = await send(running.url, withHost('evil.example', forged))
    expect(challenged.status).toBe(401)
    expect(challenged.headers['www-authenticate']).toBe(
      'Bearer realm="mcp", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"',
    )
    for (const path of [
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/crm/mcp',
    ]) {
      const metadata = await send(running.url.replace('/mcp', path), {
        method: 'GET',
        headers: { host: 'evil.example', ...forged },
      })
      expect(metadata.json).toMatchObject({
        resource: 'https://mcp.example.com/crm/mcp',
        authorization_servers: [ISSUER],
      })
    }
  })

  it('defaults to the bound address; a wildcard bind needs publicUrl (or TOOLWIRE_PUBLIC_URL)', async () => {
    await using running = await serve(echoServer(), { port: 0, auth: await jwtAuth() })
    const metadata = await send(running.url.replace('/mcp', '/.well-known/oauth-protected-resource'), {
      method: 'GET',
      headers: { host: 'evil.example' },
    })
    expect(metadata.json).toMatchObject({ resource: running.url })
    await expect(
      serve(echoServer(), { port: 0, host: '0.0.0.0', auth: await jwtAuth(), env: false }),
    ).rejects.toThrow(
      'option "publicUrl" (or TOOLWIRE_PUBLIC_URL) is required with auth.jwt or auth.introspection when listening on 0.0.0.0',
    )
    expect(serveOptionsFromEnv({ TOOLWIRE_PUBLIC_URL: 'https://mcp.example.com/mcp' }).publicUrl).toBe(
      'https://mcp.example.com/mcp',
    )
    expect(() => serveOptionsFromEnv({ TOOLWIRE_PUBLIC_URL: 'mcp.example.com' })).toThrow(
      'environment variable TOOLWIRE_PUBLIC_URL must be an absolute http(s) URL',
    )
  })

  it('handler() without publicUrl challenges without resource_metadata', async () => {
    const handler = echoServer().handler({ auth: await jwtAuth() })
    const http = createServer(handler)
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`
      const res = await send(url, withHost('evil.example', {}))
      expect(res.status).toBe(421)
      const local = await send(url, list())
      expect(local.status).toBe(401)
      expect(local.headers['www-authenticate']).toBe('Bearer realm="mcp"')
    } finally {
      handler.close()
      await new Promise((resolve) => http.close(resolve))
    }
  })
})
