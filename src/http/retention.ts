import type { Exchange } from './exchange.js'

/** Characters of a body kept once it is cut down to an excerpt. */
export const EXCERPT_CHARS = 2048

export interface RetentionOptions {
  /** Keep every body in full (a transcript was asked for: it must hold what was received). */
  keepAll: boolean
  /** Weight of full bodies kept before the oldest are cut down: body characters, parsed JSON counted six times (what V8's objects cost). */
  budget: number
  /** The most recent exchanges always keep their bodies: the step that sent them is still judging them. */
  window: number
}

export const DEFAULT_RETENTION: RetentionOptions = { keepAll: false, budget: 4 * 1024 * 1024, window: 8 }

/**
 * Which response bodies the run keeps in full. Every exchange stays in the run (reports and transcripts point
 * at them by index), but an import of 100,000 users must not hold 1,000 page bodies: once the kept bodies pass
 * the budget, the oldest that no result points at are cut to an excerpt and their parsed JSON is dropped.
 * Ordinary runs stay far below the budget and never lose a byte; with --transcript nothing is cut.
 */
export class Retention {
  private pinned = new Set<number>()
  private kept: Exchange[] = []
  private weight = 0

  constructor(private opts: RetentionOptions = DEFAULT_RETENTION) {}

  /** A result points at this exchange: its body stays whole. */
  pin(index: number): void {
    this.pinned.add(index)
  }

  /** Account for a newly captured exchange and cut older bodies down if the budget is passed. */
  add(x: Exchange): void {
    if (this.opts.keepAll) return
    const w = weightOf(x)
    if (w === 0) return
    this.kept.push(x)
    this.weight += w
    if (this.weight <= this.opts.budget) return
    const candidates = this.kept.length - this.opts.window
    const survivors: Exchange[] = []
    for (let i = 0; i < this.kept.length; i++) {
      const old = this.kept[i]
      if (i < candidates && (this.pinned.has(old.index) || this.weight > this.opts.budget)) {
        // Pinned bodies stay whole and leave the accounting (results are few); the rest are cut, oldest first.
        this.weight -= weightOf(old)
        if (!this.pinned.has(old.index)) cut(old)
        continue
      }
      survivors.push(old)
    }
    this.kept = survivors
  }
}

function weightOf(x: Exchange): number {
  const r = x.response
  if (!r) return 0
  // Small bodies are never cut, so they do not count against the budget either.
  if (r.body.length <= EXCERPT_CHARS) return 0
  return r.body.length * (r.json === undefined ? 1 : 6)
}

function cut(x: Exchange): void {
  const r = x.response!
  // Small bodies cost little and stay whole, parsed JSON included.
  if (r.body.length <= EXCERPT_CHARS) return
  r.omitted = r.body.length
  r.body = detached(r.body, EXCERPT_CHARS)
  delete r.json
}

/**
 * The first `n` characters as a string of their own. A plain slice may share the original's memory (V8 keeps
 * the whole parent string alive behind a short slice), which would defeat cutting the body down at all.
 */
export function detached(s: string, n: number): string {
  return Buffer.from(s.slice(0, n), 'utf8').toString('utf8')
}
