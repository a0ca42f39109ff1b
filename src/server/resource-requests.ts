/**
 * Answering `resources/read`, `resources/subscribe` / `unsubscribe` and `completion/complete`
 * for a `ToolServer`: parameters checked, the era's error codes and cache hints applied.
 */
import { ErrorCode, type JsonRpcRequest, RpcError } from '../protocol/jsonrpc.js'
import type { Exchange } from '../transport/server/request-dispatcher.js'
import { complete, parseCompletionRequest } from './completions.js'
import type { InputRounds } from './input-rounds.js'
import type { PromptRegistry } from './prompts.js'
import { RESOURCE_NOT_FOUND, type ResourceRegistry } from './resources.js'

type Params = Record<string, unknown>

/** 2026-07-28 cache hints (SEP-2549), added to list and read results. */
export type CacheHints = { ttlMs: number; cacheScope: 'public' | 'private' }

export async function readResourceRequest(
  deps: { rounds: InputRounds; resources: ResourceRegistry; cache: CacheHints },
  params: Params,
  { exchange, request }: { exchange: Exchange; request: JsonRpcRequest },
): Promise<Params> {
  if (typeof params.uri !== 'string')
    throw new RpcError(ErrorCode.InvalidParams, 'params.uri must be a string')
  const uri = params.uri
  try {
    const call = { params, exchange, request, singleUse: false }
    return await deps.rounds.run(`resources/read ${uri}`, call, async (ctx) => {
      const result = await deps.resources.read(uri, ctx)
      // 2026-07-28 read results carry cache hints, like list results (SEP-2549).
      return exchange.era === 'modern' ? { ...result, ...deps.cache } : (result as Params)
    })
  } catch (error) {
    // 2025 revisions answer an unknown resource with -32002; 2026-07-28 with -32602 (SEP-2164).
    if (exchange.era === 'modern' && error instanceof RpcError && error.code === RESOURCE_NOT_FOUND) {
      throw new RpcError(ErrorCode.InvalidParams, error.message, error.data)
    }
    throw error
  }
}

/** `resources/subscribe` (`on`) and `resources/unsubscribe`: 2025-era sessions only. */
export function subscribeRequest(
  resources: ResourceRegistry,
  params: Params,
  { exchange, on }: { exchange: Exchange; on: boolean },
): Params {
  if (typeof params.uri !== 'string')
    throw new RpcError(ErrorCode.InvalidParams, 'params.uri must be a string')
  if (on && !resources.has(params.uri)) {
    throw new RpcError(RESOURCE_NOT_FOUND, `Resource not found: ${params.uri}`, { uri: params.uri })
  }
  if (!exchange.session) {
    throw new RpcError(
      ErrorCode.InvalidRequest,
      'resources/subscribe needs a 2025-era session (initialize first); 2026-07-28 clients use subscriptions/listen',
    )
  }
  if (on) exchange.session.subscriptions.add(params.uri)
  else exchange.session.subscriptions.delete(params.uri)
  return {}
}

export async function completeRequest(
  deps: { prompts: PromptRegistry; resources: ResourceRegistry },
  params: Params,
): Promise<Params> {
  const request = parseCompletionRequest(params)
  const completers =
    request.ref.type === 'ref/prompt'
      ? deps.prompts.completers(request.ref.name)
      : deps.resources.completers(request.ref.uri)
  const name = request.argument.name
  return complete(completers && Object.hasOwn(completers, name) ? completers[name] : undefined, request)
}
