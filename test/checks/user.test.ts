import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/user.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, listBody, runScenario, stepX, verdict } from './support.js'

const check = finder(checks)
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
const user = (over: Record<string, unknown> = {}) => ({
  schemas: [USER],
  id: 'u-1',
  userName: 'ada@example.com',
  emails: [{ value: 'w@example.com', type: 'work', primary: true }, { value: 'h@example.com', type: 'home' }],
  phoneNumbers: [{ value: '+1 555 0100', type: 'work' }, { value: '+1 555 0199', type: 'mobile' }],
  addresses: [{ type: 'work', locality: 'Hollywood', country: 'US' }],
  active: true,
  ...over,
})
const read = (body: unknown, status = 200) => exchange({ path: '/Users/u-1', status, body })
const after = (writeStatus: number, args: Record<string, unknown> = {}) => ({ history: [stepX('w', { method: 'PATCH', path: '/Users/u-1', status: writeStatus })], args: { after: 'w', ...args } })

describe('User checks on crafted exchanges', () => {
  it('user.password-never-returned: no password passes; a password in a resource or a list fails', () => {
    const c = check('user.password-never-returned')
    expect(verdict(c, read(user()))).toBe('pass')
    expect(verdict(c, read(user({ password: 'secret' })))).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users', body: listBody([user({ Password: 'x' })]) }))).toBe('fail')
  })

  it('user.password-accepted is recorded: 201 passes, 400 is info', () => {
    expect(verdict(check('user.password-accepted'), exchange({ method: 'POST', status: 201, body: user() }))).toBe('pass')
    expect(verdict(check('user.password-accepted'), exchange({ method: 'POST', status: 400, body: errorBody(400) }))).toBe('info')
  })

  it('user.active-toggle: the boolean read back passes; a string or the old value fails', () => {
    const c = check('user.active-toggle')
    expect(verdict(c, read(user({ active: false })), after(204, { active: false }))).toBe('pass')
    expect(verdict(c, read(user({ active: 'false' })), after(204, { active: false }))).toBe('fail')
    expect(verdict(c, read(user({ active: true })), after(204, { active: false }))).toBe('fail')
  })

  it('user.emails-roundtrip: both typed emails with primary pass; a lost type or primary fails', () => {
    const c = check('user.emails-roundtrip')
    const args = { args: { work: 'w@example.com', home: 'h@example.com' } }
    expect(verdict(c, read(user()), args)).toBe('pass')
    expect(verdict(c, read(user({ emails: [{ value: 'w@example.com', primary: true }, { value: 'h@example.com', type: 'home' }] })), args)).toBe('fail')
    expect(verdict(c, read(user({ emails: [{ value: 'w@example.com', type: 'work' }, { value: 'h@example.com', type: 'home' }] })), args)).toBe('fail')
  })

  it('user.two-primaries: 400 or one primary passes; two primaries stored fails', () => {
    const c = check('user.two-primaries')
    expect(verdict(c, exchange({ method: 'POST', status: 400, body: errorBody(400, 'invalidValue') }))).toBe('pass')
    expect(verdict(c, exchange({ method: 'POST', status: 201, body: user() }))).toBe('pass')
    expect(verdict(c, exchange({ method: 'POST', status: 201, body: user({ emails: [{ value: 'a', primary: true }, { value: 'b', primary: true }] }) }))).toBe('fail')
  })

  it('user.phones-addresses: round-tripped passes; a reformatted number warns', () => {
    const c = check('user.phones-addresses')
    const args = { args: { workPhone: '+1 555 0100', mobilePhone: '+1 555 0199', locality: 'Hollywood', country: 'US' } }
    expect(verdict(c, read(user()), args)).toBe('pass')
    expect(verdict(c, read(user({ phoneNumbers: [{ value: '+15550100', type: 'work' }, { value: '+1 555 0199', type: 'mobile' }] })), args)).toBe('warn')
    expect(verdict(c, read(user({ addresses: [{ type: 'work', locality: 'Hollywood', country: 'USA' }] })), args)).toBe('warn')
  })

  it('user.groups-readonly: 400 mutability and no membership passes; an accepted write fails', () => {
    const c = check('user.groups-readonly')
    const g = (members: string[]) => exchange({ path: '/Groups/g-1', body: { schemas: [GROUP], id: 'g-1', displayName: 'x', members: members.map((value) => ({ value })) } })
    const ctx = (status: number) => ({ history: [stepX('w', { method: 'PATCH', path: '/Users/u-1', status, body: status >= 400 ? errorBody(status, 'mutability') : undefined })], args: { after: 'w', user: 'u-1' } })
    expect(verdict(c, g([]), ctx(400))).toBe('pass')
    expect(verdict(c, g(['u-1']), ctx(204))).toBe('fail')
  })

  it('user.groups-reflect: the group listed with a matching $ref passes; missing fails; skipped when groups is undeclared', () => {
    const c = check('user.groups-reflect')
    const args = { args: { group: 'g-2' } }
    expect(verdict(c, read(user({ groups: [{ value: 'g-2', $ref: 'http://127.0.0.1:1/scim/v2/Groups/g-2' }] })), args)).toBe('pass')
    expect(verdict(c, read(user()), args)).toBe('fail')
    expect(verdict(c, read(user({ groups: [{ value: 'g-2', $ref: 'http://127.0.0.1:1/scim/v2/Users/g-2' }] })), args)).toBe('fail')
    expect(verdict(c, read(user()), { ...args, discovery: { schemas: [{ id: USER, attributes: [{ name: 'userName' }] }] } })).toBe('skip')
  })

  it('user.changePassword: 204 passes; 400 fails; the password echoed fails', () => {
    const c = check('user.changePassword')
    expect(verdict(c, exchange({ method: 'PATCH', status: 204 }))).toBe('pass')
    expect(verdict(c, exchange({ method: 'PATCH', status: 400, body: errorBody(400) }))).toBe('fail')
    expect(verdict(c, exchange({ method: 'PATCH', status: 200, body: user({ password: 'x' }) }))).toBe('fail')
  })
})

describe('User scenario against the built-in server', () => {
  const file = 'scenarios/rfc/user.yaml'

  it('is green on the reference server and every variant; changePassword skips because the server does not advertise it', async () => {
    for (const variants of [[], ['patch-204', 'non-uuid-ids', 'no-etag', 'no-bulk']]) {
      const r = await runScenario(file, { builtinVariants: variants })
      expect(problems(r)).toEqual([])
      const passed = new Set(r.results.filter((x) => x.status === 'pass').map((x) => x.id))
      expect(checks.map((c) => c.id).filter((id) => !passed.has(id))).toEqual(['user.changePassword'])
      expect(r.results.find((x) => x.step === 'change-password')?.reason).toMatch(/changePassword/)
    }
  })

  it('fails user.password-never-returned under password-returned and user.groups-reflect under no-group-membership-in-user', async () => {
    const failing = async (fault: string) => new Set((await runScenario(file, { builtinFaults: [fault] })).results.filter((x) => x.status === 'fail').map((x) => x.id))
    expect(await failing('password-returned')).toContain('user.password-never-returned')
    expect(await failing('no-group-membership-in-user')).toContain('user.groups-reflect')
  })
})
