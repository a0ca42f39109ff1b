/**
 * The fleet as an operator runs it: three replica processes sharing the local Redis behind
 * nginx (Debian's package, round-robin, no affinity). Through it the official SDK clients and
 * toolwire's client work in both eras, an elicitation is answered through another replica, and
 * one replica is SIGKILLed in the middle of a stream of calls.
 */
import { randomUUID } from 'node:crypto'
import {
  Client as V2Client,
  StreamableHTTPClientTransport as V2Transport,
} from '@modelcontextprotocol/client'
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MCPServerStreamableHttp } from '../../src/client/index.js'
import { type Nginx, type Replica, startNginx, startReplica, stop } from '../support/fleet-processes.js'
import { REDIS_URL, testKeyPrefix } from '../support/fleet-server.js'
import { send } from '../support/raw.js'
import { openSession, toolCall } from '../support/sessions.js'
import { openSse } from '../support/sse-reader.js'

const keyPrefix = testKeyPrefix()
const redis = new Redis(REDIS_URL)
let replicas: Replica[] = []
let nginx: Nginx

const textOf = (result: unknown): string =>
  ((result as { content?: Array<{ text?: string }> }).content?.[0]?.text ?? '') as string

beforeAll(async () => {
  const env = { FLEET_KEY_PREFIX: keyPrefix, FLEET_REDIS_URL: REDIS_URL }
  replicas = await Promise.all(['r1', 'r2', 'r3'].map((name) => startReplica(name, env)))
  nginx = await startNginx(replicas.map((r) => r.port))
}, 40_000)

afterAll(async () => {
  await nginx?.[Symbol.asyncDispose]()
  await Promise.all(replicas.map((r) => stop(r.process)))
  const keys = await redis.keys(`${keyPrefix}*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
})

describe('three replicas behind nginx, no affinity', () => {
  it('SDK v1 and SDK v2 clients keep one 2025 session across replicas', async () => {
    for (const make of [
      () => ({
        client: new V1Client({ name: 'sdk-v1', version: '1' }),
        transport: new V1Transport(new URL(nginx.url)),
      }),
      () => ({
        client: new V2Client({ name: 'sdk-v2', version: '2' }, { versionNegotiation: { mode: 'legacy' } }),
        transport: new V2Transport(new URL(nginx.url)),
      }),
    ]) {
      const { client, transport } = make()
      await (client as V1Client).connect(transport as V1Transport)
      const sessionId = (transport as V1Transport).sessionId
      expect(sessionId).toBeTruthy()
      const answeredBy = new Set<string>()
      for (let i = 0; i < 6; i++) {
        const result = await (client as V1Client).callTool({ name: 'whoami', arguments: {} })
        answeredBy.add(textOf(result))
      }
      expect(answeredBy.size).toBeGreaterThan(1)
      expect((transport as V1Transport).sessionId).toBe(sessionId)
      await (transport as V1Transport).terminateSession()
      await (client as V1Client).close()
    }
  })

  it("toolwire's client in both eras", async () => {
    for (const protocolEra of ['legacy', 'modern'] as const) {
      await using client = await new MCPServerStreamableHttp({
        params: { url: nginx.url },
        protocolEra,
      }).connect()
      const answeredBy = new Set<string>()
      for (let i = 0; i < 6; i++) answeredBy.add(textOf(await client.callTool('whoami')))
      expect(answeredBy.size).toBeGreaterThan(1)
      expect(textOf(await client.callTool('echo', { text: protocolEra }))).toMatch(
        new RegExp(`^${protocolEra} \\(from r\\d\\)$`),
      )
    }
  })

  it('an elicitation answered through another replica reaches the call waiting on the first', async () => {
    const session = await openSession(nginx.url, { capabilities: { elicitation: { form: {} } } })
    await using call = await openSse(nginx.url, {
      method: 'POST',
      headers: session.headers,
      body: toolCall(1, 'ask', { question: 'Name?' }),
    })
    const asked = await call.next()
    expect(asked?.data).toMatchObject({ method: 'elicitation/create' })
    // Round-robin: the next request goes to the next replica.
    const answer = await send(nginx.url, {
      headers: session.headers,
      body: { jsonrpc: '2.0', id: asked?.data?.id, result: { action: 'accept', content: { name: 'Ada' } } },
    })
    expect(answer.status).toBe(202)
    expect(answer.headers['x-upstream']).not.toBe(call.headers['x-upstream'])
    const result = await call.next()
    expect(textOf(result?.data?.result)).toMatch(/^asked on r\d: accept \{"name":"Ada"\}$/)
  })

  it('SIGKILL of one replica mid-stream: idempotent calls return, others ran at most once, sessions go on, Last-Event-ID resumes elsewhere', async () => {
    const victim = replicas[2]!
    const survivor = replicas[0]!
    // A session-bound SDK v1 client, and toolwire's client (it retries idempotent calls).
    const v1 = new V1Client({ name: 'sdk-v1', version: '1' })
    const v1Transport = new V1Transport(new URL(nginx.url))
    await v1.connect(v1Transport)
    const v1Session = v1Transport.sessionId
    await using client = await new MCPServerStreamableHttp({
      params: { url: nginx.url },
      protocolEra: 'legacy',
      maxRetryAttempts: 4,
      retryBackoffSecondsBase: 0.05,
    }).connect()
    let retries = 0
    client.on('retry', () => retries++)

    // A resumable answer being written by the victim (asked directly of it).
    const session = await openSession(victim.url)
    const slow = await openSse(victim.url, {
      method: 'POST',
      headers: session.headers,
      body: toolCall(5, 'slow', { steps: 40, stepMs: 40 }, { progressToken: 'k' }),
    })
    expect((await slow.next())?.data).toMatchObject({ params: { progress: 1 } })
    const lastEventId = slow.lastEventId

    const nonces: string[] = []
    const outcomes: Array<Promise<{ kind: 'echo' | 'count'; ok: boolean; text: string }>> = []
    let killed = false
    for (let i = 0; i < 36; i++) {
      if (i === 12) {
        slow.abort()
        await new Promise((resolve) => setTimeout(resolve, 150)) // events written while away
      }
      // In the middle of a batch: calls are running on every replica.
      if (i === 14) {
        await new Promise((resolve) => setTimeout(resolve, 10)) // the last calls reached the replicas
        victim.process.kill('SIGKILL')
        killed = true
      }
      const nonce = randomUUID()
      nonces.push(nonce)
      outcomes.push(
        client.callTool('slow', { steps: 1, stepMs: 30 }).then(
          (r) => ({ kind: 'echo' as const, ok: !r.isError, text: textOf(r) }),
          (e: unknown) => ({ kind: 'echo' as const, ok: false, text: String(e) }),
        ),
        client.callTool('count', { nonce, delayMs: 30 }).then(
          (r) => ({ kind: 'count' as const, ok: !r.isError, text: textOf(r) }),
          (e: unknown) => ({ kind: 'count' as const, ok: false, text: String(e) }),
        ),
      )
      if (i % 4 === 3) await Promise.all(outcomes.slice(-8))
    }
    expect(killed).toBe(true)
    const settled = await Promise.all(outcomes)
    // The kill interrupted calls: retried (idempotent) or failed with 502 (not idempotent).
    expect(retries + settled.filter((o) => !o.ok).length).toBeGreaterThan(0)
    const echoes = settled.filter((o) => o.kind === 'echo')
    expect(echoes.filter((o) => !o.ok)).toEqual([])
    // Non-idempotent: never ran twice; those that answered ran exactly once.
    const runs = await Promise.all(nonces.map((n) => redis.get(`${keyPrefix}count:${n}`)))
    expect(runs.filter((n) => n !== null && Number(n) > 1)).toEqual([])
    for (const o of settled.filter((o) => o.kind === 'count' && o.ok)) expect(o.text).toBe('counted 1')

    // The SDK v1 session goes on without a new initialize.
    for (let i = 0; i < 4; i++)
      expect(textOf(await v1.callTool({ name: 'whoami', arguments: {} }))).toMatch(/^r[12]$/)
    expect(v1Transport.sessionId).toBe(v1Session)
    await v1.close()

    // The victim's answer, resumed on a survivor: every event it wrote after the last one seen.
    await using resumed = await openSse(survivor.url, {
      method: 'GET',
      headers: { ...session.headers, accept: 'text/event-stream', 'last-event-id': String(lastEventId) },
    })
    expect(resumed.status).toBe(200)
    const progress: number[] = []
    for (let event = await resumed.next(); event; event = await resumed.next()) {
      const params = event.data?.params as { progress?: number } | undefined
      if (params?.progress !== undefined) progress.push(params.progress)
    }
    expect(progress.length).toBeGreaterThan(1)
    expect(progress).toEqual(progress.map((_, i) => i + 2))
  }, 45_000)
})
