/**
 * The compliance cases toolwire fails today: a conformance baseline. `spec()` registers each one
 * with `it.fails`, so the suite stays green while the bug is there, and a fix makes the case fail
 * until its name is removed from this list. Each entry was checked to fail for the reason noted.
 */
export const KNOWN_FAILURES: readonly string[] = [
  // Server, basic/transports: header validation.
  // Server, basic: error codes.
  'basic: new implementations SHOULD NOT use codes from -32000..-32019 (authentication failure)', // deliberate: 401/403 keep -32000, which 2025 peers and the SDKs expect (clients go by the HTTP status)
  // Server, basic: _meta and client capabilities.
  // Server, basic/patterns/mrtr: requestState binding.
  // Server, server/utilities/logging.
  // Server, basic/authorization.
  // Client.
  'server/utilities/caching: a client SHOULD treat ttlMs 0 as immediately stale', // deliberate by default (SDK v2 servers send 0): `strictCacheHints: true` follows the SHOULD
  'server/utilities/caching: a client SHOULD treat an absent ttlMs as 0 (immediately stale)', // deliberate by default (SDK v2 servers send 0): `strictCacheHints: true` follows the SHOULD
  'server/utilities/caching: a client SHOULD treat a negative ttlMs as 0 (immediately stale)', // deliberate by default (SDK v2 servers send 0): `strictCacheHints: true` follows the SHOULD
  'server/tools: clients SHOULD validate structured results against the outputSchema', // non-conforming result returned as success
]
