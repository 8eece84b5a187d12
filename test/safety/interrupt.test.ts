import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PROFILE_NAMES } from '../../src/idp/registry.js'
import { startServer } from '../../src/server/index.js'
import { expectBounded, runCli } from '../hostile/cli.js'
import { startHostile } from '../hostile/server.js'
import { startProxy, until } from './proxy.js'
import { seed, snapshot, strangers } from './seed.js'

/**
 * Ctrl-C (or SIGTERM) in the middle of a run: no new steps, everything the run created deleted, the reports
 * written and marked incomplete. A second Ctrl-C quits at once and names what is left behind, with ids.
 */
const LIFECYCLE = 'test/hostile/scenarios/lifecycle.yaml'
const tmp = mkdtempSync(join(tmpdir(), 'scim-check-interrupt-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

async function interrupt(idp: string, signal: 'SIGINT' | 'SIGTERM') {
  const server = await startServer({ port: 0, quiet: true })
  const seeded = seed(server.store)
  const before = snapshot(server.store, seeded)
  // A little latency, as a real tenant has, so the signal lands mid-run rather than racing the run's end.
  const proxy = await startProxy(server.url, { latencyMs: 5 })
  const out = join(tmp, `${idp}-${signal}.json`)
  try {
    const run = runCli(['run', '--url', proxy.url, '--idp', idp, '--scenario', LIFECYCLE, '--reporter', `json=${out}`, '--reporter', 'pretty', '--timeout', '5000'], {
      env: { SCIM_TOKEN: server.token },
    })
    await until(() => strangers(server.store, seeded).length > 0, 'the run to create its first resource')
    const sentBefore = proxy.requests.length
    run.child.kill(signal)
    const r = await run
    expectBounded(r, 15_000, [signal === 'SIGINT' ? 130 : 143])
    expect(r.stderr).toMatch(new RegExp(`${signal}: stopping after the current request and cleaning up`))
    // The run created something, and holds none of it now; other people's data is untouched.
    expect(strangers(server.store, seeded)).toEqual([])
    expect(snapshot(server.store, seeded)).toEqual(before)
    // After the signal, only the step in flight finishes; everything else sent is cleanup (DELETE).
    const after = proxy.requests.slice(sentBefore).filter((q) => q.method !== 'DELETE')
    expect(after.length, after.map((q) => `${q.method} ${q.target}`).join('\n')).toBeLessThanOrEqual(2)
    const rep = JSON.parse(readFileSync(out, 'utf8'))
    expect(rep.incomplete).toMatch(/interrupted/)
    expect(rep.leftovers).toEqual([])
    expect(r.stdout).toMatch(/Run incomplete: interrupted/)
  } finally {
    await proxy.close()
    await server.close()
  }
}

describe('an interrupted run', () => {
  for (const idp of PROFILE_NAMES) {
    it(`${idp}: SIGINT mid-run cleans up everything the run created and writes an incomplete report`, () => interrupt(idp, 'SIGINT'), 20_000)
  }

  it('SIGTERM is handled like Ctrl-C (exit 143)', () => interrupt('generic', 'SIGTERM'), 20_000)

  it('a second Ctrl-C during cleanup quits at once and lists what is left, with ids', async () => {
    // Every DELETE hangs, so cleanup is still busy when the second Ctrl-C comes.
    const server = await startHostile('delete-hangs')
    try {
      const run = runCli(['run', '--url', server.url, '--token', 'interrupt-test-token', '--scenario', LIFECYCLE, '--reporter', 'json', '--timeout', '8000'])
      await until(() => server.scim.users.size >= 2, 'the run to create its users')
      run.child.kill('SIGINT')
      await until(() => server.requests.some((q) => q.method === 'DELETE'), 'cleanup to start')
      const second = Date.now()
      run.child.kill('SIGINT')
      const r = await run
      expect(Date.now() - second).toBeLessThan(2000)
      expect(r.code).toBe(130)
      const line = r.stderr.split('\n').find((l) => l.includes('quit before cleanup finished'))
      expect(line, r.stderr).toBeDefined()
      for (const id of [...server.scim.users.keys(), ...server.scim.groups.keys()]) expect(line).toContain(id)
      expect(r.stderr).not.toMatch(/^\s+at /m)
    } finally {
      await server.close()
    }
  }, 20_000)
})
