import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp, McpConnectionError, McpHttpError } from '../../src/client/index.js'
import { serve, ToolServer, ToolwireConfigError } from '../../src/server/index.js'
import { makeCerts, type TestCerts } from '../support/certs.js'

let certs: TestCerts
beforeAll(() => {
  certs = makeCerts()
})

const whoami = () =>
  new ToolServer({ name: 'tls' }).tool(
    'whoami',
    { input: z.object({}) },
    (_a, ctx) => ctx.identity?.subject ?? 'anonymous',
  )

describe('serve() over TLS', () => {
  it('serves HTTPS; with mTLS the client certificate is the identity', async () => {
    await using running = await serve(whoami(), {
      port: 0,
      tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca, requestCert: true },
      auth: { mtls: true },
    })
    expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/mcp$/)
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      tls: { cert: certs.clientCert, key: certs.clientKey, ca: certs.ca },
    }).connect()
    expect((await client.callTool('whoami')).content).toEqual([{ type: 'text', text: 'agent-42' }])
    // Without a client certificate the handshake itself is refused.
    const refused = await new MCPServerStreamableHttp({
      params: { url: running.url },
      tls: { ca: certs.ca },
      maxRetryAttempts: 0,
    })
      .connect()
      .catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(McpConnectionError)
  })

  it('with optional client certificates, auth: { mtls } answers 401 to a client without one', async () => {
    await using running = await serve(whoami(), {
      port: 0,
      tls: {
        cert: certs.serverCert,
        key: certs.serverKey,
        ca: certs.ca,
        requestCert: true,
        rejectUnauthorized: false,
      },
      auth: { mtls: true },
    })
    const error = await new MCPServerStreamableHttp({
      params: { url: running.url },
      tls: { ca: certs.ca },
      maxRetryAttempts: 0,
    })
      .connect()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(McpHttpError)
    expect(error).toMatchObject({ status: 401 })
  })

  it('plain HTTPS without client certificates', async () => {
    await using running = await serve(whoami(), {
      port: 0,
      tls: { cert: certs.serverCert, key: certs.serverKey },
    })
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url },
      tls: { ca: certs.ca },
    }).connect()
    expect((await client.callTool('whoami')).content).toEqual([{ type: 'text', text: 'anonymous' }])
    await expect(serve(whoami(), { port: 0, tls: { cert: certs.serverCert } as never })).rejects.toThrow(
      ToolwireConfigError,
    )
  })
})
