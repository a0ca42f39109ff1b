/**
 * `toolwire inspect` in a real browser: Debian's Chromium (`/usr/bin/chromium`, installed by
 * .ci/run) driven by playwright-core, against the CRM example on embedded PostgreSQL (PGlite).
 * Screenshots go to INSPECTOR_SCREENSHOTS_DIR (docs/inspector to refresh the docs' images).
 */
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pino from 'pino'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { crmServer } from '../../../examples/crm/tools.js'
import { type Database, openDatabase } from '../../../examples/data/database.js'
import { seed } from '../../../examples/data/seed.js'
import { ScriptedModel } from '../../../src/agent/testing/index.js'
import { type RunningInspector, startInspector } from '../../../src/cli/inspect/inspector-server.js'
import { hashApiKey, type RunningServer, serve } from '../../../src/server/index.js'

const CHROMIUM = '/usr/bin/chromium'
const API_KEY = 'dev-crm-key'
/** A 24×24 blue square. */
const LOGO_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAH0lEQVR4nGNQCb9GFcQwatCoQaMGjRo0atCoQQNvEACxR/ZfyKWk5gAAAABJRU5ErkJggg=='
const shots = process.env.INSPECTOR_SCREENSHOTS_DIR ?? join(tmpdir(), 'toolwire-inspector-screenshots')

/** The CRM example, plus three tools that exercise what the inspector shows: progress, elicitation, a nested form. */
function inspectedServer(db: Database, seen: { exportAborted: boolean }) {
  return crmServer(db)
    .tool(
      'export_contacts',
      {
        description: 'Exports contacts in batches, reporting progress after each one.',
        input: z.object({
          batches: z.number().int().min(1).max(100).default(40).describe('How many batches'),
        }),
        annotations: { readOnlyHint: true },
      },
      async ({ batches }, ctx) => {
        ctx.signal.addEventListener('abort', () => {
          seen.exportAborted = true
        })
        for (let i = 1; i <= batches; i++) {
          await sleep(150, undefined, { signal: ctx.signal })
          ctx.progress(i, { total: batches, message: `batch ${i} of ${batches}` })
          ctx.log('info', `exported batch ${i}`)
        }
        return { exported: batches * 100 }
      },
    )
    .tool(
      'approve_discount',
      {
        description: 'Asks a manager to approve a discount on a deal.',
        input: z.object({ deal_id: z.number().int().positive(), percent: z.number().min(1).max(50) }),
      },
      async ({ deal_id, percent }, ctx) => {
        const answer = await ctx.elicit(`Approve a ${percent}% discount on deal ${deal_id}?`, {
          type: 'object',
          properties: {
            approver: { type: 'string', description: 'Your name' },
            level: { type: 'string', enum: ['manager', 'director'], default: 'manager' },
          },
          required: ['approver'],
        })
        if (answer.action !== 'accept') return { approved: false, action: answer.action }
        return {
          approved: true,
          deal_id,
          percent,
          by: answer.content?.approver,
          level: answer.content?.level,
        }
      },
    )
    .tool(
      'company_card',
      {
        description: 'A company card: its logo and its record as an embedded resource.',
        input: z.object({ company_id: z.number().int().positive() }),
        annotations: { readOnlyHint: true },
      },
      ({ company_id }) => [
        { type: 'text', text: `Company ${company_id}` },
        { type: 'image', mimeType: 'image/png', data: LOGO_PNG },
        {
          type: 'resource',
          resource: {
            uri: `crm://companies/${company_id}`,
            mimeType: 'application/json',
            text: `{"id":${company_id}}`,
          },
        },
      ],
    )
    .tool(
      'plan_campaign',
      {
        description: 'Plans an email campaign for a segment (nothing is sent).',
        input: z.object({
          name: z.string().min(1).describe('Campaign name'),
          audience: z.object({
            segment: z.enum(['smb', 'mid_market', 'enterprise']),
            minRevenue: z.number().optional().describe('Only companies above this revenue'),
          }),
          tags: z.array(z.string()).default([]),
          dryRun: z.boolean().default(true),
        }),
        annotations: { readOnlyHint: true },
      },
      async (plan) => ({ planned: plan }),
    )
    .resource(
      'crm://schema',
      { description: 'The CRM tables', mimeType: 'text/plain' },
      () => 'companies(id, name, annual_revenue)\ncontacts(id, company_id, name, email)',
    )
    .resourceTemplate(
      'crm://companies/{id}',
      { name: 'company', mimeType: 'application/json' },
      (_uri, { id }) => JSON.stringify({ id: Number(id) }),
    )
    .prompt(
      'follow_up',
      {
        description: 'A follow-up email to a contact',
        arguments: z.object({ contact: z.string().describe('Contact name') }),
      },
      ({ contact }) => `Write a follow-up email to ${contact}.`,
    )
}

describe.skipIf(!existsSync(CHROMIUM) && process.env.CI !== 'true')('toolwire inspect in Chromium', () => {
  let db: Database
  let crm: RunningServer
  let inspector: RunningInspector
  let browser: Browser
  let page: Page
  const lines: Array<Record<string, unknown>> = []
  const seen = { exportAborted: false }

  beforeAll(async () => {
    await mkdir(shots, { recursive: true })
    db = await openDatabase({ url: '' })
    await seed(db, { scale: 0.05 })
    const logger = pino({ level: 'info' }, { write: (text: string) => void lines.push(JSON.parse(text)) })
    crm = await serve(inspectedServer(db, seen), {
      port: 0,
      env: false,
      logger,
      auth: { apiKeys: [{ id: 'dev', sha256: hashApiKey(API_KEY) }] },
    })
    // The Chat view's model: it calls search_contacts, then answers from the tool's output.
    const model = new ScriptedModel([
      (request) => ({
        toolCalls: [
          {
            name: request.tools.find((t) => t.name.endsWith('search_contacts'))!.name,
            arguments: { query: 'falcon', limit: 1 },
          },
        ],
      }),
      (request) => {
        const output = request.input.findLast((i) => i.type === 'function_call_result')
        const name =
          output?.type === 'function_call_result' ? /"name":"([^"]+)"/.exec(output.output)?.[1] : '?'
        return { answer: `The largest Falcon contact is ${name}.` }
      },
    ])
    inspector = await startInspector({ targets: [], model })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
    await page.goto(inspector.url)
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await inspector?.close()
    await crm?.close()
    await db?.close()
  })

  const connect = async (apiKey: string) => {
    await page.fill('input[name=url]', crm.url)
    await page.fill('input[name=apiKey]', apiKey)
    await page.click('button:text("Connect")')
  }
  const chooseTool = async (name: string) => {
    await page.click('[data-tab=tools]')
    await page.click(`.tool-list li[data-tool=${name}]`)
  }

  it('refuses API requests without the token (403), and from another origin', async () => {
    const base = `http://127.0.0.1:${inspector.port}`
    const bare = await fetch(`${base}/api/tools`)
    expect(bare.status).toBe(403)
    expect(((await bare.json()) as { error: { message: string } }).error.message).toMatch(
      /missing the inspector token/,
    )
    const wrong = await fetch(`${base}/api/history`, { headers: { 'x-toolwire-inspect-token': 'guess' } })
    expect(wrong.status).toBe(403)
    const crossSite = await fetch(`${base}/api/history`, {
      headers: { 'x-toolwire-inspect-token': inspector.token, origin: 'http://evil.example' },
    })
    expect(crossSite.status).toBe(403)
    const ok = await fetch(`${base}/api/history`, {
      headers: { 'x-toolwire-inspect-token': inspector.token },
    })
    expect(ok.status).toBe(200)
  })

  it('shows the server’s message for a wrong API key', async () => {
    await connect('not-the-key')
    const error = page.getByTestId('connect-error')
    await expect.poll(() => error.textContent()).toMatch(/HTTP 401 .*Unauthorized: the token is not valid/)
  })

  it('connects: server info, era, capabilities, instructions', async () => {
    await connect(API_KEY)
    await expect
      .poll(() => page.getByTestId('status').textContent())
      .toMatch(/connected to crm 1\.0\.0 · protocol 2026-07-28 \(modern\) · 11 tools/)
    await page.click('[data-tab=server]')
    expect(await page.locator('#server-view').textContent()).toContain('Quarters look like 2026-Q2')
    await page.screenshot({ path: join(shots, 'server.png') })
  })

  it('calls a tool through its generated form: result, trace id, the server’s log line', async () => {
    await chooseTool('search_contacts')
    // Defaults fill the form; required fields are marked.
    expect(await page.inputValue('[data-field=limit] input')).toBe('10')
    expect(await page.locator('[data-field=query] .required').count()).toBe(1)
    await page.fill('[data-field=query] input', 'falcon')
    await page.fill('[data-field=limit] input', '3')
    await page.click('button:text("Call")')
    const result = page.locator('.tool-detail [data-testid=result]')
    await result.waitFor()
    expect(await result.getAttribute('class')).toContain('result-ok')
    expect(await result.textContent()).toContain('structuredContent')
    const traceId = await page.locator('.tool-detail [data-testid=trace-id]').textContent()
    expect(traceId).toMatch(/^[0-9a-f]{32}$/)
    const line = lines.find((l) => l.traceId === traceId)
    expect(line).toMatchObject({ rpcMethod: 'tools/call', tool: 'search_contacts', outcome: 'ok' })
    expect(await page.getByTestId('command').textContent()).toBe(
      `toolwire call ${crm.url} search_contacts -H "X-API-Key: $TOOLWIRE_API_KEY" --json '{"query":"falcon","limit":3}'`,
    )
    await page.screenshot({ path: join(shots, 'tool-call.png'), fullPage: true })
  })

  it('fills a nested form: objects, enums, arrays, booleans', async () => {
    await chooseTool('plan_campaign')
    await page.fill('[data-field=name] input', 'Q3 upsell')
    await page.selectOption('[data-field="audience.segment"] select', { label: 'enterprise' })
    await page.fill('[data-field="audience.minRevenue"] input', '1000000')
    await page.click('[data-field=tags] button.add')
    await page.click('[data-field=tags] button.add')
    await page.fill('[data-field=tags] [name="tags[0]"]', 'renewal')
    await page.fill('[data-field=tags] [name="tags[1]"]', 'q3')
    await page.click('button:text("Call")')
    await page.locator('.tool-detail [data-testid=result]').waitFor()
    const structured = await page.locator('.tool-detail .structured pre').textContent()
    expect(JSON.parse(structured ?? '')).toEqual({
      planned: {
        name: 'Q3 upsell',
        audience: { segment: 'enterprise', minRevenue: 1000000 },
        tags: ['renewal', 'q3'],
        dryRun: true,
      },
    })
    // The raw JSON editor starts from the form's value.
    await page.check('[data-testid=raw-toggle]')
    expect(JSON.parse(await page.inputValue('textarea.raw-json'))).toMatchObject({ name: 'Q3 upsell' })
    await page.screenshot({ path: join(shots, 'schema-form.png'), fullPage: true })
  })

  it('renders images and embedded resources, and marks isError results', async () => {
    await chooseTool('company_card')
    await page.fill('[data-field=company_id] input', '12')
    await page.click('button:text("Call")')
    const result = page.locator('.tool-detail [data-testid=result]')
    await result.waitFor()
    const size = await result.locator('img.result-image').evaluate((img) => {
      const image = img as unknown as { naturalWidth: number; complete: boolean }
      return [image.naturalWidth, image.complete]
    })
    expect(size).toEqual([24, true])
    expect(await result.locator('.resource').textContent()).toContain(
      'crm://companies/12 (application/json){"id":12}',
    )
    await chooseTool('update_deal_stage')
    await page.fill('[data-field=deal_id] input', '999999')
    await page.selectOption('[data-field=stage] select', { label: 'negotiation' })
    await page.click('button:text("Call")')
    await expect.poll(() => result.getAttribute('class')).toContain('result-error')
    expect(await result.textContent()).toContain('isError: the tool reported a failure')
    expect(await result.textContent()).toContain('No deal with id 999999')
  })

  it('shows live progress and logs, and cancels the call', async () => {
    await chooseTool('export_contacts')
    await page.click('button:text("Call")')
    await expect.poll(() => page.locator('.progress-text').textContent()).toMatch(/batch [3-9] of 40/)
    expect(await page.locator('.logs li').count()).toBeGreaterThan(0)
    await page.screenshot({ path: join(shots, 'progress.png'), fullPage: true })
    await page.click('button:text("Cancel")')
    const error = page.getByTestId('call-error')
    await expect.poll(() => error.textContent()).toMatch(/cancelled in the inspector/)
    await expect.poll(() => seen.exportAborted).toBe(true)
  })

  it('answers an elicitation in the page', async () => {
    await chooseTool('approve_discount')
    await page.fill('[data-field=deal_id] input', '7')
    await page.fill('[data-field=percent] input', '15')
    await page.click('button:text("Call")')
    const dialog = page.getByTestId('elicitation')
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('Approve a 15% discount on deal 7?')
    await dialog.locator('[data-field=approver] input').fill('Grace')
    await page.screenshot({ path: join(shots, 'elicitation.png') })
    await dialog.locator('button:text("Accept")').click()
    await page.locator('.tool-detail [data-testid=result]').waitFor()
    const structured = await page.locator('.tool-detail .structured pre').textContent()
    expect(JSON.parse(structured ?? '')).toEqual({
      approved: true,
      deal_id: 7,
      percent: 15,
      by: 'Grace',
      level: 'manager',
    })
  })

  it('browses resources and templates, and gets a prompt', async () => {
    await page.click('[data-tab=resources]')
    await page.click('#resources-view li[data-uri="crm://schema"]')
    await expect
      .poll(() => page.locator('#resources-view .output').textContent())
      .toContain('companies(id, name')
    await page.click('#resources-view li[data-uri="crm://companies/{id}"]')
    await page.fill('input[name=resource-uri]', 'crm://companies/12')
    await page.click('#resources-view button:text("Read")')
    await expect
      .poll(() => page.locator('#resources-view .output pre').first().textContent())
      .toBe('{"id":12}')
    await page.screenshot({ path: join(shots, 'resources.png') })
    await page.click('[data-tab=prompts]')
    await page.click('#prompts-view li[data-prompt=follow_up]')
    await page.fill('#prompts-view [data-field=contact] textarea', 'Ada')
    await page.click('#prompts-view button:text("Get")')
    await expect
      .poll(() => page.locator('#prompts-view .message').textContent())
      .toContain('Write a follow-up email to Ada.')
  })

  it('chats with an agent over the server, tool calls inline', async () => {
    await page.click('[data-tab=chat]')
    await page.fill('textarea[name=chat-message]', 'Who is the largest contact at Falcon?')
    await page.click('#chat-view button:text("Send")')
    await page.getByTestId('chat-trace-id').waitFor()
    expect(await page.getByTestId('chat-tool').textContent()).toMatch(
      /search_contacts\(\{"query":"falcon","limit":1\}\)/,
    )
    expect(await page.getByTestId('transcript').textContent()).toContain(
      'The largest Falcon contact is Ken Backus.',
    )
    await page.screenshot({ path: join(shots, 'chat.png') })
  })

  it('lists every request in the history, with its JSON-RPC and the command', async () => {
    await page.click('[data-tab=history]')
    const rows = page.locator('table.history tbody tr')
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(6)
    const statuses = await page.locator('table.history tbody td.status').allTextContents()
    expect(statuses).toContain('cancelled')
    expect(statuses).toContain('error')
    await page.click('table.history tbody tr:has-text("search_contacts")')
    const request = JSON.parse((await page.getByTestId('raw-request').textContent()) ?? '')
    expect(request).toMatchObject({
      jsonrpc: '2.0',
      method: 'tools/call',
      params: { name: 'search_contacts' },
    })
    expect(await page.getByTestId('raw-response').textContent()).toContain('"result"')
    await page.screenshot({ path: join(shots, 'history.png'), fullPage: true })
  })

  it('runs a small load: histogram and error count', async () => {
    await page.click('[data-tab=load]')
    await page.selectOption('select[name=load-tool]', 'search_contacts')
    await page.fill('textarea[name=load-arguments]', '{"query": "a", "limit": 5}')
    await page.fill('input[name=calls]', '60')
    await page.fill('input[name=concurrency]', '6')
    await page.click('button:text("Run")')
    const report = page.getByTestId('load-report')
    await report.waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('error-count').textContent()).toBe('0 errors')
    expect(await report.textContent()).toMatch(/^60 calls \(6 in flight\)/)
    expect(await page.locator('.bucket').count()).toBeGreaterThanOrEqual(3)
    await page.screenshot({ path: join(shots, 'load.png'), fullPage: true })
  })
})
