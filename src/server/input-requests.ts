/**
 * Multi Round-Trip Requests (2026-07-28, SEP-2322): how `ctx.sample()`, `ctx.elicit()` and
 * `ctx.roots()` work without a session. The handler asks; the answer is not there yet, so the
 * call ends with `resultType: 'input_required'` and the question; the client answers and
 * retries the call with `inputResponses` and the `requestState` it was given; the handler
 * runs again from the start and this time each question finds its answer.
 *
 * Answers from earlier rounds travel in `requestState`, signed (HMAC-SHA256) and bound, as the
 * spec's MRTR security section asks, to the caller, to the request (method, name and a digest of
 * its arguments) and to a short expiry. A state that was altered, minted for another caller or
 * request, or expired is refused; so is a second use of one state for a tool that is neither
 * idempotent nor read-only (a signed "confirm: delete A" cannot run twice).
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { ErrorCode, isObject, RpcError } from '../protocol/jsonrpc.js'

/** Thrown by a question without an answer yet: ends this round of the call. */
export class InputRequired {
  constructor(
    readonly key: string,
    readonly request: { method: string; params: Record<string, unknown> },
  ) {}
}

type Answers = Record<string, Record<string, unknown>>

/** What a state is bound to. */
export interface StateBinding {
  /** The method and what it names: `tools/call delete_deal`. */
  target: string
  /** The caller: authenticated subject and client id ('' without auth). */
  principal: string
  /** The request's salient parameters (everything but `_meta`, `inputResponses`, `requestState`). */
  params: Record<string, unknown>
}

interface State {
  v: 2
  target: string
  principal: string
  /** SHA-256 of the salient parameters, canonical JSON. */
  digest: string
  /** Expiry, epoch milliseconds. */
  exp: number
  /** Identifies this state for the single-use check. */
  nonce: string
  answers: Answers
}

export class RequestStateCodec {
  #key: Buffer
  readonly #ttlMs: number
  /** Nonces of single-use states already presented, with their expiry (insertion order = expiry order). */
  readonly #used = new Map<string, number>()

  /** `secret`: shared by every replica behind one load balancer; random per process otherwise. */
  constructor(secret: string | undefined, ttlSeconds: number) {
    this.#key = secret ? Buffer.from(secret) : randomBytes(32)
    this.#ttlMs = ttlSeconds * 1000
  }

  /** Switches to the fleet's shared secret (states this process minted before stop verifying). */
  useSecret(secret: string): void {
    this.#key = Buffer.from(secret)
  }

  encode(binding: StateBinding, answers: Answers): string {
    const state: State = {
      v: 2,
      target: binding.target,
      principal: binding.principal,
      digest: digestOf(binding.params),
      exp: Date.now() + this.#ttlMs,
      nonce: randomUUID(),
      answers,
    }
    const body = Buffer.from(JSON.stringify(state)).toString('base64url')
    return `${body}.${this.#sign(body)}`
  }

  /**
   * The earlier answers carried by `requestState`; throws -32602 when it fails verification.
   * `singleUse`: refuse a state presented before (tools that are neither idempotent nor read-only).
   */
  decode(value: unknown, expected: StateBinding, singleUse: boolean): Answers {
    if (value === undefined) return {}
    const refuse = (why: string) =>
      new RpcError(
        ErrorCode.InvalidParams,
        `params.requestState is not valid: ${why}; start the call again without it`,
      )
    if (typeof value !== 'string') throw refuse('not a string')
    const dot = value.lastIndexOf('.')
    const body = value.slice(0, dot)
    const signature = Buffer.from(value.slice(dot + 1), 'base64url')
    const wanted = Buffer.from(this.#sign(body), 'base64url')
    if (dot <= 0 || signature.length !== wanted.length || !timingSafeEqual(signature, wanted)) {
      throw refuse('signature mismatch (altered, or minted by a server with another requestStateSecret)')
    }
    const state = JSON.parse(Buffer.from(body, 'base64url').toString()) as Partial<State>
    if (state.v !== 2 || typeof state.exp !== 'number' || typeof state.nonce !== 'string') {
      throw refuse('minted by an older server')
    }
    if (state.exp <= Date.now()) throw refuse('it expired')
    if (state.target !== expected.target || state.principal !== expected.principal) {
      throw refuse('it belongs to another call')
    }
    if (state.digest !== digestOf(expected.params)) throw refuse('it was issued for other arguments')
    if (singleUse) this.#claim(state.nonce, state.exp, refuse)
    return isObject(state.answers) ? (state.answers as Answers) : {}
  }

  #claim(nonce: string, exp: number, refuse: (why: string) => RpcError): void {
    const now = Date.now()
    for (const [old, until] of this.#used) {
      if (until > now) break
      this.#used.delete(old)
    }
    if (this.#used.has(nonce)) throw refuse('it was already used (this tool is not idempotent)')
    this.#used.set(nonce, exp)
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url')
  }
}

/** The parameters a state is bound to: all but the envelope and the round's own fields. */
export function salientParams(params: Record<string, unknown>): Record<string, unknown> {
  const { _meta, inputResponses, requestState, ...salient } = params
  return salient
}

function digestOf(params: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(params)).digest('base64url')
}

/** JSON with object keys sorted at every depth: equal values give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (isObject(value)) {
    const keys = Object.keys(value).sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** The answers a retried request brings: `inputResponses` merged over those in `requestState`. */
export function answersOf(params: Record<string, unknown>, earlier: Answers): Answers {
  const responses = params.inputResponses
  if (responses === undefined) return earlier
  if (!isObject(responses)) {
    throw new RpcError(
      ErrorCode.InvalidParams,
      'params.inputResponses must be an object keyed by input request',
    )
  }
  // A null-prototype object: a key such as `__proto__` stays a plain (ignored) entry.
  const answers: Answers = Object.assign(Object.create(null), earlier)
  for (const [key, value] of Object.entries(responses)) {
    if (!isObject(value)) {
      throw new RpcError(ErrorCode.InvalidParams, `params.inputResponses.${key} must be a result object`)
    }
    answers[key] = value
  }
  return answers
}
