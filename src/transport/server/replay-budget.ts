/**
 * How many bytes of streamed answers the server keeps for resumption, all sessions together
 * (`resumableBufferBytes`). Answers that finished while their client was away are the first to
 * go, oldest first, when room is needed; an answer being streamed then drops its own oldest
 * events. Heap stays bounded however many answers are abandoned.
 */

/** A kept answer the budget can evict. */
export interface EvictableAnswer {
  /** Frees everything the answer keeps (and forgets it). */
  release(): void
}

export class ReplayBudget {
  readonly limitBytes: number
  #usedBytes = 0
  /** Finished answers no client has claimed yet, oldest first (a Set keeps insertion order). */
  readonly #unclaimed = new Set<EvictableAnswer>()

  constructor(limitBytes: number) {
    this.limitBytes = limitBytes
  }

  get usedBytes(): number {
    return this.#usedBytes
  }

  /** Reserves room for `bytes`, evicting unclaimed answers when needed; false when there is none. */
  reserve(bytes: number): boolean {
    if (bytes > this.limitBytes) return false
    while (this.#usedBytes + bytes > this.limitBytes) {
      const oldest = this.#unclaimed.values().next()
      if (oldest.done) return false
      this.#unclaimed.delete(oldest.value)
      oldest.value.release()
    }
    this.#usedBytes += bytes
    return true
  }

  free(bytes: number): void {
    this.#usedBytes -= bytes
  }

  /** A finished answer now waits for its client: evictable. */
  unclaimed(answer: EvictableAnswer): void {
    this.#unclaimed.add(answer)
  }

  /** The answer was claimed or released: no longer evictable. */
  forget(answer: EvictableAnswer): void {
    this.#unclaimed.delete(answer)
  }
}
