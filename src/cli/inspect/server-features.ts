/**
 * Resources and prompts through the client. The client's methods for them (`listResources`,
 * `readResource`, `listPrompts`, `getPrompt`, …) arrive with issue 14; until a build has them,
 * the inspector says so instead of failing to compile or guessing at the wire.
 */
import type { MCPServerStreamableHttp } from '../../client/index.js'

interface FeatureMethods {
  listResources?: () => Promise<unknown[]>
  listResourceTemplates?: () => Promise<unknown[]>
  readResource?: (uri: string) => Promise<unknown>
  listPrompts?: () => Promise<unknown[]>
  getPrompt?: (name: string, args: Record<string, string>) => Promise<unknown>
}

/** The client's method `name`, bound; a clear error when this build has none. */
export function featureMethod<K extends keyof FeatureMethods>(
  client: MCPServerStreamableHttp,
  name: K,
): NonNullable<FeatureMethods[K]> {
  const method = (client as unknown as FeatureMethods)[name]
  if (typeof method !== 'function') {
    throw new Error(`this toolwire client has no ${name}() yet: resources and prompts need a newer toolwire`)
  }
  return method.bind(client) as NonNullable<FeatureMethods[K]>
}
