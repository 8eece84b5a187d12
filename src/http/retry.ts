/**
 * When a 429 is retried. Real IdPs retry rate-limited calls (Okta documents honouring an integer Retry-After,
 * then doubling, up to ten tries), so a retry is faithful traffic; but a conformance run must end, so every
 * wait is capped, a request is retried only a few times, and once a request has used up its retries the run
 * stops waiting until the server answers something other than 429 again.
 */
export interface RetryPolicy {
  /** Retries of one request after a 429 (the first attempt not counted). */
  maxRetries: number
  /** Longest single wait honoured; a longer Retry-After is reported instead of waited for. */
  maxWaitMs: number
  /** Total time the whole run may spend waiting on Retry-After. */
  budgetMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 2, maxWaitMs: 5_000, budgetMs: 30_000 }

/** Retry-After as milliseconds: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent or unusable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined
  const v = value.trim()
  if (/^\d{1,9}$/.test(v)) return Number(v) * 1000
  if (!/[a-z]/i.test(v)) return undefined
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

export type RetryDecision = { wait: number } | { stop: string }

/** Whether to wait and resend after a 429, and why not when not. */
export class RetryGate {
  private spentMs = 0
  /** Set when a request used up its retries: a rate-limit storm is reported, not waited out again and again. */
  private exhausted = false

  constructor(private policy: RetryPolicy) {}

  decide(retryAfter: string | undefined, attempt: number): RetryDecision {
    const wait = retryAfterMs(retryAfter)
    if (wait === undefined) return { stop: retryAfter === undefined ? 'no Retry-After header' : `Retry-After "${retryAfter}" is neither seconds nor an HTTP-date` }
    if (wait > this.policy.maxWaitMs) return { stop: `Retry-After asks for ${seconds(wait)}, more than scim-check waits (${seconds(this.policy.maxWaitMs)})` }
    if (this.exhausted) return { stop: 'an earlier request was still rate-limited after its retries, so scim-check no longer waits' }
    if (attempt >= this.policy.maxRetries) {
      this.exhausted = true
      return { stop: `still 429 after ${attempt} ${attempt === 1 ? 'retry' : 'retries'}` }
    }
    if (this.spentMs + wait > this.policy.budgetMs) return { stop: `the run already waited ${seconds(this.spentMs)} on Retry-After (budget ${seconds(this.policy.budgetMs)})` }
    return { wait }
  }

  waited(ms: number): void {
    this.spentMs += ms
  }

  /** Any answer other than 429 ends a storm. */
  recovered(): void {
    this.exhausted = false
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`
}
