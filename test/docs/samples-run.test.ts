/**
 * Documentation samples that can run cheaply, run: on port 0, against real servers and clients.
 * (The README quick starts run as child processes in quickstarts.test.ts.)
 */
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { scripted } from '../../docs/samples/agent.js'
import { toolwireClient } from '../../docs/samples/mcp-sdk.js'
import { server as schemasSample } from '../../docs/samples/schemas.js'
import { server as echoSample, headerParameter, mount } from '../../docs/samples/server.js'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { serve, ToolServer } from '../../src/server/index.js'

const calculator = () =>
  new ToolServer({ name: 'calculator', version: '1.0.0' }).tool(
    'add',
    {
      input: z.object({ a: z.number(), b: z.number() }),
      output: z.object({ sum: z.number() }),
      annotations: { readOnlyHint: true },
    },
    ({ a, b }) => ({ sum: a + b }),
  )

async function listening(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`
}

const client = (url: string) => new MCPServerStreamableHttp({ name: 'Sample', params: { url } })

describe('docs/samples/schemas.ts', () => {
  it('zod, valibot and plain JSON Schema tools answer and refuse invalid arguments', async () => {
    await using running = await serve(schemasSample, { port: 0, env: false })
    await using weather = await client(running.url).connect()
    const text = async (name: string, args: Record<string, unknown>) =>
      (await weather.callTool(name, args)).content[0]
    expect(await text('forecast', { city: 'Oslo' })).toEqual({
      type: 'text',
      text: 'Oslo: sunny for 1 day(s)',
    })
    expect(await text('forecast_v', { city: 'Oslo', days: 2 })).toEqual({ type: 'text', text: 'Oslo: 2' })
    expect(await text('forecast_json', { city: 'Oslo' })).toEqual({ type: 'text', text: 'Oslo: sunny' })
    for (const name of ['forecast', 'forecast_v', 'forecast_json']) {
      const refused = await weather.callTool(name, { days: 'two' })
      expect(refused.isError).toBe(true)
      expect(JSON.stringify(refused.content)).toContain(`Invalid arguments for tool '${name}': `)
    }
  })
})

describe('docs/samples/server.ts', () => {
  it('#tools: add answers structured content, count_to streams progress', async () => {
    await using running = await serve(echoSample, { port: 0, env: false })
    await using echo = await client(running.url).connect()
    expect((await echo.callTool('add', { a: 2, b: 40 })).structuredContent).toEqual({ sum: 42 })
    const progress: number[] = []
    const counted = await echo.callTool(
      'count_to',
      { n: 3 },
      { onProgress: (p) => progress.push(p.progress) },
    )
    expect(counted.content).toEqual([{ type: 'text', text: 'counted to 3' }])
    expect(progress).toEqual([1, 2, 3])
  })

  it('#node-http and #express: the handler serves in both', async () => {
    const server = calculator()
    headerParameter(server)
    const { httpServer, app, handler } = mount(server)
    const expressServer = createServer(app)
    try {
      for (const url of [await listening(httpServer), await listening(expressServer)]) {
        await using calc = await client(url).connect()
        expect((await calc.callTool('add', { a: 1, b: 2 })).structuredContent).toEqual({ sum: 3 })
        // #header-param: the region travels as an Mcp-Param-Region header, checked against the body.
        expect((await calc.callTool('search_region', { region: 'EMEA', query: 'acme' })).content).toEqual([
          { type: 'text', text: 'EMEA: acme' },
        ])
      }
    } finally {
      handler.close()
      httpServer.closeAllConnections()
      expressServer.closeAllConnections()
      httpServer.close()
      expressServer.close()
    }
  })
})

describe('docs/samples/agent.ts', () => {
  it('#testing: a ScriptedModel drives the runner over a real MCP server', async () => {
    await using running = await serve(calculator(), { port: 0, env: false })
    await using calc = await client(running.url).connect()
    const { result, model } = await scripted(calc)
    expect(result.finalOutput).toBe('The sum is {"sum":42}.')
    expect(model.requests).toHaveLength(2)
  })
})

describe('docs/samples/mcp-sdk.ts', () => {
  it('#toolwire-client: lists and calls', async () => {
    await using running = await serve(calculator(), { port: 0, env: false })
    const { tools, result } = await toolwireClient(running.url)
    expect(tools.map((t) => t.name)).toEqual(['add'])
    expect(result.structuredContent).toEqual({ sum: 42 })
  })
})
