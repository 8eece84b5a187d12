import { describe, expect, it } from 'vitest'
import { run } from '../../src/runner/run.js'
import { startServer } from '../../src/server/index.js'
import type { RunReport } from '../../src/runner/report.js'
import { config, problems } from '../helpers/run.js'

/**
 * group-scale under every profile that pushes groups, each its own way: green and clean on the reference server,
 * and failing on a server that silently keeps only the first 100 members (members-capped-100). Where the IdP reads
 * the group with its members the group read names the missing positions; where it never reads members (Entra reads
 * groups with excludedAttributes=members; OneLogin and Ping never read one group), each member's User.groups does.
 * 101 members are enough to cross the cap; the two late members join beyond it whatever the size.
 */

const PROFILES: { label: string; idp: string; options?: Record<string, unknown> }[] = [
  { label: 'generic', idp: 'generic' },
  { label: 'okta (OIN app: a PATCH per change)', idp: 'okta' },
  { label: 'okta app=aiw (a PUT of the whole member list)', idp: 'okta', options: { app: 'aiw' } },
  { label: 'entra (member PATCHes; reads groups without members)', idp: 'entra' },
  { label: 'entra patchFlag=aadOptscim062020', idp: 'entra', options: { patchFlag: 'aadOptscim062020' } },
  { label: 'onelogin', idp: 'onelogin' },
  { label: 'jumpcloud (the group pushed with its first member, then a value list)', idp: 'jumpcloud' },
  { label: 'ping', idp: 'ping' },
]

async function groupScale(p: (typeof PROFILES)[number], size: number, faults: string[] = []) {
  const server = await startServer({ port: 0, faults, quiet: true })
  try {
    const report = await run(config({ url: server.url, token: server.token, idps: [p.idp], idpOptions: p.options ? { [p.idp]: p.options } : {}, scenarios: ['group-scale'], groupSize: size }))
    return { report, users: server.store.userCount, groups: server.store.groupCount }
  } finally {
    await server.close()
  }
}

const fails = (report: RunReport, id: string) => report.results.filter((r) => r.id === id && r.status === 'fail')

describe.each(PROFILES)('group-scale under $label', (p) => {
  it('is green on the reference server, sends each member in one membership change, and leaves nothing behind', async () => {
    const { report, users, groups } = await groupScale(p, 101)
    expect(problems(report)).toEqual([])
    const present = report.results.filter((r) => r.id === 'scale.members-present')
    expect(present.some((r) => r.status === 'pass')).toBe(true)
    expect(present.filter((r) => r.status !== 'pass' && r.status !== 'skip')).toEqual([])
    // Each operation's time is reported (info), the user creates once for all 101 repetitions.
    const times = report.results.filter((r) => r.id === 'scale.operation-time')
    expect(times.find((r) => r.step === 'create-members')?.message).toMatch(/^\d+ requests in 101 repetitions \(.*POST 101.*\): .* wall clock/)
    expect(times.every((r) => r.status === 'info')).toBe(true)
    // The add carries every member the way the profile sends a change: no request was made per member.
    const adds = report.exchanges.filter((x) => x.step === 'add-members' && !x.purpose && ['PATCH', 'PUT', 'POST'].includes(x.request.method))
    expect(adds.length).toBeLessThanOrEqual(2)
    expect(report.leftovers).toEqual([])
    expect({ users, groups }).toEqual({ users: 0, groups: 0 })
  }, 120_000)

  it('fails on a server that silently drops members beyond the 100th', async () => {
    const { report } = await groupScale(p, 101, ['members-capped-100'])
    const hits = fails(report, 'scale.members-present')
    expect(hits.length, problems(report).join('\n')).toBeGreaterThan(0)
    expect(hits.some((r) => /#101|#102/.test(r.message))).toBe(true)
    // A group that kept its other members was not emptied by JumpCloud's value-list removal: not blamed on it.
    expect(fails(report, 'idp.jumpcloud.value-list-member-removal')).toEqual([])
    expect(report.leftovers).toEqual([])
  }, 120_000)
})

describe('members-capped-100 only bites past the 100th member', () => {
  it('at 98 members (100 with the late two) every profile stays green', async () => {
    for (const p of [PROFILES[0], PROFILES[3]]) {
      const { report } = await groupScale(p, 98, ['members-capped-100'])
      expect(problems(report)).toEqual([])
    }
  }, 120_000)

  it('the group read names the dropped positions and the shape of the cap', async () => {
    const { report } = await groupScale(PROFILES[0], 101, ['members-capped-100'])
    const [first] = fails(report, 'scale.members-present')
    expect(first.step).toBe('read-group')
    expect(first.message).toMatch(/lists 100 members and misses 3 of the 103 added: #101, #102, #103; it kept exactly the first 100 added/)
  }, 120_000)
})
