import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import type { Dispatcher } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acquireDispatcher } from '../../src/client/connection-pools.js'
import { MCPServerStreamableHttp, McpConnectionError } from '../../src/client/index.js'
import { makeCerts, type TestCerts } from '../support/certs.js'
import { echoServer } from '../support/echo-server.js'
import { listen } from '../support/sdk-servers.js'

let certs: TestCerts
let url: string
const peers: string[] = []
let server: ReturnType<typeof createServer>

beforeAll(async () => {
  certs = makeCerts()
  const handler = echoServer().handler()
  server = createServer(
    {
      key: certs.serverKey,
      cert: certs.serverCert,
      ca: certs.ca,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      peers.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN))
      handler(req, res)
    },
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`
})
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
)

describe('mTLS', () => {
  it('presents the client certificate and verifies the server against the given CA', async () => {
    await using client = await new MCPServerStreamableHttp({
      params: { url },
      tls: { cert: certs.clientCert, key: certs.clientKey, ca: certs.ca },
    }).connect()
    expect((await client.callTool('echo', { text: 'over mTLS' })).content).toEqual([
      { type: 'text', text: 'over mTLS' },
    ])
    expect(peers.at(-1)).toBe('agent-42')
  })

  it('fails with a connection error without a client certificate, or without trusting the CA', async () => {
    for (const tls of [{ ca: certs.ca }, { cert: certs.clientCert, key: certs.clientKey }]) {
      await using client = new MCPServerStreamableHttp({ params: { url }, tls, maxRetryAttempts: 0 })
      const error = await client.connect().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(McpConnectionError)
    }
  })
})

describe('shared connection pools', () => {
  it('clients with the same settings share one keep-alive pool, closed with its last client', async () => {
    await using plain = await listen((_req, res) => res.end('ok'))
    const origin = new URL(plain.url).origin
    const get = (dispatcher: Dispatcher) =>
      dispatcher.request({ origin, path: '/', method: 'GET' }).then(async (res) => res.body.text())
    const settings = { connectTimeoutSeconds: 5, maxConnections: 10, tls: undefined }
    const a = acquireDispatcher(settings)
    const b = acquireDispatcher({ ...settings })
    const other = acquireDispatcher({ ...settings, maxConnections: 11 })
    expect(a.dispatcher).toBe(b.dispatcher)
    expect(other.dispatcher).not.toBe(a.dispatcher)
    await a.release()
    // Still serving b.
    expect(await get(b.dispatcher)).toBe('ok')
    await b.release()
    // Closed with its last client: no request goes out through it any more.
    await expect(get(a.dispatcher)).rejects.toMatchObject({ code: 'UND_ERR_DESTROYED' })
    expect(await get(other.dispatcher)).toBe('ok')
    await other.release()
    // A new acquisition gets a fresh pool.
    const fresh = acquireDispatcher(settings)
    expect(fresh.dispatcher).not.toBe(a.dispatcher)
    expect(await get(fresh.dispatcher)).toBe('ok')
    await fresh.release()
  })
})
