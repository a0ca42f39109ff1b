import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MCPServerStreamableHttp, McpHttpError } from '../../src/client/index.js'
import { hashApiKey, type Identity, ToolServer, ToolwireConfigError } from '../../src/server/index.js'
import { serve } from '../support/mount.js'
import { modern, send } from '../support/raw.js'

const READER_KEY = 'tw_live_reader_4f9c1e'
const WRITER_KEY = 'tw_live_writer_8a2d7b'

function crmServer(seen: Array<Identity | undefined>) {
  return new ToolServer({ name: 'crm' })
    .tool('whoami', { input: z.object({}) }, (_args, ctx) => {
      seen.push(ctx.identity)
      return ctx.identity?.subject ?? 'anonymous'
    })
    .tool(
      'update_deal_stage',
      { input: z.object({ stage: z.string() }), scopes: ['crm.write'] },
      ({ stage }) => `now ${stage}`,
    )
}

const apiKeys = [
  { id: 'reader', sha256: hashApiKey(READER_KEY), scopes: ['crm.read'] },
  { id: 'writer', sha256: hashApiKey(WRITER_KEY), scopes: ['crm.read', 'crm.write'] },
]

describe('API-key auth', () => {
  it('refuses missing and wrong keys with 401 and WWW-Authenticate; health stays open', async () => {
    await using running = await serve(crmServer([]), { port: 0, auth: { apiKeys } })
    const call = modern('tools/call', { name: 'whoami', arguments: {} })
    const missing = await send(running.url, call)
    expect(missing.status).toBe(401)
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="mcp"')
    expect(missing.json.error?.message).toContain('send a bearer token')
    const wrong = await send(running.url, {
      ...call,
      headers: { ...call.headers, authorization: 'Bearer nope' },
    })
    expect(wrong.status).toBe(401)
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="mcp", error="invalid_token"')
    const viaHeader = await send(running.url, {
      ...call,
      headers: { ...call.headers, 'x-api-key': READER_KEY },
    })
    expect(viaHeader.json.result?.content).toEqual([{ type: 'text', text: 'reader' }])
    const health = await send(running.url.replace('/mcp', '/health'), { method: 'GET', headers: {} })
    expect(health.status).toBe(200)
  })

  it('gives tools the identity, enforces per-tool scopes with 403, in both eras', async () => {
    const seen: Array<Identity | undefined> = []
    const lines: Array<Record<string, unknown>> = []
    const logger = pino({ level: 'info' }, { write: (text: string) => void lines.push(JSON.parse(text)) })
    await using running = await serve(crmServer(seen), { port: 0, auth: { apiKeys }, logger })
    for (const protocolEra of ['modern', 'legacy'] as const) {
      await using reader = await new MCPServerStreamableHttp({
        params: { url: running.url, headers: { Authorization: `Bearer ${READER_KEY}` } },
        protocolEra,
        maxRetryAttempts: 0,
      }).connect()
      expect((await reader.callTool('whoami')).content).toEqual([{ type: 'text', text: 'reader' }])
      const forbidden = await reader.callTool('update_deal_stage', { stage: 'won' }).catch((e: unknown) => e)
      expect(forbidden).toBeInstanceOf(McpHttpError)
      expect(forbidden).toMatchObject({ status: 403 })
      await using writer = await new MCPServerStreamableHttp({
        params: { url: running.url },
        auth: () => WRITER_KEY,
        protocolEra,
      }).connect()
      expect((await writer.callTool('update_deal_stage', { stage: 'won' })).content).toEqual([
        { type: 'text', text: 'now won' },
      ])
    }
    expect(seen[0]).toEqual({ subject: 'reader', clientId: 'reader', scopes: ['crm.read'] })
    const raw = modern('tools/call', { name: 'update_deal_stage', arguments: { stage: 'x' } })
    const denied = await send(running.url, {
      ...raw,
      headers: { ...raw.headers, authorization: `Bearer ${READER_KEY}` },
    })
    expect(denied.status).toBe(403)
    expect(denied.headers['www-authenticate']).toBe(
      'Bearer realm="mcp", error="insufficient_scope", scope="crm.write"',
    )
    expect(denied.json.error?.message).toBe('Forbidden: tool update_deal_stage needs scope crm.write')
    expect(lines.some((l) => l.identity === 'writer' && l.tool === 'update_deal_stage')).toBe(true)
    expect(JSON.stringify(lines)).not.toContain(READER_KEY)
    expect(JSON.stringify(lines)).not.toContain(WRITER_KEY)
  })

  it('accepts a custom verify function, and rejects bad configuration', async () => {
    await using running = await serve(crmServer([]), {
      port: 0,
      auth: {
        verify: (token) => (token === 'let-me-in' ? { subject: 'svc-billing', scopes: [] } : undefined),
      },
    })
    await using client = await new MCPServerStreamableHttp({
      params: { url: running.url, headers: { Authorization: 'Bearer let-me-in' } },
    }).connect()
    expect((await client.callTool('whoami')).content).toEqual([{ type: 'text', text: 'svc-billing' }])
    await expect(
      serve(crmServer([]), { port: 0, auth: { apiKeys: [{ id: 'k', sha256: 'plain-text-key' }] } }),
    ).rejects.toThrow(ToolwireConfigError)
  })
})
