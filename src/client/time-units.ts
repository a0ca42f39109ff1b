/**
 * The unit guard for time options. toolwire measures times in seconds, as the Python SDK does;
 * `@openai/agents` and most JavaScript APIs measure them in milliseconds. A value copied across
 * keeps its number and silently changes its meaning by a factor of 1000 (`timeout: 30000` read
 * as seconds is 8.3 hours), so time options have a plausible range, and a value outside it is
 * refused at construction with a message that names the unit and the value probably meant.
 */
import { ToolwireConfigError } from '../protocol/errors.js'

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
 * The client's time options (seconds): connecting and response headers up to 1 hour, one
 * request up to 1 hour (longer work is a task), SSE silence and backoff up to a day.
 */
export const CLIENT_TIME_RULES = {
  'params.timeout': { option: 'params.timeout', unit: 's', min: Number.MIN_VALUE, max: 3600 },
  'params.sseReadTimeout': { option: 'params.sseReadTimeout', unit: 's', min: Number.MIN_VALUE, max: 86_400 },
  clientSessionTimeoutSeconds: {
    option: 'clientSessionTimeoutSeconds',
    unit: 's',
    min: Number.MIN_VALUE,
    max: 3600,
  },
  retryBackoffSecondsBase: { option: 'retryBackoffSecondsBase', unit: 's', min: Number.MIN_VALUE, max: 3600 },
  retryBackoffSecondsMax: { option: 'retryBackoffSecondsMax', unit: 's', min: Number.MIN_VALUE, max: 86_400 },
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
  // The same number read in the other unit: what a value copied from another API meant.
  const other = rule.unit === 'ms' ? 's' : 'ms'
  const meant = rule.unit === 'ms' ? value * 1000 : value / 1000
  const fits = meant >= rule.min && meant <= rule.max
  const hint = fits
    ? `; it looks like ${UNIT_NAME[other]}: if you meant ${spoken(value, other)}, write ${rule.option}: ${meant}`
    : ''
  const range =
    rule.min <= Number.MIN_VALUE
      ? `above the plausible maximum of ${rule.max} ${rule.unit}`
      : `outside the plausible ${rule.min}–${rule.max} ${rule.unit}`
  throw new ToolwireConfigError(
    `${owner}: option "${rule.option}" is in ${unit}: ${value} is ${spoken(value, rule.unit)}, ${range}${hint}`,
  )
}
