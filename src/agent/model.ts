/** The model seam: anything that turns a conversation and a tool list into a response. */
import type { AgentInputItem, ModelOutputItem, Usage } from './items.js'

/** A function tool as the model sees it. */
export interface FunctionToolSpec {
  name: string
  description: string
  /** JSON Schema (an object schema) of the arguments. */
  parameters: Record<string, unknown>
}

export interface ModelSettings {
  temperature?: number
  topP?: number
  maxTokens?: number
  /** Let the model call several tools in one turn. @default true */
  parallelToolCalls?: boolean
  /** `auto`, `required`, `none`, or a tool name. @default 'auto' */
  toolChoice?: 'auto' | 'required' | 'none' | string
}

export interface ModelRequest {
  instructions: string
  input: readonly AgentInputItem[]
  tools: readonly FunctionToolSpec[]
  settings: ModelSettings
  signal?: AbortSignal | undefined
}

export interface ModelResponse {
  output: ModelOutputItem[]
  usage: Partial<Usage>
  /** The provider's raw response, for debugging (`rawResponses` of the run result). */
  raw?: unknown
}

/** A streamed response: text as it comes, then the whole response. */
export type ModelStreamEvent =
  | { type: 'text_delta'; delta: string }
  | { type: 'response_done'; response: ModelResponse }

export interface Model {
  /** A name for spans and errors, e.g. `gpt-4o-mini`. */
  readonly name: string
  getResponse(request: ModelRequest): Promise<ModelResponse>
  /** Optional streaming; without it, runStreamed emits the text in one delta. */
  getStreamedResponse?(request: ModelRequest): AsyncIterable<ModelStreamEvent>
}
