/**
 * The unit guard. `@openai/agents` measures `timeout` in milliseconds; toolwire and the Python
 * SDK measure times in seconds. A value copied across keeps its number and silently changes its
 * meaning by a factor of 1000 (`timeout: 30000` read as seconds is 8.3 hours), so every time
 * option of this adapter has a plausible range, and a value outside it is refused at
 * construction with a message that names the unit and the value that was probably meant.
 */
import { checkTime, type TimeRule } from '../../client/time-units.js'

export { checkTime, type TimeRule }

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
