import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/attrs.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, listBody, runScenario, verdict } from './support.js'

const check = finder(checks)
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const full = { schemas: [USER], id: 'u-1', userName: 'u1', name: { givenName: 'A', familyName: 'B' }, emails: [{ value: 'a@example.com' }], active: true, meta: { resourceType: 'User' } }
const get = (body: unknown, path = '/Users/u-1', status = 200) => exchange({ path, status, body })

describe('attributes / excludedAttributes checks on crafted exchanges', () => {
  it('attrs.include: id + userName (schemas, meta tolerated) passes; the full resource or a dropped id fails', () => {
    const c = check('attrs.include')
    expect(verdict(c, get({ schemas: [USER], id: 'u-1', userName: 'u1', meta: {} }))).toBe('pass')
    expect(verdict(c, get(full))).toBe('fail')
    expect(verdict(c, get({ userName: 'u1' }))).toBe('fail')
    expect(verdict(c, get(errorBody(401), '/Users/u-1', 401))).toBe('error')
  })

  it('attrs.include: no false alarm for an attribute the server declares returned "always"', () => {
    const discovery = {
      resourceTypes: [{ name: 'User', endpoint: '/Users', schema: USER }],
      schemas: [{ id: USER, attributes: [{ name: 'userName', type: 'string' }, { name: 'active', type: 'boolean', returned: 'always' }] }],
    }
    expect(verdict(check('attrs.include'), get({ id: 'u-1', userName: 'u1', active: true }), { discovery })).toBe('pass')
  })

  it('attrs.include-list: every element reduced passes; one full element fails; an empty list skips', () => {
    const c = check('attrs.include-list')
    expect(verdict(c, get(listBody([{ id: 'a', userName: 'a' }, { id: 'b', userName: 'b' }]), '/Users?attributes=userName'))).toBe('pass')
    expect(verdict(c, get(listBody([{ id: 'a', userName: 'a' }, full]), '/Users?attributes=userName'))).toBe('fail')
    expect(verdict(c, get(listBody([]), '/Users?attributes=userName'))).toBe('skip')
  })

  it('attrs.include-subattr: name.{givenName} only passes; the whole name fails', () => {
    const c = check('attrs.include-subattr')
    expect(verdict(c, get({ id: 'u-1', name: { givenName: 'A' } }))).toBe('pass')
    expect(verdict(c, get({ id: 'u-1', name: { givenName: 'A', familyName: 'B' } }))).toBe('fail')
    expect(verdict(c, get({ id: 'u-1', userName: 'u1' }))).toBe('fail')
  })

  it('attrs.include-urn: a reduced answer passes; ignoring the URN form (full resource) fails', () => {
    const c = check('attrs.include-urn')
    expect(verdict(c, get({ id: 'u-1', userName: 'u1' }))).toBe('pass')
    expect(verdict(c, get(full))).toBe('fail')
  })

  it('attrs.include-case: userName present passes; absent fails', () => {
    const c = check('attrs.include-case')
    expect(verdict(c, get({ id: 'u-1', userName: 'u1' }))).toBe('pass')
    expect(verdict(c, get({ id: 'u-1' }))).toBe('fail')
  })

  it('attrs.exclude: emails gone with userName and name kept passes; emails kept or name lost fails', () => {
    const c = check('attrs.exclude')
    const { emails: _e, ...noEmails } = full
    const { name: _n, ...noName } = noEmails
    expect(verdict(c, get(noEmails))).toBe('pass')
    expect(verdict(c, get(full))).toBe('fail')
    expect(verdict(c, get(noName))).toBe('fail')
  })

  it('attrs.exclude-always: id kept passes; id removed fails', () => {
    const c = check('attrs.exclude-always')
    expect(verdict(c, get(full))).toBe('pass')
    const { id: _id, ...noId } = full
    expect(verdict(c, get(noId))).toBe('fail')
  })

  it('attrs.exclude-members and exclude-members-query: members gone passes; members kept fails', () => {
    const one = check('attrs.exclude-members')
    const query = check('attrs.exclude-members-query')
    const g = { id: 'g-2', displayName: 'g2' }
    expect(verdict(one, get(g, '/Groups/g-2'))).toBe('pass')
    expect(verdict(one, get({ ...g, members: [{ value: 'u-1' }] }, '/Groups/g-2'))).toBe('fail')
    expect(verdict(query, get(listBody([g]), '/Groups?excludedAttributes=members'), { args: { group: 'g-2' } })).toBe('pass')
    expect(verdict(query, get(listBody([{ ...g, members: [] }]), '/Groups?excludedAttributes=members'), { args: { group: 'g-2' } })).toBe('fail')
    expect(verdict(query, get(listBody([]), '/Groups?excludedAttributes=members'), { args: { group: 'g-2' } })).toBe('skip')
  })

  it('attrs.never-stays-hidden: no password passes; password returned fails', () => {
    const c = check('attrs.never-stays-hidden')
    expect(verdict(c, get({ id: 'u-1' }))).toBe('pass')
    expect(verdict(c, get({ id: 'u-1', password: 'secret' }))).toBe('fail')
  })

  it('attrs.on-write: a reduced 201/200 passes; the full resource warns; a failed write skips', () => {
    const c = check('attrs.on-write')
    expect(verdict(c, exchange({ method: 'POST', path: '/Users?attributes=userName', status: 201, body: { id: 'u-9', userName: 'u9' } }))).toBe('pass')
    expect(verdict(c, exchange({ method: 'PUT', path: '/Users/u-1?attributes=userName', status: 200, body: full }))).toBe('warn')
    expect(verdict(c, exchange({ method: 'PUT', path: '/Users/u-1?attributes=userName', status: 400, body: errorBody(400) }))).toBe('skip')
  })

  it('attrs.both is recorded: 400, 200 and 500 are all info', () => {
    const c = check('attrs.both')
    expect(verdict(c, get(errorBody(400), '/Users/u-1', 400))).toBe('info')
    expect(verdict(c, get({ id: 'u-1', userName: 'u1' }))).toBe('info')
    expect(verdict(c, get(errorBody(500), '/Users/u-1', 500))).toBe('info')
  })
})

describe('attrs scenario against the built-in server', () => {
  const file = 'scenarios/rfc/attrs.yaml'

  it('is green on the reference server and every variant', async () => {
    for (const v of [[], ['patch-204', 'non-uuid-ids', 'no-etag', 'no-sort']]) {
      const r = await runScenario(file, { builtinVariants: v })
      expect(problems(r), v.join()).toEqual([])
      expect(new Set(r.results.filter((x) => x.id.startsWith('attrs.') && x.status === 'pass').map((x) => x.id)).size).toBe(11)
    }
  }, 30_000)

  it('attributes-ignored, exclude-members-ignored and password-returned trip their checks', async () => {
    const bad = async (fault: string) => new Set((await runScenario(file, { builtinFaults: [fault] })).results.filter((x) => x.status === 'fail' || x.status === 'warn').map((x) => x.id))
    const ignored = await bad('attributes-ignored')
    for (const id of ['attrs.include', 'attrs.include-list', 'attrs.include-subattr', 'attrs.include-urn', 'attrs.exclude', 'attrs.exclude-members', 'attrs.exclude-members-query', 'attrs.on-write']) expect(ignored.has(id), id).toBe(true)
    const members = await bad('exclude-members-ignored')
    expect([...members].filter((id) => id.startsWith('attrs.')).sort()).toEqual(['attrs.exclude-members', 'attrs.exclude-members-query'])
    expect((await bad('password-returned')).has('attrs.never-stays-hidden')).toBe(true)
  }, 30_000)
})
