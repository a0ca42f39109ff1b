/**
 * A toolwire client's tools as an AI SDK tool set, shaped like `@ai-sdk/mcp`'s `tools()`:
 * `dynamicTool`s with `jsonSchema()` input schemas (or typed `tool`s when `schemas` names them),
 * executed through the toolwire client with the call's abort signal.
 */
import {
  asSchema,
  dynamicTool,
  type FlexibleSchema,
  type JSONSchema7,
  jsonSchema,
  type Tool,
  type ToolExecutionOptions,
} from 'ai'
import {
  McpProtocolError,
  type Tool as McpTool,
  McpToolError,
  type ToolCallResult,
  type MCPServerStreamableHttp as ToolwireClient,
} from '../../client/index.js'
import { mcpToModelOutput } from './model-output.js'

type JSONObject = NonNullable<Tool['metadata']>

/**
 * `'automatic'`: every tool, untyped (`dynamicTool`). Or the tools to offer, by name, each with
 * its input schema (and optionally its output schema) for typed `tool`s, as `@ai-sdk/mcp`.
 */
export type AiSdkToolSchemas =
  | Record<string, { inputSchema: FlexibleSchema<unknown>; outputSchema?: FlexibleSchema<unknown> }>
  | 'automatic'

/** An MCP tool in the AI SDK: `execute` may be called directly, without execution options. */
export type AiSdkMcpTool<INPUT = unknown, OUTPUT = ToolCallResult> = Tool<INPUT, OUTPUT> & {
  execute: (input: INPUT, options?: ToolExecutionOptions) => Promise<OUTPUT>
  _meta?: Record<string, unknown>
}

/** The tool set `aiSdkTools()` returns for `schemas` (as `@ai-sdk/mcp`'s `McpToolSet`). */
export type AiSdkToolSet<SCHEMAS extends AiSdkToolSchemas = 'automatic'> =
  SCHEMAS extends Record<string, { inputSchema: FlexibleSchema<unknown> }>
    ? {
        [K in keyof SCHEMAS]: SCHEMAS[K] extends {
          inputSchema: FlexibleSchema<infer INPUT>
          outputSchema: FlexibleSchema<infer OUTPUT>
        }
          ? AiSdkMcpTool<INPUT, OUTPUT>
          : SCHEMAS[K] extends { inputSchema: FlexibleSchema<infer INPUT> }
            ? AiSdkMcpTool<INPUT, ToolCallResult>
            : never
      }
    : Record<string, AiSdkMcpTool>

export interface AiSdkToolsOptions<SCHEMAS extends AiSdkToolSchemas = 'automatic'> {
  /** `'automatic'` (every tool, untyped) or typed schemas for the tools to offer. @default 'automatic' */
  schemas?: SCHEMAS
  /**
   * `throw`: a result with `isError: true` throws `McpToolError` (message `tool <name> failed:
   * <its text>`); the AI SDK reports a `tool-error` part and gives the model that text as an
   * error. `result`: it is returned like any result, as `@ai-sdk/mcp` does. Transport failures
   * (timeouts, an open circuit, …) always throw. @default 'throw'
   */
  toolErrors?: 'throw' | 'result'
  /** Cancels listing the tools. */
  signal?: AbortSignal
}

/**
 * The tools of a connected toolwire client as an AI SDK tool set, for `generateText`,
 * `streamText` and `ToolLoopAgent`. Tool names are the server's; merge the sets of several
 * servers with `{ ...a, ...b }` (a later set wins a name). The client's `toolFilter` applies.
 *
 * @example
 * ```ts
 * await using crm = await new MCPServerStreamableHttp({ name: 'CRM', params: { url } }).connect()
 * const { text } = await generateText({
 *   model, tools: await aiSdkTools(crm), stopWhen: stepCountIs(5), prompt: 'Which deals are at risk?',
 * })
 * ```
 */
export async function aiSdkTools<SCHEMAS extends AiSdkToolSchemas = 'automatic'>(
  client: ToolwireClient,
  options: AiSdkToolsOptions<SCHEMAS> = {},
): Promise<AiSdkToolSet<SCHEMAS>> {
  const schemas: AiSdkToolSchemas = options.schemas ?? 'automatic'
  const throwOnError = (options.toolErrors ?? 'throw') === 'throw'
  const listed = await client.listTools(options.signal ? { signal: options.signal } : {})
  // No prototype: a tool named `__proto__` or `constructor` is a key like any other.
  const tools: Record<string, AiSdkMcpTool<unknown, unknown>> = Object.create(null)
  for (const definition of listed) {
    const { name } = definition
    if (schemas !== 'automatic' && !Object.hasOwn(schemas, name)) continue
    const outputSchema = schemas === 'automatic' ? undefined : schemas[name]?.outputSchema
    const execute = async (input: unknown, execution?: ToolExecutionOptions): Promise<unknown> => {
      execution?.abortSignal?.throwIfAborted()
      const args = (input ?? {}) as Record<string, unknown>
      const result = await client.callTool(
        name,
        args,
        execution?.abortSignal ? { signal: execution.abortSignal } : {},
      )
      if (result.isError) {
        if (throwOnError) throw toolFailure(client, name, result)
        return result
      }
      return outputSchema ? structuredOutput(result, { client, name, outputSchema }) : result
    }
    const title = definition.title ?? definition.annotations?.title
    const common = {
      ...(definition.description === undefined ? {} : { description: definition.description }),
      ...(title === undefined ? {} : { title }),
      metadata: metadataOf(client, definition),
      execute,
      toModelOutput: mcpToModelOutput,
    }
    // A typed tool is what `tool()` (an identity function) would return: no `type`.
    const made: Tool<unknown, unknown> =
      schemas === 'automatic'
        ? dynamicTool({ ...common, inputSchema: inputSchemaOf(definition) })
        : { ...common, inputSchema: schemas[name]!.inputSchema, ...(outputSchema ? { outputSchema } : {}) }
    tools[name] = {
      ...(made as AiSdkMcpTool<unknown, unknown>),
      ...(definition._meta ? { _meta: definition._meta } : {}),
    }
  }
  return tools as AiSdkToolSet<SCHEMAS>
}

function inputSchemaOf(definition: McpTool) {
  const schema = definition.inputSchema
  return jsonSchema({
    ...schema,
    properties: schema.properties ?? {},
    additionalProperties: false,
  } as JSONSchema7)
}

/** `@ai-sdk/mcp`'s tool metadata (not sent to the model; copied onto tool-call and result parts). */
function metadataOf(client: ToolwireClient, definition: McpTool): JSONObject {
  const annotations: JSONObject = {}
  for (const key of [
    'title',
    'readOnlyHint',
    'destructiveHint',
    'idempotentHint',
    'openWorldHint',
  ] as const) {
    const value = definition.annotations?.[key]
    if (value != null) annotations[key] = value
  }
  return { clientName: client.name, ...(definition.annotations ? { annotations } : {}) }
}

function toolFailure(client: ToolwireClient, name: string, result: ToolCallResult): McpToolError {
  const text = result.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('\n')
  // No URL in the site: the message is what the model reads.
  return new McpToolError(name, text || 'the tool reported an error without text', {
    site: { serverName: client.name },
    result,
  })
}

/** The structured output of a typed tool: `structuredContent`, else its text parsed as JSON; validated. */
async function structuredOutput(
  result: ToolCallResult,
  tool: { client: ToolwireClient; name: string; outputSchema: FlexibleSchema<unknown> },
): Promise<unknown> {
  const { client, name, outputSchema } = tool
  const site = { serverName: client.name, url: `${client.url.origin}${client.url.pathname}` }
  let value: unknown = result.structuredContent
  if (value === undefined) {
    const text = result.content.find((block) => block.type === 'text')
    if (text?.type !== 'text') {
      throw new McpProtocolError(`tool ${name} returned no structuredContent and no text to parse`, site)
    }
    try {
      value = JSON.parse(text.text)
    } catch (cause) {
      throw new McpProtocolError(`tool ${name} returned text that is not JSON`, site, { cause })
    }
  }
  const validation = await asSchema(outputSchema).validate?.(value)
  if (validation && !validation.success) {
    throw new McpProtocolError(`tool ${name} returned output that does not match its outputSchema`, site, {
      cause: validation.error,
    })
  }
  return validation ? validation.value : value
}
