/** What one MCP endpoint's request handlers share: its settings, policies, sessions and streams. */
import type { FleetLink } from './fleet-link.js'
import type { HttpExchange } from './http-exchange.js'
import type { InFlightRequests } from './in-flight.js'
import type { SessionStore } from './legacy-sessions.js'
import type { ListenStreams } from './listen-streams.js'
import type { ReplayBudget } from './replay-budget.js'
import type { RequestDispatcher } from './request-dispatcher.js'
import type { AnswerRecorder, RequestAdmission, TransportLogger } from './server-policies.js'
import type { StreamLimits } from './stream-limits.js'
import type { TransportSettings } from './transport-options.js'

export interface Endpoint {
  readonly dispatcher: RequestDispatcher
  readonly settings: TransportSettings
  readonly logger: TransportLogger
  /** The logger when info lines (one per answered request, stream and session) are wanted. */
  readonly requestLog: TransportLogger | undefined
  readonly admission: RequestAdmission
  readonly recorder: AnswerRecorder | undefined
  readonly sessions: SessionStore
  readonly listens: ListenStreams
  readonly requests: InFlightRequests
  readonly streams: StreamLimits
  readonly replayBudget: ReplayBudget
  /** This replica's link to its fleet (shared sessions, bus); undefined without a store. */
  readonly fleet: FleetLink | undefined
  /** Answers a request whose handler outlived its abort (one function for the endpoint). */
  readonly answerAbandoned: (exchange: HttpExchange) => void
  /** Set when shutdown began: new requests and streams are refused, calls in flight finish. */
  draining: boolean
}
