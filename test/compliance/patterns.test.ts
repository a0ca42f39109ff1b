/** basic/patterns: multi round-trip requests, subscriptions, cancellation and progress (server side). */
import { afterAll, beforeAll, describe, expect, vi } from 'vitest'
import { z } from 'zod'
import { type RunningServer, ToolServer } from '../../src/server/index.js'
import { complianceServer, start } from './fixture.js'
import { type Answer, call, frame, type Json, metaOf, openStream, SUBSCRIPTION_ID, spec } from './suite.js'

let server: RunningServer
beforeAll(async () => {
  server = await start()
})
afterAll(() => server.close())

const ALL_CAPS = { elicitation: { form: {} }, sampling: {}, roots: {} }
const accept = { action: 'accept', content: { name: 'Ada' } }

/** First round of a call that asks the client: the input_required result. */
async function firstRound(url: string, method: string, params: Json, headers: Record<string, string> = {}) {
  const res = await call(url, method, params, { caps: ALL_CAPS, headers })
  expect(res.json.result?.resultType).toBe('input_required')
  return res.json.result as {
    inputRequests: Record<string, { method: string; params: Json }>
    requestState?: string
  }
}

/** The retry of a call with answers (`inputResponses`) and the state it was given. */
function retry(
  url: string,
  method: string,
  params: Json,
  extra: Json,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return call(url, method, { ...params, ...extra }, { id: 2, caps: ALL_CAPS, headers })
}

const askFor = (topic: string) => ({ name: 'ask_for', arguments: { topic } })

describe('basic/patterns/mrtr', () => {
  spec(
    'basic/patterns/mrtr: servers MUST send server-to-client requests as inputRequests of an InputRequiredResult',
    async () => {
      for (const [tool, method] of [
        ['ask_form', 'elicitation/create'],
        ['ask_sample', 'sampling/createMessage'],
        ['ask_roots', 'roots/list'],
      ]) {
        const result = await firstRound(server.url, 'tools/call', { name: tool, arguments: {} })
        expect(Object.values(result.inputRequests).map((r) => r.method)).toEqual([method])
      }
    },
  )

  spec(
    'basic/patterns/mrtr: inputRequests values MUST be elicitation, sampling or roots requests',
    async () => {
      const results = [
        await firstRound(server.url, 'prompts/get', { name: 'ask_prompt' }),
        await firstRound(server.url, 'resources/read', { uri: 'vault://note' }),
        await firstRound(server.url, 'tools/call', askFor('deal')),
      ]
      for (const result of results) {
        for (const request of Object.values(result.inputRequests)) {
          expect(['elicitation/create', 'sampling/createMessage', 'roots/list']).toContain(request.method)
        }
      }
    },
  )

  spec(
    'basic/patterns/mrtr: every InputRequiredResult MUST include inputRequests or requestState',
    async () => {
      const result = await firstRound(server.url, 'tools/call', askFor('deal'))
      expect(result.inputRequests !== undefined || result.requestState !== undefined).toBe(true)
    },
  )

  spec(
    'basic/patterns/mrtr: servers MUST NOT send InputRequiredResult on requests other than tools/call, prompts/get, resources/read',
    async () => {
      const extra = { inputResponses: { 'elicitation-1': accept } }
      for (const method of [
        'tools/list',
        'prompts/list',
        'resources/list',
        'resources/templates/list',
        'server/discover',
      ]) {
        const res = await call(server.url, method, extra, { caps: ALL_CAPS })
        expect({ method, type: res.json.result?.resultType }).toEqual({ method, type: 'complete' })
      }
    },
  )

  spec(
    'basic/patterns/mrtr: a retry with inputResponses and the echoed requestState completes the request',
    async () => {
      const first = await firstRound(server.url, 'tools/call', askFor('deal'))
      const [key] = Object.keys(first.inputRequests)
      const res = await retry(server.url, 'tools/call', askFor('deal'), {
        inputResponses: { [key!]: accept },
        requestState: first.requestState,
      })
      expect(res.json.result).toMatchObject({
        resultType: 'complete',
        content: [{ type: 'text', text: 'deal:accept:Ada' }],
      })
    },
  )

  spec('basic/patterns/mrtr: servers MUST reject a requestState that fails verification', async () => {
    const first = await firstRound(server.url, 'tools/call', askFor('deal'))
    const state = first.requestState!
    const tampered = `${state.slice(0, 5)}${state[5] === 'A' ? 'B' : 'A'}${state.slice(6)}`
    const res = await retry(server.url, 'tools/call', askFor('deal'), {
      inputResponses: {},
      requestState: tampered,
    })
    expect(res.json.error?.code).toBe(-32602)
  })

  spec(
    'basic/patterns/mrtr: servers SHOULD reject a requestState presented by a different principal',
    async () => {
      const identities: Record<string, { subject: string; scopes: string[] }> = {
        alice: { subject: 'alice', scopes: [] },
        bob: { subject: 'bob', scopes: [] },
      }
      await using guarded = await start({ auth: { verify: (token) => identities[token] } })
      const first = await firstRound(guarded.url, 'tools/call', askFor('deal'), {
        authorization: 'Bearer alice',
      })
      const [key] = Object.keys(first.inputRequests)
      const res = await retry(
        guarded.url,
        'tools/call',
        askFor('deal'),
        { inputResponses: { [key!]: accept }, requestState: first.requestState },
        { authorization: 'Bearer bob' },
      )
      expect(res.json.error?.code).toBe(-32602)
    },
  )

  spec('basic/patterns/mrtr: servers SHOULD reject a requestState presented after its expiry', async () => {
    const first = await firstRound(server.url, 'tools/call', askFor('deal'))
    const [key] = Object.keys(first.inputRequests)
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(Date.now() + 24 * 3600 * 1000)
      const res = await retry(server.url, 'tools/call', askFor('deal'), {
        inputResponses: { [key!]: accept },
        requestState: first.requestState,
      })
      expect(res.json.error?.code).toBe(-32602)
    } finally {
      vi.useRealTimers()
    }
  })

  spec('basic/patterns/mrtr: servers SHOULD reject a requestState replayed on another tool', async () => {
    const first = await firstRound(server.url, 'tools/call', askFor('deal'))
    const res = await retry(
      server.url,
      'tools/call',
      { name: 'ask_form', arguments: {} },
      { inputResponses: {}, requestState: first.requestState },
    )
    expect(res.json.error?.code).toBe(-32602)
  })

  spec(
    'basic/patterns/mrtr: servers SHOULD reject a requestState replayed with other arguments',
    async () => {
      const first = await firstRound(server.url, 'tools/call', askFor('small-deal'))
      const [key] = Object.keys(first.inputRequests)
      const res = await retry(server.url, 'tools/call', askFor('huge-deal'), {
        inputResponses: { [key!]: accept },
        requestState: first.requestState,
      })
      expect(res.json.error?.code).toBe(-32602)
    },
  )

  spec(
    'basic/patterns/mrtr: servers MUST NOT send inputRequests the client has not declared support for',
    async () => {
      const res = await call(server.url, 'tools/call', askFor('deal'), { caps: { sampling: {}, roots: {} } })
      const requests = Object.values(
        (res.json.result?.inputRequests ?? {}) as Record<string, { method: string }>,
      )
      expect(requests.map((r) => r.method)).not.toContain('elicitation/create')
    },
  )

  spec(
    'basic/patterns/mrtr: server SHOULD ask again for missing input with a new InputRequiredResult, not an error',
    async () => {
      const first = await firstRound(server.url, 'tools/call', askFor('deal'))
      const res = await retry(server.url, 'tools/call', askFor('deal'), { requestState: first.requestState })
      expect(res.json.result?.resultType).toBe('input_required')
    },
  )

  spec('basic/patterns/mrtr: server SHOULD ignore unexpected extra inputResponses', async () => {
    const first = await firstRound(server.url, 'tools/call', askFor('deal'))
    const [key] = Object.keys(first.inputRequests)
    const inputResponses = { [key!]: accept, 'not-asked': { action: 'decline' } }
    const res = await retry(server.url, 'tools/call', askFor('deal'), {
      inputResponses,
      requestState: first.requestState,
    })
    expect(res.json.result?.content).toEqual([{ type: 'text', text: 'deal:accept:Ada' }])
  })

  spec(
    'basic/patterns/mrtr: server SHOULD answer malformed inputResponses with a JSON-RPC error',
    async () => {
      const res = await retry(server.url, 'tools/call', askFor('deal'), { inputResponses: 'accept' })
      expect(res.json.error?.code).toBe(-32602)
    },
  )
})

describe('basic/patterns/subscriptions and cancellation', () => {
  const listen = (url: string, notifications: Json, id: string | number = 1) =>
    openStream(url, frame('subscriptions/listen', { notifications }, { id }))

  spec(
    'basic/patterns/subscriptions: server MUST send the acknowledgement first, carrying the subscriptionId',
    async () => {
      await using stream = await listen(server.url, { toolsListChanged: true }, 'first')
      const ack = await stream.next()
      expect(ack).toMatchObject({ method: 'notifications/subscriptions/acknowledged' })
      expect(metaOf(ack?.params)[SUBSCRIPTION_ID]).toBe('first')
    },
  )

  spec(
    'basic/patterns/subscriptions: the acknowledgement reflects the honoured subset and omits unsupported types',
    async () => {
      await using bare = await start(
        {},
        new ToolServer({ name: 'bare' }).tool('t', { input: z.object({}) }, () => 't'),
      )
      await using stream = await listen(bare.url, {
        toolsListChanged: true,
        promptsListChanged: true,
        resourcesListChanged: true,
      })
      expect((await stream.next())?.params).toMatchObject({ notifications: { toolsListChanged: true } })
    },
  )

  spec(
    'basic/patterns/subscriptions: server MUST NOT send notification types the client has not requested',
    async () => {
      const tools = complianceServer()
      await using own = await start({}, tools)
      await using stream = await listen(own.url, { toolsListChanged: true })
      await stream.next()
      tools.prompt('late_prompt', {}, () => 'late')
      tools.resource('mem://late', {}, () => 'late')
      tools.resourceUpdated('mem://text')
      tools.tool('late_tool', { input: z.object({}) }, () => 'late')
      expect((await stream.next())?.method).toBe('notifications/tools/list_changed')
    },
  )

  spec(
    'basic/patterns/subscriptions: resourceSubscriptions deliver resources/updated for the listed URIs only',
    async () => {
      const tools = complianceServer()
      await using own = await start({}, tools)
      await using stream = await listen(own.url, { resourceSubscriptions: ['mem://text'] })
      await stream.next()
      tools.resourceUpdated('mem://bytes')
      tools.resourceUpdated('mem://text')
      expect(await stream.next()).toMatchObject({
        method: 'notifications/resources/updated',
        params: { uri: 'mem://text' },
      })
    },
  )

  spec(
    'basic/patterns/subscriptions: a server ending a subscription SHOULD answer the listen request with a result',
    async () => {
      await using own = await start()
      await using stream = await listen(own.url, { toolsListChanged: true }, 77)
      await stream.next()
      await own.close()
      const closing = await stream.next()
      expect(closing).toMatchObject({ id: 77, result: { resultType: 'complete' } })
      expect(metaOf(closing?.result)[SUBSCRIPTION_ID]).toBe(77)
    },
  )

  spec('basic/patterns/cancellation: closing a listen stream cancels the subscription', async () => {
    await using own = await start()
    await using stream = await listen(own.url, { toolsListChanged: true })
    await stream.next()
    expect(own.handler.listenerCount).toBe(1)
    stream.close()
    await expect.poll(() => own.handler.listenerCount).toBe(0)
  })

  spec(
    'basic/patterns/cancellation: servers MUST NOT send notifications/cancelled except to end a listen stream',
    async () => {
      const res = await call(
        server.url,
        'tools/call',
        { name: 'too_slow', arguments: {} },
        { meta: { progressToken: 'slow' } },
      )
      expect(res.events.length).toBeGreaterThan(0)
      expect([...res.events, res.json].map((m) => m.method)).not.toContain('notifications/cancelled')
    },
  )
})

describe('basic/patterns/progress', () => {
  const work = (meta: Json) =>
    call(server.url, 'tools/call', { name: 'work', arguments: { steps: 3 } }, { meta })

  spec('basic/patterns/progress: the progress value MUST increase with each notification', async () => {
    const res = await work({ progressToken: 'up' })
    const values = res.events
      .filter((m) => m.method === 'notifications/progress')
      .map((m) => (m.params as Json).progress as number)
    expect(values.length).toBeGreaterThan(1)
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]!)
  })

  spec(
    'basic/patterns/progress: progress notifications MUST only reference a token provided in the request',
    async () => {
      expect((await work({})).events.filter((m) => m.method === 'notifications/progress')).toEqual([])
      const numeric = await work({ progressToken: 12 })
      for (const m of numeric.events.filter((e) => e.method === 'notifications/progress'))
        expect((m.params as Json).progressToken).toBe(12)
    },
  )

  spec('basic/patterns/progress: progress notifications MUST stop after completion', async () => {
    const res = await work({ progressToken: 'stop' })
    const last = res.events.findIndex((m) => 'result' in m)
    expect(last).toBe(res.events.length - 1)
  })
})
