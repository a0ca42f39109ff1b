import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { describe, expect, it } from 'vitest'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { echoServer } from '../support/echo-server.js'

async function listenOn(handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  return { port: (server.address() as AddressInfo).port, [Symbol.asyncDispose]: close }
}

describe('mounting the handler', () => {
  it('works in a plain node:http server', async () => {
    const handler = echoServer().handler()
    await using http = await listenOn((req, res) =>
      req.url === '/tools' ? handler(req, res) : res.writeHead(404).end(),
    )
    await using client = await new MCPServerStreamableHttp({
      params: { url: `http://127.0.0.1:${http.port}/tools` },
    }).connect()
    expect((await client.callTool('echo', { text: 'node' })).content).toEqual([
      { type: 'text', text: 'node' },
    ])
    handler.close()
  })

  it.each([
    ['without a body parser', false],
    ['behind express.json()', true],
  ])('works in Express %s, in both eras', async (_case, parse) => {
    const app = express()
    if (parse) app.use(express.json())
    const handler = echoServer().handler()
    app.all('/mcp', handler)
    await using http = await listenOn(app)
    for (const protocolEra of ['modern', 'legacy'] as const) {
      await using client = await new MCPServerStreamableHttp({
        params: { url: `http://127.0.0.1:${http.port}/mcp` },
        protocolEra,
      }).connect()
      expect(client.protocolVersion).toBe(protocolEra === 'modern' ? '2026-07-28' : '2025-11-25')
      expect((await client.callTool('echo', { text: 'express' })).content).toEqual([
        { type: 'text', text: 'express' },
      ])
    }
    handler.close()
  })
})
