/**
 * `npm run demo`: the CRM and analytics tool servers on an embedded database, two production
 * clients, and the seed question: "What is the current pipeline value for Q2, and which deals
 * are most at risk?" Runs in well under a minute on a fresh clone, with nothing else running.
 */
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Runner } from 'toolwire/agent'
import { MCPServerStreamableHttp, type ToolCallResult } from 'toolwire/client'
import { createServerLogger, hashApiKey, serve } from 'toolwire/server'
import { analyticsServer } from './analytics/tools.js'
import { crmServer } from './crm/tools.js'
import { openDatabase } from './data/database.js'
import { AS_OF, OPEN_STAGES, seed } from './data/seed.js'
import { salesAgent } from './sales-agent.js'

const started = performance.now()
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`
const QUESTION = 'What is the current pipeline value for Q2, and which deals are most at risk?'
const CRM_KEY = 'demo-crm-key'
const ANALYTICS_KEY = 'demo-analytics-key'

console.log('Opening the database (PGlite in memory unless DATABASE_URL is set) and seeding it…')
const db = await openDatabase()
await seed(db)
console.log(`  ${db.kind}, seeded in ${elapsed()}`)
console.log(
  `  The data: 20,000 synthetic deals, generated the same way every run around a fixed "today",\n  ${AS_OF}: "Q2" is ${AS_OF.slice(0, 4)}-Q2, the current quarter.`,
)

// Both servers with the production options: API keys, a rate limit, /ready pinging the
// database, and request logs with trace ids (to a file, to keep this output readable).
const logFile = join(tmpdir(), `toolwire-demo-${process.pid}.log`)
const production = (key: string, name: string) => ({
  port: 0,
  env: false as const,
  logger: createServerLogger({ level: 'info', name, destination: logFile }),
  auth: { apiKeys: [{ id: 'sales-agent', sha256: hashApiKey(key) }] },
  rateLimit: { points: 600, durationSeconds: 60 },
  health: { checks: { database: () => db.query('SELECT 1') } },
})
const crmRunning = await serve(crmServer(db), production(CRM_KEY, 'crm'))
const analyticsRunning = await serve(analyticsServer(db), production(ANALYTICS_KEY, 'analytics'))
console.log(`  CRM tools on ${crmRunning.url}, analytics on ${analyticsRunning.url}\n`)

const client = (name: string, url: string, key: string) =>
  new MCPServerStreamableHttp({
    name,
    params: { url, headers: { Authorization: `Bearer ${key}` }, timeout: 15, sseReadTimeout: 120 },
    cacheToolsList: true,
    maxRetryAttempts: 3,
  })

const traces: Array<[string, string]> = []
function data<T>(result: ToolCallResult, what: string): T {
  traces.push([what, result.traceId])
  if (result.isError) throw new Error(`${what} failed: ${JSON.stringify(result.content)}`)
  return result.structuredContent as T
}

interface Summary {
  quarter: string
  openPipeline: { deals: number; value: number }
  stages: Array<{ stage: string; deals: number; value: number }>
}
interface Forecast {
  forecast: number
  wonValue: number
  weightedOpenValue: number
}
interface AtRisk {
  deals: Array<{
    id: number
    name: string
    company: string
    stage: string
    amount: number
    risk: number
    days_in_stage: number
    days_since_activity: number
    slipped_days: number
  }>
}

const usd = (n: number) =>
  n.toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 })

try {
  await using crm = await client('CRM Tools', crmRunning.url, CRM_KEY).connect()
  await using analytics = await client('Analytics', analyticsRunning.url, ANALYTICS_KEY).connect()
  const tools = [...(await crm.listTools()), ...(await analytics.listTools())].map((t) => t.name)
  console.log(`Tools: ${tools.join(', ')}`)
  console.log(`Question: ${QUESTION}\n`)
  if (process.env.TOOLWIRE_MODEL && (process.env.OPENAI_API_KEY || process.env.OPENAI_BASE_URL)) {
    await answerWithAgent(crm, analytics)
  } else await answerDirectly(crm, analytics)
  await rescorePipeline(crm)
} finally {
  await crmRunning.close()
  await analyticsRunning.close()
  await db.close()
}

/** A model is configured: the Sales Intelligence Agent answers, calling the tools it needs. */
async function answerWithAgent(
  crm: MCPServerStreamableHttp,
  analytics: MCPServerStreamableHttp,
): Promise<void> {
  console.log(`Sales Intelligence Agent on ${process.env.TOOLWIRE_MODEL}:\n`)
  const stream = Runner.runStreamed(salesAgent({ crm, analytics }), QUESTION)
  for await (const event of stream) {
    if (event.type === 'text_delta') process.stdout.write(event.delta)
    else if (event.type === 'tool_called')
      console.log(`  → ${event.item.server}: ${event.item.tool}(${event.item.arguments})`)
  }
  const result = await stream.completed
  traces.push(['agent run', result.traceId])
  console.log(`\n\n(${result.usage.requests} model calls, ${result.usage.totalTokens} tokens)`)
}

/** No model: the calls the agent would make, and a readable answer from their results. */
async function answerDirectly(
  crm: MCPServerStreamableHttp,
  analytics: MCPServerStreamableHttp,
): Promise<void> {
  console.log(
    '(No model configured: set TOOLWIRE_MODEL and OPENAI_API_KEY or OPENAI_BASE_URL to let the agent answer.)\n',
  )
  const [summary, forecast, risky] = await Promise.all([
    crm
      .callTool('get_pipeline_summary', { quarter: 'Q2' })
      .then((r) => data<Summary>(r, 'get_pipeline_summary')),
    analytics.callTool('forecast', { quarter: 'Q2' }).then((r) => data<Forecast>(r, 'forecast')),
    crm
      .callTool('list_at_risk_deals', { quarter: 'Q2', limit: 5 })
      .then((r) => data<AtRisk>(r, 'list_at_risk_deals')),
  ])
  console.log(
    `Open pipeline for ${summary.quarter}: ${usd(summary.openPipeline.value)} across ${summary.openPipeline.deals} open deals.`,
  )
  const open = summary.stages.filter((s) => (OPEN_STAGES as readonly string[]).includes(s.stage))
  for (const stage of open) {
    console.log(
      `  ${stage.stage.padEnd(13)} ${String(stage.deals).padStart(5)} deals  ${usd(stage.value).padStart(14)}`,
    )
  }
  const closed = (stage: string) => summary.stages.find((s) => s.stage === stage) ?? { deals: 0, value: 0 }
  const [won, lost] = [closed('closed_won'), closed('closed_lost')]
  console.log(
    `Already closed in ${summary.quarter}: ${won.deals} won (${usd(won.value)}), ${lost.deals} lost (${usd(lost.value)}).`,
  )
  console.log(
    `Stage-weighted forecast: ${usd(forecast.forecast)} (${usd(forecast.wonValue)} already won + ${usd(forecast.weightedOpenValue)} weighted open).\n`,
  )
  console.log('Deals most at risk (risk 0–100: stale stage, silence, slipped close date):')
  for (const deal of risky.deals) {
    console.log(
      `  #${deal.id} ${deal.name} — ${deal.company}, ${deal.stage}, ${usd(deal.amount)}: risk ${deal.risk} (${deal.days_in_stage} d in stage, ${deal.days_since_activity} d since activity, slipped ${deal.slipped_days} d)`,
    )
  }
}

interface Rescore {
  openDeals: number
  threshold: number
  atRisk: { deals: number; value: number }
  bands: Record<string, number>
}

/** A long tool as a task (MCP Tasks extension): callTool polls it, with status and progress. */
async function rescorePipeline(crm: MCPServerStreamableHttp): Promise<void> {
  console.log(
    '\nRe-scoring all open deals as a task (rescore_pipeline; the client polls, no request held open):',
  )
  let status = ''
  let reported = 0
  const result = await crm.callTool(
    'rescore_pipeline',
    { threshold: 60, top: 3 },
    {
      onTaskStatus: (task) => {
        if (task.status === status) return
        status = task.status
        console.log(`  task ${task.taskId}: ${task.status}`)
      },
      onProgress: ({ progress, total, message }) => {
        // Every 5,000 deals, not every batch.
        if (progress - reported < 5000 && progress !== total) return
        reported = progress
        console.log(`    ${message ?? progress}`)
      },
    },
  )
  const rescored = data<Rescore>(result, 'rescore_pipeline')
  const bands = Object.entries(rescored.bands)
    .map(([band, deals]) => `${band}: ${deals}`)
    .join(', ')
  console.log(
    `  ${rescored.openDeals} open deals: ${rescored.atRisk.deals} at risk ${rescored.threshold}+ (${usd(rescored.atRisk.value)}); risk bands ${bands}.`,
  )
}

// Closing flushed the request logs: show where each call's trace id landed.
const logLines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean)
console.log(`\nTrace ids, and the request log line each one has in ${logFile}:`)
const logged = logLines.map((l) => JSON.parse(l) as Record<string, unknown>)
for (const [what, traceId] of traces) {
  const lines = logged.filter((l) => l.traceId === traceId && l.msg === 'mcp request')
  const shown =
    what === 'agent run'
      ? lines
          .filter((l) => l.tool)
          .map((l) => `${l.name}:${l.tool}`)
          .join(', ')
      : lines.map((l) => `${l.name} ${l.rpcMethod} ${l.tool} ${l.outcome} ${l.durationMs} ms`)[0]
  console.log(`  ${what.padEnd(21)} ${traceId}  ${shown || '(not logged)'}`)
}
console.log(`\nDone in ${elapsed()}.`)
