/**
 * The unit guard. `@openai/agents` measures `timeout` in milliseconds; toolwire and the Python
 * SDK measure times in seconds. A value copied across keeps its number and silently changes its
 * meaning by a factor of 1000 (`timeout: 30000` read as seconds is 8.3 hours), so every time
 * option of this adapter has a plausible range, and a value outside it is refused at
 * construction with a message that names the unit and the value that was probably meant.
 */
import { ToolwireConfigError } from '../../client/index.js'

/** What a time option measures, and the range a deliberate value falls in. */
export interface TimeRule {
  option: string
  unit: 'ms' | 's'
  /** Smallest plausible value, in the option's unit. */
  min: number
  /** Largest plausible value, in the option's unit. */
  max: number
}

/**
 * The plausible ranges: tool calls from 100 ms to 1 hour; connecting and listing (which toolwire
 * retries on its own) up to 10 minutes; SSE silence up to 1 hour.
 */
export const TIME_RULES = {
  timeout: { option: 'timeout', unit: 'ms', min: 100, max: 3_600_000 },
  clientSessionTimeoutSeconds: { option: 'clientSessionTimeoutSeconds', unit: 's', min: 0.1, max: 600 },
  connectTimeoutSeconds: { option: 'connectTimeoutSeconds', unit: 's', min: 0.1, max: 600 },
  sseReadTimeoutSeconds: { option: 'sseReadTimeoutSeconds', unit: 's', min: 0.1, max: 3600 },
} as const satisfies Record<string, TimeRule>

const UNIT_NAME = { ms: 'milliseconds', s: 'seconds' } as const

function spoken(value: number, unit: 'ms' | 's'): string {
  const seconds = unit === 'ms' ? value / 1000 : value
  if (seconds >= 3600) return `${+(seconds / 3600).toFixed(1)} hours`
  if (seconds >= 60) return `${+(seconds / 60).toFixed(1)} minutes`
  if (seconds >= 1) return `${+seconds.toFixed(3)} seconds`
  return `${+(seconds * 1000).toFixed(3)} milliseconds`
}

/**
 * Checks one time option against its rule; `undefined` passes (the default applies).
 * @returns the value, unchanged
 * @throws ToolwireConfigError naming the option, its unit and the value probably meant
 */
export function checkTime(value: number | undefined, rule: TimeRule, owner: string): number | undefined {
  if (value === undefined) return undefined
  const unit = UNIT_NAME[rule.unit]
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ToolwireConfigError(
      `${owner}: option "${rule.option}" must be a positive number of ${unit}, got ${String(value)}`,
    )
  }
  if (value >= rule.min && value <= rule.max) return value
  // The same number read in the other unit: what a value copied from the other SDK meant.
  const meant = rule.unit === 'ms' ? value * 1000 : value / 1000
  const fits = meant >= rule.min && meant <= rule.max
  const hint = fits
    ? `; if you meant ${spoken(value, rule.unit === 'ms' ? 's' : 'ms')}, write ${rule.option}: ${meant}`
    : ''
  throw new ToolwireConfigError(
    `${owner}: option "${rule.option}" is in ${unit}: ${value} is ${spoken(value, rule.unit)}, ` +
      `outside the plausible ${rule.min}–${rule.max} ${rule.unit}${hint}`,
  )
}
