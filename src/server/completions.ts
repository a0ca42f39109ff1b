/** `completion/complete`: argument suggestions for prompts and resource templates. */
import { ErrorCode, isObject, RpcError } from '../protocol/jsonrpc.js'

/** Suggests values for one argument from what the user typed so far. */
export type Completer = (
  value: string,
  context: { arguments: Record<string, string> },
) => Promise<readonly string[]> | readonly string[]

/** Completers by argument name. */
export type Completers = Record<string, Completer>

/** The spec caps a completion answer at 100 values. */
const MAX_VALUES = 100

export interface CompletionRequest {
  ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string }
  argument: { name: string; value: string }
  arguments: Record<string, string>
}

/** Parses `completion/complete` params, naming the field that is wrong. */
export function parseCompletionRequest(params: Record<string, unknown>): CompletionRequest {
  const ref = params.ref
  const argument = params.argument
  if (!isObject(ref)) throw new RpcError(ErrorCode.InvalidParams, 'params.ref must be an object')
  if (!isObject(argument) || typeof argument.name !== 'string' || typeof argument.value !== 'string') {
    throw new RpcError(ErrorCode.InvalidParams, 'params.argument must be { name: string, value: string }')
  }
  const context =
    isObject(params.context) && isObject(params.context.arguments) ? params.context.arguments : {}
  const args = Object.fromEntries(
    Object.entries(context).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  )
  const arg = { name: argument.name, value: argument.value }
  if (ref.type === 'ref/prompt' && typeof ref.name === 'string') {
    return { ref: { type: 'ref/prompt', name: ref.name }, argument: arg, arguments: args }
  }
  if (ref.type === 'ref/resource' && typeof ref.uri === 'string') {
    return { ref: { type: 'ref/resource', uri: ref.uri }, argument: arg, arguments: args }
  }
  throw new RpcError(
    ErrorCode.InvalidParams,
    'params.ref must be { type: "ref/prompt", name } or { type: "ref/resource", uri }',
  )
}

/** Runs a completer (if any) and shapes the answer: at most 100 values, with the total. */
export async function complete(
  completer: Completer | undefined,
  request: CompletionRequest,
): Promise<Record<string, unknown>> {
  const values = completer
    ? [...(await completer(request.argument.value, { arguments: request.arguments }))]
    : []
  return {
    completion: {
      values: values.slice(0, MAX_VALUES),
      total: values.length,
      hasMore: values.length > MAX_VALUES,
    },
  }
}
