/**
 * What a server offers besides tools: resources (listed, templated, read), prompts (listed, got)
 * and argument completion. Lists follow pages within bounds (refusing loops); reads and prompts
 * answer 2026-07-28 `input_required` results with the client's handlers (multi round-trip
 * requests) and repeat the request with the answers, as tool calls do.
 */
import { type ErrorSite, McpProtocolError } from '../protocol/errors.js'
import { isObject } from '../protocol/jsonrpc.js'
import { printable } from '../protocol/printable.js'
import type {
  CompleteResult,
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
} from '../protocol/types.js'
import { answerInputRequired, type ClientRequestHandlers } from './client-requests.js'
import type { RunRequest } from './tool-listing.js'

/** Pages one list may take, and items it may hold: a server cannot make a client loop or hoard. */
const MAX_PAGES = 100
const MAX_ITEMS = 10_000
/** Rounds of `input_required` answers one read or prompt may take (2026-07-28). */
const MAX_INPUT_ROUNDS = 10

export interface FeatureContext {
  site: ErrorSite
  handlers: ClientRequestHandlers
  run: RunRequest
}

/** A reference for `completion/complete`: a prompt by name, or a resource template by URI template. */
export type CompletionReference = { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string }

export interface CompleteOptions {
  /** Values of the other arguments already chosen, which narrow the suggestions. */
  arguments?: Record<string, string>
  signal?: AbortSignal
}

/** Every item of a paginated list (`key` holds the page's items), bounded. */
async function listAll(
  context: FeatureContext,
  request: { method: string; key: string; required: string },
  signal: AbortSignal | undefined,
): Promise<unknown[]> {
  const { method, key, required } = request
  const items: unknown[] = []
  const cursors = new Set<string>()
  let cursor: string | undefined
  for (let page = 1; ; page++) {
    const result = await context.run(method, cursor === undefined ? {} : { cursor }, {
      signal,
      idempotent: true,
    })
    const pageItems = result[key]
    if (!Array.isArray(pageItems))
      throw new McpProtocolError(`${method} result has no "${key}" array`, context.site)
    // An entry without its identifying field cannot be used: it is skipped, not fatal.
    for (const item of pageItems) if (isObject(item) && typeof item[required] === 'string') items.push(item)
    if (items.length > MAX_ITEMS) {
      throw new McpProtocolError(`${method} returned more than ${MAX_ITEMS} ${key}`, context.site)
    }
    const next = result.nextCursor
    if (typeof next !== 'string') return items
    if (cursors.has(next)) {
      throw new McpProtocolError(
        `${method} returned the cursor "${printable(next, { maxChars: 80, oneLine: true })}" a second time: the server pages in a loop`,
        context.site,
      )
    }
    if (page >= MAX_PAGES) {
      throw new McpProtocolError(`${method} still had more pages after ${MAX_PAGES}`, context.site)
    }
    cursors.add(next)
    cursor = next
  }
}

/** Sends a request that may ask for input (2026-07-28), answering until it completes. */
async function inRounds(
  context: FeatureContext,
  what: string,
  send: (answers: Record<string, unknown> | undefined) => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  let result = await send(undefined)
  for (let round = 1; result.resultType === 'input_required'; round++) {
    if (round > MAX_INPUT_ROUNDS) {
      throw new McpProtocolError(
        `${what} still asked for input after ${MAX_INPUT_ROUNDS} rounds`,
        context.site,
      )
    }
    result = await send(await answerInputRequired(context.handlers, result, { what, site: context.site }))
  }
  return result
}

export async function listResources(context: FeatureContext, signal?: AbortSignal): Promise<Resource[]> {
  const items = await listAll(
    context,
    { method: 'resources/list', key: 'resources', required: 'uri' },
    signal,
  )
  return items as Resource[]
}

export async function listResourceTemplates(
  context: FeatureContext,
  signal?: AbortSignal,
): Promise<ResourceTemplate[]> {
  const items = await listAll(
    context,
    { method: 'resources/templates/list', key: 'resourceTemplates', required: 'uriTemplate' },
    signal,
  )
  return items as ResourceTemplate[]
}

export async function readResource(
  context: FeatureContext,
  uri: string,
  signal?: AbortSignal,
): Promise<ReadResourceResult> {
  const what = `resources/read ${uri}`
  const result = await inRounds(context, what, (answers) =>
    context.run('resources/read', { uri, ...answers }, { signal, idempotent: true }),
  )
  if (!Array.isArray(result.contents))
    throw new McpProtocolError(`${what}: the result has no "contents" array`, context.site)
  return result as ReadResourceResult
}

export async function listPrompts(context: FeatureContext, signal?: AbortSignal): Promise<Prompt[]> {
  const items = await listAll(context, { method: 'prompts/list', key: 'prompts', required: 'name' }, signal)
  return items as Prompt[]
}

export async function getPrompt(
  context: FeatureContext,
  request: { name: string; arguments: Record<string, string> },
  signal?: AbortSignal,
): Promise<GetPromptResult> {
  const what = `prompts/get ${request.name}`
  const result = await inRounds(context, what, (answers) =>
    context.run(
      'prompts/get',
      { name: request.name, arguments: request.arguments, ...answers },
      { signal, idempotent: true },
    ),
  )
  if (!Array.isArray(result.messages))
    throw new McpProtocolError(`${what}: the result has no "messages" array`, context.site)
  return result as GetPromptResult
}

export async function complete(
  context: FeatureContext,
  request: { ref: CompletionReference; argument: { name: string; value: string } },
  options: CompleteOptions = {},
): Promise<CompleteResult> {
  const params: Record<string, unknown> = { ref: request.ref, argument: request.argument }
  if (options.arguments) params.context = { arguments: options.arguments }
  const result = await context.run('completion/complete', params, {
    signal: options.signal,
    idempotent: true,
  })
  const completion = result.completion
  if (!isObject(completion) || !Array.isArray(completion.values)) {
    throw new McpProtocolError('completion/complete result has no "completion.values" array', context.site)
  }
  return result as CompleteResult
}
