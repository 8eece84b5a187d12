import { describe, expect, it } from 'vitest'
import { Ledger } from '../../src/runner/ledger.js'
import { exchange } from '../helpers/exchange.js'
import { builtinScenarios } from '../../src/runner/scenarios.js'
import { startServer } from '../../src/server/index.js'
import { expectBounded, report, runCli } from '../hostile/cli.js'
import { startProxy } from './proxy.js'
import { seed, snapshot, strangers } from './seed.js'

/** --read-only, for a production tenant: discovery, lookups, listing and filters; not one write leaves the machine. */
describe('--read-only', () => {
  it('sends no POST (other than /.search), PUT, PATCH or DELETE under any profile', async () => {
    const server = await startServer({ port: 0, quiet: true })
    const seeded = seed(server.store)
    const before = snapshot(server.store, seeded)
    const proxy = await startProxy(server.url)
    try {
      const r = await runCli(['run', '--url', proxy.url, '--idp', 'all', '--read-only', '--reporter', 'json', '--timeout', '5000'], { env: { SCIM_TOKEN: server.token }, killAfterMs: 60_000 })
      expectBounded(r, 60_000, [0, 1])
      expect(proxy.requests.length).toBeGreaterThan(0)
      const writes = proxy.requests.filter((q) => q.method !== 'GET' && q.method !== 'HEAD' && !(q.method === 'POST' && /\/\.search(\?|$)/.test(q.target)))
      expect(writes.map((q) => `${q.method} ${q.target}`)).toEqual([])
      // Only scenarios that declare `writes: false` ran.
      const readOnly = new Set(builtinScenarios().filter((s) => s.writes === false).map((s) => s.name))
      const ran = new Set(report(r).results.map((x) => x.scenario).filter((s) => s !== 'discovery'))
      expect([...ran].filter((s) => !readOnly.has(s))).toEqual([])
      expect(snapshot(server.store, seeded)).toEqual(before)
      expect(strangers(server.store, seeded)).toEqual([])
    } finally {
      await proxy.close()
      await server.close()
    }
  }, 90_000)

  it('is quiet on a correct server: every profile green, a write a read-only step would need is a skip saying so', async () => {
    const r = await runCli(['run', '--builtin', '--idp', 'all', '--read-only', '--reporter', 'json'], { killAfterMs: 60_000 })
    expectBounded(r, 60_000, [0])
    const results = report(r).results
    expect(results.filter((x) => x.status === 'error' || x.status === 'fail' || x.status === 'warn').map((x) => `${x.idp} ${x.id} ${x.message}`)).toEqual([])
    // JumpCloud's connection test creates a user: under --read-only it is a skip with the reason, never an error.
    const jc = results.filter((x) => x.idp === 'jumpcloud' && x.scenario === 'connection' && x.step === 'test-connection')
    expect(jc.length).toBeGreaterThan(0)
    for (const x of jc) {
      expect(x.status).toBe('skip')
      expect(x.reason).toContain('needs writes (--read-only)')
    }
  }, 90_000)

  it('refuses a write even when a scenario asks for one', () => {
    const ledger = new Ledger(true)
    const base = 'http://127.0.0.1:1/scim/v2'
    for (const [method, path] of [['POST', '/Users'], ['PUT', '/Users/x'], ['PATCH', '/Groups/g'], ['DELETE', '/Users/x'], ['POST', '/Bulk']]) {
      expect(ledger.refuse({ method, path }, new URL(base + path)), `${method} ${path}`).toMatch(/needs writes \(--read-only\)/)
    }
    expect(ledger.refuse({ method: 'POST', path: '/Users/.search' }, new URL(`${base}/Users/.search`))).toBeUndefined()
    expect(ledger.refuse({ method: 'GET', path: '/Users' }, new URL(`${base}/Users`))).toBeUndefined()
  })
})

describe('the safety guard without --read-only', () => {
  const base = 'http://127.0.0.1:1/scim/v2'
  const url = (p: string) => new URL(base + p)

  it('refuses to change /Me, the account that owns the token', () => {
    const ledger = new Ledger()
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) expect(ledger.refuse({ method, path: '/Me' }, url('/Me')), method).toMatch(/\/Me is the account that owns the token/)
  })

  it('refuses writes below a resource it did not create, and user writes naming a group it did not create', () => {
    const ledger = new Ledger()
    ledger.adopt({ type: 'User', id: 'mine', scenario: 's', idp: 'generic' })
    expect(ledger.refuse({ method: 'PUT', path: '/Users/theirs/sub' }, url('/Users/theirs/sub'))).toMatch(/did not create/)
    expect(ledger.refuse({ method: 'PATCH', path: '/Users/mine', body: { Operations: [{ op: 'add', path: 'groups', value: [{ value: 'their-group' }] }] } }, url('/Users/mine'))).toMatch(/group their-group/)
    expect(ledger.refuse({ method: 'POST', path: '/Users', body: { userName: 'x', groups: [{ value: 'their-group' }] } }, url('/Users'))).toMatch(/group their-group/)
    expect(ledger.refuse({ method: 'PATCH', path: '/Users/mine', body: { Operations: [{ op: 'replace', path: 'active', value: false }] } }, url('/Users/mine'))).toBeUndefined()
  })

  it('a 404 for an id the server listed before never unlocks a write to it (a flaky GET is not proof of absence)', () => {
    const ledger = new Ledger()
    const seen = (method: string, path: string, status: number, body?: unknown) => ledger.observe(exchange({ method, path, status, body }), { method, path }, url(path))
    seen('GET', '/Users', 200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 1, Resources: [{ id: 'their-user' }] })
    seen('GET', '/Users/their-user', 404)
    expect(ledger.refuse({ method: 'DELETE', path: '/Users/their-user' }, url('/Users/their-user'))).toMatch(/did not create/)
    // An id first thought absent, then seen in a list, is someone's after all.
    seen('GET', '/Groups/g-1', 404)
    expect(ledger.refuse({ method: 'DELETE', path: '/Groups/g-1' }, url('/Groups/g-1'))).toBeUndefined()
    seen('POST', '/Groups/.search', 200, { Resources: [{ id: 'g-1' }] })
    expect(ledger.refuse({ method: 'DELETE', path: '/Groups/g-1' }, url('/Groups/g-1'))).toMatch(/did not create/)
  })

  it('refuses to put a user it did not create into its own group, by value or by filter path', () => {
    const ledger = new Ledger()
    ledger.adopt({ type: 'Group', id: 'g', scenario: 's', idp: 'generic' })
    ledger.adopt({ type: 'User', id: 'mine', scenario: 's', idp: 'generic' })
    const patch = (op: Record<string, unknown>) => ({ method: 'PATCH', path: '/Groups/g', body: { Operations: [op] } })
    expect(ledger.refuse(patch({ op: 'add', path: 'members', value: [{ value: 'theirs' }] }), url('/Groups/g'))).toMatch(/theirs/)
    expect(ledger.refuse(patch({ op: 'add', value: { members: [{ value: 'theirs' }] } }), url('/Groups/g'))).toMatch(/theirs/)
    expect(ledger.refuse(patch({ op: 'add', path: 'members', value: [{ value: 'mine' }] }), url('/Groups/g'))).toBeUndefined()
    // Removing from its own group is its own business.
    expect(ledger.refuse(patch({ op: 'remove', path: 'members[value eq "mine"]' }), url('/Groups/g'))).toBeUndefined()
  })
})
