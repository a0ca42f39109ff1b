/** basic (messages, error codes, _meta, statelessness), basic/versioning and server/discover. */
import { Pool, request } from 'undici'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import type { RunningServer } from '../../src/server/index.js'
import { complianceServer, type Probe, start } from './fixture.js'
import {
  CLIENT_CAPABILITIES,
  call,
  DEFINED_MCP_CODES,
  frame,
  type Json,
  MISSING_CAPABILITY,
  metaOf,
  openStream,
  PROTOCOL_VERSION,
  post,
  SERVER_INFO,
  SUBSCRIPTION_ID,
  spec,
  UNSUPPORTED_VERSION,
  V,
} from './suite.js'

const probe: Probe = { started: [], aborted: [] }
let server: RunningServer
beforeAll(async () => {
  server = await start({}, complianceServer({ probe }))
})
afterAll(() => server.close())

/** A framed request whose `_meta` is replaced by `meta`. */
function withMeta(method: string, meta: Json) {
  const { headers, body } = frame(method)
  return { headers, body: { ...body, params: { _meta: meta } } }
}

/** The JSON-RPC error code is not one the 2026-07-28 spec forbids an implementation to emit. */
function expectAllowedCode(code: number | undefined) {
  const reserved = code !== undefined && code <= -32020 && code >= -32099
  if (reserved) expect(DEFINED_MCP_CODES).toContain(code)
}

const EVERY_METHOD: Array<[string, Json]> = [
  ['server/discover', {}],
  ['tools/list', {}],
  ['tools/call', { name: 'echo', arguments: { text: 'x' } }],
  ['resources/list', {}],
  ['resources/templates/list', {}],
  ['resources/read', { uri: 'mem://text' }],
  ['prompts/list', {}],
  ['prompts/get', { name: 'greet', arguments: { name: 'Ada' } }],
  [
    'completion/complete',
    { ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'name', value: 'n' } },
  ],
]

describe('basic: messages', () => {
  spec(
    'basic: a result response MUST include the same id as its request (string and integer ids)',
    async () => {
      expect((await call(server.url, 'tools/list', {}, { id: 'req-α' })).json).toMatchObject({
        id: 'req-α',
        result: { tools: expect.any(Array) },
      })
      expect((await call(server.url, 'tools/list', {}, { id: 7 })).json).toMatchObject({
        id: 7,
        result: { tools: expect.any(Array) },
      })
    },
  )

  spec('basic: every result MUST include a resultType', async () => {
    for (const [method, params] of EVERY_METHOD) {
      const res = await call(server.url, method, params)
      expect({ method, resultType: res.json.result?.resultType }).toEqual({ method, resultType: 'complete' })
    }
  })

  spec('basic: an error response MUST include the same id as its request', async () => {
    const unknown = await call(server.url, 'tools/call', { name: 'nope', arguments: {} }, { id: 'e-1' })
    expect(unknown.json).toMatchObject({ id: 'e-1', error: { code: -32602 } })
    const mismatch = await post(
      server.url,
      frame('tools/list', {}, { id: 'e-2', headers: { 'mcp-method': 'server/discover' } }),
    )
    expect(mismatch.json).toMatchObject({ id: 'e-2', error: { code: -32020 } })
  })

  spec('basic: an error response to a message whose id could not be read carries no id', async () => {
    const res = await post(server.url, {
      headers: frame('tools/list').headers,
      body: '{"jsonrpc":"2.0","id":',
    })
    expect(res.json.error?.code).toBe(-32700)
    expect(res.json.id ?? null).toBeNull()
  })

  spec('basic: error responses MUST include an integer code and a message', async () => {
    for (const res of [
      await call(server.url, 'nope/nope'),
      await call(server.url, 'tools/call', { name: 'nope' }),
    ]) {
      expect(Number.isInteger(res.json.error?.code)).toBe(true)
      expect(typeof res.json.error?.message).toBe('string')
    }
  })

  spec('basic: a request id MUST NOT be null (the server refuses it as an invalid request)', async () => {
    const { headers, body } = frame('tools/list')
    const res = await post(server.url, { headers, body: { ...body, id: null } })
    expect(res.status).toBe(400)
    expect(res.json.error?.code).toBe(-32600)
  })

  spec('basic: notifications MUST NOT include an id', async () => {
    const caps = { meta: { progressToken: 'n', 'io.modelcontextprotocol/logLevel': 'debug' } }
    const res = await call(server.url, 'tools/call', { name: 'work', arguments: { steps: 2 } }, caps)
    await using listen = await openStream(server.url, frame('subscriptions/listen', { notifications: {} }))
    const notifications = [...res.events.filter((m) => 'method' in m), await listen.next()]
    expect(notifications.length).toBeGreaterThan(2)
    for (const m of notifications) expect(m).not.toHaveProperty('id')
  })

  spec('basic: the receiver of a notification MUST NOT send a response', async () => {
    const { headers, body } = frame('notifications/unknown')
    const res = await post(server.url, {
      headers,
      body: { jsonrpc: '2.0', method: body.method, params: body.params },
    })
    expect(res.status).toBe(202)
    expect(res.text).toBe('')
  })
})

describe('basic: error codes', () => {
  spec('basic: implementations MUST NOT emit undefined codes from -32020..-32099 (rate limit)', async () => {
    await using limited = await start({ rateLimit: { points: 1, durationSeconds: 60 } })
    await call(limited.url, 'tools/list')
    const res = await call(limited.url, 'tools/list')
    expect(res.status).toBe(429)
    expectAllowedCode(res.json.error?.code)
  })

  spec(
    'basic: implementations MUST NOT emit undefined codes from -32020..-32099 (load shedding)',
    async () => {
      await using busy = await start({ maxConcurrentRequests: 1 }, complianceServer({ probe }))
      const controller = new AbortController()
      const { headers, body } = frame('tools/call', { name: 'wait', arguments: { id: 'shed' } })
      const held = request(busy.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: controller.signal,
      })
      try {
        await expect.poll(() => probe.started).toContain('shed')
        const res = await call(busy.url, 'tools/list')
        expect(res.status).toBe(503)
        expectAllowedCode(res.json.error?.code)
      } finally {
        controller.abort()
        await held.catch(() => {})
      }
    },
  )

  spec(
    'basic: new implementations SHOULD NOT use codes from -32000..-32019 (authentication failure)',
    async () => {
      await using guarded = await start({ auth: { verify: () => undefined } })
      const res = await call(guarded.url, 'tools/list')
      expect(res.status).toBe(401)
      const code = res.json.error?.code
      if (code !== undefined) expect(code <= -32000 && code >= -32019).toBe(false)
    },
  )

  spec(
    'basic: implementations of this version MUST NOT emit -32002 (resource not found is -32602)',
    async () => {
      const res = await call(server.url, 'resources/read', { uri: 'mem://missing' })
      expect(res.json.error?.code).toBe(-32602)
    },
  )
})

describe('basic: _meta and statelessness', () => {
  const meta = { [PROTOCOL_VERSION]: V, [CLIENT_CAPABILITIES]: {} }

  spec('basic: a request missing _meta protocolVersion MUST be rejected with 400 -32602', async () => {
    const res = await post(server.url, withMeta('tools/list', { [CLIENT_CAPABILITIES]: {} }))
    expect(res.status).toBe(400)
    expect(res.json.error?.code).toBe(-32602)
  })

  spec('basic: a request missing _meta clientCapabilities MUST be rejected with 400 -32602', async () => {
    const res = await post(server.url, withMeta('tools/list', { [PROTOCOL_VERSION]: V }))
    expect(res.status).toBe(400)
    expect(res.json.error?.code).toBe(-32602)
  })

  spec(
    'basic: a request whose _meta clientCapabilities is not an object MUST be rejected with 400 -32602',
    async () => {
      const res = await post(
        server.url,
        withMeta('tools/list', { ...meta, [CLIENT_CAPABILITIES]: 'elicitation' }),
      )
      expect(res.status).toBe(400)
      expect(res.json.error?.code).toBe(-32602)
    },
  )

  async function expectMissingCapability(tool: string, capability: string) {
    const res = await call(server.url, 'tools/call', { name: tool, arguments: {} })
    expect(res.status).toBe(400)
    expect(res.json.error).toMatchObject({
      code: MISSING_CAPABILITY,
      data: { requiredCapabilities: { [capability]: {} } },
    })
  }

  spec(
    'basic: a call needing the undeclared elicitation capability MUST get 400 -32021 with requiredCapabilities',
    () => expectMissingCapability('ask_form', 'elicitation'),
  )

  spec(
    'basic: a call needing the undeclared sampling capability MUST get 400 -32021 with requiredCapabilities',
    () => expectMissingCapability('ask_sample', 'sampling'),
  )

  spec(
    'basic: a call needing the undeclared roots capability MUST get 400 -32021 with requiredCapabilities',
    () => expectMissingCapability('ask_roots', 'roots'),
  )

  spec(
    'basic: server MUST NOT rely on capabilities declared by prior requests on the same connection',
    async () => {
      const pool = new Pool(new URL(server.url).origin, { connections: 1 })
      try {
        const ask = (caps: Json) => {
          const { headers, body } = frame('tools/call', { name: 'ask_form', arguments: {} }, { caps })
          return request(server.url, {
            method: 'POST',
            headers,
            body: JSON.stringify(body),
            dispatcher: pool,
          }).then((r) => r.body.json() as Promise<Json>)
        }
        expect(await ask({ elicitation: { form: {} } })).toMatchObject({
          result: { resultType: 'input_required' },
        })
        const second = (await ask({})) as { result?: Json }
        expect(second.result?.resultType).not.toBe('input_required')
        expect(second.result?.inputRequests).toBeUndefined()
      } finally {
        await pool.close()
      }
    },
  )

  spec('basic: servers SHOULD NOT require related requests to reuse the same connection', async () => {
    const first = new Pool(new URL(server.url).origin, { connections: 1 })
    const second = new Pool(new URL(server.url).origin, { connections: 1 })
    const caps = { elicitation: { form: {} } }
    const send = async (pool: Pool, params: Json) => {
      const { headers, body } = frame('tools/call', { name: 'ask_form', arguments: {}, ...params }, { caps })
      const res = await request(server.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        dispatcher: pool,
      })
      return ((await res.body.json()) as { result: Json }).result
    }
    try {
      const round = await send(first, {})
      const [key] = Object.keys(round.inputRequests as Json)
      const answer = { [key!]: { action: 'accept', content: { name: 'Ada' } } }
      const done = await send(second, { inputResponses: answer, requestState: round.requestState })
      expect(done.content).toEqual([{ type: 'text', text: 'accept:Ada' }])
    } finally {
      await Promise.all([first.close(), second.close()])
    }
  })

  spec('basic: servers SHOULD include serverInfo in the _meta of every result', async () => {
    const input = await call(
      server.url,
      'tools/call',
      { name: 'ask_form', arguments: {} },
      { caps: { elicitation: {} } },
    )
    for (const result of [
      input.json.result,
      ...(await Promise.all(EVERY_METHOD.map(([m, p]) => call(server.url, m, p)))).map((r) => r.json.result),
    ]) {
      expect(metaOf(result)[SERVER_INFO]).toEqual({ name: 'compliance-server', version: '2.0.0' })
    }
  })

  spec(
    'basic: the result closing a subscriptions/listen stream SHOULD carry serverInfo in _meta',
    async () => {
      await using own = await start()
      await using listen = await openStream(
        own.url,
        frame('subscriptions/listen', { notifications: { toolsListChanged: true } }, { id: 9 }),
      )
      await listen.next()
      await own.close()
      const closing = await listen.next()
      expect(closing).toMatchObject({ id: 9, result: { resultType: 'complete' } })
      expect(metaOf(closing?.result)[SERVER_INFO]).toEqual({ name: 'compliance-server', version: '2.0.0' })
    },
  )

  spec(
    'basic: notifications on a listen stream MUST include io.modelcontextprotocol/subscriptionId',
    async () => {
      const tools = complianceServer()
      await using own = await start({}, tools)
      const filter = { resourceSubscriptions: ['mem://text'], resourcesListChanged: true }
      await using listen = await openStream(
        own.url,
        frame('subscriptions/listen', { notifications: filter }, { id: 'sub-1' }),
      )
      await listen.next()
      tools.resourceUpdated('mem://text')
      tools.resource('mem://new', {}, () => 'new')
      for (const method of ['notifications/resources/updated', 'notifications/resources/list_changed']) {
        const message = await listen.next()
        expect(message?.method).toBe(method)
        expect(metaOf(message?.params)[SUBSCRIPTION_ID]).toBe('sub-1')
      }
    },
  )
})

describe('basic/versioning and server/discover', () => {
  spec(
    'basic/versioning: server MUST answer an unimplemented version with UnsupportedProtocolVersionError',
    async () => {
      const req = withMeta('tools/list', { [PROTOCOL_VERSION]: '2027-01-01', [CLIENT_CAPABILITIES]: {} })
      const res = await post(server.url, {
        ...req,
        headers: { ...req.headers, 'mcp-protocol-version': '2027-01-01' },
      })
      expect(res.json.error).toMatchObject({ code: UNSUPPORTED_VERSION, data: { requested: '2027-01-01' } })
      const supported = ((res.json.error?.data ?? {}) as { supported?: unknown[] }).supported ?? []
      expect(supported.length).toBeGreaterThan(0)
      for (const version of supported) expect(version).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    },
  )

  spec('basic/versioning: servers MUST implement server/discover', async () => {
    const res = await call(server.url, 'server/discover')
    expect(res.status).toBe(200)
    expect(res.json.result).toMatchObject({
      supportedVersions: expect.arrayContaining([V]),
      capabilities: expect.any(Object),
    })
  })

  spec('server/discover: servers SHOULD include serverInfo in the discover result _meta', async () => {
    const res = await call(server.url, 'server/discover')
    expect(metaOf(res.json.result)[SERVER_INFO]).toEqual({ name: 'compliance-server', version: '2.0.0' })
  })
})
