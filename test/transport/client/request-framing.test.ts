import { describe, expect, it } from 'vitest'
import { RequestFraming } from '../../../src/transport/client/request-framing.js'

const framing = () => {
  const f = new RequestFraming({
    headers: { 'x-team': 'sales' },
    clientInfo: { name: 'toolwire', version: '1.0.0' },
    capabilities: { extensions: { 'io.modelcontextprotocol/tasks': {} } },
  })
  f.frame('2026-07-28', undefined)
  return f
}

describe('RequestFraming.json (the body serialized with the cached _meta)', () => {
  it('writes exactly what JSON.stringify writes for the framed body', () => {
    const f = framing()
    const cases: Record<string, unknown>[] = [
      { name: 'echo', arguments: { text: 'hello "world" \u2028 ✓' } },
      {},
      { uri: 'crm://customers/1' },
      { name: 'nested', arguments: { list: [1, { a: null }], empty: {}, skipped: undefined } },
    ]
    for (const [i, params] of cases.entries()) {
      const json = f.json(i + 7, 'tools/call', params)
      const body = {
        jsonrpc: '2.0',
        id: i + 7,
        method: 'tools/call',
        params: f.params(params, undefined, false),
      }
      expect(json).toBe(JSON.stringify(body))
    }
  })

  it('declines params it cannot splice: their own _meta, a toJSON, values JSON cannot write', () => {
    const f = framing()
    expect(f.json(1, 'tools/call', { name: 'x', _meta: { progressToken: 't' } })).toBeUndefined()
    expect(f.json(1, 'tools/call', { toJSON: () => 'other' })).toBeUndefined()
    expect(f.json(1, 'tools/call', { name: 'x', arguments: { n: 1n } })).toBeUndefined()
  })
})
