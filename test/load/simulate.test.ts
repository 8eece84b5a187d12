import { describe, expect, it } from 'vitest'
import { dur, oktaWaits, simulateEntra, simulateOkta } from '../../src/load/simulate.js'
import { quantile } from '../../src/load/stats.js'

describe('what Okta would do with 429s', () => {
  it('waits 5 minutes without Retry-After, doubling each retry', () => {
    expect(oktaWaits({ what: 'u1', statuses: [429, 429, 201], retryAfter: [undefined, undefined, undefined] })).toEqual({ waits: [300, 600], gaveUp: false })
  })
  it('honours an integer Retry-After (doubling from it) and ignores an HTTP-date', () => {
    expect(oktaWaits({ what: 'u1', statuses: [429, 429, 200], retryAfter: ['30', 'Wed, 21 Oct 2026 07:28:00 GMT', undefined] }).waits).toEqual([30, 600])
  })
  it('gives up after 10 attempts', () => {
    const t = { what: 'create u9', statuses: Array(10).fill(429), retryAfter: Array(10).fill(undefined) }
    const w = oktaWaits(t)
    expect(w.gaveUp).toBe(true)
    // 5 min × (1 + 2 + … + 256) = 5 × 511 min before the tenth attempt fails.
    expect(w.waits.reduce((a, b) => a + b, 0)).toBe(300 * 511)
    const sim = simulateOkta({ requests: 100, attempts: 109, failedAttempts: 10, throttled: [t], rate: 10 })
    expect(sim.gaveUp).toEqual(['create u9'])
    expect(sim.verdict).toBe('Okta would need about 1 d 18 h 35 min for this import and give up on 1 request')
    expect(sim.arithmetic[0]).toBe('sending: 100 requests at 10 requests/s = 10 s')
  })
})

describe('what Entra would do', () => {
  it('retries failed objects in later 40-minute cycles without quarantine when few calls fail', () => {
    const sim = simulateEntra({ requests: 1000, attempts: 1050, failedAttempts: 50, throttled: [{ what: 'x', statuses: [429, 429, 201], retryAfter: [] }], rate: 25 })
    expect(sim.quarantined).toBe(false)
    expect(sim.verdict).toBe('Entra would not quarantine this job; the import completes in about 1 h 21 min (1 object retried in 2 later cycles)')
  })
  it('quarantines the job when most calls fail', () => {
    const sim = simulateEntra({ requests: 100, attempts: 300, failedAttempts: 250, throttled: [{ what: 'x', statuses: [500, 500, 500], retryAfter: [] }], rate: 25 })
    expect(sim.quarantined).toBe(true)
    expect(sim.verdict).toMatch(/^Entra would quarantine this job \(83.3% of calls failed\)/)
    expect(sim.arithmetic.join('\n')).toMatch(/6 h, 12 h, 24 h, then daily/)
  })
})

describe('numbers', () => {
  it('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1)
    expect([quantile(xs, 0.5), quantile(xs, 0.95), quantile(xs, 0.99)]).toEqual([50, 95, 99])
    expect(quantile([7], 0.99)).toBe(7)
    expect(quantile([], 0.5)).toBe(0)
  })
  it('durations read as people say them', () => {
    expect([dur(12), dur(200), dur(3600 * 14 + 300), dur(86400 * 2 + 3600)]).toEqual(['12 s', '3 min 20 s', '14 h 5 min', '2 d 1 h'])
  })
})
