import { describe, expect, it } from 'vitest'
import { decideEra } from '../../src/protocol/era.js'
import { classifyMessage } from '../../src/protocol/jsonrpc.js'

describe('classifyMessage', () => {
  it('tells requests, notifications and responses apart', () => {
    expect(classifyMessage({ jsonrpc: '2.0', id: 1, method: 'ping' }).kind).toBe('request')
    expect(classifyMessage({ jsonrpc: '2.0', method: 'notifications/x' }).kind).toBe('notification')
    expect(classifyMessage({ jsonrpc: '2.0', id: 1, result: {} }).kind).toBe('response')
    expect(classifyMessage({ jsonrpc: '2.0', id: null, error: { code: 1, message: 'x' } }).kind).toBe(
      'response',
    )
  })

  it('keeps the id of an invalid request so the error can name it', () => {
    expect(classifyMessage({ jsonrpc: '2.0', id: 7, method: 'x', params: 'no' })).toEqual({
      kind: 'invalid',
      id: 7,
      reason: 'field "params" must be an object',
    })
  })
})

describe('decideEra', () => {
  const meta = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientCapabilities': {},
  }
  it('is modern when the body carries the envelope and the header agrees', () => {
    expect(
      decideEra({ jsonrpc: '2.0', id: 1, method: 'ping', params: { _meta: meta } }, '2026-07-28'),
    ).toMatchObject({ era: 'modern' })
  })
  it('refuses a modern envelope without clientCapabilities, or with an unknown logLevel (-32602)', () => {
    const at = (extra: Record<string, unknown>) =>
      decideEra(
        { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { ...meta, ...extra } } },
        '2026-07-28',
      )
    for (const capabilities of [undefined, 'all', [], null]) {
      const decided = at({ 'io.modelcontextprotocol/clientCapabilities': capabilities })
      expect(decided).toMatchObject({ era: 'rejected', error: { code: -32602 } })
    }
    expect(at({ 'io.modelcontextprotocol/logLevel': 'loud' })).toMatchObject({
      era: 'rejected',
      error: { code: -32602, message: expect.stringContaining('logLevel') },
    })
    expect(at({ 'io.modelcontextprotocol/logLevel': 'debug' })).toMatchObject({ era: 'modern' })
  })
  it('is legacy without an envelope, defaulting to 2025-03-26 without a header', () => {
    expect(decideEra({ jsonrpc: '2.0', id: 1, method: 'ping' }, undefined)).toEqual({
      era: 'legacy',
      version: '2025-03-26',
    })
    expect(decideEra({ jsonrpc: '2.0', id: 1, method: 'ping' }, '2025-06-18')).toEqual({
      era: 'legacy',
      version: '2025-06-18',
    })
  })
  it('treats initialize as legacy even with _meta', () => {
    expect(
      decideEra({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { _meta: meta } }, undefined).era,
    ).toBe('legacy')
  })
  it('rejects a non-string claim and unknown versions', () => {
    const bad = decideEra(
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'ping',
        params: { _meta: { 'io.modelcontextprotocol/protocolVersion': 5 } },
      },
      '5',
    )
    expect(bad).toMatchObject({ era: 'rejected', error: { code: -32602 } })
    expect(decideEra({ jsonrpc: '2.0', id: 1, method: 'ping' }, '1999-01-01')).toMatchObject({
      era: 'rejected',
      error: { code: -32022 },
    })
  })
})
