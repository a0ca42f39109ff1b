/**
 * Which OpenAI API a model named by a string goes through: the Responses API on OpenAI itself
 * (what both OpenAI Agents SDKs use by default), Chat Completions on any other endpoint
 * (`OPENAI_BASE_URL`: vLLM, Ollama, llama.cpp server, LiteLLM… speak Chat Completions; few
 * speak Responses). `TOOLWIRE_MODEL_API=responses|chat` decides instead.
 */
import { ModelConfigError } from './errors.js'
import type { Model } from './model.js'
import { OpenAIChatCompletionsModel } from './openai-chat-completions-model.js'
import { OpenAIResponsesModel } from './openai-responses-model.js'

export type ModelApi = 'responses' | 'chat'

/** The API for `env` (default: `process.env`): `TOOLWIRE_MODEL_API`, else by `OPENAI_BASE_URL`. */
export function modelApi(env: Record<string, string | undefined> = process.env): ModelApi {
  const chosen = env.TOOLWIRE_MODEL_API?.trim().toLowerCase()
  if (chosen === 'responses' || chosen === 'chat') return chosen
  if (chosen) {
    throw new ModelConfigError(
      `TOOLWIRE_MODEL_API must be "responses" or "chat", got "${env.TOOLWIRE_MODEL_API}"`,
    )
  }
  const baseURL = env.OPENAI_BASE_URL?.trim()
  if (!baseURL) return 'responses'
  try {
    return new URL(baseURL).hostname === 'api.openai.com' ? 'responses' : 'chat'
  } catch {
    return 'chat'
  }
}

/** The model an agent names: a `Model`, or a model name for the API `modelApi()` picks. */
export function resolveModel(model: Model | string | undefined): Model {
  if (model !== undefined && typeof model !== 'string') return model
  const options = model === undefined ? {} : { model }
  return modelApi() === 'responses'
    ? new OpenAIResponsesModel(options)
    : new OpenAIChatCompletionsModel(options)
}
