/**
 * The `openai` package, an optional peer dependency of `toolwire/agent`: loaded on the first
 * model request, so apps that bring their own `Model` (or no agent at all) install nothing for it.
 * Every OpenAI-backed model (Chat Completions, Responses) gets its client here.
 */
import type OpenAIDefault from 'openai'
import { importOptional } from '../protocol/optional-package.js'

/** The `OpenAI` class of the `openai` package (internal: public types never name it). */
export type OpenAIClass = typeof OpenAIDefault
/** An `openai` client instance. */
export type OpenAIClient = OpenAIDefault

let loading: Promise<OpenAIClass> | undefined

/**
 * The `OpenAI` class, imported once per process.
 * @throws MissingPackageError (code `TOOLWIRE_CONFIG`) when `openai` is not installed,
 *   with the install command in its message.
 */
export function loadOpenAI(): Promise<OpenAIClass> {
  loading ??= importOptional('openai', 'an OpenAI model (toolwire/agent)', async () => {
    const module = await import('openai')
    return module.default
  })
  // A failed import is retried on the next call (the package may be installed meanwhile).
  loading.catch(() => {
    loading = undefined
  })
  return loading
}
