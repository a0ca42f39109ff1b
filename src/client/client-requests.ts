/**
 * Answers to what a server asks this client mid-call (2025-era sessions): sampling, elicitation
 * and roots. Each has a handler in the options; declaring a handler declares the capability.
 */
import { type ErrorSite, McpProtocolError } from '../protocol/errors.js'
import { ErrorCode, isObject, type JsonRpcRequest, RpcError } from '../protocol/jsonrpc.js'
import { TASKS_EXTENSION } from '../protocol/tasks.js'
import type {
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitResult,
  Root,
} from '../protocol/types.js'

export interface ClientRequestHandlers {
  /** Answers `sampling/createMessage`: run the server's prompt through your model. */
  sampling?: (params: CreateMessageRequestParams) => Promise<CreateMessageResult> | CreateMessageResult
  /**
   * Answers `elicitation/create` (form mode): ask the user. Fields the user left out are filled
   * from the schema's `default` values before the answer is sent (SEP-1034).
   */
  elicitation?: (params: ElicitRequestFormParams) => Promise<ElicitResult> | ElicitResult
  /** Answers `roots/list`: the directories or URIs the server may work in. */
  roots?: () => Promise<Root[]> | Root[]
}

/** The capabilities the handlers declare. */
export function capabilitiesOf(
  handlers: ClientRequestHandlers,
  options: { tasks: boolean } = { tasks: false },
): ClientCapabilities {
  return {
    ...(handlers.sampling ? { sampling: {} } : {}),
    ...(handlers.elicitation ? { elicitation: { form: {} } } : {}),
    ...(handlers.roots ? { roots: { listChanged: false } } : {}),
    // MCP Tasks extension: the client can poll a task instead of holding a request open.
    ...(options.tasks ? { extensions: { [TASKS_EXTENSION]: {} } } : {}),
  }
}

/** Answers one server request with the matching handler; an `RpcError` for anything else. */
export async function answerServerRequest(
  handlers: ClientRequestHandlers,
  request: JsonRpcRequest,
): Promise<Record<string, unknown>> {
  const params = request.params ?? {}
  switch (request.method) {
    case 'ping':
      return {}
    case 'sampling/createMessage':
      // This client never declares `sampling.tools`: a tool-enabled request is not one it agreed to.
      if (params.tools !== undefined || params.toolChoice !== undefined) {
        throw new RpcError(
          ErrorCode.InvalidParams,
          'sampling with tools was requested, but this client did not declare the sampling.tools capability',
        )
      }
      if (handlers.sampling) return { ...(await handlers.sampling(params as CreateMessageRequestParams)) }
      break
    case 'elicitation/create':
      if (handlers.elicitation) {
        if (params.mode !== undefined && params.mode !== 'form') {
          throw new RpcError(
            ErrorCode.InvalidParams,
            `elicitation mode "${String(params.mode)}" is not supported`,
          )
        }
        const form = params as ElicitRequestFormParams
        return { ...withDefaults(await handlers.elicitation(form), form.requestedSchema) }
      }
      break
    case 'roots/list':
      if (handlers.roots) return { roots: await handlers.roots() }
      break
  }
  throw new RpcError(ErrorCode.MethodNotFound, `This client does not handle ${request.method}`)
}

/** SEP-1034: an accepted form carries every field with a default, even those the user skipped. */
export function withDefaults(
  result: ElicitResult,
  schema: ElicitRequestFormParams['requestedSchema'] | undefined,
): ElicitResult {
  if (result.action !== 'accept' || !schema || !isObject(schema.properties)) return result
  const content: Record<string, unknown> = { ...(result.content ?? {}) }
  for (const [name, property] of Object.entries(schema.properties)) {
    if (content[name] === undefined && isObject(property) && property.default !== undefined) {
      content[name] = property.default
    }
  }
  return { ...result, content: content as ElicitResult['content'] }
}

/**
 * Answers a 2026-07-28 `input_required` result with the handlers; returns the params to add to
 * the retried request (`inputResponses`, and the server's `requestState` byte for byte).
 */
export async function answerInputRequired(
  handlers: ClientRequestHandlers,
  result: Record<string, unknown>,
  context: { what: string; site: ErrorSite },
): Promise<Record<string, unknown>> {
  const requests = isObject(result.inputRequests) ? result.inputRequests : {}
  const inputResponses: Record<string, unknown> = {}
  for (const [key, request] of Object.entries(requests)) {
    if (!isObject(request) || typeof request.method !== 'string') {
      throw new McpProtocolError(`${context.what}: inputRequests.${key} has no method`, context.site)
    }
    const params = isObject(request.params) ? request.params : {}
    try {
      inputResponses[key] = await answerServerRequest(handlers, {
        jsonrpc: '2.0',
        id: key,
        method: request.method,
        params,
      })
    } catch (error) {
      throw new McpProtocolError(
        `${context.what} asked for ${request.method}, which this client could not answer: ${error instanceof Error ? error.message : String(error)} (options.handlers)`,
        context.site,
        { cause: error },
      )
    }
  }
  return {
    inputResponses,
    ...(typeof result.requestState === 'string' ? { requestState: result.requestState } : {}),
  }
}
