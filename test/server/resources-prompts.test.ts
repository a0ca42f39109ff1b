import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2Transport,
} from '@modelcontextprotocol/client'
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import {
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type RunningServer, ToolServer } from '../../src/server/index.js'
import { serve } from '../support/mount.js'
import { modern, send } from '../support/raw.js'

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
    .resourceTemplate('crm://files/{+path}', { name: 'file' }, (_uri, { path }) => `file at ${path}`)
    .prompt(
      'follow_up',
      {
        title: 'Follow-up email',
        description: 'Draft a follow-up to a customer',
        arguments: z.object({
          customer: z.string().describe('Customer name'),
          tone: z.string().optional().describe('formal or casual'),
        }),
        complete: { tone: (value) => ['formal', 'friendly', 'casual'].filter((t) => t.startsWith(value)) },
      },
      ({ customer, tone }) => `Write a ${tone ?? 'formal'} follow-up to ${customer}.`,
    )
    .prompt('with_image', {}, () => [
      { role: 'user', content: { type: 'image', data: PNG.toString('base64'), mimeType: 'image/png' } },
    ])
}

let running: RunningServer
beforeAll(async () => {
  running = await serve(crmServer(), { port: 0 })
})
afterAll(() => running.close())

async function clients() {
  const v1 = new V1Client({ name: 'sdk-v1', version: '1' })
  await v1.connect(new V1Transport(new URL(running.url)))
  const v2 = new V2Client(
    { name: 'sdk-v2', version: '2' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  )
  await v2.connect(new V2Transport(new URL(running.url)))
  return [
    ['SDK v1, 2025 session', v1],
    ['SDK v2, 2026-07-28', v2],
  ] as const
}

describe('resources, prompts and completions, both eras', () => {
  it('lists (paginated), reads text, binary and templated resources, gets prompts and completes', async () => {
    for (const [era, client] of await clients()) {
      const c = client as unknown as V1Client
      const capabilities = c.getServerCapabilities()
      expect(capabilities, era).toMatchObject({
        resources: { subscribe: true },
        prompts: {},
        completions: {},
      })
      // Pages of two (SDK v2 follows nextCursor itself).
      const first = await c.listResources()
      const all = first.nextCursor
        ? [...first.resources, ...(await c.listResources({ cursor: first.nextCursor })).resources]
        : first.resources
      expect(
        all.map((r) => r.uri),
        era,
      ).toEqual(['crm://schema', 'crm://logo', 'crm://status'])
      expect(first.resources[0]).toMatchObject({
        name: 'crm://schema',
        title: 'CRM schema',
        mimeType: 'text/plain',
      })
      const templates = await c.listResourceTemplates()
      expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toEqual([
        'crm://customers/{id}',
        'crm://files/{+path}',
      ])
      expect(await c.readResource({ uri: 'crm://schema' })).toMatchObject({
        contents: [{ uri: 'crm://schema', mimeType: 'text/plain', text: 'customers(id, name)' }],
      })
      const logo = await c.readResource({ uri: 'crm://logo' })
      expect(Buffer.from((logo.contents[0] as { blob: string }).blob, 'base64')).toEqual(PNG)
      expect(await c.readResource({ uri: 'crm://customers/c-101' })).toMatchObject({
        contents: [{ uri: 'crm://customers/c-101', text: '{"id":"c-101","name":"Customer c-101"}' }],
      })
      expect(await c.readResource({ uri: 'crm://files/a/b%20c.txt' })).toMatchObject({
        contents: [{ text: 'file at a/b c.txt' }],
      })
      const prompts = await c.listPrompts()
      expect(prompts.prompts[0]).toEqual({
        name: 'follow_up',
        title: 'Follow-up email',
        description: 'Draft a follow-up to a customer',
        arguments: [
          { name: 'customer', description: 'Customer name', required: true },
          { name: 'tone', description: 'formal or casual', required: false },
        ],
      })
      expect(
        await c.getPrompt({ name: 'follow_up', arguments: { customer: 'Ada', tone: 'casual' } }),
      ).toMatchObject({
        messages: [{ role: 'user', content: { type: 'text', text: 'Write a casual follow-up to Ada.' } }],
      })
      expect(await c.getPrompt({ name: 'with_image' })).toMatchObject({
        messages: [{ content: { type: 'image', mimeType: 'image/png' } }],
      })
      expect(
        await c.complete({
          ref: { type: 'ref/prompt', name: 'follow_up' },
          argument: { name: 'tone', value: 'f' },
        }),
      ).toMatchObject({ completion: { values: ['formal', 'friendly'], total: 2, hasMore: false } })
      expect(
        await c.complete({
          ref: { type: 'ref/resource', uri: 'crm://customers/{id}' },
          argument: { name: 'id', value: 'c-1' },
        }),
      ).toMatchObject({ completion: { values: ['c-100', 'c-101'] } })
      expect(
        await c.complete({
          ref: { type: 'ref/prompt', name: 'follow_up' },
          argument: { name: 'customer', value: 'A' },
        }),
      ).toMatchObject({ completion: { values: [], total: 0 } })
      await c.close()
    }
  })

  it('refuses bad input with clear JSON-RPC errors', async () => {
    for (const [era, client] of await clients()) {
      const c = client as unknown as V1Client
      // 2025 revisions: -32002; 2026-07-28: -32602 with data.uri (SEP-2164).
      await expect(c.readResource({ uri: 'crm://nope' }), era).rejects.toMatchObject({
        code: era.includes('2025') ? -32002 : -32602,
        data: { uri: 'crm://nope' },
        message: expect.stringContaining('Resource not found: crm://nope'),
      })
      await expect(c.getPrompt({ name: 'follow_up', arguments: {} })).rejects.toMatchObject({
        code: -32602,
        message: expect.stringContaining('customer'),
      })
      await expect(c.getPrompt({ name: 'missing' })).rejects.toMatchObject({
        code: -32602,
        message: expect.stringContaining('Unknown prompt: missing'),
      })
      await expect(
        c.complete({ ref: { type: 'ref/prompt', name: 'missing' }, argument: { name: 'x', value: '' } }),
      ).rejects.toMatchObject({ code: -32602 })
      await c.close()
    }
    const raw = await send(running.url, modern('resources/read', {}))
    expect(raw.status).toBe(400) // no Mcp-Name header source: params.uri missing
    // resources/subscribe is 2025-only: 2026-07-28 has no such method (clients use subscriptions/listen).
    const subscribe = await send(running.url, modern('resources/subscribe', { uri: 'crm://schema' }))
    expect(subscribe.status).toBe(404)
    expect(subscribe.json.error?.code).toBe(-32601)
    const noTemplate = await send(
      running.url,
      modern('completion/complete', {
        ref: { type: 'ref/resource', uri: 'crm://nope/{x}' },
        argument: { name: 'x', value: '' },
      }),
    )
    expect(noTemplate.json.error).toMatchObject({
      code: -32602,
      message: 'Unknown resource template: crm://nope/{x}',
    })
    const noRef = await send(
      running.url,
      modern('completion/complete', { argument: { name: 'a', value: '' } }),
    )
    expect(noRef.json.error).toMatchObject({ code: -32602, message: 'params.ref must be an object' })
  })

  it('delivers resources/updated to subscribed 2025 sessions only, and list_changed on registration', async () => {
    const server = crmServer()
    await using live = await serve(server, { port: 0 })
    const subscribed = new V1Client({ name: 'a', version: '1' })
    const other = new V1Client({ name: 'b', version: '1' })
    const updates: Record<string, string[]> = { subscribed: [], other: [] }
    subscribed.setNotificationHandler(
      ResourceUpdatedNotificationSchema,
      (n) => void updates.subscribed!.push(n.params.uri),
    )
    other.setNotificationHandler(
      ResourceUpdatedNotificationSchema,
      (n) => void updates.other!.push(n.params.uri),
    )
    await subscribed.connect(new V1Transport(new URL(live.url)))
    await other.connect(new V1Transport(new URL(live.url)))
    await expect.poll(() => live.handler.listenerCount).toBe(2)
    await subscribed.subscribeResource({ uri: 'crm://customers/c-100' })
    await expect(subscribed.subscribeResource({ uri: 'crm://unknown' })).rejects.toMatchObject({
      code: -32002,
    })
    expect(server.resourceUpdated('crm://customers/c-100')).toBe(1)
    await expect.poll(() => updates.subscribed).toEqual(['crm://customers/c-100'])
    await subscribed.unsubscribeResource({ uri: 'crm://customers/c-100' })
    expect(server.resourceUpdated('crm://customers/c-100')).toBe(0)
    expect(updates.other).toEqual([])
    const changed: string[] = []
    other.setNotificationHandler(ResourceListChangedNotificationSchema, (n) => void changed.push(n.method))
    server.resource('crm://new', {}, () => 'new')
    await expect.poll(() => changed).toEqual(['notifications/resources/list_changed'])
    expect(await other.readResource({ uri: 'crm://new' })).toMatchObject({ contents: [{ text: 'new' }] })
    await subscribed.close()
    await other.close()
  })

  it('2026-07-28: subscriptions/listen carries resourceSubscriptions and ends gracefully on close', async () => {
    const server = crmServer()
    const live = await serve(server, { port: 0, env: false })
    const client = new V2Client(
      { name: 'sdk-v2', version: '2' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    )
    const updates: string[] = []
    client.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri))
    await client.connect(new V2Transport(new URL(live.url)))
    const subscription = await client.listen({
      resourceSubscriptions: ['crm://customers/c-100'],
      resourcesListChanged: true,
    })
    expect(subscription.honoredFilter).toEqual({
      resourceSubscriptions: ['crm://customers/c-100'],
      resourcesListChanged: true,
    })
    expect(server.resourceUpdated('crm://customers/c-100')).toBe(1)
    expect(server.resourceUpdated('crm://customers/c-101')).toBe(0)
    await expect.poll(() => updates).toEqual(['crm://customers/c-100'])
    await live.close()
    expect(await subscription.closed).toBe('graceful')
    await client.close()
  })
})
