import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/retrieve.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, listBody, runScenario, verdict } from './support.js'

const check = finder(checks)
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const sent = { schemas: [USER], userName: 'u1', name: { givenName: 'A', familyName: 'B' }, emails: [{ value: 'a@example.com', type: 'work' }], active: true, password: 'x' }
const post = exchange({ method: 'POST', path: '/Users', status: 201, requestBody: sent, body: { ...sent, password: undefined, id: 'u-1' } })
const get = (body: unknown, status = 200) => exchange({ path: '/Users/u-1', status, body })
const full = { schemas: [USER], id: 'u-1', userName: 'u1', name: { givenName: 'A', familyName: 'B' }, emails: [{ value: 'a@example.com', type: 'work' }], active: true }

describe('retrieve checks on crafted exchanges', () => {
  it('get.by-id: the resource passes; 404, a ListResponse or another id fails', () => {
    const c = check('get.by-id')
    expect(verdict(c, get(full))).toBe('pass')
    expect(verdict(c, get(errorBody(404), 404))).toBe('fail')
    expect(verdict(c, get(listBody([full])))).toBe('fail')
    expect(verdict(c, get({ ...full, id: 'u-2' }))).toBe('fail')
    expect(verdict(c, get(errorBody(401), 401))).toBe('error')
  })

  it('get.default-set: every default attribute the client set passes; a dropped one fails; password is never expected', () => {
    const c = check('get.default-set')
    expect(verdict(c, get(full), { history: [post] })).toBe('pass')
    const { emails: _dropped, ...noEmails } = full
    expect(verdict(c, get(noEmails), { history: [post] })).toBe('fail')
    expect(verdict(c, get(full), { history: [] })).toBe('skip')
  })

  it('get.group-by-id: members holding U1 passes; U1 missing fails', () => {
    const c = check('get.group-by-id')
    const g = (members: unknown[]) => exchange({ path: '/Groups/g-2', body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g-2', displayName: 'g2', members } })
    expect(verdict(c, g([{ value: 'u-1' }]), { args: { member: 'u-1' } })).toBe('pass')
    expect(verdict(c, g([]), { args: { member: 'u-1' } })).toBe('fail')
    expect(verdict(c, exchange({ path: '/Groups/g-2', status: 404, body: errorBody(404) }), { args: { member: 'u-1' } })).toBe('fail')
  })
})

describe('retrieve scenario against the built-in server', () => {
  const file = 'scenarios/rfc/retrieve.yaml'
  it('is green on the reference server and every variant', async () => {
    for (const v of [[], ['patch-204', 'non-uuid-ids', 'no-etag', 'no-sort']]) {
      const r = await runScenario(file, { builtinVariants: v })
      expect(problems(r), v.join()).toEqual([])
      expect(r.results.filter((x) => x.id.startsWith('get.') && x.status === 'pass').map((x) => x.id).sort()).toEqual(['get.by-id', 'get.default-set', 'get.group-by-id'])
    }
  }, 30_000)

  it('members-not-returned (GET /Groups/{id} without members) fails get.group-by-id, and only it', async () => {
    const r = await runScenario(file, { builtinFaults: ['members-not-returned'] })
    expect(r.results.filter((x) => x.status === 'fail' || x.status === 'warn').map((x) => x.id)).toEqual(['get.group-by-id'])
  }, 30_000)
})
