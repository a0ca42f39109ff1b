/**
 * Running a handler that may ask the client (`ctx.sample`, `ctx.elicit`, `ctx.roots`) across
 * 2026-07-28 rounds (SEP-2322: tools, prompts and resource reads alike): answers from earlier
 * rounds come in (`inputResponses` and the signed `requestState`), and a question without an
 * answer ends the round with `input_required`. 2025-era requests ask on the session instead.
 */
import type { JsonRpcRequest } from '../protocol/jsonrpc.js'
import type { Exchange } from '../transport/server/request-dispatcher.js'
import { answersOf, RequestStateCodec, type StateBinding, salientParams } from './input-requests.js'
import { type CallContext, createToolContext } from './tool-context.js'

export interface RoundCall {
  params: Record<string, unknown>
  exchange: Exchange
  request: JsonRpcRequest
  /** Refuse a `requestState` presented twice (tools neither idempotent nor read-only). */
  singleUse: boolean
}

export class InputRounds {
  readonly #codec: RequestStateCodec

  constructor(options: { secret: string | undefined; ttlSeconds: number }) {
    this.#codec = new RequestStateCodec(options.secret, options.ttlSeconds)
  }

  /** Signs request state with the fleet's shared secret from now on. */
  useSecret(secret: string): void {
    this.#codec.useSecret(secret)
  }

  /** Runs one round of `target` (`tools/call name`, `prompts/get name`, `resources/read uri`). */
  async run(
    target: string,
    call: RoundCall,
    run: (ctx: CallContext) => Promise<Record<string, unknown>>,
  ): Promise<Record<string, unknown>> {
    const { params, exchange, request } = call
    const modern = exchange.era === 'modern'
    // The binding (a copy of the params, then a digest) is computed only by rounds that need it.
    const state = params.requestState
    const earlier =
      modern && state !== undefined
        ? this.#codec.decode(state, bindingOf(target, call), call.singleUse)
        : undefined
    const answers = modern ? answersOf(params, earlier ?? {}) : undefined
    const ctx = createToolContext(exchange, request, answers)
    let result: Record<string, unknown> | undefined
    let failure: unknown
    try {
      result = await run(ctx)
    } catch (error) {
      failure = error
    }
    const pending = ctx.pendingInput
    if (pending && modern) {
      return {
        resultType: 'input_required',
        inputRequests: { [pending.key]: pending.request },
        requestState: this.#codec.encode(bindingOf(target, call), ctx.answers),
      }
    }
    if (failure !== undefined) throw failure
    return result!
  }
}

/** What a round's `requestState` is bound to: the target, the caller and the salient params. */
function bindingOf(target: string, call: RoundCall): StateBinding {
  const identity = call.exchange.identity
  return {
    target,
    principal: identity ? `${identity.subject}\u0000${identity.clientId ?? ''}` : '',
    params: salientParams(call.params),
  }
}
