/**
 * One fetch that every concurrent caller waits on (a token refresh). It runs on a signal of its
 * own: a caller that gives up stops waiting at once without failing the others, and the fetch is
 * cancelled only when every caller waiting on it has given up. Listeners are always removed.
 */
export class SharedFetch<T> {
  readonly promise: Promise<T>
  readonly #controller = new AbortController()
  #waiters = 0
  #settled = false

  constructor(run: (signal: AbortSignal) => Promise<T>) {
    this.promise = run(this.#controller.signal).finally(() => {
      this.#settled = true
    })
    // Waiters see the outcome; a fetch all of them left must not be an unhandled rejection.
    this.promise.catch(() => {})
  }

  /** The fetch's outcome, or `signal`'s reason as soon as it aborts (this caller leaves). */
  wait(signal: AbortSignal | undefined): Promise<T> {
    signal?.throwIfAborted()
    this.#waiters++
    if (!signal) return this.promise
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.#waiters--
        if (this.#waiters === 0 && !this.#settled) this.#controller.abort(signal.reason)
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort)
          resolve(value)
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort)
          reject(error)
        },
      )
    })
  }
}
