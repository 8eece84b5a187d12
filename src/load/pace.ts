/**
 * Pacing for the load: at most `concurrency` tasks in flight and at most `rate` request starts per second
 * (0: unlimited). The rate is a start-time schedule, not a token bucket that saves up: an IdP that sends 25
 * requests per second does not burst 250 after a slow spell.
 */
export class Pacer {
  private next = 0
  constructor(private rate: number) {}

  /** Resolves when the next request may start. */
  async slot(signal?: AbortSignal): Promise<void> {
    if (!this.rate) return
    const now = performance.now()
    const at = Math.max(now, this.next)
    this.next = at + 1000 / this.rate
    const wait = at - now
    if (wait > 1) await sleep(wait, signal)
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** Run `work` for every item with at most `concurrency` at once, in order of the items; stops taking new ones on abort. */
export async function pool<T>(items: Iterable<T>, concurrency: number, work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const it = items[Symbol.iterator]()
  const worker = async () => {
    for (;;) {
      if (signal?.aborted) return
      const n = it.next()
      if (n.done) return
      await work(n.value)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker))
}
