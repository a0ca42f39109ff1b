/** Quarter arguments: `2026-Q2`, `Q2 2026`, `2026Q2`, or `Q2` (the data set's current year). */
import { ToolError } from 'toolwire/server'
import { z } from 'zod'
import { AS_OF } from './seed.js'

const FORMS = [/^(\d{4})-?Q([1-4])$/i, /^Q([1-4])[\s-]+(\d{4})$/i, /^Q([1-4])$/i]

/** Normalizes a quarter to `YYYY-QN`; a ToolError names the accepted forms. */
export function parseQuarter(text: string): string {
  const value = text.trim()
  const [yearFirst, quarterFirst, bare] = FORMS.map((form) => form.exec(value))
  if (yearFirst) return `${yearFirst[1]}-Q${yearFirst[2]}`
  if (quarterFirst) return `${quarterFirst[2]}-Q${quarterFirst[1]}`
  if (bare) return `${AS_OF.slice(0, 4)}-Q${bare[1]}`
  throw new ToolError(`quarter must look like 2026-Q2, Q2 2026 or Q2 (this year), got "${text}"`)
}

export const quarterArg = z
  .string()
  .min(1)
  .max(16)
  .describe('Quarter: 2026-Q2, Q2 2026, or Q2 for the current year')

/** The quarter containing a date (`YYYY-MM-DD`). */
export function quarterOf(date: string): string {
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`
}
