import { afterEach, describe, expect, it } from 'vitest'
import { broken, expectBounded, report, runArgs, runCli, SPAWNS } from './cli.js'
import { startForeign, startHostile, type HostileServer } from './server.js'

/** Data that tries to lead the run somewhere: an import that never ends, Locations on another host, ids that break paths. */
const LIFECYCLE = 'test/hostile/scenarios/lifecycle.yaml'
const IMPORT = 'test/hostile/scenarios/import.yaml'

let server: HostileServer | undefined
let foreign: Awaited<ReturnType<typeof startForeign>> | undefined
afterEach(async () => {
  await server?.close()
  await foreign?.close()
  server = undefined
  foreign = undefined
})

describe('data that leads the run astray', SPAWNS, () => {
  it('a totalResults that never runs out: the walk stops at --max-pages and says so', async () => {
    server = await startHostile('endless-pages')
    const r = await runCli(runArgs(server.url, ['--scenario', IMPORT, '--idp', 'all', '--max-pages', '5'], 2000))
    expectBounded(r, 15_000, [1])
    const capped = broken(report(r)).filter((x) => x.id === 'transport.page-cap')
    expect(capped.length).toBeGreaterThan(0)
    expect(capped[0].message).toMatch(/stopped after 5 pages \(--max-pages\)/)
    // No profile walked further than the cap.
    const pages = server.requests.filter((q) => /\/Users\?/.test(q.target) && !/filter=/.test(q.target))
    const profiles = new Set(report(r).results.map((x) => x.idp)).size
    expect(pages.length).toBeLessThanOrEqual(5 * profiles)
  })

  it('Location and meta.location on another host: never fetched with the token', async () => {
    foreign = await startForeign()
    server = await startHostile('foreign-location', { foreign: foreign.url })
    const r = await runCli(runArgs(server.url, ['--scenario', LIFECYCLE, '--idp', 'all'], 2000))
    expectBounded(r, 20_000, [0, 1])
    expect(server.requests.length).toBeGreaterThan(0)
    expect(foreign.requests.filter((q) => q.authorization !== undefined)).toEqual([])
    expect(foreign.requests).toEqual([])
  })

  it('ids with "/", "?", "#", spaces, "%" and non-ASCII stay inside one percent-encoded path segment', async () => {
    server = await startHostile('weird-ids')
    const r = await runCli(runArgs(server.url, ['--scenario', LIFECYCLE, '--idp', 'all'], 2000))
    expectBounded(r, 20_000, [0, 1])
    const ids = new Set([...server.scim.users.keys(), ...server.scim.groups.keys()])
    const issued = new Set<string>()
    for (const q of server.requests) {
      const path = q.target.split('?')[0]
      expect(path.startsWith('/scim/v2/'), `request escaped the base path: ${q.method} ${q.target}`).toBe(true)
      const m = /^\/scim\/v2\/(Users|Groups)\/([^/]+)$/.exec(path)
      if (!m) continue
      // The segment is the id, percent-encoded: decoding gives back an id the server issued.
      issued.add(decodeURIComponent(m[2]))
      expect(m[2]).toBe(encodeURIComponent(decodeURIComponent(m[2])))
    }
    expect([...issued].filter((id) => id.includes('/') && id.includes('?') && id.includes('#') && id.includes(' ') && id.includes('%2F') && id.includes('日本')).length).toBeGreaterThan(1)
    // The one id that cannot be put in a path at all ("..") is refused, never sent as a parent path.
    expect(server.requests.some((q) => /\/(Users|Groups)\/(\.\.|%2e%2e)(\/|$|\?)/i.test(q.target))).toBe(false)
    const rep = report(r)
    expect(rep.leftovers.filter((l) => l.id === '..').map((l) => l.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/"\." or "\.\." path segment/)]))
    // Everything the run could address it deleted; what it could not is listed with its id.
    const left = [...ids].filter((id) => server!.scim.users.has(id) || server!.scim.groups.has(id))
    for (const id of left) expect(rep.leftovers.map((l) => l.id)).toContain(id)
  })
})
