import { requestUrl, type Exchange } from '../http/exchange.js'

/** The operations the load report times separately: what an IdP's initial sync is made of. */
export const OPERATIONS = ['lookup', 'create', 'patch', 'put', 'get', 'group-create', 'group-patch', 'page', 'delete', 'other'] as const
export type Operation = (typeof OPERATIONS)[number]

/** Which operation an exchange is, from what was on the wire (never from the step's intention). */
export function operationOf(x: Exchange): Operation {
  const method = x.request.method
  const u = requestUrl(x)
  const path = u?.pathname ?? x.request.url
  const query = u?.search ?? ''
  const group = /\/Groups(\/|$)/.test(path)
  const item = /\/(Users|Groups)\/[^/]+\/?$/.test(path)
  if (method === 'GET') {
    if (item) return 'get'
    return /[?&]filter=/i.test(query) ? 'lookup' : 'page'
  }
  if (method === 'POST') return group ? 'group-create' : 'create'
  if (method === 'PATCH') return group ? 'group-patch' : 'patch'
  if (method === 'PUT') return group ? 'group-patch' : 'put'
  if (method === 'DELETE') return 'delete'
  return 'other'
}

/** How a response failed, in the classes a reader acts on differently. */
export function errorClassOf(x: Exchange): string | undefined {
  if (!x.response) return x.error ? `transport: ${x.error.code}` : 'no response'
  const s = x.response.status
  if (s < 400) return undefined
  if (s === 429) return '429 rate limited'
  if (s >= 500) return `${s} server error`
  if (s === 409) return '409 conflict'
  return `${s} client error`
}

/**
 * Latencies per operation, kept as plain numbers: 20,000 users make about 100,000 samples, 800 KB of doubles,
 * and an exact percentile of a sorted array beats an approximate histogram at this size (no dependency either).
 */
export class Stats {
  private samples = new Map<Operation, number[]>()
  readonly errors = new Map<string, number>()
  /** Requests and errors per second since the start, for the timeline (throughput and errors over time). */
  readonly timeline: { t: number; requests: number; errors: number; p95?: number }[] = []
  private bucketLatencies: number[] = []
  requests = 0
  private readonly started = Date.now()

  record(x: Exchange): void {
    const op = operationOf(x)
    let list = this.samples.get(op)
    if (!list) this.samples.set(op, (list = []))
    list.push(x.durationMs)
    this.requests++
    const err = errorClassOf(x)
    if (err) this.errors.set(err, (this.errors.get(err) ?? 0) + 1)
    const sec = Math.floor((Date.now() - this.started) / 1000)
    let last = this.timeline[this.timeline.length - 1]
    if (!last || last.t !== sec) {
      if (last) last.p95 = quantile(this.bucketLatencies.sort((a, b) => a - b), 0.95)
      this.bucketLatencies = []
      this.timeline.push((last = { t: sec, requests: 0, errors: 0 }))
    }
    last.requests++
    if (err) last.errors++
    this.bucketLatencies.push(x.durationMs)
  }

  /** p50/p95/p99 and max per operation, in milliseconds. */
  latency(): Record<string, { count: number; p50: number; p95: number; p99: number; max: number }> {
    const last = this.timeline[this.timeline.length - 1]
    if (last && last.p95 === undefined && this.bucketLatencies.length) last.p95 = quantile([...this.bucketLatencies].sort((a, b) => a - b), 0.95)
    const out: Record<string, { count: number; p50: number; p95: number; p99: number; max: number }> = {}
    for (const op of OPERATIONS) {
      const list = this.samples.get(op)
      if (!list?.length) continue
      const sorted = [...list].sort((a, b) => a - b)
      out[op] = { count: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] }
    }
    return out
  }
}

/** Nearest-rank percentile of an ascending list (what load tools such as wrk and autocannon report). */
export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return 0
  const rank = Math.ceil(q * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}
