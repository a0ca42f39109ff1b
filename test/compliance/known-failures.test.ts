/** Keeps the baseline honest: every known failure names a registered case, and names are unique. */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { KNOWN_FAILURES } from './known-failures.js'

const dir = new URL('./', import.meta.url)
const PAGES =
  /^(basic|basic\/transports|basic\/versioning|basic\/authorization|basic\/patterns\/(mrtr|subscriptions|cancellation|progress)|server\/(discover|tools|resources|prompts)|server\/utilities\/(logging|pagination|caching|completion)|client\/(elicitation|sampling|roots)): /

/** The literal names passed to `spec(...)` in every compliance test file. */
function registeredNames(): string[] {
  const names: string[] = []
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.ts'))) {
    const source = readFileSync(new URL(file, dir), 'utf8')
    for (const match of source.matchAll(/\bspec\(\s*'((?:[^'\\]|\\.)*)'/g)) names.push(match[1]!)
  }
  return names
}

describe('compliance baseline', () => {
  const names = registeredNames()

  it('registers every known failure exactly once', () => {
    for (const name of KNOWN_FAILURES)
      expect({ name, count: names.filter((n) => n === name).length }).toEqual({ name, count: 1 })
  })

  it('gives every case a unique name that starts with its spec page', () => {
    expect(names.length).toBeGreaterThan(100)
    expect(new Set(names).size).toBe(names.length)
    for (const name of names) expect(name).toMatch(PAGES)
  })
})
