/** client/elicitation, client/sampling, client/roots: what the server may ask a client (raw HTTP). */
import { afterAll, beforeAll, describe, expect } from 'vitest'
import type { RunningServer } from '../../src/server/index.js'
import { start } from './fixture.js'
import { call, type Json, MISSING_CAPABILITY, spec } from './suite.js'

let server: RunningServer
beforeAll(async () => {
  server = await start()
})
afterAll(() => server.close())

type InputRequests = Record<string, { method: string; params: Json }>
const inputRequestsOf = (result: Json | undefined) =>
  Object.values((result?.inputRequests ?? {}) as InputRequests)

const askForm = (caps: Json) => call(server.url, 'tools/call', { name: 'ask_form', arguments: {} }, { caps })

describe('client/elicitation', () => {
  spec(
    'client/elicitation: servers MUST NOT send form-mode requests to a client declaring only url mode',
    async () => {
      const res = await askForm({ elicitation: { url: {} } })
      const forms = inputRequestsOf(res.json.result).filter(
        (r) => r.method === 'elicitation/create' && (r.params.mode ?? 'form') === 'form',
      )
      expect(forms).toEqual([])
      expect(res.json.result?.resultType).not.toBe('input_required')
    },
  )

  spec(
    'basic: a url-only elicitation client calling a form-needing tool MUST get 400 -32021 naming elicitation.form',
    async () => {
      const res = await askForm({ elicitation: { url: {} } })
      expect(res.status).toBe(400)
      expect(res.json.error).toMatchObject({
        code: MISSING_CAPABILITY,
        data: { requiredCapabilities: { elicitation: { form: {} } } },
      })
    },
  )

  spec('client/elicitation: an empty elicitation capability counts as form mode support', async () => {
    const res = await askForm({ elicitation: {} })
    expect(inputRequestsOf(res.json.result).map((r) => r.method)).toEqual(['elicitation/create'])
  })

  spec(
    'client/elicitation: form requests MUST set mode form (or omit it) and include message and requestedSchema',
    async () => {
      const [request] = inputRequestsOf((await askForm({ elicitation: { form: {} } })).json.result)
      expect(request?.params.mode ?? 'form').toBe('form')
      expect(request?.params).toMatchObject({
        message: expect.any(String),
        requestedSchema: { type: 'object' },
      })
    },
  )

  spec('client/elicitation: servers MUST handle a declined or cancelled elicitation', async () => {
    const caps = { elicitation: { form: {} } }
    for (const action of ['decline', 'cancel']) {
      // A fresh round per answer: a requestState is accepted once for a tool that is not idempotent.
      const first = (await askForm(caps)).json.result!
      const [key] = Object.keys(first.inputRequests as InputRequests)
      const params = {
        name: 'ask_form',
        arguments: {},
        inputResponses: { [key!]: { action } },
        requestState: first.requestState,
      }
      const res = await call(server.url, 'tools/call', params, { id: 2, caps })
      expect(res.json.result).toMatchObject({
        resultType: 'complete',
        content: [{ type: 'text', text: `${action}:` }],
      })
    }
  })
})

describe('client/sampling and client/roots', () => {
  spec(
    'client/sampling: servers MUST NOT send tool-enabled sampling requests to a client without sampling.tools',
    async () => {
      const res = await call(
        server.url,
        'tools/call',
        { name: 'ask_sample_tools', arguments: {} },
        { caps: { sampling: {} } },
      )
      const withTools = inputRequestsOf(res.json.result).filter(
        (r) => r.method === 'sampling/createMessage' && 'tools' in r.params,
      )
      expect(withTools).toEqual([])
    },
  )

  spec(
    'client/sampling: a client declaring sampling receives sampling/createMessage with messages and maxTokens',
    async () => {
      const res = await call(
        server.url,
        'tools/call',
        { name: 'ask_sample', arguments: {} },
        { caps: { sampling: {} } },
      )
      const [request] = inputRequestsOf(res.json.result)
      expect(request).toMatchObject({
        method: 'sampling/createMessage',
        params: { messages: [{ role: 'user' }], maxTokens: 20 },
      })
    },
  )

  spec('client/roots: servers SHOULD check for the roots capability before asking for roots', async () => {
    const without = await call(server.url, 'tools/call', { name: 'ask_roots', arguments: {} })
    expect(inputRequestsOf(without.json.result)).toEqual([])
    const withRoots = await call(
      server.url,
      'tools/call',
      { name: 'ask_roots', arguments: {} },
      { caps: { roots: {} } },
    )
    expect(inputRequestsOf(withRoots.json.result).map((r) => r.method)).toEqual(['roots/list'])
  })
})
