/** The server's side of task negotiation: which tools may become tasks, and whether a request allows it. */
import { isObject } from '../../protocol/jsonrpc.js'
import { TASKS_EXTENSION } from '../../protocol/tasks.js'
import { META_CLIENT_CAPABILITIES } from '../../protocol/versions.js'
import type { Exchange } from '../../transport/server/request-dispatcher.js'

/**
 * Whether a tool runs as a task: `none` never; `optional` when its handler calls
 * `ctx.runAsTask()` and the client accepts tasks; `required` always (clients that do not
 * declare the extension get -32021).
 */
export type TaskSupport = 'none' | 'optional' | 'required'

/** Thrown by `ctx.runAsTask()` when the call is to end and continue as a task. */
export class BecomeTask {
  /** The answers of the multi round-trip rounds before, handed to the task. */
  answers: Record<string, Record<string, unknown>> = {}
}

/** Spec: the client declares the extension in the request's own capabilities (2026-07-28 `_meta`). */
export function clientDeclaresTasks(exchange: Exchange): boolean {
  if (exchange.era !== 'modern') return false
  const capabilities = exchange.meta?.[META_CLIENT_CAPABILITIES]
  const extensions = isObject(capabilities) ? capabilities.extensions : undefined
  return isObject(extensions) && isObject(extensions[TASKS_EXTENSION])
}
