/** basic/transports/streamable-http, Request Metadata: header validation on the server, over raw HTTP. */
import { afterAll, beforeAll, describe, expect } from 'vitest'
import type { RunningServer } from '../../src/server/index.js'
import { rawPost, start } from './fixture.js'
import {
  call,
  frame,
  HEADER_MISMATCH,
  PROTOCOL_VERSION,
  post,
  spec,
  UNSUPPORTED_VERSION,
  V,
} from './suite.js'

let server: RunningServer
beforeAll(async () => {
  server = await start()
})
afterAll(() => server.close())

const b64 = (text: string) => `=?base64?${Buffer.from(text, 'utf8').toString('base64')}?=`

async function expectMismatch(answer: Promise<{ status: number; json: { error?: { code: number } } }>) {
  const res = await answer
  expect(res.status).toBe(400)
  expect(res.json.error?.code).toBe(HEADER_MISMATCH)
}

describe('basic/transports: request metadata headers', () => {
  spec(
    'basic/transports: server MUST reject a request without MCP-Protocol-Version with 400 -32020',
    async () => {
      await expectMismatch(
        post(server.url, frame('tools/list', {}, { headers: { 'mcp-protocol-version': undefined } })),
      )
    },
  )

  spec(
    'basic/transports: server MUST reject MCP-Protocol-Version differing from _meta with 400 -32020',
    async () => {
      await expectMismatch(
        post(server.url, frame('tools/list', {}, { headers: { 'mcp-protocol-version': '2025-11-25' } })),
      )
    },
  )

  spec(
    'basic/transports: server MUST answer an unsupported version with 400 and UnsupportedProtocolVersionError',
    async () => {
      const { headers, body } = frame('tools/list', {}, { headers: { 'mcp-protocol-version': '1900-01-01' } })
      const meta = { ...(body.params as { _meta: object })._meta, [PROTOCOL_VERSION]: '1900-01-01' }
      const res = await post(server.url, { headers, body: { ...body, params: { _meta: meta } } })
      expect(res.status).toBe(400)
      expect(res.json.error).toMatchObject({
        code: UNSUPPORTED_VERSION,
        data: { requested: '1900-01-01', supported: expect.arrayContaining([V]) },
      })
    },
  )

  spec('basic/transports: server MUST answer an unimplemented method with 404 and -32601', async () => {
    const res = await call(server.url, 'tools/frobnicate')
    expect(res.status).toBe(404)
    expect(res.json.error?.code).toBe(-32601)
  })

  spec('basic/transports: server MUST reject a request without Mcp-Method with 400 -32020', async () => {
    await expectMismatch(post(server.url, frame('tools/list', {}, { headers: { 'mcp-method': undefined } })))
  })

  spec(
    'basic/transports: server MUST reject an Mcp-Method differing from the body method with 400 -32020',
    async () => {
      await expectMismatch(
        post(server.url, frame('tools/list', {}, { headers: { 'mcp-method': 'prompts/list' } })),
      )
    },
  )

  spec(
    'basic/transports: server MUST reject tools/call, resources/read and prompts/get without Mcp-Name (400 -32020)',
    async () => {
      const none = { headers: { 'mcp-name': undefined } }
      await expectMismatch(
        post(server.url, frame('tools/call', { name: 'echo', arguments: { text: 'x' } }, none)),
      )
      await expectMismatch(post(server.url, frame('resources/read', { uri: 'mem://text' }, none)))
      await expectMismatch(
        post(server.url, frame('prompts/get', { name: 'greet', arguments: { name: 'x' } }, none)),
      )
    },
  )

  spec(
    'basic/transports: server MUST reject an Mcp-Name differing from params.name or params.uri (400 -32020)',
    async () => {
      const other = { headers: { 'mcp-name': 'mem://bytes' } }
      await expectMismatch(post(server.url, frame('resources/read', { uri: 'mem://text' }, other)))
      await expectMismatch(
        post(server.url, frame('prompts/get', { name: 'greet', arguments: { name: 'x' } }, other)),
      )
    },
  )

  spec('basic/transports: server MUST decode a base64 Mcp-Name before comparing it to the body', async () => {
    const res = await post(
      server.url,
      frame('resources/read', { uri: 'mem://text' }, { headers: { 'mcp-name': b64('mem://text') } }),
    )
    expect(res.json.result?.contents).toEqual([expect.objectContaining({ uri: 'mem://text', text: 'hello' })])
  })

  spec(
    'basic/transports: server MUST decode a base64 Mcp-Param value before comparing it to the body',
    async () => {
      const args = { region: 'Hello, 世界', query: 'q' }
      const res = await post(
        server.url,
        frame(
          'tools/call',
          { name: 'regional', arguments: args },
          { headers: { 'mcp-param-region': b64(args.region) } },
        ),
      )
      expect(res.json.result?.content).toEqual([{ type: 'text', text: 'Hello, 世界/q' }])
    },
  )

  spec(
    'basic/transports: the base64 sentinel markers are case-sensitive (=?BASE64?…?= is not decoded)',
    async () => {
      const upper = `=?BASE64?${Buffer.from('mem://text').toString('base64')}?=`
      await expectMismatch(
        post(server.url, frame('resources/read', { uri: 'mem://text' }, { headers: { 'mcp-name': upper } })),
      )
    },
  )

  spec(
    'basic/transports: server MUST reject an Mcp-Param value that does not match the body (400 -32020)',
    async () => {
      const args = { region: 'eu-west', query: 'q' }
      await expectMismatch(
        post(
          server.url,
          frame(
            'tools/call',
            { name: 'regional', arguments: args },
            { headers: { 'mcp-param-region': 'us-east' } },
          ),
        ),
      )
    },
  )

  spec(
    'basic/transports: server MUST reject a request that omits Mcp-Param while the body has the value (400 -32020)',
    async () => {
      await expectMismatch(
        call(server.url, 'tools/call', { name: 'regional', arguments: { region: 'eu-west', query: 'q' } }),
      )
    },
  )

  spec(
    'basic/transports: server MUST NOT expect an Mcp-Param header for a parameter absent from the arguments',
    async () => {
      const res = await call(server.url, 'tools/call', { name: 'maybe_regional', arguments: {} })
      expect(res.status).toBe(200)
      expect(res.json.result?.content).toEqual([{ type: 'text', text: 'region none' }])
    },
  )

  spec(
    'basic/transports: server MUST NOT expect an Mcp-Param header for a parameter whose value is null',
    async () => {
      const res = await call(server.url, 'tools/call', {
        name: 'maybe_regional',
        arguments: { region: null },
      })
      expect(res.status).toBe(200)
      expect(res.json.error?.code).not.toBe(HEADER_MISMATCH)
    },
  )

  spec(
    'basic/transports: server MUST reject a recognized Mcp-Param header with raw non-ASCII bytes (400 -32020)',
    async () => {
      const { body } = frame('tools/call', { name: 'regional', arguments: { region: 'café', query: 'q' } })
      const res = await rawPost(
        server.url,
        [
          'content-type: application/json',
          'accept: application/json, text/event-stream',
          `mcp-protocol-version: ${V}`,
          'mcp-method: tools/call',
          'mcp-name: regional',
          'mcp-param-region: caf\u00e9',
        ],
        JSON.stringify(body),
      )
      expect(res.status).toBe(400)
      expect(JSON.parse(res.text).error.code).toBe(HEADER_MISMATCH)
    },
  )

  spec(
    'basic/transports: server SHOULD compare integer Mcp-Param values numerically (42.0 equals 42)',
    async () => {
      const res = await post(
        server.url,
        frame(
          'tools/call',
          { name: 'counted', arguments: { count: 42 } },
          { headers: { 'mcp-param-count': '42.0' } },
        ),
      )
      expect(res.status).toBe(200)
      expect(res.json.result?.content).toEqual([{ type: 'text', text: 'count 42' }])
    },
  )

  spec('basic/transports: server MUST compare header names case-insensitively', async () => {
    const { body } = frame('tools/list')
    const res = await rawPost(
      server.url,
      [
        'Content-Type: application/json',
        'ACCEPT: application/json, text/event-stream',
        `MCP-PROTOCOL-VERSION: ${V}`,
        'MCP-METHOD: tools/list',
      ],
      JSON.stringify(body),
    )
    expect(res.status).toBe(200)
  })

  spec(
    'basic/transports: header values are case-sensitive (Mcp-Method TOOLS/LIST does not match tools/list)',
    async () => {
      await expectMismatch(
        post(server.url, frame('tools/list', {}, { headers: { 'mcp-method': 'TOOLS/LIST' } })),
      )
    },
  )
})
