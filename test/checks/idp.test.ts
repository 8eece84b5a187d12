import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/idp.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, listBody, runScenario, stepX, verdict } from './support.js'

const check = finder(checks)
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const okta = { idp: 'okta' }
const entra = { idp: 'entra' }

describe('Annex A expectations on crafted exchanges', () => {
  it('idp.inactive-retrievable: found by id and by lookup passes; filtered out fails for Entra and Okta', () => {
    const c = check('idp.inactive-retrievable')
    expect(verdict(c, exchange({ path: '/Users/u-1', body: { id: 'u-1', active: false } }), { ...entra, args: { id: 'u-1' } })).toBe('pass')
    expect(verdict(c, exchange({ path: '/Users/u-1', status: 404, body: errorBody(404) }), { ...entra, args: { id: 'u-1' } })).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users?filter=x', body: listBody([]) }), { ...okta, args: { id: 'u-1', lookup: true } })).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users?filter=x', body: listBody([{ id: 'u-1' }]) }), { ...okta, args: { id: 'u-1', lookup: true } })).toBe('pass')
  })
  it('a broken expectation is information under a profile it does not concern', () => {
    const x = exchange({ path: '/Users?filter=x', body: listBody([]) })
    expect(verdict(check('idp.inactive-retrievable'), x, { idp: 'generic', args: { id: 'u-1', lookup: true } })).toBe('info')
  })

  it('idp.group-displayName-unique: 409 passes; 201 fails for Entra; a lookup instead of a POST skips', () => {
    const c = check('idp.group-displayName-unique')
    expect(verdict(c, exchange({ method: 'POST', path: '/Groups', status: 409, body: errorBody(409, 'uniqueness') }), entra)).toBe('pass')
    expect(verdict(c, exchange({ method: 'POST', path: '/Groups', status: 201, body: { id: 'g-2' } }), entra)).toBe('fail')
    expect(verdict(c, exchange({ method: 'GET', path: '/Groups?filter=x', body: listBody([]) }), entra)).toBe('skip')
  })

  it('idp.stable-order: the same order passes; a different order fails for Okta; too few users skips', () => {
    const c = check('idp.stable-order')
    const x = exchange({ path: '/Users' })
    expect(verdict(c, x, { ...okta, args: { first: { ids: ['a', 'b', 'c'] }, second: { ids: ['a', 'b', 'c'] } } })).toBe('pass')
    expect(verdict(c, x, { ...okta, args: { first: { ids: ['a', 'b', 'c'] }, second: { ids: ['a', 'c', 'b'] } } })).toBe('fail')
    expect(verdict(c, x, { ...okta, args: { first: { ids: ['a'] }, second: { ids: ['a'] } } })).toBe('skip')
  })

  it('idp.no-transform: byte-identical passes; a reformatted phone number fails for Entra', () => {
    const c = check('idp.no-transform')
    const created = { ...stepX('c', { method: 'POST', status: 201, requestBody: { schemas: [USER], userName: 'u', phoneNumbers: [{ value: '55555555555', type: 'mobile' }], emails: [{ value: 'Mixed@Example.COM' }] } }), idp: 'entra' }
    const args = { after: 'c', phone: '55555555555', email: 'Mixed@Example.COM' }
    const read = (phone: string, email: string) => exchange({ path: '/Users/u-1', body: { id: 'u-1', phoneNumbers: [{ value: phone, type: 'mobile' }], emails: [{ value: email }] } })
    expect(verdict(c, read('55555555555', 'Mixed@Example.COM'), { ...entra, history: [created], args })).toBe('pass')
    expect(verdict(c, read('+5 555-555-5555', 'Mixed@Example.COM'), { ...entra, history: [created], args })).toBe('fail')
    expect(verdict(c, read('55555555555', 'mixed@example.com'), { ...entra, history: [created], args })).toBe('fail')
  })

  it('idp.read-after-write: 2xx passes; 404 right after the create fails for Entra', () => {
    const c = check('idp.read-after-write')
    expect(verdict(c, exchange({ path: '/Users/u-1', body: { id: 'u-1' } }), entra)).toBe('pass')
    expect(verdict(c, exchange({ path: '/Users/u-1', status: 404, body: errorBody(404) }), entra)).toBe('fail')
  })

  it('idp.test-connection: a ListResponse passes; 401 or an HTML page fails for Okta', () => {
    const c = check('idp.test-connection')
    expect(verdict(c, exchange({ path: '/Users?startIndex=1&count=2', body: listBody([]) }), okta)).toBe('pass')
    expect(verdict(c, exchange({ path: '/Users?startIndex=1&count=2', status: 401, body: errorBody(401) }), okta)).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users?startIndex=1&count=2', body: '<html></html>', headers: { 'content-type': 'text/html' } }), okta)).toBe('fail')
  })

  it('idp.token-rotation: the old token refused and the new one working pass; an old token still working fails under every profile', () => {
    const c = check('idp.token-rotation')
    expect(verdict(c, exchange({ status: 401, body: errorBody(401) }), { args: { token: 'previous' } })).toBe('pass')
    expect(verdict(c, exchange({ body: listBody([]) }), { args: { token: 'previous' } })).toBe('fail')
    expect(verdict(c, exchange({ body: listBody([]) }), { args: { token: 'current' } })).toBe('pass')
  })
})

describe('Annex A scenario against the built-in server', () => {
  const file = 'scenarios/rfc/idp.yaml'

  it('is green under every profile, with each expectation judged under the IdPs it concerns', async () => {
    const r = await runScenario(file, { idps: ['generic', 'okta', 'entra', 'onelogin', 'jumpcloud', 'ping'] })
    expect(problems(r)).toEqual([])
    const passed = (idp: string) => new Set(r.results.filter((x) => x.idp === idp && x.status === 'pass').map((x) => x.id))
    expect(['idp.inactive-retrievable', 'idp.stable-order', 'idp.test-connection', 'idp.token-rotation'].filter((id) => !passed('okta').has(id))).toEqual([])
    expect(['idp.inactive-retrievable', 'idp.group-displayName-unique', 'idp.no-transform', 'idp.read-after-write', 'idp.test-connection'].filter((id) => !passed('entra').has(id))).toEqual([])
  })

  it('fails under the IdPs a fault breaks, and only records it under the others', async () => {
    const r = await runScenario(file, { idps: ['generic', 'okta', 'entra'], builtinFaults: ['deactivated-not-findable', 'unstable-order', 'token-rotation-ignored'] })
    const by = (status: string) => r.results.filter((x) => x.status === status && x.id.startsWith('idp.') && !x.id.startsWith('idp.okta') && !x.id.startsWith('idp.entra')).map((x) => `${x.idp} ${x.id}`).sort()
    expect(new Set(by('fail'))).toEqual(new Set(['okta idp.inactive-retrievable', 'entra idp.inactive-retrievable', 'okta idp.stable-order', 'generic idp.token-rotation', 'okta idp.token-rotation', 'entra idp.token-rotation']))
    expect(by('info')).toContain('generic idp.inactive-retrievable')
  })
})
