/**
 * The client sees everything toolwire's server offers, in both eras: resources (paginated lists,
 * templates, text and binary reads, subscriptions), prompts (with arguments, and with a question
 * for the user mid-way), completions, and list-change events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp, McpProtocolError } from '../../src/client/index.js'
import { type RunningServer, serve, ToolServer } from '../../src/server/index.js'

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function crmServer() {
  return new ToolServer({ name: 'crm', version: '1.0.0', pageSize: 2 })
    .resource('crm://schema', { title: 'CRM schema', mimeType: 'text/plain' }, () => 'customers(id, name)')
    .resource('crm://logo', { mimeType: 'image/png' }, () => PNG)
    .resource('crm://status', { mimeType: 'application/json' }, () => JSON.stringify({ ok: true }))
    .resourceTemplate(
      'crm://customers/{id}',
      {
        name: 'customer',
        mimeType: 'application/json',
        complete: { id: (value) => ['c-100', 'c-101', 'c-200'].filter((id) => id.startsWith(value)) },
      },
      (_uri, { id }) => JSON.stringify({ id, name: `Customer ${id}` }),
    )
    .prompt(
      'follow_up',
      {
        description: 'Draft a follow-up to a customer',
        arguments: z.object({ customer: z.string(), tone: z.string().optional() }),
        complete: { tone: (value) => ['formal', 'friendly', 'casual'].filter((t) => t.startsWith(value)) },
      },
      ({ customer, tone }) => `Write a ${tone ?? 'formal'} follow-up to ${customer}.`,
    )
    .prompt('ask_tone', {}, async (_args, ctx) => {
      const answer = await ctx.elicit('Which tone?', {
        type: 'object',
        properties: { tone: { type: 'string' } },
        required: ['tone'],
      })
      return `Write in a ${String(answer.content?.tone)} tone.`
    })
}

const server = crmServer()
let running: RunningServer
beforeAll(async () => {
  running = await serve(server, { port: 0, env: false })
})
afterAll(() => running.close())

describe.each(['modern', 'legacy'] as const)('resources, prompts, completions (%s era)', (era) => {
  const client = () =>
    new MCPServerStreamableHttp({
      name: 'CRM',
      params: { url: running.url },
      protocolEra: era,
      handlers: { elicitation: () => ({ action: 'accept', content: { tone: 'warm' } }) },
    })

  it('lists resources across pages and templates, reads text and binary', async () => {
    await using crm = await client().connect()
    const resources = await crm.listResources()
    // Three pages of two (the last test of the other era adds one).
    expect(resources.map((r) => r.uri).slice(0, 3)).toEqual(['crm://schema', 'crm://logo', 'crm://status'])
    expect(resources[0]).toMatchObject({ title: 'CRM schema', mimeType: 'text/plain' })
    const templates = await crm.listResourceTemplates()
    expect(templates).toMatchObject([{ uriTemplate: 'crm://customers/{id}', name: 'customer' }])
    const schema = await crm.readResource('crm://schema')
    expect(schema.contents).toEqual([
      { uri: 'crm://schema', mimeType: 'text/plain', text: 'customers(id, name)' },
    ])
    // 2026-07-28 reads carry cache hints, as lists do.
    if (era === 'modern') expect(schema).toMatchObject({ ttlMs: expect.any(Number), cacheScope: 'private' })
    const logo = await crm.readResource('crm://logo')
    expect(Buffer.from((logo.contents[0] as { blob: string }).blob, 'base64')).toEqual(PNG)
    const customer = await crm.readResource('crm://customers/c-101')
    expect(JSON.parse((customer.contents[0] as { text: string }).text)).toEqual({
      id: 'c-101',
      name: 'Customer c-101',
    })
    const missing = await crm.readResource('crm://nothing').catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(McpProtocolError)
    expect(String(missing)).toMatch(/resources\/read failed: .*crm:\/\/nothing/)
  })

  it('lists prompts, gets one with arguments, answers a question it asks, completes arguments', async () => {
    await using crm = await client().connect()
    const prompts = await crm.listPrompts()
    expect(prompts.map((p) => p.name)).toEqual(['follow_up', 'ask_tone'])
    expect(prompts[0]!.arguments).toMatchObject([
      { name: 'customer', required: true },
      { name: 'tone', required: false },
    ])
    const prompt = await crm.getPrompt('follow_up', { customer: 'Acme', tone: 'casual' })
    expect(prompt.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Write a casual follow-up to Acme.' } },
    ])
    // The prompt asks the user (2026-07-28: input_required and a second request; 2025: a server request).
    const asked = await crm.getPrompt('ask_tone')
    expect(asked.messages[0]!.content).toEqual({ type: 'text', text: 'Write in a warm tone.' })
    const tones = await crm.complete({ type: 'ref/prompt', name: 'follow_up' }, { name: 'tone', value: 'f' })
    expect(tones.completion.values).toEqual(['formal', 'friendly'])
    const ids = await crm.complete(
      { type: 'ref/resource', uri: 'crm://customers/{id}' },
      { name: 'id', value: 'c-1' },
    )
    expect(ids.completion.values).toEqual(['c-100', 'c-101'])
  })

  it('subscribes to a resource and hears its updates; list changes arrive as events', async () => {
    await using crm = await client().connect()
    const updated: string[] = []
    const changed: string[] = []
    crm.on('resourceUpdated', ({ uri }) => updated.push(uri))
    crm.on('listChanged', ({ list }) => changed.push(list))
    await crm.subscribeResource('crm://status')
    // The notification stream opens in the background: tell until it is there.
    await expect.poll(() => server.resourceUpdated('crm://status') > 0, { interval: 50 }).toBe(true)
    await expect.poll(() => updated, { interval: 20 }).toContain('crm://status')
    server.resource(`crm://new-${era}`, { mimeType: 'text/plain' }, () => 'new')
    await expect.poll(() => changed, { interval: 20 }).toContain('resources')
    await crm.unsubscribeResource('crm://status')
    const before = updated.length
    await expect.poll(() => server.resourceUpdated('crm://status'), { interval: 50 }).toBe(0)
    expect(updated.length).toBe(before)
  })
})
