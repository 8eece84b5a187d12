import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/integrity.js'
import { VARIANTS } from '../../src/server/index.js'
import { problems } from '../helpers/run.js'
import { exchange, finder, runScenario, stepX, verdict } from './support.js'

const check = finder(checks)
const FILE = 'scenarios/rfc/integrity.yaml'
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const deletedWith = (status: number, id: string) => ({ history: [stepX('d', { method: 'DELETE', path: `/Users/${id}`, status })], args: { deleted: 'd', id } })

describe('reference-integrity checks on crafted exchanges', () => {
  it('integrity.deleted-user-not-member: gone passes, still listed is recorded (info), a failed delete skips', () => {
    const c = check('integrity.deleted-user-not-member')
    const group = (members: string[]) => exchange({ path: '/Groups/g-1', body: { schemas: [GROUP], id: 'g-1', displayName: 't', members: members.map((value) => ({ value })) } })
    expect(verdict(c, group(['u-2']), deletedWith(204, 'u-1'))).toBe('pass')
    expect(verdict(c, group(['u-1', 'u-2']), deletedWith(204, 'u-1'))).toBe('info')
    expect(verdict(c, group(['u-1', 'u-2']), deletedWith(409, 'u-1'))).toBe('skip')
  })
  it('integrity.deleted-group-not-in-user: skipped where the server returns no User.groups', () => {
    const c = check('integrity.deleted-group-not-in-user')
    const user = (groups?: string[]) => exchange({ path: '/Users/u-2', body: { schemas: [USER], id: 'u-2', userName: 'x', ...(groups ? { groups: groups.map((value) => ({ value })) } : {}) } })
    expect(verdict(c, user([]), deletedWith(204, 'g-1'))).toBe('pass')
    expect(verdict(c, user(['g-1']), deletedWith(204, 'g-1'))).toBe('info')
    expect(verdict(c, user(), deletedWith(204, 'g-1'))).toBe('skip')
  })
  it('integrity.created-inactive: false passes, true is recorded (the RFC lets a server alter what is POSTed)', () => {
    const c = check('integrity.created-inactive')
    expect(verdict(c, exchange({ path: '/Users/u-3', body: { schemas: [USER], id: 'u-3', userName: 'x', active: false } }))).toBe('pass')
    expect(verdict(c, exchange({ path: '/Users/u-3', body: { schemas: [USER], id: 'u-3', userName: 'x', active: true } }))).toBe('info')
  })
})

describe('reference-integrity scenario against the built-in server', () => {
  it('each fault trips its check, and nothing else fires', async () => {
    for (const [fault, id] of [['dangling-members', 'integrity.deleted-user-not-member'], ['dangling-user-groups', 'integrity.deleted-group-not-in-user'], ['create-ignores-active', 'integrity.created-inactive']]) {
      const r = await runScenario(FILE, { builtinFaults: [fault] })
      expect(r.results.find((x) => x.id === id)?.status, fault).toBe('info')
      expect(problems(r), fault).toEqual([])
    }
  })
  it('is quiet on the reference server and on every variant (integrity_no_false_positive)', async () => {
    for (const variant of [undefined, ...VARIANTS.map((v) => v.name)]) {
      const r = await runScenario(FILE, variant ? { builtinVariants: [variant] } : {})
      expect(problems(r), variant ?? 'reference').toEqual([])
      for (const id of ['integrity.deleted-user-not-member', 'integrity.created-inactive']) expect(r.results.find((x) => x.id === id)?.status, `${variant} ${id}`).toBe('pass')
    }
  }, 60_000)
})
