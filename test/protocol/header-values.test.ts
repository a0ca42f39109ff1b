import { describe, expect, it } from 'vitest'
import {
  decodeHeaderValue,
  encodeHeaderValue,
  paramHeaderValue,
  scanParamHeaders,
} from '../../src/protocol/header-values.js'

describe('header value encoding (spec examples)', () => {
  it.each([
    ['us-west1', 'us-west1'],
    ['Hello, 世界', '=?base64?SGVsbG8sIOS4lueVjA==?='],
    [' padded ', '=?base64?IHBhZGRlZCA=?='],
    ['line1\nline2', '=?base64?bGluZTEKbGluZTI=?='],
    ['=?base64?literal?=', '=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?='],
  ])('%j is sent as %s and decodes back', (value, header) => {
    expect(encodeHeaderValue(value)).toBe(header)
    expect(decodeHeaderValue(header)).toBe(value)
  })

  it('refuses malformed base64', () => {
    expect(decodeHeaderValue('=?base64?abc?=')).toBeUndefined()
  })
})

describe('x-mcp-header scanning', () => {
  it('finds nested annotations reachable through properties', () => {
    const scan = scanParamHeaders({
      type: 'object',
      properties: {
        region: { type: 'string', 'x-mcp-header': 'Region' },
        opts: { type: 'object', properties: { dry: { type: 'boolean', 'x-mcp-header': 'Dry' } } },
      },
    })
    expect(scan).toEqual({
      ok: true,
      headers: [
        { name: 'Region', path: ['region'] },
        { name: 'Dry', path: ['opts', 'dry'] },
      ],
    })
    expect(paramHeaderValue({ opts: { dry: false } }, ['opts', 'dry'])).toBe('false')
    expect(paramHeaderValue({ region: null }, ['region'])).toBeUndefined()
  })

  it.each([
    [{ properties: { a: { type: 'string', 'x-mcp-header': 'bad name' } } }, 'must be an HTTP token'],
    [
      {
        properties: {
          a: { type: 'string', 'x-mcp-header': 'X' },
          b: { type: 'string', 'x-mcp-header': 'x' },
        },
      },
      'declared twice',
    ],
    [{ properties: { a: { type: 'number', 'x-mcp-header': 'N' } } }, 'string, integer or boolean'],
    [{ anyOf: [{ properties: { a: { type: 'string', 'x-mcp-header': 'A' } } }] }, 'not reachable'],
    [{ 'x-mcp-header': 'Root', type: 'string' }, 'not reachable'],
  ])('rejects invalid annotations (%#)', (schema, reason) => {
    const scan = scanParamHeaders({ type: 'object', ...schema })
    expect(scan.ok).toBe(false)
    if (!scan.ok) expect(scan.reason).toContain(reason)
  })
})
