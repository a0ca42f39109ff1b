import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MCPServerStreamableHttp, McpConnectionError } from '../../src/client/index.js'
import { type FaultServer, startFaultServer } from '../support/fault-server.js'

describe('a response stream that breaks before its result', () => {
  let server: FaultServer
  afterEach(() => server.close())

  describe('2026-07-28 server (streams are not resumable: the request is lost)', () => {
    beforeEach(async () => {
      server = await startFaultServer({ era: 'modern' })
    })

    /** A connected client that knows the tools' annotations; the next answer stream breaks. */
    async function clientWithCutStream() {
      const client = await new MCPServerStreamableHttp({
        params: { url: server.url },
        retryBackoffSecondsBase: 0.01,
      }).connect()
      await client.listTools()
      server.faults.set('tools/call', { kind: 'cut-sse', times: 1 })
      return client
    }

    it('re-issues an idempotent call as a new request', async () => {
      await using client = await clientWithCutStream()
      expect((await client.callTool('echo')).content).toEqual([{ type: 'text', text: 'ok echo' }])
      expect(server.executions.get('echo')).toBe(2)
    })

    it('does not re-issue a non-idempotent call: it surfaces as possibly delivered', async () => {
      await using client = await clientWithCutStream()
      const error = await client.callTool('create_order').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(McpConnectionError)
      expect(error).toMatchObject({ maybeDelivered: true })
      expect(String(error)).toContain('not retried')
      expect(server.executions.get('create_order')).toBe(1)
    })
  })

  describe('2025-era server with a session', () => {
    beforeEach(async () => {
      server = await startFaultServer({ era: 'legacy' })
    })

    it('resumes with GET + Last-Event-ID: one execution, one result, even for a non-idempotent tool', async () => {
      await using client = await new MCPServerStreamableHttp({ params: { url: server.url } }).connect()
      const reconnects: string[] = []
      client.on('reconnect', ({ reason }) => reconnects.push(reason))
      server.faults.set('tools/call', { kind: 'cut-sse', times: 1 })
      expect((await client.callTool('create_order')).content).toEqual([
        { type: 'text', text: 'ok create_order' },
      ])
      expect(server.executions.get('create_order')).toBe(1)
      expect(server.hits.get('GET')).toBeGreaterThanOrEqual(1)
      const resume = server.requests.find((r) => r.method === 'GET' && r.headers['last-event-id'])
      expect(resume?.headers['last-event-id']).toMatch(/^ev-\d+$/)
      expect(resume?.headers['mcp-session-id']).toBeDefined()
      expect(reconnects).toEqual([
        `resuming the response stream after event ${resume?.headers['last-event-id']}`,
      ])
    })
  })
})
