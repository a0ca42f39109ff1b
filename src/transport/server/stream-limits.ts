/**
 * Caps on long-lived notification streams (2025-era GET streams, 2026-07-28
 * `subscriptions/listen`): each holds a connection and a timer, and none of them counts against
 * `maxConcurrentRequests` (they are meant to stay open), so they get limits of their own.
 */
import type { ServerResponse } from 'node:http'
import type { LegacySession } from './legacy-sessions.js'
import { tryLater } from './request-checks.js'

export class StreamLimits {
  #open = 0
  readonly #max: number
  readonly #perSession: number

  constructor(limits: { maxStreams: number; maxStreamsPerSession: number }) {
    this.#max = limits.maxStreams
    this.#perSession = limits.maxStreamsPerSession
  }

  /** Open notification streams. */
  get open(): number {
    return this.#open
  }

  /**
   * Counts `res` as an open stream until it closes, or throws a 503 naming the cap it would pass.
   * Call before writing the response head.
   */
  admit(res: ServerResponse, session?: LegacySession): void {
    if (this.#open >= this.#max) {
      throw tryLater(`Too many open streams: ${this.#max} (maxStreams); retry later`, 'maxStreams')
    }
    if (session && session.openStreams >= this.#perSession) {
      throw tryLater(
        `Too many open streams for this session: ${this.#perSession} (maxStreamsPerSession); close one first`,
        'maxStreamsPerSession',
      )
    }
    this.#open++
    if (session) session.openStreams++
    res.once('close', () => {
      this.#open--
      if (session) session.openStreams--
    })
  }
}
