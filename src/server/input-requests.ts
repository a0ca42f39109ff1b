/**
 * Multi Round-Trip Requests (2026-07-28, SEP-2322): how `ctx.sample()`, `ctx.elicit()` and
 * `ctx.roots()` work without a session. The handler asks; the answer is not there yet, so the
 * call ends with `resultType: 'input_required'` and the question; the client answers and
 * retries the call with `inputResponses` and the `requestState` it was given; the handler
 * runs again from the start and this time each question finds its answer.
 *
 * Answers from earlier rounds travel in `requestState`, signed (HMAC-SHA256) and bound to the
 * tool and the caller: state the client altered, or state minted for another call, is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { ErrorCode, isObject, RpcError } from '../protocol/jsonrpc.js'

/** Thrown by a question without an answer yet: ends this round of the call. */
export class InputRequired {
  constructor(
    readonly key: string,
    readonly request: { method: string; params: Record<string, unknown> },
  ) {}
}

interface State {
  v: 1
  /** What the state is bound to: the tool (or prompt/resource) and the caller. */
  target: string
  subject: string
  answers: Record<string, Record<string, unknown>>
}

export class RequestStateCodec {
  readonly #key: Buffer

  /** `secret`: shared by every replica behind one load balancer; random per process otherwise. */
  constructor(secret: string | undefined) {
    this.#key = secret ? Buffer.from(secret) : randomBytes(32)
  }

  encode(state: Omit<State, 'v'>): string {
    const body = Buffer.from(JSON.stringify({ v: 1, ...state })).toString('base64url')
    return `${body}.${this.#sign(body)}`
  }

  /** The earlier answers carried by `requestState`; throws -32602 when it fails verification. */
  decode(value: unknown, expected: { target: string; subject: string }): State['answers'] {
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
    const state = JSON.parse(Buffer.from(body, 'base64url').toString()) as State
    if (state.target !== expected.target || state.subject !== expected.subject) {
      throw refuse('it belongs to another call')
    }
    return isObject(state.answers) ? state.answers : {}
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url')
  }
}

/** The answers a retried request brings: `inputResponses` merged over those in `requestState`. */
export function answersOf(
  params: Record<string, unknown>,
  earlier: Record<string, Record<string, unknown>>,
): Record<string, Record<string, unknown>> {
  const responses = params.inputResponses
  if (responses === undefined) return earlier
  if (!isObject(responses)) {
    throw new RpcError(
      ErrorCode.InvalidParams,
      'params.inputResponses must be an object keyed by input request',
    )
  }
  const answers = { ...earlier }
  for (const [key, value] of Object.entries(responses)) {
    if (!isObject(value)) {
      throw new RpcError(ErrorCode.InvalidParams, `params.inputResponses.${key} must be a result object`)
    }
    answers[key] = value
  }
  return answers
}
