import { describe, expect, it } from 'vitest'
import { PROFILE_NAMES } from '../../src/idp/registry.js'
import { run } from '../../src/runner/run.js'
import { startServer } from '../../src/server/index.js'
import { config } from '../helpers/run.js'
import { MISBEHAVIOURS, startHostileProxy, type Misbehaviour } from './hostile-proxy.js'
import { seed, snapshot } from './seed.js'

/**
 * The guard's property: whatever a lying server answers, no PUT, PATCH or DELETE reaches a resource the run did not
 * create, and no write names one (as a member). Every profile runs every built-in scenario plus the membership
 * lifecycle behind a proxy that misbehaves in one way per test, on requests chosen by a seeded generator; what
 * reached the server is recorded on the server side. SCIM_CHECK_SEEDS=1,2,3 runs more seeds (a failure names its seed).
 */
const SEEDS = (process.env.SCIM_CHECK_SEEDS ?? '11').split(',').map(Number)
const LIFECYCLE = 'test/hostile/scenarios/lifecycle.yaml'

/** Which finding each misbehaviour must produce (every profile creates users, so every profile reports it). */
const FINDING: Partial<Record<Misbehaviour, string>> = {
  'post-answers-foreign': 'safety.foreign-answer',
  'post-answers-own-other': 'safety.foreign-answer',
  'location-foreign': 'safety.foreign-answer',
  'write-answers-foreign': 'safety.write-answered-other',
}

describe('ownership is proven, never assumed', () => {
  for (const mode of MISBEHAVIOURS) {
    for (const s of SEEDS) {
      it(`${mode} (seed ${s}): zero writes to foreign resources under every profile`, async () => {
        const server = await startServer({ port: 0, quiet: true })
        const seeded = seed(server.store)
        const before = snapshot(server.store, seeded)
        const proxy = await startHostileProxy(server.url, server.store, seeded, mode, s)
        try {
          const report = await run(config({ url: proxy.url, token: server.token, idps: ['all'], timeoutMs: 3000 }), { scenarios: undefined })
          const life = await run(config({ url: proxy.url, token: server.token, idps: ['all'], scenarios: [LIFECYCLE], timeoutMs: 3000 }))
          expect(proxy.lies, 'the proxy lied at least once').toBeGreaterThan(0)
          expect(new Set(report.results.map((r) => r.idp))).toEqual(new Set(PROFILE_NAMES))

          const theirs = [...seeded.users, ...seeded.groups]
          const writes = proxy.requests.filter((q) => ['PUT', 'PATCH', 'DELETE'].includes(q.method) || (q.method === 'POST' && !q.target.includes('/.search')))
          expect(writes.length).toBeGreaterThan(0)
          const touched = writes.filter((q) => theirs.some((id) => q.target.includes(encodeURIComponent(id)) || q.body.includes(id))).map((q) => `${q.method} ${q.target} ${q.body.slice(0, 200)}`)
          expect(touched).toEqual([])
          expect(snapshot(server.store, seeded)).toEqual(before)

          const want = FINDING[mode]
          if (want) {
            for (const idp of PROFILE_NAMES) {
              const found = [...report.results, ...life.results].filter((r) => r.id === want && r.idp === idp)
              expect(found.length, `${idp} reports ${want}`).toBeGreaterThan(0)
              for (const f of found) expect(f.status).toBe('fail')
            }
          }
          if (mode === 'ids-that-are-not-segments') {
            // Never sent: a "." or ".." segment would address the collection or its parent.
            expect(proxy.requests.filter((q) => /\/(Users|Groups)\/(\.|%2e){1,2}(\/|\?|$)/i.test(q.target)).map((q) => `${q.method} ${q.target}`)).toEqual([])
            const refused = [...report.results, ...life.results].filter((r) => r.status === 'skip' && /cannot be one path segment/.test(r.reason ?? ''))
            expect(refused.length).toBeGreaterThan(0)
          }
          // What cleanup would not delete is listed with its reason; a foreign id only ever as "not deleted".
          for (const l of [...report.leftovers, ...life.leftovers]) {
            expect(l.reason).toBeTruthy()
            if (theirs.includes(l.id)) expect(l.reason).toMatch(/^not deleted: /)
          }
        } finally {
          await proxy.close()
          await server.close()
        }
      }, 120_000)
    }
  }
})
