/** One replica of the test fleet, as its own process: prints its port, then serves until killed. */
import { serve } from '../../src/server/index.js'
import { fleetServer, REDIS_URL } from '../support/fleet-server.js'

const keyPrefix = process.env.FLEET_KEY_PREFIX ?? 'tw-test-fleet:'
const replica = process.env.FLEET_REPLICA ?? 'replica'
const running = await serve(fleetServer({ keyPrefix, replica }), {
  port: 0,
  store: { redisUrl: process.env.FLEET_REDIS_URL ?? REDIS_URL, keyPrefix },
  env: false,
  shutdownOnSignals: true,
  shutdownTimeoutSeconds: 2,
})
process.stdout.write(`${JSON.stringify({ port: running.port })}\n`)
