import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2Transport,
} from '@modelcontextprotocol/client'
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index.js'
import { echoServer } from '../support/echo-server.js'
import { serve } from '../support/mount.js'

let stateful: RunningServer
let stateless: RunningServer

beforeAll(async () => {
  stateful = await serve(echoServer(), { port: 0 })
  stateless = await serve(echoServer(), { port: 0, legacySessions: false })
})
afterAll(async () => {
  await stateful.close()
  await stateless.close()
})

type AnyClient = {
  listTools(): Promise<{ tools: Array<{ name: string; outputSchema?: unknown }> }>
  callTool(params: { name: string; arguments: Record<string, unknown> }, ...rest: unknown[]): Promise<unknown>
  close(): Promise<void>
}

/** `optionsAt`: v2 takes call options second, v1 takes a result schema second and options third. */
async function exercise(client: AnyClient, optionsAt: 1 | 2) {
  const { tools } = await client.listTools()
  expect(tools.map((t) => t.name)).toEqual(['echo', 'regional', 'progress', 'sum', 'fail', 'wait'])
  expect(await client.callTool({ name: 'echo', arguments: { text: 'from the SDK' } })).toMatchObject({
    content: [{ type: 'text', text: 'from the SDK' }],
  })
  // x-mcp-header parameters with a non-ASCII value (base64 sentinel on 2026-07-28).
  expect(
    await client.callTool({ name: 'regional', arguments: { region: 'São Paulo', query: 'q' } }),
  ).toMatchObject({
    content: [{ type: 'text', text: 'São Paulo/q' }],
  })
  expect(await client.callTool({ name: 'sum', arguments: { a: 1, b: 2 } })).toMatchObject({
    structuredContent: { sum: 3 },
  })
  const progress: unknown[] = []
  const options = { onprogress: (p: unknown) => progress.push(p) }
  const result = await client.callTool(
    { name: 'progress', arguments: { steps: 2 } },
    ...(optionsAt === 1 ? [options] : [undefined, options]),
  )
  expect(result).toMatchObject({ content: [{ type: 'text', text: 'did 2' }] })
  expect(progress).toHaveLength(2)
  expect(await client.callTool({ name: 'fail', arguments: { kind: 'tool' } })).toMatchObject({
    isError: true,
  })
  await client.close()
}

describe('SDK v2 Client → toolwire server', () => {
  it.each([
    ['2026-07-28 (pinned)', { pin: '2026-07-28' }, '2026-07-28'],
    ['auto negotiation', 'auto', '2026-07-28'],
    ['legacy (the SDK default)', 'legacy', '2025-11-25'],
  ] as const)('%s', async (_case, mode, version) => {
    const client = new V2Client({ name: 'sdk-v2', version: '2.4.0' }, { versionNegotiation: { mode } })
    await client.connect(new V2Transport(new URL(stateful.url)))
    expect(client.getNegotiatedProtocolVersion()).toBe(version)
    await exercise(client as unknown as AnyClient, 1)
  })
})

describe('SDK v1 Client → toolwire server', () => {
  it.each([
    ['with 2025-era sessions', () => stateful],
    ['without sessions', () => stateless],
  ])('%s', async (_case, target) => {
    const client = new V1Client({ name: 'sdk-v1', version: '1.32.2' })
    const transport = new V1Transport(new URL(target().url))
    await client.connect(transport)
    expect(client.getServerVersion()).toEqual({ name: 'echo-server', version: '1.2.3' })
    await exercise(client as unknown as AnyClient, 2)
    await transport.terminateSession().catch(() => {})
  })
})
