import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/scale.js'
import { exchange, findings, finder, listBody, verdict } from './support.js'

/** The group-scale checks on crafted reads: each fails on the broken answer and is quiet on the correct ones. */

const check = finder(checks)
const GROUP = 'g-1'
const URN_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
const URN_USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const ids = Array.from({ length: 103 }, (_, i) => `u-${i + 1}`)
const group = (members: string[] | undefined) => ({ schemas: [URN_GROUP], id: GROUP, displayName: 'big', ...(members ? { members: members.map((value) => ({ value })) } : {}) })
const user = (id: string, groups: string[] | undefined) => ({ schemas: [URN_USER], id, userName: `${id}@example.com`, ...(groups ? { groups: groups.map((value) => ({ value })) } : {}) })
const read = (body: unknown, path = `/Groups/${GROUP}`) => ({ ...exchange({ path, body }), scenario: 'test', idp: 'generic' })

describe('scale.members-present', () => {
  const c = check('scale.members-present')
  const args = { group: GROUP, members: ids }

  it('fails when the group read misses members, naming their positions and the shape of a cap', () => {
    const [f] = findings(c, read(group(ids.slice(0, 100))), { args })
    expect(f.ok).toBe(false)
    expect(f.message).toMatch(/lists 100 members and misses 3 of the 103 added: #101, #102, #103; it kept exactly the first 100 added/)
    expect(verdict(c, read(group(ids.slice(0, 100))), { args })).toBe('fail')
  })

  it('passes when every member is listed, in any order, and members may be given as saved resources or lists of them', () => {
    expect(verdict(c, read(group([...ids].reverse())), { args })).toBe('pass')
    const resources = ids.map((id) => ({ id, userName: `${id}@example.com` }))
    expect(verdict(c, read(group(ids)), { args: { group: GROUP, members: [resources.slice(0, 101), resources.slice(101)] } })).toBe('pass')
  })

  it('finds the group inside a ListResponse (OneLogin and Ping read groups as a list)', () => {
    const other = { schemas: [URN_GROUP], id: 'g-2', displayName: 'other', members: [] }
    expect(verdict(c, read(listBody([other, group(ids.slice(1))]), '/Groups'), { args })).toBe('fail')
    expect(verdict(c, read(listBody([other, group(ids)]), '/Groups'), { args })).toBe('pass')
  })

  it('skips, never fails, when the read asked for members to be left out (Entra) or the server leaves them out', () => {
    expect(verdict(c, read(group(undefined), `/Groups/${GROUP}?excludedAttributes=members`), { args })).toBe('skip')
    expect(findings(c, read(group(undefined)), { args })[0].reason).toMatch(/without "members"/)
  })

  it("on a member's own read: fails when other members' User.groups list the group and this one's does not", () => {
    const others = [read(user('u-1', [GROUP]), '/Users/u-1')]
    expect(findings(c, read(user('u-101', ['g-other']), '/Users/u-101'), { args, history: others })[0]).toMatchObject({
      ok: false,
      message: expect.stringMatching(/member #101 \(u-101\) was added to group g-1 like the others.*the server lost this membership/),
    })
    expect(verdict(c, read(user('u-101', [GROUP]), '/Users/u-101'), { args, history: others })).toBe('pass')
  })

  it('after a value-list removal, which a server may read as "remove all" (RFC 7644 §3.5.2.2), a loss is the IdP\'s incompatibility: IDP level, never MUST', () => {
    const remove = { ...exchange({ method: 'PATCH', path: `/Groups/${GROUP}`, requestBody: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'remove', path: 'members', value: [{ value: 'u-102' }] }] }, body: group([]) }), scenario: 'test', idp: 'generic' }
    const history = [read(user('u-1', [GROUP]), '/Users/u-1'), remove]
    expect(findings(c, read(user('u-2', []), '/Users/u-2'), { args, history })[0]).toMatchObject({ level: 'IDP', message: expect.stringMatching(/lost this membership \(after a "remove" of "members" with a value list/) })
    expect(findings(c, read(group([])), { args, history })[0]).toMatchObject({ level: 'IDP', message: expect.stringMatching(/misses 103 of the 103 added.*\(after a "remove" of "members" with a value list/) })
    // Without such a removal, the same loss is the MUST failure.
    expect(findings(c, read(group([])), { args })[0].level).toBeUndefined()
  })

  it("on a member's own read: no false alarm where the server keeps no User.groups for the group", () => {
    expect(verdict(c, read(user('u-101', undefined), '/Users/u-101'), { args, history: [read(user('u-1', undefined), '/Users/u-1')] })).toBe('skip')
    expect(verdict(c, read(user('u-101', []), '/Users/u-101'), { args, history: [] })).toBe('skip')
  })
})

describe('scale.members-removed', () => {
  const c = check('scale.members-removed')
  const args = { group: GROUP, removed: ['u-102', 'u-103'] }

  it('fails when a removed member is still listed', () => {
    expect(findings(c, read(group(ids.slice(0, 102))), { args })[0]).toMatchObject({ ok: false, message: expect.stringMatching(/still lists 1 of the 2 members the removal named: u-102/) })
  })

  it('passes when they are gone; a group read without "members" shows nothing, so it is not judged', () => {
    expect(verdict(c, read(group(ids.slice(0, 101))), { args })).toBe('pass')
    expect(verdict(c, read(group(undefined)), { args })).toBe('skip')
  })

  it('skips when the read left members out on request', () => {
    expect(verdict(c, read(group(undefined), `/Groups/${GROUP}?excludedAttributes=members`), { args })).toBe('skip')
  })
})

describe('scale.operation-time', () => {
  const c = check('scale.operation-time')
  const step = (name: string, ms: number, method = 'POST') => ({ ...exchange({ method, path: '/Users', status: 201, body: {} }), step: name, durationMs: ms, scenario: 'test', idp: 'generic' })

  it("reports (info, never a verdict) the step's requests, their time in all and the slowest", () => {
    const history = [step('before', 500), step('create', 10), step('create', 30), step('create', 20)]
    const [f] = findings(c, history[3], { step: 'create', history })
    expect(f.ok).toBe('info')
    expect(f.message).toMatch(/^3 requests \(POST 3\): .* wall clock, 60 ms waiting for answers, 20 ms each on average; slowest 30 ms \(POST \/scim\/v2\/Users\)$/)
    expect(verdict(c, history[3], { step: 'create', history })).toBe('info')
  })

  it('in a repeated step, reports once, after the last repetition, for all of them', () => {
    const history = [step('create', 10), step('create', 10)]
    expect(findings(c, history[0], { step: 'create', history: history.slice(0, 1), vars: { repeat: { index: 1, count: 2 } } })).toEqual([])
    expect(findings(c, history[1], { step: 'create', history, vars: { repeat: { index: 2, count: 2 } } })[0].message).toMatch(/^2 requests in 2 repetitions/)
  })
})
