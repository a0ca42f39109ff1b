/** Errors a run can end with. */
import { ToolwireConfigError, ToolwireError } from '../protocol/errors.js'
import type { RunItem } from './items.js'

/** The model is not configured (no API key, no model name): raised before any tool server is used. */
export class ModelConfigError extends ToolwireConfigError {
  override name = 'ModelConfigError'
}

/** The model provider failed (HTTP error, malformed response). */
export class ModelError extends ToolwireError {
  override name = 'ModelError'
  /** The provider's HTTP status, when there was one. */
  readonly status: number | undefined
  constructor(message: string, options: { status?: number | undefined; cause?: unknown } = {}) {
    super('MODEL_ERROR', message, { cause: options.cause })
    this.status = options.status
  }
}

/** The run used `maxTurns` model calls without a final answer. */
export class MaxTurnsExceededError extends ToolwireError {
  override name = 'MaxTurnsExceededError'
  /** What the run produced before it was stopped. */
  readonly items: RunItem[]
  constructor(maxTurns: number, items: RunItem[]) {
    super(
      'MAX_TURNS_EXCEEDED',
      `the agent made ${maxTurns} model calls without a final answer (maxTurns); raise maxTurns or simplify the task`,
    )
    this.items = items
  }
}

/** The run was cancelled through its `signal`. */
export class RunCancelledError extends ToolwireError {
  override name = 'RunCancelledError'
  readonly items: RunItem[]
  constructor(reason: unknown, items: RunItem[]) {
    super(
      'RUN_CANCELLED',
      `the run was cancelled: ${reason instanceof Error ? reason.message : String(reason ?? 'aborted')}`,
      {
        cause: reason,
      },
    )
    this.items = items
  }
}
