import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { analyticsServer } from '../../examples/analytics/tools.js'
import { crmServer, RISK_SQL } from '../../examples/crm/tools.js'
import { type Database, openDatabase } from '../../examples/data/database.js'
import { AS_OF, seed } from '../../examples/data/seed.js'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { type RunningServer, serve } from '../../src/server/index.js'

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCALE = 0.2 // 160 companies, 800 contacts, 4,000 deals: quick to seed, same shape

interface Backend {
  db: Database
  crm: RunningServer
  analytics: RunningServer
  schema?: string
}
const backends: Record<'postgres' | 'pglite', Backend> = {} as never

async function start(db: Database, schema?: string): Promise<Backend> {
  await seed(db, { scale: SCALE })
  const options = { port: 0, env: false as const }
  return {
    db,
    crm: await serve(crmServer(db), options),
    analytics: await serve(analyticsServer(db), options),
    ...(schema ? { schema } : {}),
  }
}

beforeAll(async () => {
  const schema = `toolwire_test_${randomUUID().replaceAll('-', '')}`
  backends.postgres = await start(await openDatabase({ url: POSTGRES_URL, schema }), schema)
  backends.pglite = await start(await openDatabase({ url: '' }))
}, 60_000)
afterAll(async () => {
  for (const backend of Object.values(backends)) {
    await backend.crm.close()
    await backend.analytics.close()
    if (backend.schema) await backend.db.query(`DROP SCHEMA ${backend.schema} CASCADE`)
    await backend.db.close()
  }
})

async function call(
  backend: Backend,
  server: 'crm' | 'analytics',
  tool: string,
  args: Record<string, unknown>,
) {
  await using client = await new MCPServerStreamableHttp({ params: { url: backend[server].url } }).connect()
  return client.callTool(tool, args)
}

const READS: Array<['crm' | 'analytics', string, Record<string, unknown>]> = [
  ['crm', 'search_contacts', { query: 'lovelace' }],
  ['crm', 'search_contacts', { query: 'acme', limit: 3 }],
  ['crm', 'search_contacts', { query: '50%_off' }],
  ['crm', 'get_contact', { id: 7 }],
  ['crm', 'get_account_history', { company: 'acme analytics inc' }],
  ['crm', 'get_pipeline_summary', { quarter: 'Q2' }],
  ['crm', 'get_pipeline_summary', { quarter: '2025-Q3' }],
  ['crm', 'list_at_risk_deals', { quarter: 'Q2 2026', limit: 5 }],
  ['analytics', 'pipeline_metrics', { quarter: '2025Q4' }],
  ['analytics', 'pipeline_trend', {}],
  ['analytics', 'win_rate', { by: 'region' }],
  ['analytics', 'forecast', { quarter: 'Q2' }],
]

describe('CRM and analytics tools on PostgreSQL and PGlite', () => {
  it('answer every read tool with the same results for the same seed', async () => {
    for (const [server, tool, args] of READS) {
      const onPostgres = await call(backends.postgres, server, tool, args)
      const onPglite = await call(backends.pglite, server, tool, args)
      expect(onPostgres.isError, `${tool} ${JSON.stringify(onPostgres.content)}`).toBeFalsy()
      expect(onPglite.structuredContent, `${tool} ${JSON.stringify(args)}`).toEqual(
        onPostgres.structuredContent,
      )
    }
  })

  it('answer the seed questions sensibly', async () => {
    const pg = backends.postgres
    const search = (await call(pg, 'crm', 'search_contacts', { query: 'acme', limit: 5 }))
      .structuredContent as {
      contacts: Array<{ company: string; annual_revenue: number }>
    }
    expect(search.contacts).toHaveLength(5)
    const revenues = search.contacts.map((c) => c.annual_revenue)
    expect(revenues).toEqual([...revenues].sort((a, b) => b - a))
    expect(search.contacts.every((c) => c.company.toLowerCase().includes('acme'))).toBe(true)
    const literal = (await call(pg, 'crm', 'search_contacts', { query: '50%_off' })).structuredContent as {
      contacts: unknown[]
    }
    expect(literal.contacts).toEqual([]) // % and _ are matched literally, not as wildcards
    const summary = (await call(pg, 'crm', 'get_pipeline_summary', { quarter: 'Q2' })).structuredContent as {
      quarter: string
      stages: Array<{ stage: string; deals: number; value: number }>
      openPipeline: { deals: number; value: number }
    }
    expect(summary.quarter).toBe('2026-Q2')
    const open = summary.stages.filter((s) => !s.stage.startsWith('closed'))
    expect(summary.openPipeline.value).toBeCloseTo(
      open.reduce((n, s) => n + s.value, 0),
      2,
    )
    const risky = (await call(pg, 'crm', 'list_at_risk_deals', { quarter: 'Q2', limit: 5 }))
      .structuredContent as {
      deals: Array<{ risk: number; stage: string }>
    }
    const risks = risky.deals.map((d) => d.risk)
    expect(risks).toEqual([...risks].sort((a, b) => b - a))
    expect(risks.every((r) => r >= 0 && r <= 100)).toBe(true)
    expect(risky.deals.every((d) => !d.stage.startsWith('closed'))).toBe(true)
    const forecast = (await call(pg, 'analytics', 'forecast', { quarter: 'Q2' })).structuredContent as {
      forecast: number
      wonValue: number
      weightedOpenValue: number
    }
    expect(forecast.forecast).toBeCloseTo(forecast.wonValue + forecast.weightedOpenValue, 2)
    expect(forecast.weightedOpenValue).toBeLessThan(summary.openPipeline.value)
  })

  it('give clear tool errors for bad arguments', async () => {
    const pg = backends.postgres
    const cases: Array<['crm' | 'analytics', string, Record<string, unknown>, RegExp]> = [
      ['crm', 'get_pipeline_summary', { quarter: 'spring' }, /quarter must look like 2026-Q2.*"spring"/],
      ['crm', 'get_pipeline_summary', { quarter: '2026-Q5' }, /quarter must look like/],
      ['crm', 'search_contacts', { query: 'a', limit: -1 }, /limit/],
      ['crm', 'search_contacts', { query: '' }, /query/],
      ['crm', 'get_contact', { id: 999_999 }, /No contact with id 999999/],
      ['crm', 'get_account_history', { company: 'Nobody Inc' }, /No company named "Nobody Inc"/],
      ['crm', 'update_deal_stage', { deal_id: 999_999, stage: 'proposal' }, /No deal with id 999999/],
      ['crm', 'update_deal_stage', { deal_id: 1, stage: 'won' }, /stage/],
      [
        'analytics',
        'pipeline_trend',
        { from: '2026-Q4', to: '2025-Q1' },
        /"from" \(2026-Q4\) must not be after "to"/,
      ],
    ]
    for (const [server, tool, args, message] of cases) {
      const result = await call(pg, server, tool, args)
      expect(result.isError, `${tool} ${JSON.stringify(args)}`).toBe(true)
      expect((result.content[0] as { text: string }).text).toMatch(message)
    }
  })

  it('rescore_pipeline runs as a task (working → completed) and scores every open deal', async () => {
    const lite = backends.pglite
    const expected = await lite.db.query<{ open: number; risky: number }>(
      `SELECT count(*)::int AS open, count(*) FILTER (WHERE ${RISK_SQL} >= 40)::int AS risky
         FROM deals d WHERE d.stage NOT IN ('closed_won', 'closed_lost')`,
      [AS_OF],
    )
    await using client = await new MCPServerStreamableHttp({ params: { url: lite.crm.url } }).connect()
    const statuses: string[] = []
    const result = await client.callTool(
      'rescore_pipeline',
      { threshold: 40, top: 3 },
      { onTaskStatus: (task) => statuses.push(task.status) },
    )
    expect(statuses).toEqual(['working', 'completed'])
    const report = result.structuredContent as {
      openDeals: number
      atRisk: { deals: number }
      riskiest: Array<{ risk: number }>
    }
    expect(report.openDeals).toBe(expected.rows[0]?.open)
    expect(report.atRisk.deals).toBe(expected.rows[0]?.risky)
    expect(report.riskiest).toHaveLength(3)
    expect(report.riskiest[0]!.risk).toBeGreaterThanOrEqual(report.riskiest[2]!.risk)
  })

  it('update_deal_stage moves an open deal once, records it, and is not retried', async () => {
    const pg = backends.postgres
    const { rows } = await pg.db.query<{ id: number; stage: string }>(
      "SELECT id, stage FROM deals WHERE stage = 'proposal' ORDER BY id LIMIT 1",
    )
    const deal = rows[0]!
    await using client = await new MCPServerStreamableHttp({ params: { url: pg.crm.url } }).connect()
    const tools = await client.listTools()
    expect(tools.find((t) => t.name === 'update_deal_stage')?.annotations).toMatchObject({
      idempotentHint: false,
    })
    const moved = await client.callTool('update_deal_stage', { deal_id: deal.id, stage: 'negotiation' })
    expect(moved.structuredContent).toEqual({ deal_id: deal.id, from: 'proposal', to: 'negotiation' })
    const again = await client.callTool('update_deal_stage', { deal_id: deal.id, stage: 'negotiation' })
    expect(again.isError).toBe(true)
    const activity = await pg.db.query(
      "SELECT note FROM activities WHERE deal_id = $1 AND kind = 'stage_change'",
      [deal.id],
    )
    expect(activity.rows).toEqual([{ note: 'stage proposal → negotiation' }])
  })
})

describe('npm run demo', () => {
  it('answers the seed question with trace ids, and exits 0', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], {
      env: { ...process.env, DATABASE_URL: '' },
      timeout: 60_000,
    })
    expect(stdout).toMatch(/around a fixed "today",\s+2026-05-15: "Q2" is 2026-Q2/)
    expect(stdout).toMatch(/Open pipeline for 2026-Q2: \$[\d,]+ across \d+ open deals\./)
    // Under the open-pipeline heading: the open stages only, summing to the total it states.
    const section = stdout.slice(stdout.indexOf('Open pipeline'), stdout.indexOf('Already closed'))
    const rows = [...section.matchAll(/^ {2}(\w+)\s+(\d+) deals/gm)].map((m) => [m[1], Number(m[2])] as const)
    expect(rows.map(([stage]) => stage)).toEqual(['prospecting', 'qualification', 'proposal', 'negotiation'])
    const total = Number(/across (\d+) open deals/.exec(stdout)![1])
    expect(rows.reduce((n, [, deals]) => n + deals, 0)).toBe(total)
    expect(stdout).toMatch(/Already closed in 2026-Q2: \d+ won \(\$[\d,]+\), \d+ lost/)
    expect(stdout).toMatch(/Stage-weighted forecast: \$[\d,]+/)
    expect(stdout.match(/^ {2}#\d+ .+: risk \d+/gm)).toHaveLength(5)
    expect(stdout).toMatch(/get_pipeline_summary\s+[0-9a-f]{32}\s+crm tools\/call get_pipeline_summary ok/)
    expect(stdout).not.toContain('(not logged)')
  }, 60_000)
})
