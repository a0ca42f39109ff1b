/**
 * MCP vocabulary: the shapes toolwire reads and writes on the wire, written from the
 * specification (2025-03-26 … 2026-07-28). Objects stay open (`[key: string]: unknown`) where
 * the specification lets peers add fields, so a newer peer's extras pass through untouched.
 * No runtime package is needed for them.
 */

/** Arbitrary metadata (`_meta`), keyed by reverse-DNS prefixed names. */
export type Meta = Record<string, unknown>

/** A client's or server's name and version. */
export interface Implementation {
  name: string
  version: string
  title?: string | undefined
  description?: string | undefined
  websiteUrl?: string | undefined
  icons?: Icon[] | undefined
  [key: string]: unknown
}

export interface Icon {
  src: string
  mimeType?: string | undefined
  sizes?: string[] | undefined
  theme?: 'light' | 'dark' | undefined
}

/** What a client can do for servers. */
export interface ClientCapabilities {
  roots?: { listChanged?: boolean; [key: string]: unknown } | undefined
  sampling?: { context?: object; tools?: object; [key: string]: unknown } | undefined
  elicitation?: { form?: object; url?: object; [key: string]: unknown } | undefined
  experimental?: Record<string, object> | undefined
  extensions?: Record<string, object> | undefined
  [key: string]: unknown
}

/** What a server offers. */
export interface ServerCapabilities {
  tools?: { listChanged?: boolean; [key: string]: unknown } | undefined
  resources?: { subscribe?: boolean; listChanged?: boolean; [key: string]: unknown } | undefined
  prompts?: { listChanged?: boolean; [key: string]: unknown } | undefined
  logging?: object | undefined
  completions?: object | undefined
  experimental?: Record<string, object> | undefined
  extensions?: Record<string, object> | undefined
  [key: string]: unknown
}

/** Hints about a tool's behaviour. Untrusted unless the server is. */
export interface ToolAnnotations {
  title?: string | undefined
  /** The tool does not modify its environment. @default false */
  readOnlyHint?: boolean | undefined
  /** The tool may perform destructive updates (when not read-only). @default true */
  destructiveHint?: boolean | undefined
  /** Calling the tool again with the same arguments has no additional effect. @default false */
  idempotentHint?: boolean | undefined
  /** The tool interacts with an open world of external entities. @default true */
  openWorldHint?: boolean | undefined
  [key: string]: unknown
}

/** A JSON Schema object describing a tool's arguments or structured result. */
export interface ObjectSchema {
  type: 'object'
  properties?: Record<string, object> | undefined
  required?: string[] | undefined
  [key: string]: unknown
}

/** A tool as `tools/list` describes it. */
export interface Tool {
  name: string
  title?: string | undefined
  description?: string | undefined
  inputSchema: ObjectSchema
  outputSchema?: ObjectSchema | undefined
  annotations?: ToolAnnotations | undefined
  icons?: Icon[] | undefined
  _meta?: Meta | undefined
  [key: string]: unknown
}

export interface Annotations {
  audience?: Array<'user' | 'assistant'> | undefined
  priority?: number | undefined
  lastModified?: string | undefined
}

export interface TextContent {
  type: 'text'
  text: string
  annotations?: Annotations | undefined
  _meta?: Meta | undefined
}

export interface ImageContent {
  type: 'image'
  /** Base64-encoded image data. */
  data: string
  mimeType: string
  annotations?: Annotations | undefined
  _meta?: Meta | undefined
}

export interface AudioContent {
  type: 'audio'
  /** Base64-encoded audio data. */
  data: string
  mimeType: string
  annotations?: Annotations | undefined
  _meta?: Meta | undefined
}

export interface TextResourceContents {
  uri: string
  mimeType?: string | undefined
  text: string
  _meta?: Meta | undefined
}

export interface BlobResourceContents {
  uri: string
  mimeType?: string | undefined
  /** Base64-encoded bytes. */
  blob: string
  _meta?: Meta | undefined
}

/** A resource's contents embedded in a result. */
export interface EmbeddedResource {
  type: 'resource'
  resource: TextResourceContents | BlobResourceContents
  annotations?: Annotations | undefined
  _meta?: Meta | undefined
}

/** A link to a resource the client may read. */
export interface ResourceLink extends Resource {
  type: 'resource_link'
}

export type ContentBlock = TextContent | ImageContent | AudioContent | ResourceLink | EmbeddedResource

/** The result of `tools/call`; `resultType` is present on 2026-07-28 results. */
export interface CallToolResult {
  content: ContentBlock[]
  structuredContent?: Record<string, unknown> | undefined
  isError?: boolean | undefined
  resultType?: string | undefined
  _meta?: Meta | undefined
  [key: string]: unknown
}

/** A resource as `resources/list` describes it. */
export interface Resource {
  uri: string
  name: string
  title?: string | undefined
  description?: string | undefined
  mimeType?: string | undefined
  size?: number | undefined
  annotations?: Annotations | undefined
  icons?: Icon[] | undefined
  _meta?: Meta | undefined
}

/** A resource template as `resources/templates/list` describes it. */
export interface ResourceTemplate {
  uriTemplate: string
  name: string
  title?: string | undefined
  description?: string | undefined
  mimeType?: string | undefined
  annotations?: Annotations | undefined
  icons?: Icon[] | undefined
  _meta?: Meta | undefined
}

export interface ReadResourceResult {
  contents: Array<TextResourceContents | BlobResourceContents>
  _meta?: Meta | undefined
  [key: string]: unknown
}

export interface PromptArgument {
  name: string
  title?: string | undefined
  description?: string | undefined
  required?: boolean | undefined
}

/** A prompt as `prompts/list` describes it. */
export interface Prompt {
  name: string
  title?: string | undefined
  description?: string | undefined
  arguments?: PromptArgument[] | undefined
  icons?: Icon[] | undefined
  _meta?: Meta | undefined
}

export interface PromptMessage {
  role: 'user' | 'assistant'
  content: ContentBlock
}

export interface GetPromptResult {
  description?: string | undefined
  messages: PromptMessage[]
  _meta?: Meta | undefined
  [key: string]: unknown
}

/** The result of `completion/complete`. */
export interface CompleteResult {
  completion: { values: string[]; total?: number; hasMore?: boolean }
  _meta?: Meta | undefined
  [key: string]: unknown
}

/** A directory or file the client exposes to servers (`roots/list`). */
export interface Root {
  uri: string
  name?: string | undefined
  _meta?: Meta | undefined
}

export interface SamplingMessage {
  role: 'user' | 'assistant'
  content: TextContent | ImageContent | AudioContent | Array<TextContent | ImageContent | AudioContent>
  _meta?: Meta | undefined
}

export interface ModelPreferences {
  hints?: Array<{ name?: string }> | undefined
  costPriority?: number | undefined
  speedPriority?: number | undefined
  intelligencePriority?: number | undefined
}

/** What a server asks of the client's model (`sampling/createMessage`). */
export interface CreateMessageRequestParams {
  messages: SamplingMessage[]
  maxTokens: number
  systemPrompt?: string | undefined
  modelPreferences?: ModelPreferences | undefined
  includeContext?: 'none' | 'thisServer' | 'allServers' | undefined
  temperature?: number | undefined
  stopSequences?: string[] | undefined
  metadata?: object | undefined
  _meta?: Meta | undefined
  [key: string]: unknown
}

export interface CreateMessageResult {
  role: 'user' | 'assistant'
  content: TextContent | ImageContent | AudioContent | Array<TextContent | ImageContent | AudioContent>
  model: string
  stopReason?: string | undefined
  _meta?: Meta | undefined
  [key: string]: unknown
}

/** A primitive field of an elicitation form. */
export type ElicitationField =
  | {
      type: 'string'
      title?: string
      description?: string
      minLength?: number
      maxLength?: number
      format?: 'email' | 'uri' | 'date' | 'date-time'
      default?: string
      enum?: string[]
      enumNames?: string[]
    }
  | {
      type: 'number' | 'integer'
      title?: string
      description?: string
      minimum?: number
      maximum?: number
      default?: number
    }
  | { type: 'boolean'; title?: string; description?: string; default?: boolean }
  | {
      type: 'array'
      title?: string
      description?: string
      items: object
      minItems?: number
      maxItems?: number
      default?: string[]
    }

/** What a server asks the user through the client (`elicitation/create`, form mode). */
export interface ElicitRequestFormParams {
  mode?: 'form' | undefined
  message: string
  requestedSchema: {
    type: 'object'
    properties: Record<string, ElicitationField | object>
    required?: string[]
    [key: string]: unknown
  }
  _meta?: Meta | undefined
  [key: string]: unknown
}

export interface ElicitResult {
  action: 'accept' | 'decline' | 'cancel'
  content?: Record<string, string | number | boolean | string[]> | undefined
  _meta?: Meta | undefined
  [key: string]: unknown
}

/** Cache hints a 2026-07-28 server attaches to list results (SEP-2549). */
export interface CacheHints {
  /** How long the result may be reused, in milliseconds. */
  ttlMs: number
  /** `public`: any client of the server may share it; `private`: only this caller. */
  cacheScope: 'public' | 'private'
}

export interface ListToolsPage {
  tools: Tool[]
  nextCursor?: string
  /** Present when the server speaks 2026-07-28. */
  cache?: CacheHints
}

/** What `server/discover` (2026-07-28) or `initialize` (2025 era) told us about the server. */
export interface ServerDescription {
  protocolVersion: string
  serverInfo: Implementation
  capabilities: ServerCapabilities
  instructions?: string
}
