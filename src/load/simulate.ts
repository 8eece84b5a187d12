/**
 * What the IdP would do with the throttling and failures this load met, on a virtual clock: the load resends
 * at once (attempts are real, waits are not), and each IdP's documented schedule says how long it would have
 * waited and whom it would have given up on. Every figure comes with its arithmetic, so a reader can check it.
 */

/** One logical request that did not succeed on its first attempt: the statuses of its attempts, in order. */
export interface Throttled {
  /** What the request was for ("create user scimcheck-…-u17"), for the give-up list. */
  what: string
  statuses: number[]
  /** Retry-After header per attempt (undefined when absent). */
  retryAfter: (string | undefined)[]
}

export interface SimulationInput {
  /** Logical requests sent (attempts not counted). */
  requests: number
  /** Attempts sent, resends included. */
  attempts: number
  /** Attempts answered 429 or 5xx (the failures an IdP retries or counts against the job). */
  failedAttempts: number
  throttled: Throttled[]
  /** Requests per second the IdP would send at (the run's --rate, or what was achieved when unlimited). */
  rate: number
}

export interface Simulation {
  idp: 'okta' | 'entra'
  /** One sentence a reader acts on. */
  verdict: string
  /** The arithmetic behind it, line by line. */
  arithmetic: string[]
  /** Virtual duration of the whole import, in seconds (upper bound where the IdP's parallelism is unknown). */
  seconds: number
  gaveUp: string[]
  quarantined?: boolean
  source: string
}

export const OKTA_RULE = {
  source: 'https://developer.okta.com/docs/concepts/scim/ (429: an integer Retry-After is honoured, otherwise 5 minutes; the wait doubles each retry; at most 10 attempts)',
  defaultWaitS: 300,
  maxAttempts: 10,
}

export const ENTRA_RULE = {
  source: 'https://learn.microsoft.com/entra/identity/app-provisioning/how-provisioning-works (failed objects are retried in later incremental cycles, about every 40 minutes) and https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-quarantine-status (when most or all calls consistently fail the job is quarantined, cycles drop to once a day, and it is disabled after four weeks)',
  cycleS: 40 * 60,
  /** Waits between attempts while quarantined: 6 h, 12 h, 24 h, then daily (the schedule this brief gives; the current page only says "gradually reduced to once per day"). */
  quarantineWaitsS: [6 * 3600, 12 * 3600, 24 * 3600],
  disabledAfterS: 28 * 24 * 3600,
  /** "Most" calls failing: more than half. */
  quarantineRatio: 0.5,
}

const RETRYABLE = (s: number) => s === 429 || s >= 500

/** The waits Okta would make before each resend of one request, and whether it would give up. */
export function oktaWaits(t: Throttled): { waits: number[]; gaveUp: boolean } {
  const waits: number[] = []
  for (let i = 0; i < t.statuses.length && i < OKTA_RULE.maxAttempts; i++) {
    if (!RETRYABLE(t.statuses[i])) return { waits, gaveUp: false }
    if (i === OKTA_RULE.maxAttempts - 1) return { waits, gaveUp: true }
    const ra = t.retryAfter[i]?.trim()
    const base = ra !== undefined && /^\d{1,9}$/.test(ra) ? Number(ra) : OKTA_RULE.defaultWaitS
    waits.push(base * 2 ** i)
  }
  // The load stopped resending before Okta would have: the last attempt still failed.
  return { waits, gaveUp: t.statuses.length >= OKTA_RULE.maxAttempts }
}

export function simulateOkta(input: SimulationInput): Simulation {
  const base = input.requests / Math.max(input.rate, 0.001)
  const chains = input.throttled.map((t) => ({ t, ...oktaWaits(t) }))
  const total = chains.reduce((s, c) => s + c.waits.reduce((a, b) => a + b, 0), 0)
  const longest = chains.reduce((m, c) => Math.max(m, c.waits.reduce((a, b) => a + b, 0)), 0)
  const gaveUp = chains.filter((c) => c.gaveUp).map((c) => c.t.what)
  const arithmetic = [
    `sending: ${input.requests} requests at ${fmtRate(input.rate)} = ${dur(base)}`,
    `${chains.length} requests were answered 429/5xx at least once; Okta waits an integer Retry-After, else ${OKTA_RULE.defaultWaitS / 60} min, doubling each retry (5, 10, 20, 40 … min), at most ${OKTA_RULE.maxAttempts} attempts`,
    `their waits add up to ${dur(total)}; the longest single chain is ${dur(longest)}`,
    `if Okta works on the throttled tasks side by side: about ${dur(base + longest)} (sending + longest chain); one at a time: about ${dur(base + total)} (sending + all waits)`,
  ]
  if (gaveUp.length) arithmetic.push(`${gaveUp.length} requests failed all ${OKTA_RULE.maxAttempts} attempts: Okta gives up on them (e.g. ${gaveUp.slice(0, 3).join('; ')})`)
  const verdict = chains.length === 0
    ? `Okta would finish in about ${dur(base)}: no request was throttled`
    : `Okta would need about ${dur(base + longest) === dur(base + total) ? dur(base + total) : `${dur(base + longest)} to ${dur(base + total)}`} for this import${gaveUp.length ? ` and give up on ${gaveUp.length} request${gaveUp.length === 1 ? '' : 's'}` : ', giving up on nothing'}`
  return { idp: 'okta', verdict, arithmetic, seconds: base + total, gaveUp, source: OKTA_RULE.source }
}

export function simulateEntra(input: SimulationInput): Simulation {
  const base = input.requests / Math.max(input.rate, 0.001)
  const ratio = input.attempts ? input.failedAttempts / input.attempts : 0
  // An object that failed k times in a row is done in cycle k+1; the job lasts as long as the slowest object.
  const cycles = input.throttled.reduce((m, t) => Math.max(m, leadingFailures(t.statuses)), 0)
  const arithmetic = [
    `initial cycle: ${input.requests} requests at ${fmtRate(input.rate)} = ${dur(base)}`,
    `${input.failedAttempts} of ${input.attempts} attempts (${pct(ratio)}) were answered 429/5xx; Entra quarantines a job when most calls (over ${pct(ENTRA_RULE.quarantineRatio)}) consistently fail`,
  ]
  if (ratio > ENTRA_RULE.quarantineRatio) {
    const waits = [...ENTRA_RULE.quarantineWaitsS]
    let t = 0
    let i = 0
    while (t < ENTRA_RULE.disabledAfterS) t += waits[i++] ?? 24 * 3600
    arithmetic.push(`quarantined: retries after 6 h, 12 h, 24 h, then daily; still failing after ${i} retries (${dur(t)}) the job is disabled`)
    return { idp: 'entra', verdict: `Entra would quarantine this job (${pct(ratio)} of calls failed) and disable it after four weeks if that continues`, arithmetic, seconds: base + ENTRA_RULE.disabledAfterS, gaveUp: input.throttled.map((x) => x.what), quarantined: true, source: ENTRA_RULE.source }
  }
  const extra = cycles * ENTRA_RULE.cycleS
  arithmetic.push(`not quarantined; ${input.throttled.length} objects failed and are retried in later incremental cycles (${ENTRA_RULE.cycleS / 60} min apart): the slowest needed ${cycles} more cycle${cycles === 1 ? '' : 's'} = ${dur(extra)}`)
  arithmetic.push(`total: ${dur(base)} + ${dur(extra)} = ${dur(base + extra)}`)
  const verdict = input.throttled.length === 0
    ? `Entra would finish the initial cycle in about ${dur(base)}: no request failed`
    : `Entra would not quarantine this job; the import completes in about ${dur(base + extra)} (${input.throttled.length} object${input.throttled.length === 1 ? '' : 's'} retried in ${cycles} later cycle${cycles === 1 ? '' : 's'})`
  return { idp: 'entra', verdict, arithmetic, seconds: base + extra, gaveUp: [], quarantined: false, source: ENTRA_RULE.source }
}

function leadingFailures(statuses: number[]): number {
  let n = 0
  while (n < statuses.length && RETRYABLE(statuses[n])) n++
  return n
}

/** "14 h 5 min", "3 min 20 s", "12 s". */
export function dur(seconds: number): string {
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.round((s % 3600) / 60)
  return `${d ? `${d} d ` : ''}${h} h${m ? ` ${m} min` : ''}`
}

function pct(r: number): string {
  return `${Math.round(r * 1000) / 10}%`
}

function fmtRate(r: number): string {
  return `${Math.round(r * 10) / 10} requests/s`
}
