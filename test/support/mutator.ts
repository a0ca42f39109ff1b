/**
 * A fixed-seed mutator of MCP requests for the adversarial fuzzer: from a valid request
 * (headers and body), it derives hostile ones by changing values, types, keys, methods,
 * headers and the raw bytes. Same seed, same mutations.
 */

/** mulberry32: small, fast, good enough to pick mutations reproducibly. */
export function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface RawRequest {
  method: 'POST' | 'PUT' | 'PATCH'
  headers: Record<string, string>
  /** The exact body text sent. */
  body: string
  /** The JSON-RPC id the body carries, when it is a valid one (to check the answer's id). */
  id: string | number | undefined
  /** What the mutation did, for failure messages. */
  mutation: string
}

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype)
const METHODS = [
  'tools/call',
  'tools/list',
  'prompts/get',
  'prompts/list',
  'resources/read',
  'resources/list',
  'resources/templates/list',
  'resources/subscribe',
  'completion/complete',
  'server/discover',
  'subscriptions/listen',
  'logging/setLevel',
  'ping',
  'initialize',
  'notifications/cancelled',
  'notifications/initialized',
  '',
  'tools/',
  'TOOLS/CALL',
  '../../etc/passwd',
  ...PROTOTYPE_NAMES,
]
const HEADERS = [
  'mcp-method',
  'mcp-name',
  'mcp-protocol-version',
  'mcp-session-id',
  'mcp-param-region',
  'content-type',
  'accept',
  'last-event-id',
  'origin',
  'authorization',
]

export class Mutator {
  readonly #next: () => number

  constructor(seed: number) {
    this.#next = random(seed)
  }

  int(max: number): number {
    return Math.floor(this.#next() * max)
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }

  /** A hostile value of any JSON type. */
  value(depth = 0): unknown {
    const r = this.int(depth > 2 ? 12 : 16)
    switch (r) {
      case 0:
        return null
      case 1:
        return this.int(2) === 0
      case 2:
        return this.pick([0, -1, 1.5, 2 ** 53 + 1, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER])
      case 3:
        return ''
      case 4:
        return 'x'.repeat(this.pick([1, 64, 4096]))
      case 5:
        return this.pick(['é', '世界', '\u0000', '\ud800', '=?base64?!!?=', 'a\nb', ' padded '])
      case 6:
        return this.pick(PROTOTYPE_NAMES)
      case 7:
        return this.pick(METHODS)
      case 8:
        return 'echo'
      case 9:
        return { text: 'hi' }
      case 10:
        return []
      case 11:
        return {}
      case 12:
        return Array.from({ length: this.int(4) }, () => this.value(depth + 1))
      default: {
        const out: Record<string, unknown> = {}
        for (let i = this.int(4); i > 0; i--) out[this.key()] = this.value(depth + 1)
        return out
      }
    }
  }

  key(): string {
    return this.pick([
      'name',
      'arguments',
      'uri',
      'cursor',
      'text',
      '_meta',
      'progressToken',
      'requestState',
      'inputResponses',
      'notifications',
      'level',
      'protocolVersion',
      'io.modelcontextprotocol/protocolVersion',
      'io.modelcontextprotocol/clientCapabilities',
      'io.modelcontextprotocol/logLevel',
      ...PROTOTYPE_NAMES,
    ])
  }

  /** One mutation of a valid request. */
  mutate(seed: { headers: Record<string, string>; body: Record<string, unknown> }): RawRequest {
    const headers = { ...seed.headers }
    const body = structuredClone(seed.body)
    const kind = this.int(10)
    let mutation: string
    let text: string | undefined
    let method: RawRequest['method'] = 'POST'
    switch (kind) {
      case 0:
      case 1: {
        const path = this.#setSomewhere(body)
        mutation = `value at ${path}`
        break
      }
      case 2: {
        const path = this.#deleteSomewhere(body)
        mutation = `deleted ${path}`
        break
      }
      case 3: {
        body.method = this.pick(METHODS)
        if (this.int(2) === 0) headers['mcp-method'] = String(body.method)
        mutation = `method ${JSON.stringify(body.method)}`
        break
      }
      case 4: {
        body.id = this.pick([null, {}, [], 1.5, -0, 'x'.repeat(300), 2 ** 64, true, '__proto__'])
        mutation = `id ${JSON.stringify(body.id)}`
        break
      }
      case 5: {
        const name = this.pick(HEADERS)
        if (this.int(3) === 0) delete headers[name]
        else headers[name] = this.#headerValue()
        mutation = `header ${name}`
        break
      }
      case 6: {
        const full = JSON.stringify(body)
        const cut = this.int(full.length)
        text = this.pick([
          full.slice(0, cut),
          `${full.slice(0, cut)}${String.fromCharCode(this.int(128))}${full.slice(cut)}`,
          `[${full}]`,
          `${full}${full}`,
          '[]',
          '""',
          'null',
          `${'['.repeat(5000)}${']'.repeat(5000)}`,
          `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`,
        ])
        mutation = `raw text (${text.length} chars)`
        break
      }
      case 7: {
        for (let i = 1 + this.int(3); i > 0; i--) this.#setSomewhere(body)
        this.#deleteSomewhere(body)
        mutation = 'several values'
        break
      }
      case 8: {
        method = this.pick(['PUT', 'PATCH'] as const)
        mutation = `HTTP ${method}`
        break
      }
      default: {
        const params = (Object.hasOwn(body, 'params') ? body.params : {}) as Record<string, unknown>
        const meta = (Object.hasOwn(params, '_meta') ? params._meta : {}) as Record<string, unknown>
        const key = this.pick([
          'io.modelcontextprotocol/protocolVersion',
          'io.modelcontextprotocol/clientCapabilities',
          'io.modelcontextprotocol/logLevel',
          'progressToken',
          '__proto__',
        ])
        Object.defineProperty(meta, key, {
          value: this.value(),
          enumerable: true,
          writable: true,
          configurable: true,
        })
        body.params = { ...params, _meta: meta }
        mutation = `_meta ${key}`
      }
    }
    const id = body.id
    return {
      method,
      headers,
      body: text ?? JSON.stringify(body),
      id:
        text === undefined && (typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))
          ? id
          : undefined,
      mutation,
    }
  }

  /** A header value undici accepts (latin1 printable), possibly hostile to the server. */
  #headerValue(): string {
    return this.pick([
      '',
      'tools/call',
      '2026-07-28',
      '2025-11-25',
      '1999-01-01',
      'text/plain',
      'application/json',
      'text/event-stream',
      'http://evil.example',
      'Bearer x',
      'é',
      '=?base64?SGk=?=',
      '=?base64?***?=',
      '__proto__',
      'constructor',
      'x'.repeat(2000),
      '42.0',
    ])
  }

  /** Sets a random value at a random path; returns the path. */
  #setSomewhere(root: Record<string, unknown>): string {
    let node: Record<string, unknown> = root
    const path: string[] = []
    for (let depth = 0; depth < 4; depth++) {
      const keys = Object.keys(node)
      const key = keys.length > 0 && this.int(3) > 0 ? this.pick(keys) : this.key()
      path.push(key)
      // Own properties only: descending into `__proto__` would pollute this process's Object.prototype.
      const child = Object.hasOwn(node, key) ? node[key] : undefined
      if (child && typeof child === 'object' && !Array.isArray(child) && this.int(2) === 0) {
        node = child as Record<string, unknown>
        continue
      }
      Object.defineProperty(node, key, {
        value: this.value(),
        enumerable: true,
        writable: true,
        configurable: true,
      })
      break
    }
    return path.join('.')
  }

  #deleteSomewhere(root: Record<string, unknown>): string {
    let node: Record<string, unknown> = root
    const path: string[] = []
    for (;;) {
      const keys = Object.keys(node)
      if (keys.length === 0) return path.join('.') || '(nothing)'
      const key = this.pick(keys)
      path.push(key)
      const child = node[key]
      if (child && typeof child === 'object' && !Array.isArray(child) && this.int(2) === 0) {
        node = child as Record<string, unknown>
        continue
      }
      delete node[key]
      return path.join('.')
    }
  }
}
