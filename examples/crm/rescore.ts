/**
 * `rescore_pipeline`: re-scores every open deal of the 20,000 (in batches of 1,000, with
 * progress) and reports the at-risk part of the pipeline. Long enough that it runs as a task
 * (MCP Tasks extension): the client polls for the result instead of holding a request open, and
 * on a fleet (`TOOLWIRE_REDIS_URL`) any replica may run it. Read-only, so a replica that dies
 * mid-run is replaced by another that runs it again.
 */
import type { ToolServer } from 'toolwire/server'
import { z } from 'zod'
import type { Database } from '../data/database.js'
import { AS_OF } from '../data/seed.js'
import { RISK_SQL } from './tools.js'

const BATCH = 1000
const money = (value: number) => Math.round(value * 100) / 100

type Scored = {
  id: number
  name: string
  company: string
  stage: string
  quarter: string
  amount: number
  risk: number
}

export function withRescorePipeline(server: ToolServer, db: Database): ToolServer {
  return server.tool(
    'rescore_pipeline',
    {
      description:
        'Re-score the risk (0–100) of every open deal in the CRM and summarize the at-risk pipeline: deals and value at or above the threshold, by quarter and by risk band, and the riskiest deals. Runs as a task (it reads every deal).',
      input: z.object({
        threshold: z
          .number()
          .int()
          .min(1)
          .max(100)
          .default(50)
          .describe('Risk at or above which a deal is at risk'),
        top: z.number().int().min(1).max(50).default(10).describe('How many of the riskiest deals to list'),
      }),
      annotations: { readOnlyHint: true },
      taskSupport: 'required',
    },
    async ({ threshold, top }, ctx) => {
      const counted = await db.query<{ open: number }>(
        `SELECT count(*)::int AS open FROM deals WHERE stage NOT IN ('closed_won', 'closed_lost')`,
      )
      const open = counted.rows[0]?.open ?? 0
      const bands = { '0-24': 0, '25-49': 0, '50-74': 0, '75-100': 0 }
      const byQuarter = new Map<string, { deals: number; value: number }>()
      let riskiest: Scored[] = []
      let atRisk = 0
      let atRiskValue = 0
      let scored = 0
      for (let after = 0; ; ) {
        ctx.signal.throwIfAborted()
        const { rows } = await db.query<Scored>(
          `SELECT d.id, d.name, co.name AS company, d.stage, d.quarter, d.amount, ${RISK_SQL} AS risk
             FROM deals d JOIN companies co ON co.id = d.company_id
            WHERE d.id > $2 AND d.stage NOT IN ('closed_won', 'closed_lost')
            ORDER BY d.id LIMIT ${BATCH}`,
          [AS_OF, after],
        )
        if (rows.length === 0) break
        for (const deal of rows) {
          const risk = Number(deal.risk)
          const amount = Number(deal.amount)
          bands[risk >= 75 ? '75-100' : risk >= 50 ? '50-74' : risk >= 25 ? '25-49' : '0-24']++
          if (risk < threshold) continue
          atRisk++
          atRiskValue += amount
          const quarter = byQuarter.get(deal.quarter) ?? { deals: 0, value: 0 }
          byQuarter.set(deal.quarter, { deals: quarter.deals + 1, value: quarter.value + amount })
        }
        riskiest = [
          ...riskiest,
          ...rows.map((d) => ({ ...d, risk: Number(d.risk), amount: Number(d.amount) })),
        ]
          .sort((a, b) => b.risk - a.risk || b.amount - a.amount || a.id - b.id)
          .slice(0, top)
        scored += rows.length
        after = rows.at(-1)!.id
        ctx.progress(scored, {
          total: open,
          message: `${scored.toLocaleString('en-US')} of ${open.toLocaleString('en-US')} open deals re-scored`,
        })
      }
      return {
        asOf: AS_OF,
        threshold,
        openDeals: scored,
        atRisk: { deals: atRisk, value: money(atRiskValue) },
        bands,
        byQuarter: [...byQuarter.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([quarter, q]) => ({ quarter, deals: q.deals, value: money(q.value) })),
        riskiest,
      }
    },
  )
}
