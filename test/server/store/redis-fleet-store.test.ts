/** RedisFleetStore against the local Redis (a key prefix of its own): what each method keeps and for how long. */
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { ToolwireConfigError } from '../../../src/protocol/errors.js'
import { RedisFleetStore } from '../../../src/server/store/redis-fleet-store.js'
import type { FleetMessage } from '../../../src/transport/server/fleet-store.js'
import { REDIS_URL, testKeyPrefix } from '../../support/fleet-server.js'

const keyPrefix = testKeyPrefix()
const errors: string[] = []
const open = async () => {
  const store = new RedisFleetStore(
    { redisUrl: REDIS_URL, keyPrefix },
    { onError: (_e, what) => errors.push(what) },
  )
  await store.ready()
  return store
}
const redis = new Redis(REDIS_URL)
const session = {
  id: 's1',
  owner: 'alice\u0000app',
  protocolVersion: '2025-11-25',
  clientInfo: { name: 'c', version: '1' },
  clientCapabilities: { elicitation: {} },
  logLevel: undefined,
  subscriptions: ['file:///a'],
}

afterAll(async () => {
  const keys = await redis.keys(`${keyPrefix}*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
})

describe('RedisFleetStore', () => {
  it('sessions: saved with an idle expiry, loaded as saved, touched, deleted', async () => {
    const store = await open()
    try {
      expect(store.available).toBe(true)
      await store.saveSession(session, 60)
      expect(await store.loadSession('s1')).toEqual(session)
      const ttl = await redis.pttl(`${keyPrefix}session:s1`)
      expect(ttl).toBeGreaterThan(50_000)
      expect(ttl).toBeLessThanOrEqual(60_000)
      store.touchSession('s1', 600)
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(await redis.pttl(`${keyPrefix}session:s1`)).toBeGreaterThan(60_000)
      expect(await store.loadSession('nope')).toBeUndefined()
      expect(await store.deleteSession('s1')).toBe(true)
      expect(await store.loadSession('s1')).toBeUndefined()
    } finally {
      await store.close()
    }
  })

  it('resumable events: read after a sequence number, the final one marks the answer done, they expire', async () => {
    const store = await open()
    try {
      const key = { sessionId: 's2', streamId: `${store.replicaId}.abc` }
      for (let seq = 1; seq <= 3; seq++) store.appendEvent(key, { seq, frame: `f${seq}`, final: seq === 3 })
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(await store.readEvents(key, 1)).toEqual({
        events: [
          [2, 'f2'],
          [3, 'f3'],
        ],
        done: true,
        exists: true,
      })
      expect(await store.readEvents(key, 3)).toEqual({ events: [], done: false, exists: true })
      expect((await store.readEvents({ sessionId: 's2', streamId: 'other' }, 0)).exists).toBe(false)
      expect(await redis.pttl(`${keyPrefix}events:s2:${key.streamId}`)).toBeGreaterThan(0)
    } finally {
      await store.close()
    }
  })

  it('the bus reaches the other replicas, not the sender; heartbeats say who is alive; one shared secret', async () => {
    const a = await open()
    const b = await open()
    try {
      const toA: FleetMessage[] = []
      const toB: FleetMessage[] = []
      a.subscribe((m) => toA.push(m))
      b.subscribe((m) => toB.push(m))
      a.publish({ kind: 'resourceUpdated', uri: 'file:///x', eventId: '1-0' })
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(toB).toEqual([{ kind: 'resourceUpdated', uri: 'file:///x', eventId: '1-0' }])
      expect(toA).toEqual([])
      expect(await b.replicaAlive(a.replicaId)).toBe(true)
      expect(await b.replicaAlive('gone')).toBe(false)
      const [secretA, secretB] = await Promise.all([a.sharedSecret(), b.sharedSecret()])
      expect(secretA).toBe(secretB)
      expect(secretA.length).toBeGreaterThanOrEqual(32)
      await a.close()
      expect(await b.replicaAlive(a.replicaId)).toBe(false)
    } finally {
      await a.close()
      await b.close()
    }
    expect(errors).toEqual([])
  })

  it('the notification log: ids in order, read after an id, bounded and expiring', async () => {
    const store = await open()
    try {
      const first = await store.logNotification('{"a":1}', undefined)
      const second = await store.logNotification('{"b":2}', 'file:///b')
      expect(await store.readNotifications(first)).toEqual([
        { id: second, json: '{"b":2}', uri: 'file:///b' },
      ])
      expect(await store.readNotifications(second)).toEqual([])
      expect(await redis.pttl(`${keyPrefix}notifications`)).toBeGreaterThan(0)
    } finally {
      await store.close()
    }
  })

  it('refuses a URL that is not redis:// or rediss://', () => {
    expect(() => new RedisFleetStore({ redisUrl: 'http://x' }, { onError() {} })).toThrow(ToolwireConfigError)
  })
})
