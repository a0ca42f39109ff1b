/**
 * `@opentelemetry/api`, loaded only once the app registered something with it. The API keeps
 * what an app registers (tracer provider, context manager, propagator) on a global shared by
 * every copy of the API in the process; reading that global tells whether there is anything to
 * join without loading the API (~7 MB of RSS, and a few lookups per request or call).
 */
import { createRequire } from 'node:module'

type OtelApi = typeof import('@opentelemetry/api')

/** The global `@opentelemetry/api` 1.x keeps its registrations on. */
const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1')

type Registrations = { trace?: unknown; context?: unknown; propagation?: unknown }

/** True when the app registered this part of OpenTelemetry (through any copy of the API). */
export function otelRegistered(part: keyof Registrations): boolean {
  return (globalThis as { [OTEL_GLOBAL]?: Registrations })[OTEL_GLOBAL]?.[part] !== undefined
}

let api: OtelApi | undefined

/** The API itself (CommonJS build, loaded synchronously on first use). */
export function otelApi(): OtelApi {
  api ??= createRequire(import.meta.url)('@opentelemetry/api') as OtelApi
  return api
}
