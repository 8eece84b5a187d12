import type { Exchange } from './exchange.js'

/** Characters of a body kept once it is cut down to an excerpt. */
export const EXCERPT_CHARS = 2048

export interface RetentionOptions {
  /** Keep every body in full (a transcript was asked for: it must hold what was received). */
  keepAll: boolean
  /**
   * Weight of the large bodies kept whole, newest first: body characters, parsed JSON counted six times (what
   * V8's objects cost). The newest exchange is always kept whole, whatever it weighs: its step is judging it.
   */
  budget: number
}

// Half a megabyte: about two pages of 100 users besides the newest. Every page kept whole outlives several young-
// generation collections and is promoted, so a larger budget (4 MB held about twenty pages) made each page of a
// 100,000-user walk old-space garbage, and the heap grew to four times what the run still used (peak RSS 195 MiB
// against 140 MiB at this budget). Results of a full run of the built-in scenarios are the same at either budget.
export const DEFAULT_RETENTION: RetentionOptions = { keepAll: false, budget: 512 * 1024 }

/**
 * Which response bodies the run keeps in full. Every exchange stays in the run (reports and transcripts point
 * at them by index), but an import of 100,000 users must not hold 1,000 page bodies, and a server answering
 * 8 MB to everything must not fill memory: bodies up to 2 KB always stay whole; larger ones stay whole when a
 * result points at them, or while they fit the budget, newest first. The rest are cut to an excerpt and their
 * parsed JSON is dropped: a list page, once judged, is needed again only when a result points at it (the walk's
 * ids are kept by the walk, and resource.id-unique notes each page's ids as it judges the page). With --transcript
 * nothing is cut.
 */
export class Retention {
  private pinned = new Set<number>()
  /** Large, unpinned bodies still whole, oldest first. */
  private kept: Exchange[] = []
  private weight = 0

  /**
   * `all` is the run's list of exchanges (indexed by Exchange.index). A cut exchange is replaced there by a compact
   * copy, so whatever anyone derived from the original and cached against it (checks keep WeakMaps keyed by
   * exchange) is released with it.
   */
  constructor(
    private opts: RetentionOptions = DEFAULT_RETENTION,
    private all?: Exchange[],
  ) {}

  /** A result points at this exchange: its body stays whole. */
  pin(index: number): void {
    this.pinned.add(index)
  }

  private cut(x: Exchange): void {
    const small = compact(x)
    if (this.all?.[x.index] === x) this.all[x.index] = small
    else x.response = small.response
  }

  /** Account for a newly captured exchange and cut older bodies down if the budget is passed. */
  add(x: Exchange): void {
    if (this.opts.keepAll) return
    const w = weightOf(x)
    if (w === 0) return
    this.kept.push(x)
    this.weight += w
    if (this.weight <= this.opts.budget) return
    // Newest first: keep what fits; the newest always stays; pinned bodies leave the accounting, whole.
    let room = this.opts.budget
    const survivors: Exchange[] = []
    for (let i = this.kept.length - 1; i >= 0; i--) {
      const old = this.kept[i]
      const ow = weightOf(old)
      if (this.pinned.has(old.index)) {
        this.weight -= ow
        continue
      }
      if (i === this.kept.length - 1 || ow <= room) {
        room -= ow
        survivors.push(old)
        continue
      }
      this.weight -= ow
      this.cut(old)
    }
    this.kept = survivors.reverse()
  }
}

function weightOf(x: Exchange): number {
  const r = x.response
  if (!r) return 0
  // Small bodies are never cut, so they do not count against the budget either.
  if (r.body.length <= EXCERPT_CHARS) return 0
  return r.body.length * (r.json === undefined ? 1 : 6)
}

/** The exchange with its body cut to an excerpt and its parsed JSON dropped. */
function compact(x: Exchange): Exchange {
  const { json: _json, ...r } = x.response!
  return { ...x, response: { ...r, body: detached(r.body, EXCERPT_CHARS), omitted: r.body.length } }
}

/**
 * The first `n` characters as a string of their own. A plain slice may share the original's memory (V8 keeps
 * the whole parent string alive behind a short slice), which would defeat cutting the body down at all.
 */
export function detached(s: string, n: number): string {
  return Buffer.from(s.slice(0, n), 'utf8').toString('utf8')
}
