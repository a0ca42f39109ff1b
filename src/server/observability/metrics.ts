/**
 * Prometheus metrics for a served ToolServer (prom-client): requests by JSON-RPC method and
 * status, tool calls by tool and outcome, duration histograms, in-flight requests, sessions,
 * open streams, and refused requests by status (429 = rate limited). Label values are bounded:
 * methods the server does not implement count as `other`, unknown tools are not labelled.
 */
import { createRequire } from 'node:module'
import type { Registry } from 'prom-client'
import { ToolwireConfigError } from '../../protocol/errors.js'
import { FastCounter, FastHistogram } from './metric-series.js'
import type { AnsweredRequest, RequestObserver } from './request-record.js'

export interface MetricsOptions {
  /** Path `serve()` answers with the Prometheus text format. @default '/metrics' */
  path?: string
  /** Registry to register the metrics in; pass your app's to expose one page. @default a new Registry */
  registry?: Registry
  /** Prefix of every metric name. @default 'toolwire_' */
  prefix?: string
  /** Also collect Node.js process metrics (CPU, memory, event loop lag, GC). @default true */
  processMetrics?: boolean
  /** Buckets of the duration histograms, in seconds. @default [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] */
  buckets?: number[]
}

/** What the handler exposes for the gauges, read at scrape time. */
export interface MetricsSource {
  readonly inFlightCount: number
  readonly sessionCount: number
  readonly listenerCount: number
}

const DEFAULT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** The server's metrics: an observer for the handler plus the registry `/metrics` renders. */
export class ServerMetrics implements RequestObserver {
  readonly registry: Registry
  readonly path: string
  readonly #requests: FastCounter
  readonly #requestSeconds: FastHistogram
  readonly #toolCalls: FastCounter
  readonly #toolSeconds: FastHistogram
  readonly #rejected: FastCounter
  readonly #rateLimited: FastCounter
  readonly #sources = new Set<MetricsSource>()

  constructor(options: MetricsOptions = {}) {
    const prefix = options.prefix ?? 'toolwire_'
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(`${prefix}x`)) {
      throw new ToolwireConfigError(
        `metrics: option "prefix" must be letters, digits, _ or : (Prometheus names), got "${prefix}"`,
      )
    }
    this.path = options.path ?? '/metrics'
    if (!this.path.startsWith('/'))
      throw new ToolwireConfigError(`metrics: option "path" must start with "/", got "${this.path}"`)
    const buckets = [...(options.buckets ?? DEFAULT_BUCKETS)].sort((a, b) => a - b)
    if (buckets.length === 0 || buckets.some((b) => !(b > 0) || !Number.isFinite(b))) {
      throw new ToolwireConfigError('metrics: option "buckets" must be a non-empty list of seconds > 0')
    }
    const { Gauge, Registry } = loadPromClient()
    this.registry = options.registry ?? new Registry()
    const registry = this.registry
    const registers = [registry]
    this.#requests = new FastCounter({
      name: `${prefix}requests_total`,
      help: 'Answered MCP requests by JSON-RPC method and HTTP status.',
      registry,
    })
    this.#requestSeconds = new FastHistogram({
      name: `${prefix}request_duration_seconds`,
      help: 'Time to answer an MCP request, by JSON-RPC method.',
      registry,
      bounds: buckets,
    })
    this.#toolCalls = new FastCounter({
      name: `${prefix}tool_calls_total`,
      help: 'Tool calls by tool and outcome (ok, tool_error, error, cancelled).',
      registry,
    })
    this.#toolSeconds = new FastHistogram({
      name: `${prefix}tool_call_duration_seconds`,
      help: 'Tool call duration by tool and outcome.',
      registry,
      bounds: buckets,
    })
    this.#rejected = new FastCounter({
      name: `${prefix}rejected_requests_total`,
      help: 'Requests refused before a handler ran, by HTTP status (401 auth, 403 origin/scope, 429 rate limit, 503 load shedding, 4xx bad requests).',
      registry,
    })
    this.#rateLimited = new FastCounter({
      name: `${prefix}rate_limited_total`,
      help: 'Requests refused by the rate limit (HTTP 429), by tool ("" for other methods).',
      registry,
    })
    const sources = this.#sources
    const sum = (read: (s: MetricsSource) => number) => {
      let total = 0
      for (const source of sources) total += read(source)
      return total
    }
    new Gauge({
      name: `${prefix}requests_in_flight`,
      help: 'MCP requests being answered now.',
      registers,
      collect() {
        this.set(sum((s) => s.inFlightCount))
      },
    })
    new Gauge({
      name: `${prefix}sessions`,
      help: 'Open 2025-era sessions.',
      registers,
      collect() {
        this.set(sum((s) => s.sessionCount))
      },
    })
    new Gauge({
      name: `${prefix}open_streams`,
      help: 'Open notification streams (2025-era GET streams and subscriptions/listen).',
      registers,
      collect() {
        this.set(sum((s) => s.listenerCount))
      },
    })
    if (options.processMetrics ?? true) collectProcessMetrics(this.registry, prefix)
  }

  /** Adds a handler whose in-flight, session and stream counts the gauges report. */
  watch(source: MetricsSource): void {
    this.#sources.add(source)
  }

  unwatch(source: MetricsSource): void {
    this.#sources.delete(source)
  }

  answered(request: AnsweredRequest): void {
    const method = request.rpcMethod
    const status = request.status
    this.#requests.at(`${method} ${status}`, () => ({ rpc_method: method, status })).value++
    this.#requestSeconds.observe(
      this.#requestSeconds.at(method, () => ({ rpc_method: method })),
      request.seconds,
    )
    const tool = request.tool
    if (method !== 'tools/call' || tool === undefined) return
    const key = `${tool} ${request.outcome}`
    const labels = () => ({ tool, outcome: request.outcome })
    this.#toolCalls.at(key, labels).value++
    this.#toolSeconds.observe(this.#toolSeconds.at(key, labels), request.seconds)
  }

  rejected(status: number, tool: string | undefined): void {
    this.#rejected.at(String(status), () => ({ status })).value++
    if (status === 429) this.#rateLimited.at(tool ?? '', () => ({ tool: tool ?? '' })).value++
  }

  /** The Prometheus text exposition of the registry. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() }
  }
}

const processMetricsIn = new WeakSet<Registry>()

function collectProcessMetrics(registry: Registry, prefix: string): void {
  if (processMetricsIn.has(registry)) return
  processMetricsIn.add(registry)
  try {
    loadPromClient().collectDefaultMetrics({ register: registry, prefix })
  } catch {
    // The app's registry already has them (it called collectDefaultMetrics itself).
  }
}

let promClient: typeof import('prom-client') | undefined
/** prom-client, loaded with the first ServerMetrics: a server without metrics never loads it. */
function loadPromClient(): typeof import('prom-client') {
  promClient ??= createRequire(import.meta.url)('prom-client') as typeof import('prom-client')
  return promClient
}
