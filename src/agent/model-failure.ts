/**
 * What a failed request to an OpenAI-compatible model endpoint becomes: a `ModelError` that says
 * which endpoint gave no answer, or the HTTP status and the provider's message. Shared by the
 * Chat Completions and Responses models.
 */
import { ModelError } from './errors.js'
import type { OpenAIClass } from './openai-package.js'

export interface FailureSite {
  /** The model's name, e.g. `gpt-4o-mini`. */
  model: string
  /** The `openai` package loaded for the request, when ours (a client of your own may be another copy). */
  OpenAI: OpenAIClass | undefined
  /** The endpoint's base URL when toolwire made the client; undefined for a client of your own. */
  baseURL: string | undefined
  /** toolwire made the client (so `baseURL` undefined means OpenAI's default). */
  ownClient: boolean
}

export function modelFailure(error: unknown, site: FailureSite): Error {
  // No HTTP answer at all: the endpoint is the likeliest mistake, so the message names it.
  if (isConnectionError(error, site.OpenAI)) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
    const endpoint = site.ownClient
      ? `the model endpoint ${site.baseURL ?? 'https://api.openai.com/v1'} (baseURL / OPENAI_BASE_URL)`
      : 'the model endpoint of the client you passed'
    return new ModelError(`model ${site.model} failed: no answer from ${endpoint}${cause}`, { cause: error })
  }
  if (isAPIError(error, site.OpenAI)) {
    return new ModelError(`model ${site.model} failed: HTTP ${error.status ?? '?'} ${error.message}`, {
      status: error.status,
      cause: error,
    })
  }
  if (error instanceof Error && error.name === 'AbortError') return error
  return new ModelError(
    `model ${site.model} failed: ${error instanceof Error ? error.message : String(error)}`,
    {
      cause: error,
    },
  )
}

/**
 * An HTTP-level failure of the provider. With a client of your own the package may be another
 * copy than ours, so its errors are recognised by shape as well.
 */
function isAPIError(
  error: unknown,
  OpenAI: OpenAIClass | undefined,
): error is Error & { status: number | undefined } {
  if (OpenAI && error instanceof OpenAI.APIError) return true
  return error instanceof Error && 'status' in error && 'headers' in error && 'error' in error
}

/** No HTTP answer from the provider (refused, reset, DNS, TLS). */
function isConnectionError(error: unknown, OpenAI: OpenAIClass | undefined): error is Error {
  if (OpenAI && error instanceof OpenAI.APIConnectionError) return true
  return (
    error instanceof Error &&
    (error.name === 'APIConnectionError' || error.name === 'APIConnectionTimeoutError')
  )
}
