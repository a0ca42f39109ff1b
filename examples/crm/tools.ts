/**
 * The CRM tool server: contacts, accounts, the pipeline and the deals most at risk, over the
 * examples' database (PostgreSQL or PGlite). Parameterized SQL only.
 */
import { ToolError, ToolServer } from 'toolwire/server'
import { z } from 'zod'
import type { Database } from '../data/database.js'
import { parseQuarter, quarterArg } from '../data/quarters.js'
import { AS_OF, OPEN_STAGES, STAGES } from '../data/seed.js'
import { withRescorePipeline } from './rescore.js'

/** ILIKE pattern for a user's text: its own % and _ match literally. */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * Risk of an open deal, 0–100 (higher: more likely to slip or be lost):
 *  - stage age: 1 point per 2 days in the current stage beyond 30 days, at most 40;
 *  - silence: 1 point per 2 days since the last activity beyond 14 days, at most 35;
 *  - slippage: 1 point per 4 days the expected close moved out since first set, at most 25.
 */
export const RISK_SQL = `
  LEAST(40, GREATEST(0, (($1::date - d.stage_entered_at) - 30) / 2))
  + LEAST(35, GREATEST(0, (($1::date - d.last_activity_at) - 14) / 2))
  + LEAST(25, GREATEST(0, (d.expected_close - d.original_close) / 4))`

const money = (value: number) => Math.round(value * 100) / 100

export function crmServer(db: Database): ToolServer {
  const server = new ToolServer({
    name: 'crm',
    version: '1.0.0',
    instructions: 'CRM data: contacts, accounts, deals and the sales pipeline. Quarters look like 2026-Q2.',
    // rescore_pipeline runs as a task: clients poll it 4 times a second.
    tasks: { pollIntervalMs: 250 },
  })
    // Not ready until the database answers: /ready says so, and `toolwire serve` refuses to start.
    .readinessCheck('database', () => db.query('SELECT 1'))
    .tool(
      'search_contacts',
      {
        description:
          'Find contacts by name, email or company (case-insensitive, partial match), largest accounts first.',
        input: z.object({
          query: z.string().min(1).max(100).describe('Part of a name, email or company name'),
          limit: z.number().int().min(1).max(50).default(10).describe('How many contacts (1–50)'),
        }),
        annotations: { readOnlyHint: true },
      },
      async ({ query, limit }, ctx) => {
        const { rows } = await db.query(
          `SELECT c.id, c.name, c.email, c.title, co.name AS company, co.annual_revenue
             FROM contacts c JOIN companies co ON co.id = c.company_id
            WHERE c.name ILIKE $1 OR c.email ILIKE $1 OR co.name ILIKE $1
            ORDER BY co.annual_revenue DESC, c.id
            LIMIT $2`,
          [contains(query), limit],
        )
        ctx.log('debug', { query, found: rows.length })
        return { contacts: rows }
      },
    )
    .tool(
      'get_contact',
      {
        description: 'One contact with their company, open deals and latest activities.',
        input: z.object({ id: z.number().int().positive().describe('Contact id') }),
        annotations: { readOnlyHint: true },
      },
      async ({ id }) => {
        const contact = await db.query(
          `SELECT c.id, c.name, c.email, c.title, co.id AS company_id, co.name AS company, co.industry, co.region
             FROM contacts c JOIN companies co ON co.id = c.company_id WHERE c.id = $1`,
          [id],
        )
        if (!contact.rows[0]) throw new ToolError(`No contact with id ${id}`)
        const deals = await db.query(
          `SELECT id, name, stage, amount, quarter, expected_close::text FROM deals
            WHERE contact_id = $1 AND stage NOT IN ('closed_won', 'closed_lost') ORDER BY amount DESC, id`,
          [id],
        )
        const activities = await db.query(
          `SELECT kind, occurred_at::text, note FROM activities WHERE contact_id = $1
            ORDER BY occurred_at DESC, id DESC LIMIT 5`,
          [id],
        )
        return { ...contact.rows[0], openDeals: deals.rows, recentActivities: activities.rows }
      },
    )
    .tool(
      'get_account_history',
      {
        description: 'A company: deals won and lost by quarter, open pipeline, latest activities.',
        input: z.object({
          company: z.string().min(1).max(200).describe('Company name (exact, case-insensitive)'),
        }),
        annotations: { readOnlyHint: true },
      },
      async ({ company }) => {
        const found = await db.query<{ id: number; name: string }>(
          'SELECT id, name, industry, region, annual_revenue FROM companies WHERE lower(name) = lower($1)',
          [company],
        )
        const account = found.rows[0]
        if (!account) throw new ToolError(`No company named "${company}" (search_contacts finds names)`)
        const byQuarter = await db.query(
          `SELECT quarter,
                  count(*) FILTER (WHERE stage = 'closed_won')::int AS won,
                  coalesce(sum(amount) FILTER (WHERE stage = 'closed_won'), 0) AS won_value,
                  count(*) FILTER (WHERE stage = 'closed_lost')::int AS lost,
                  count(*) FILTER (WHERE stage NOT IN ('closed_won', 'closed_lost'))::int AS open,
                  coalesce(sum(amount) FILTER (WHERE stage NOT IN ('closed_won', 'closed_lost')), 0) AS open_value
             FROM deals WHERE company_id = $1 GROUP BY quarter ORDER BY quarter`,
          [account.id],
        )
        const activities = await db.query(
          `SELECT a.kind, a.occurred_at::text, a.note FROM activities a JOIN deals d ON d.id = a.deal_id
            WHERE d.company_id = $1 ORDER BY a.occurred_at DESC, a.id DESC LIMIT 10`,
          [account.id],
        )
        return { ...account, quarters: byQuarter.rows, recentActivities: activities.rows }
      },
    )
    .tool(
      'get_pipeline_summary',
      {
        description:
          'Deals expected to close in a quarter, by stage: count and value; plus the open pipeline total.',
        input: z.object({ quarter: quarterArg }),
        annotations: { readOnlyHint: true },
      },
      async ({ quarter: text }) => {
        const quarter = parseQuarter(text)
        const { rows } = await db.query<{ stage: string; deals: number; value: number }>(
          `SELECT stage, count(*)::int AS deals, coalesce(sum(amount), 0) AS value
             FROM deals WHERE quarter = $1 GROUP BY stage`,
          [quarter],
        )
        const stages = STAGES.map((stage) => {
          const row = rows.find((r) => r.stage === stage)
          return { stage, deals: row?.deals ?? 0, value: money(row?.value ?? 0) }
        })
        const open = stages.filter((s) => (OPEN_STAGES as readonly string[]).includes(s.stage))
        return {
          quarter,
          stages,
          openPipeline: {
            deals: open.reduce((n, s) => n + s.deals, 0),
            value: money(open.reduce((n, s) => n + s.value, 0)),
          },
        }
      },
    )
    .tool(
      'list_at_risk_deals',
      {
        description:
          'Open deals of a quarter most at risk, with a 0–100 risk score: 1 point per 2 days in stage beyond 30 (max 40), 1 per 2 days without activity beyond 14 (max 35), 1 per 4 days the close date slipped (max 25).',
        input: z.object({
          quarter: quarterArg,
          limit: z.number().int().min(1).max(100).default(10).describe('How many deals (1–100)'),
        }),
        annotations: { readOnlyHint: true },
      },
      async ({ quarter: text, limit }) => {
        const quarter = parseQuarter(text)
        const { rows } = await db.query(
          `SELECT d.id, d.name, co.name AS company, d.stage, d.amount, d.expected_close::text,
                  ($1::date - d.stage_entered_at) AS days_in_stage,
                  ($1::date - d.last_activity_at) AS days_since_activity,
                  (d.expected_close - d.original_close) AS slipped_days,
                  ${RISK_SQL} AS risk
             FROM deals d JOIN companies co ON co.id = d.company_id
            WHERE d.quarter = $2 AND d.stage NOT IN ('closed_won', 'closed_lost')
            ORDER BY risk DESC, d.amount DESC, d.id
            LIMIT $3`,
          [AS_OF, quarter, limit],
        )
        return { quarter, asOf: AS_OF, deals: rows }
      },
    )
    .tool(
      'update_deal_stage',
      {
        description: 'Move a deal to another stage (recorded as an activity). Not idempotent: call it once.',
        input: z.object({
          deal_id: z.number().int().positive().describe('Deal id'),
          stage: z.enum(STAGES).describe('The new stage'),
        }),
        annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false },
      },
      async ({ deal_id, stage }) => {
        const found = await db.query<{ stage: string; contact_id: number }>(
          'SELECT stage, contact_id FROM deals WHERE id = $1',
          [deal_id],
        )
        const deal = found.rows[0]
        if (!deal) throw new ToolError(`No deal with id ${deal_id}`)
        if (deal.stage === stage) throw new ToolError(`Deal ${deal_id} is already in stage ${stage}`)
        if (deal.stage.startsWith('closed_'))
          throw new ToolError(`Deal ${deal_id} is ${deal.stage}: closed deals do not move`)
        await db.query(
          'UPDATE deals SET stage = $2, stage_entered_at = $3, last_activity_at = $3 WHERE id = $1',
          [deal_id, stage, AS_OF],
        )
        await db.query(
          `INSERT INTO activities (id, deal_id, contact_id, kind, occurred_at, note)
           SELECT coalesce(max(id), 0) + 1, $1, $2, 'stage_change', $3, $4 FROM activities`,
          [deal_id, deal.contact_id, AS_OF, `stage ${deal.stage} → ${stage}`],
        )
        return { deal_id, from: deal.stage, to: stage }
      },
    )
  return withRescorePipeline(server, db)
}
