/**
 * The load generator of `bench/server-load.ts`, in its own process so that the server alone is
 * measured: autocannon keeps `connections` requests in flight for `durationSeconds` and prints
 * one JSON line with the figures. Every request gets its own JSON-RPC id (a server may refuse a
 * duplicate id in flight), written into the body template's `__ID__`.
 * Usage: node --import tsx bench/load-generator.ts '<json of LoadPlan>'
 */
import autocannon from 'autocannon'

export interface LoadPlan {
  url: string
  headers: Record<string, string>
  /** The JSON-RPC request with `__ID__` where its id goes. */
  bodyTemplate: string
  connections: number
  durationSeconds: number
}

export interface LoadFigures {
  requestsPerSecond: number
  total: number
  errors: number
  non2xx: number
  timeouts: number
  p50Ms: number
  p99Ms: number
}

const plan = JSON.parse(process.argv[2] ?? '{}') as LoadPlan
const [head, tail] = plan.bodyTemplate.split('__ID__') as [string, string]
let next = 0

const result = await autocannon({
  url: plan.url,
  method: 'POST',
  headers: plan.headers,
  connections: plan.connections,
  pipelining: 1,
  duration: plan.durationSeconds,
  timeout: 10,
  requests: [
    {
      setupRequest: (request) => {
        next += 1
        return { ...request, body: `${head}${next}${tail}` }
      },
    },
  ],
})

const figures: LoadFigures = {
  requestsPerSecond: result.requests.total / plan.durationSeconds,
  total: result.requests.total,
  errors: result.errors,
  non2xx: result.non2xx,
  timeouts: result.timeouts,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
}
console.log(JSON.stringify(figures))
