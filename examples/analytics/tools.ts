/** The analytics tool server: pipeline metrics and trends by quarter, win rate, forecast. */
import { ToolError, ToolServer } from 'toolwire/server'
import { z } from 'zod'
import type { Database } from '../data/database.js'
import { parseQuarter, quarterArg } from '../data/quarters.js'
import { QUARTERS } from '../data/seed.js'

/** Probability that a deal in each open stage closes won (the forecast's weights). */
export const STAGE_WEIGHTS = {
  prospecting: 0.1,
  qualification: 0.25,
  proposal: 0.5,
  negotiation: 0.75,
} as const

const money = (value: number) => Math.round(value * 100) / 100
const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000)

interface QuarterRow extends Record<string, unknown> {
  quarter: string
  won: number
  won_value: number
  lost: number
  lost_value: number
  open: number
  open_value: number
}

const QUARTER_ROWS = `
  SELECT quarter,
         count(*) FILTER (WHERE stage = 'closed_won')::int AS won,
         coalesce(sum(amount) FILTER (WHERE stage = 'closed_won'), 0) AS won_value,
         count(*) FILTER (WHERE stage = 'closed_lost')::int AS lost,
         coalesce(sum(amount) FILTER (WHERE stage = 'closed_lost'), 0) AS lost_value,
         count(*) FILTER (WHERE stage NOT IN ('closed_won', 'closed_lost'))::int AS open,
         coalesce(sum(amount) FILTER (WHERE stage NOT IN ('closed_won', 'closed_lost')), 0) AS open_value
    FROM deals`

function metrics(row: QuarterRow | undefined, quarter: string) {
  const r = row ?? { quarter, won: 0, won_value: 0, lost: 0, lost_value: 0, open: 0, open_value: 0 }
  return {
    quarter,
    openDeals: r.open,
    openValue: money(r.open_value),
    wonDeals: r.won,
    wonValue: money(r.won_value),
    lostDeals: r.lost,
    lostValue: money(r.lost_value),
    winRate: ratio(r.won, r.won + r.lost),
    averageWonDeal: r.won === 0 ? null : money(r.won_value / r.won),
  }
}

export function analyticsServer(db: Database): ToolServer {
  return (
    new ToolServer({
      name: 'analytics',
      version: '1.0.0',
      instructions: 'Sales analytics: pipeline metrics and trends by quarter, win rates, forecasts.',
    })
      // Not ready until the database answers: /ready says so, and `toolwire serve` refuses to start.
      .readinessCheck('database', () => db.query('SELECT 1'))
      .tool(
        'pipeline_metrics',
        {
          description: 'One quarter: open, won and lost deals and value, win rate, average won deal.',
          input: z.object({ quarter: quarterArg }),
          annotations: { readOnlyHint: true },
        },
        async ({ quarter: text }) => {
          const quarter = parseQuarter(text)
          const { rows } = await db.query<QuarterRow>(`${QUARTER_ROWS} WHERE quarter = $1 GROUP BY quarter`, [
            quarter,
          ])
          return metrics(rows[0], quarter)
        },
      )
      .tool(
        'pipeline_trend',
        {
          description: 'Metrics for each quarter in a range (default: all eight quarters of data).',
          input: z.object({
            from: quarterArg.optional().describe('First quarter (default: the earliest)'),
            to: quarterArg.optional().describe('Last quarter (default: the latest)'),
          }),
          annotations: { readOnlyHint: true },
        },
        async ({ from, to }) => {
          const first = from ? parseQuarter(from) : QUARTERS[0]!
          const last = to ? parseQuarter(to) : QUARTERS.at(-1)!
          if (first > last) throw new ToolError(`"from" (${first}) must not be after "to" (${last})`)
          const { rows } = await db.query<QuarterRow>(
            `${QUARTER_ROWS} WHERE quarter BETWEEN $1 AND $2 GROUP BY quarter ORDER BY quarter`,
            [first, last],
          )
          return { from: first, to: last, quarters: rows.map((row) => metrics(row, row.quarter)) }
        },
      )
      .tool(
        'win_rate',
        {
          description:
            'Won / (won + lost) for closed deals of a quarter (or all), optionally by region or industry.',
          input: z.object({
            quarter: quarterArg.optional().describe('Quarter (default: all)'),
            by: z.enum(['region', 'industry']).optional().describe('Group by the company region or industry'),
          }),
          annotations: { readOnlyHint: true },
        },
        async ({ quarter: text, by }) => {
          const quarter = text ? parseQuarter(text) : undefined
          const group = by ? `co.${by}` : `'all'`
          const { rows } = await db.query<{ group: string; won: number; lost: number }>(
            `SELECT ${group} AS group,
                  count(*) FILTER (WHERE d.stage = 'closed_won')::int AS won,
                  count(*) FILTER (WHERE d.stage = 'closed_lost')::int AS lost
             FROM deals d JOIN companies co ON co.id = d.company_id
            WHERE ($1::text IS NULL OR d.quarter = $1)
            GROUP BY 1 ORDER BY 1`,
            [quarter ?? null],
          )
          return {
            quarter: quarter ?? 'all',
            by: by ?? null,
            groups: rows.map((r) => ({
              [by ?? 'group']: r.group,
              won: r.won,
              lost: r.lost,
              winRate: ratio(r.won, r.won + r.lost),
            })),
          }
        },
      )
      .tool(
        'forecast',
        {
          description:
            'Stage-weighted forecast of a quarter: won value plus each open deal weighted by its stage (prospecting 10%, qualification 25%, proposal 50%, negotiation 75%).',
          input: z.object({ quarter: quarterArg }),
          annotations: { readOnlyHint: true },
        },
        async ({ quarter: text }) => {
          const quarter = parseQuarter(text)
          const { rows } = await db.query<{ stage: string; deals: number; value: number }>(
            'SELECT stage, count(*)::int AS deals, coalesce(sum(amount), 0) AS value FROM deals WHERE quarter = $1 GROUP BY stage',
            [quarter],
          )
          const won = rows.find((r) => r.stage === 'closed_won')?.value ?? 0
          const stages = Object.entries(STAGE_WEIGHTS).map(([stage, weight]) => {
            const row = rows.find((r) => r.stage === stage)
            const value = row?.value ?? 0
            return {
              stage,
              weight,
              deals: row?.deals ?? 0,
              value: money(value),
              weighted: money(value * weight),
            }
          })
          const weighted = stages.reduce((sum, s) => sum + s.weighted, 0)
          return {
            quarter,
            wonValue: money(won),
            weightedOpenValue: money(weighted),
            forecast: money(won + weighted),
            stages,
          }
        },
      )
  )
}
