import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/delete.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, listBody, runScenario, stepX, verdict } from './support.js'

const check = finder(checks)
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const user = { schemas: [USER], id: 'u-3', userName: 'gone@example.com' }
const del = (status: number, body?: unknown) => exchange({ method: 'DELETE', path: '/Users/u-3', status, body })
/** The context of a check judged after step "d" deleted u-3 with the given status. */
const deletedWith = (status: number, args: Record<string, unknown> = {}) => ({ history: [stepX('d', { method: 'DELETE', path: '/Users/u-3', status })], args: { deleted: 'd', ...args } })

describe('DELETE checks on crafted exchanges', () => {
  it('delete.204: 204 passes; 200 fails', () => {
    expect(verdict(check('delete.204'), del(204))).toBe('pass')
    expect(verdict(check('delete.204'), del(200, user))).toBe('fail')
  })

  it('delete.no-body: an empty 204 passes; a body warns', () => {
    expect(verdict(check('delete.no-body'), del(204))).toBe('pass')
    expect(verdict(check('delete.no-body'), del(204, user))).toBe('warn')
  })

  it('delete.get-404: 404 with an Error passes; 200 fails; a bare 404 fails', () => {
    const c = check('delete.get-404')
    expect(verdict(c, exchange({ path: '/Users/u-3', status: 404, body: errorBody(404) }), deletedWith(204))).toBe('pass')
    expect(verdict(c, exchange({ path: '/Users/u-3', status: 200, body: user }), deletedWith(204))).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users/u-3', status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } }), deletedWith(204))).toBe('fail')
  })
  it('delete.get-404: skipped when the DELETE itself failed (delete.204 says why)', () => {
    expect(verdict(check('delete.get-404'), exchange({ path: '/Users/u-3', status: 200, body: user }), deletedWith(500))).toBe('skip')
  })

  it('delete.ops-404: 404 passes; a PUT that succeeds on a deleted resource fails', () => {
    const c = check('delete.ops-404')
    expect(verdict(c, exchange({ method: 'PUT', path: '/Users/u-3', status: 404, body: errorBody(404) }), deletedWith(204))).toBe('pass')
    expect(verdict(c, exchange({ method: 'PUT', path: '/Users/u-3', status: 200, body: user }), deletedWith(204))).toBe('fail')
  })

  it('delete.not-listed: absent from a query and a walk passes; present fails', () => {
    const c = check('delete.not-listed')
    expect(verdict(c, exchange({ path: '/Users?filter=x', body: listBody([]) }), deletedWith(204, { id: 'u-3' }))).toBe('pass')
    expect(verdict(c, exchange({ path: '/Users?filter=x', body: listBody([user]) }), deletedWith(204, { id: 'u-3' }))).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users', body: listBody([]) }), deletedWith(204, { id: 'u-3', walk: { ids: ['u-1', 'u-3'] } }))).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users', body: listBody([]) }), deletedWith(204, { id: 'u-3', walk: { ids: ['u-1'] } }))).toBe('pass')
    expect(verdict(c, exchange({ path: '/Users', body: listBody([]) }), deletedWith(204, { id: 'u-3', walk: { ids: [] } }))).toBe('skip')
  })

  it('delete.reuse-userName: 201 passes; 409 warns', () => {
    const c = check('delete.reuse-userName')
    expect(verdict(c, exchange({ method: 'POST', status: 201, body: user }), deletedWith(204))).toBe('pass')
    expect(verdict(c, exchange({ method: 'POST', status: 409, body: errorBody(409, 'uniqueness') }), deletedWith(204))).toBe('warn')
  })

  it('delete.unknown: 404 passes; 204 fails', () => {
    expect(verdict(check('delete.unknown'), del(404, errorBody(404)))).toBe('pass')
    expect(verdict(check('delete.unknown'), del(204))).toBe('fail')
  })

  it('delete.group: 204 then 404 passes; 204 then 200 fails', () => {
    const c = check('delete.group')
    const ctx = { history: [stepX('d', { method: 'DELETE', path: '/Groups/g-1', status: 204 })], args: { after: 'd' } }
    expect(verdict(c, exchange({ path: '/Groups/g-1', status: 404, body: errorBody(404) }), ctx)).toBe('pass')
    expect(verdict(c, exchange({ path: '/Groups/g-1', status: 200, body: { id: 'g-1' } }), ctx)).toBe('fail')
  })
})

describe('DELETE scenario against the built-in server', () => {
  const file = 'scenarios/rfc/delete.yaml'

  it('is green on the reference server and every variant, with every DELETE check judged', async () => {
    for (const variants of [[], ['patch-204', 'non-uuid-ids', 'no-etag', 'no-bulk']]) {
      const r = await runScenario(file, { builtinVariants: variants })
      expect(problems(r)).toEqual([])
      const passed = new Set(r.results.filter((x) => x.status === 'pass').map((x) => x.id))
      expect(checks.map((c) => c.id).filter((id) => !passed.has(id))).toEqual([])
    }
  })

  it('fails the after-delete checks under delete-soft (the probes still reach the deleted resource)', async () => {
    const r = await runScenario(file, { builtinFaults: ['delete-soft'] })
    const failed = new Set(r.results.filter((x) => x.status === 'fail').map((x) => x.id))
    expect([...failed].sort()).toEqual(['delete.get-404', 'delete.group', 'delete.not-listed', 'delete.ops-404'])
    expect(r.results.some((x) => x.id === 'delete.reuse-userName' && x.status === 'warn')).toBe(true)
    expect(r.results.some((x) => x.status === 'error')).toBe(false)
  })
})
