/** The error table in docs/errors.md is the code's: every code, its class, nothing else. */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as agent from '../../src/agent/index.js'
import * as client from '../../src/client/index.js'
import { ERROR_CODES, ToolwireError } from '../../src/protocol/errors.js'

describe('error codes', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
  const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| `(\w+)` \|/gm)].map((m) => [m[1], m[2]])

  it('docs/errors.md lists exactly the codes of ERROR_CODES, each with its class', () => {
    expect(Object.fromEntries(rows)).toEqual(
      Object.fromEntries(Object.entries(ERROR_CODES).map(([code, entry]) => [code, entry.class])),
    )
  })

  it('every class in the table is exported and carries its code', () => {
    const exported: Record<string, unknown> = { ...client, ...agent }
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      const cls = exported[entry.class]
      expect(cls, entry.class).toBeTypeOf('function')
      expect((cls as { prototype: unknown }).prototype).toBeInstanceOf(ToolwireError)
      expect(code).toMatch(/^[A-Z_]+$/)
    }
  })
})
