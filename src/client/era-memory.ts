/**
 * Which endpoints speak only the 2025 revisions, remembered for the life of the process (per
 * origin and path). A client in `auto` mode probes with `server/discover` first; a 2025-only
 * server answers it with an error (one extra round trip and one error line in that server's log
 * per connect), so once an endpoint is known to be 2025-only, later clients go straight to
 * `initialize`. Only that fact is kept: a 2026-07-28 server costs no extra round trip anyway.
 * Bounded: the oldest entry goes when the map is full.
 */
import type { ProtocolEra } from '../protocol/versions.js'

const MAX_ENDPOINTS = 1000
const legacyEndpoints = new Set<string>()

const keyOf = (url: URL) => `${url.origin}${url.pathname}`

/** The era to start with at `url`: `legacy` when that endpoint turned out to be 2025-only, else `auto`. */
export function startingEra(url: URL): 'legacy' | 'auto' {
  return legacyEndpoints.has(keyOf(url)) ? 'legacy' : 'auto'
}

/** Remembers what an `auto` connect learned (or forgets it, when a remembered start failed). */
export function rememberEra(url: URL, era: ProtocolEra | undefined): void {
  const key = keyOf(url)
  legacyEndpoints.delete(key)
  if (era !== 'legacy') return
  if (legacyEndpoints.size >= MAX_ENDPOINTS) {
    const oldest = legacyEndpoints.values().next().value
    if (oldest !== undefined) legacyEndpoints.delete(oldest)
  }
  legacyEndpoints.add(key)
}
