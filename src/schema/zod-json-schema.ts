/**
 * JSON Schema for zod schemas that cannot convert themselves (zod 3.25's `zod/v4`, zod 4.0 and
 * 4.1 lack the Standard JSON Schema `jsonSchema` property): zod's own `toJSONSchema`, loaded
 * synchronously from the app's zod install — zod is an optional peer, so never imported at
 * load time.
 */
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

type ToJsonSchema = (schema: unknown, options: Record<string, unknown>) => Record<string, unknown>

const require = createRequire(import.meta.url)
let loaded: ToJsonSchema | null | undefined

/** zod's `toJSONSchema`, or undefined when zod is not installed. */
export function zodToJsonSchema(): ToJsonSchema | undefined {
  if (loaded === undefined) loaded = load() ?? null
  return loaded ?? undefined
}

function load(): ToJsonSchema | undefined {
  // The ES module the app's `zod/v4` imports, not zod's CommonJS twin: `.describe()` texts live
  // in a registry of that module instance, and a second copy would publish schemas without them.
  // require() of an ES module shares Node's module cache (Node ≥ 20.19); older Node falls back.
  for (const open of [
    () => require(fileURLToPath(import.meta.resolve('zod/v4/core'))) as unknown,
    () => require('zod/v4/core') as unknown,
  ]) {
    try {
      const toJSONSchema = (open() as { toJSONSchema?: unknown }).toJSONSchema
      if (typeof toJSONSchema === 'function') return toJSONSchema as ToJsonSchema
    } catch {
      // Not installed, or this way of loading is not supported: try the next.
    }
  }
  return undefined
}
