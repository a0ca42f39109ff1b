/** `new ToolServer(options)`: the options, their defaults and their validation, in one place. */
import { ToolwireConfigError } from '../protocol/errors.js'
import type { Implementation } from '../protocol/types.js'
import type { TasksOptions } from './tasks/tasks-options.js'

export interface ToolServerOptions {
  /** Server name reported to clients. */
  name: string
  /** Server version reported to clients. @default '0.0.0' */
  version?: string
  title?: string
  /** Guidance for the model on how to use this server's tools. */
  instructions?: string
  /** Tools per `tools/list` page. @default 100 */
  pageSize?: number
  /**
   * Cache hints on 2026-07-28 list results: how long clients may reuse them, in
   * milliseconds, and whether one client's copy may serve others.
   * @default { ttlMs: 60000, scope: 'private' }
   */
  listCache?: { ttlMs?: number; scope?: 'public' | 'private' }
  /**
   * Key that signs `requestState` when a 2026-07-28 tool call asks the client something
   * (`ctx.elicit`, `ctx.sample`, `ctx.roots`). Give every replica behind one load balancer the
   * same secret, so any of them can continue a call. @default random per process
   */
  requestStateSecret?: string
  /**
   * How long a `requestState` stays valid, in seconds: the time a user has to answer a question
   * a 2026-07-28 call asked (elicitation, sampling, roots). @default 600
   */
  requestStateTtlSeconds?: number
  /**
   * Upper bound of every tool's run time, in seconds, for tools that set no `timeoutSeconds` of
   * their own. Past it the call answers "timed out", `ctx.signal` aborts, and the request stops
   * counting against `maxConcurrentRequests` even if the handler goes on (it is then logged).
   * `Infinity` lifts the bound. 300 s matches a client's default SSE read timeout (the
   * seed's `sse_read_timeout`): a call silent longer than that has usually been given up.
   * @default 300
   */
  defaultToolTimeoutSeconds?: number
  /**
   * Tasks (MCP Tasks extension, tools with `taskSupport`): their time to live, poll interval and,
   * with a fleet store (`handler({ store })`), their lease. See docs/tasks.md.
   * @default { ttlSeconds: 3600, pollIntervalMs: 1000, leaseSeconds: 30, maxConcurrentTasks: 32 }
   */
  tasks?: TasksOptions
}

/** The options with defaults applied, checked. */
export interface ToolServerSettings {
  info: Implementation
  instructions: string | undefined
  pageSize: number
  cache: { ttlMs: number; cacheScope: 'public' | 'private' }
  requestStateSecret: string | undefined
  requestStateTtlSeconds: number
  defaultToolTimeoutSeconds: number
}

/** Applies the defaults; refuses an invalid option with a message naming it. */
export function toolServerSettings(options: ToolServerOptions): ToolServerSettings {
  if (!options.name) throw new ToolwireConfigError('ToolServer: option "name" is required')
  const pageSize = options.pageSize ?? 100
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new ToolwireConfigError(`ToolServer: option "pageSize" must be a positive integer, got ${pageSize}`)
  }
  const ttlMs = options.listCache?.ttlMs ?? 60_000
  if (!Number.isInteger(ttlMs) || ttlMs < 0) {
    throw new ToolwireConfigError(
      `ToolServer: option "listCache.ttlMs" must be a non-negative integer, got ${ttlMs}`,
    )
  }
  for (const option of ['requestStateTtlSeconds', 'defaultToolTimeoutSeconds'] as const) {
    const value = options[option]
    if (value !== undefined && !(value > 0)) {
      throw new ToolwireConfigError(
        `ToolServer: option "${option}" must be a number of seconds > 0, got ${value}`,
      )
    }
  }
  return {
    info: {
      name: options.name,
      version: options.version ?? '0.0.0',
      ...(options.title ? { title: options.title } : {}),
    },
    instructions: options.instructions,
    pageSize,
    cache: { ttlMs, cacheScope: options.listCache?.scope ?? 'private' },
    requestStateSecret: options.requestStateSecret,
    requestStateTtlSeconds: options.requestStateTtlSeconds ?? 600,
    defaultToolTimeoutSeconds: options.defaultToolTimeoutSeconds ?? 300,
  }
}
