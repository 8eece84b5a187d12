import { describe, expect, it } from 'vitest'
import { PROFILE_NAMES } from '../../src/idp/registry.js'
import { startServer } from '../../src/server/index.js'
import { expectBounded, report, runCli } from '../hostile/cli.js'
import { startProxy } from './proxy.js'
import { seed, snapshot, strangers } from './seed.js'

/**
 * A tenant that already holds people and groups: every profile runs every built-in scenario (and a lifecycle that
 * changes group membership), and afterwards each resource the run did not create reads back byte for byte as
 * before. No request the run sent changed, or even addressed for writing, anything it did not create.
 */
const LIFECYCLE = 'test/hostile/scenarios/lifecycle.yaml'

describe("other people's data", () => {
  it('every profile and every scenario leave seeded users and groups exactly as they were', async () => {
    const server = await startServer({ port: 0, quiet: true })
    const seeded = seed(server.store)
    const before = snapshot(server.store, seeded)
    const proxy = await startProxy(server.url)
    try {
      // Every built-in scenario (no --scenario means all of them) plus the lifecycle, under every profile.
      const all = await runCli(['run', '--url', proxy.url, '--idp', 'all', '--reporter', 'json', '--timeout', '5000'], { env: { SCIM_TOKEN: server.token }, killAfterMs: 60_000 })
      const life = await runCli(['run', '--url', proxy.url, '--idp', 'all', '--scenario', LIFECYCLE, '--reporter', 'json', '--timeout', '5000'], { env: { SCIM_TOKEN: server.token } })
      for (const r of [all, life]) {
        expectBounded(r, 60_000, [0, 1])
        expect(new Set(report(r).results.map((x) => x.idp))).toEqual(new Set(PROFILE_NAMES))
        expect(report(r).leftovers).toEqual([])
      }
      expect(snapshot(server.store, seeded)).toEqual(before)
      expect(strangers(server.store, seeded)).toEqual([])

      // On the wire: no PUT, PATCH or DELETE named a seeded id, and no write put anyone into a seeded group.
      const theirs = [...seeded.users, ...seeded.groups]
      const writes = proxy.requests.filter((q) => q.method !== 'GET' && !q.target.includes('/.search'))
      expect(writes.length).toBeGreaterThan(0)
      for (const q of writes) {
        const addressed = theirs.filter((id) => q.target.includes(encodeURIComponent(id)))
        expect(addressed, `${q.method} ${q.target}`).toEqual([])
        const named = theirs.filter((id) => q.body.includes(id))
        expect(named, `${q.method} ${q.target} ${q.body}`).toEqual([])
      }
    } finally {
      await proxy.close()
      await server.close()
    }
  }, 90_000)
})
