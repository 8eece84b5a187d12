import { afterEach, describe, expect, it } from 'vitest'
import { load } from '../../src/load/load.js'
import { run } from '../../src/runner/run.js'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { config } from '../helpers/run.js'

let server: RunningServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function target(faults: string[] = []) {
  server = await startServer({ port: 0, faults, quiet: true })
  return config({ url: server.url, token: server.token, builtin: false, timeoutMs: 10_000 })
}

const failing = (r: { results: { status: string; id: string }[] }) => r.results.filter((x) => x.status === 'fail' || x.status === 'error').map((x) => x.id)

describe('scim-check load', () => {
  it('replays an Entra initial sync of 200 users, finds the end state as sent, and leaves nothing behind', async () => {
    const cfg = await target()
    const report = await load({ ...cfg, idps: ['entra'] }, { users: 200, rate: 0 })
    expect(failing(report)).toEqual([])
    expect(report.load.verdict).toMatchObject({ ok: true })
    expect(report.load.verdict.lines[0]).toBe('users: 200 of 200 present exactly once')
    // Entra looks every user up before creating it: 200 lookups and 200 creates, then memberships and the wave.
    expect(report.load.latency.lookup.count).toBe(200)
    expect(report.load.latency.create.count).toBe(200)
    expect(report.load.latency['group-patch'].count).toBe(10)
    expect(report.load.latency.patch.count).toBe(20)
    for (const op of Object.values(report.load.latency)) expect(op.p50).toBeLessThanOrEqual(op.p99)
    expect(report.load.throughput).toBeGreaterThan(0)
    expect(report.load.plan.rateSource).toBe('--rate')
    expect(report.leftovers).toEqual([])
    expect(server!.store.count('User')).toBe(0)
    expect(server!.store.count('Group')).toBe(0)
    // Only the exchanges results point at are kept, not every request of the load.
    expect(report.exchanges.length).toBeLessThan(50)
  }, 60_000)

  it('paces Entra at its documented 25 requests per second unless told otherwise', async () => {
    const cfg = await target()
    const t0 = Date.now()
    const report = await load({ ...cfg, idps: ['entra'] }, { users: 10, groups: 0, offboard: 0 })
    expect(report.load.plan.rate).toBe(25)
    expect(report.load.plan.rateSource).toMatch(/25 requests per second per tenant/)
    // 20 requests at 25 per second take at least 19 intervals of 40 ms.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(19 * 40)
    expect(report.load.throughput).toBeLessThanOrEqual(27)
  }, 60_000)

  it('walks the import as Okta does and deactivates (never deletes) in the offboarding wave', async () => {
    const cfg = await target()
    const report = await load({ ...cfg, idps: ['okta'] }, { users: 150, rate: 0, offboard: 0.2 })
    expect(failing(report)).toEqual([])
    expect(report.load.latency.page.count).toBe(2)
    expect(report.load.latency.delete).toBeUndefined()
    expect(report.load.verdict.lines[2]).toBe('offboarding: 30 of 30 deactivated users inactive and findable')
    expect(server!.store.count('User')).toBe(0)
  }, 60_000)

  it('catches group members lost under concurrent PATCHes, which a sequential run does not', async () => {
    const cfg = await target(['members-lost-under-concurrency'])
    const report = await load({ ...cfg, idps: ['entra'] }, { users: 100, rate: 0, groups: 2, groupSize: 40, concurrency: 4 })
    const r = report.results.find((x) => x.id === 'load.group-members')!
    expect(r.status).toBe('fail')
    expect(r.message).toMatch(/lost \d+ of 40 accepted members/)
    expect(r.evidence?.request).toMatch(/GET .*\/Groups\//)
    expect(report.load.verdict.ok).toBe(false)
    expect(server!.store.count('Group')).toBe(0)

    const sequential = await run({ ...cfg, idps: ['entra', 'okta', 'generic'], scenarios: ['group-sync'] })
    expect(failing(sequential)).toEqual([])
  }, 90_000)

  it('meets 429s on 5% of requests, resends them, and says what Okta and Entra would do', async () => {
    const cfg = await target(['rate-limit-5pct'])
    const report = await load({ ...cfg, idps: ['okta'] }, { users: 200, rate: 0 })
    expect(failing(report)).toEqual([])
    const throttled = report.load.errors['429 rate limited']
    expect(throttled).toBeGreaterThan(0)
    expect(report.load.attempts).toBe(report.load.requests + throttled)
    const [okta, entra] = report.load.simulations
    expect(okta.verdict).toMatch(/^Okta would need about .+ for this import, giving up on nothing$/)
    expect(okta.arithmetic.join('\n')).toMatch(/else 5 min, doubling/)
    expect(entra.verdict).toMatch(/^Entra would not quarantine this job/)
    expect(entra.quarantined).toBe(false)
    expect(report.leftovers).toEqual([])
  }, 60_000)

  it('an endpoint refusing every write: Entra would quarantine the job, Okta would give up on every user', async () => {
    const cfg = await target(['500-on-write'])
    const report = await load({ ...cfg, idps: ['entra'] }, { users: 12, rate: 0, groups: 0, offboard: 0 })
    const r = report.results.find((x) => x.id === 'load.idp-requests')!
    expect(r.status).toBe('fail')
    expect(r.message).toBe('12 of 24 IdP requests failed: createUser → 500 ×12')
    expect(r.evidence?.response).toMatch(/500/)
    // Each create was sent 10 times: Okta's attempt limit.
    expect(report.load.attempts).toBe(12 + 12 * 10)
    const [okta, entra] = report.load.simulations
    expect(okta.gaveUp).toHaveLength(12)
    expect(entra.quarantined).toBe(true)
    expect(entra.verdict).toMatch(/^Entra would quarantine this job \(90\.9% of calls failed\)/)
  }, 60_000)

  it('a target that goes away mid-load: an error result, and every resource it could not clean listed', async () => {
    const cfg = await target()
    let closing: Promise<void> | undefined
    const report = await load({ ...cfg, idps: ['entra'] }, { users: 400, rate: 0 }, { onProgress: (p) => { if (p.phase === 'users' && p.done >= 40) closing ??= server!.close() } })
    await closing
    server = undefined
    expect(report.incomplete).toMatch(/stopped answering|cannot reach/)
    expect(report.results.find((r) => r.id === 'load.target')?.status).toBe('error')
    expect(report.leftovers.length).toBeGreaterThanOrEqual(40)
    expect(report.leftovers.every((l) => l.type === 'User' && l.state === 'left')).toBe(true)
    expect(report.results.find((r) => r.id === 'load.cleanup')?.message).toMatch(/could not be removed/)
  }, 60_000)

  it('stops after 20 refusals when the token is wrong, instead of sending every user', async () => {
    const cfg = await target()
    await expect(load({ ...cfg, token: 'not-the-token', idps: ['entra'] }, { users: 5000, rate: 0 })).rejects.toThrow(/first 20 requests were all rejected with 401: check the token/)
  }, 30_000)

  it('is reproducible: the seeded 429 fault throttles the same requests twice', async () => {
    const counts: number[] = []
    for (let i = 0; i < 2; i++) {
      const cfg = await target(['rate-limit-5pct'])
      const report = await load({ ...cfg, idps: ['generic'] }, { users: 100, rate: 0, concurrency: 1, groups: 0 })
      counts.push(report.load.errors['429 rate limited'] ?? 0)
      await server!.close()
      server = undefined
    }
    expect(counts[0]).toBeGreaterThan(0)
    expect(counts[1]).toBe(counts[0])
  }, 60_000)

  it('stops on abort and still cleans up what it created', async () => {
    const cfg = await target()
    const ac = new AbortController()
    let seen = 0
    const report = await load({ ...cfg, idps: ['entra'] }, { users: 2000, rate: 0 }, { signal: ac.signal, onProgress: (p) => { if (p.phase === 'users' && p.done >= 50 && !seen++) ac.abort() } })
    expect(report.incomplete).toMatch(/interrupted/)
    expect(report.leftovers).toEqual([])
    expect(server!.store.count('User')).toBe(0)
  }, 60_000)
})
