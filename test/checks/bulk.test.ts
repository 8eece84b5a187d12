import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/bulk.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, listBody, runScenario, stepX, verdict } from './support.js'

const check = finder(checks)
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse'
const BASE = 'http://127.0.0.1:1/scim/v2'
const ok = (bulkId: string, id: string, over: Record<string, unknown> = {}) => ({ method: 'POST', bulkId, location: `${BASE}/Users/${id}`, status: '201', ...over })
const failed = (bulkId: string, over: Record<string, unknown> = {}) => ({ method: 'POST', bulkId, status: '400', response: errorBody(400, 'invalidValue'), ...over })
const bulk = (ops: unknown[], status = 200, requestBody: unknown = { Operations: [{}] }) => exchange({ method: 'POST', path: '/Bulk', status, body: { schemas: [BULK_RESPONSE], Operations: ops }, requestBody })

describe('Bulk checks on crafted exchanges', () => {
  it('bulk.post: 200 BulkResponse passes; 501 or another schema fails', () => {
    const c = check('bulk.post')
    expect(verdict(c, bulk([ok('b1', 'u-1')]))).toBe('pass')
    expect(verdict(c, exchange({ method: 'POST', path: '/Bulk', status: 501, body: errorBody(501) }))).toBe('fail')
    expect(verdict(c, exchange({ method: 'POST', path: '/Bulk', status: 200, body: { Operations: [] } }))).toBe('fail')
  })

  it('bulk.op-fields: "201" and {"code": "201"} both pass; a missing location or a numeric status fails', () => {
    const c = check('bulk.op-fields')
    const args = { args: { bulkId: 'b1' } }
    expect(verdict(c, bulk([ok('b1', 'u-1')]), args)).toBe('pass')
    expect(verdict(c, bulk([ok('b1', 'u-1', { status: { code: '201' } })]), args)).toBe('pass')
    expect(verdict(c, bulk([{ method: 'POST', bulkId: 'b1', status: '201' }]), args)).toBe('fail')
    expect(verdict(c, bulk([ok('b1', 'u-1', { status: 201 })]), args)).toBe('fail')
    expect(verdict(c, bulk([ok('b9', 'u-1')]), args)).toBe('fail')
  })

  it('bulk.bulkid-reference: the group holding the new user passes; the literal bulkId reference fails', () => {
    const c = check('bulk.bulkid-reference')
    const b = { ...bulk([ok('b2', 'u-2'), { method: 'POST', bulkId: 'g2', location: `${BASE}/Groups/g-2`, status: '201' }]), step: 'b' }
    const ctx = { history: [b], args: { after: 'b', group: 'g2', user: 'b2' } }
    const g = (value: string) => exchange({ path: '/Groups/g-2', body: { id: 'g-2', displayName: 'x', members: [{ value }] } })
    expect(verdict(c, g('u-2'), ctx)).toBe('pass')
    expect(verdict(c, g('bulkId:b2'), ctx)).toBe('fail')
    const failedGroup = bulk([ok('b2', 'u-2'), { method: 'POST', bulkId: 'g2', status: '400', response: errorBody(400) }])
    expect(verdict(c, failedGroup, { args: { group: 'g2', user: 'b2' } })).toBe('fail')
  })

  it('bulk.order-independent: resolved passes; 409 is recorded; another failure fails', () => {
    const c = check('bulk.order-independent')
    const args = { args: { group: 'g3', user: 'b3' } }
    expect(verdict(c, bulk([{ method: 'POST', bulkId: 'g3', status: '409', response: errorBody(409) }, ok('b3', 'u-3')]), args)).toBe('info')
    expect(verdict(c, bulk([{ method: 'POST', bulkId: 'g3', status: '400', response: errorBody(400) }, ok('b3', 'u-3')]), args)).toBe('fail')
    const b = { ...bulk([{ method: 'POST', bulkId: 'g3', location: `${BASE}/Groups/g-3`, status: '201' }, ok('b3', 'u-3')]), step: 'b' }
    expect(verdict(c, exchange({ path: '/Groups/g-3', body: { id: 'g-3', members: [{ value: 'u-3' }] } }), { history: [b], args: { after: 'b', group: 'g3', user: 'b3' } })).toBe('pass')
  })

  it('bulk.error-detail: 400 with a SCIM Error passes; without a response fails', () => {
    const c = check('bulk.error-detail')
    expect(verdict(c, bulk([failed('b4')]), { args: { bulkId: 'b4' } })).toBe('pass')
    expect(verdict(c, bulk([failed('b4', { response: undefined })]), { args: { bulkId: 'b4' } })).toBe('fail')
  })

  it('bulk.continue: the operation after the error executed passes; stopped fails', () => {
    const c = check('bulk.continue')
    const args = { args: { bad: 'b4', good: 'b5' } }
    expect(verdict(c, bulk([failed('b4'), ok('b5', 'u-5')]), args)).toBe('pass')
    expect(verdict(c, bulk([failed('b4')]), args)).toBe('fail')
  })

  it('bulk.fail-on-errors: stopped at the error passes; the next operation executed fails, in the response or by lookup', () => {
    const c = check('bulk.fail-on-errors')
    const args = { args: { bad: 'b6', good: 'b7' } }
    expect(verdict(c, bulk([failed('b6')]), args)).toBe('pass')
    expect(verdict(c, bulk([failed('b6'), ok('b7', 'u-7')]), args)).toBe('fail')
    const ctx = { history: [{ ...bulk([failed('b6')]), step: 'b' }], args: { after: 'b' } }
    expect(verdict(c, exchange({ path: '/Users?filter=x', body: listBody([{ id: 'u-7' }]) }), ctx)).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users?filter=x', body: listBody([]) }), ctx)).toBe('pass')
  })

  it('bulk.methods: 200/200/204 with the effects visible passes; a DELETE that left the user fails', () => {
    const c = check('bulk.methods')
    const b = { ...bulk([{ method: 'PUT', location: `${BASE}/Users/a`, status: '200' }, { method: 'PATCH', location: `${BASE}/Users/b`, status: '200' }, { method: 'DELETE', location: `${BASE}/Users/c`, status: '204' }]), step: 'b' }
    const ua = stepX('ra', { path: '/Users/a', body: { id: 'a', name: { givenName: 'G' } } })
    const ub = stepX('rb', { path: '/Users/b', body: { id: 'b', nickName: 'N' } })
    const args = { after: 'b', put: { step: 'ra', givenName: 'G' }, patch: { step: 'rb', nickName: 'N' }, delete: { step: 'rc' } }
    const gone = stepX('rc', { path: '/Users/c', status: 404, body: errorBody(404) })
    expect(verdict(c, gone, { history: [b, ua, ub, gone], args })).toBe('pass')
    const still = stepX('rc', { path: '/Users/c', status: 200, body: { id: 'c' } })
    expect(verdict(c, still, { history: [b, ua, ub, still], args })).toBe('fail')
  })

  it('bulk.max-operations: skips below the limit; over it, 413 naming the limit passes and 200 fails', () => {
    const c = check('bulk.max-operations')
    const discovery = { spc: { bulk: { supported: true, maxOperations: 2, maxPayloadSize: 1000 } } }
    expect(verdict(c, bulk([ok('b1', 'u-1')]), { discovery })).toBe('skip')
    const big = { Operations: [{}, {}, {}] }
    expect(verdict(c, exchange({ method: 'POST', path: '/Bulk', status: 413, body: errorBody(413), requestBody: big }), { discovery })).toBe('fail')
    expect(verdict(c, exchange({ method: 'POST', path: '/Bulk', status: 413, body: { ...errorBody(413), detail: 'maxOperations is 2' }, requestBody: big }), { discovery })).toBe('pass')
    expect(verdict(c, bulk([ok('b1', 'u-1')], 200, big), { discovery })).toBe('fail')
  })

  it('bulk.max-payload: skips below the limit; over it, 413 naming the limit passes and 200 fails', () => {
    const c = check('bulk.max-payload')
    const discovery = { spc: { bulk: { supported: true, maxOperations: 2, maxPayloadSize: 100 } } }
    expect(verdict(c, bulk([ok('b1', 'u-1')]), { discovery })).toBe('skip')
    const big = { Operations: [{ data: 'x'.repeat(200) }] }
    expect(verdict(c, exchange({ method: 'POST', path: '/Bulk', status: 413, body: { ...errorBody(413), detail: 'over 100 bytes' }, requestBody: big }), { discovery })).toBe('pass')
    expect(verdict(c, bulk([ok('b1', 'u-1')], 200, big), { discovery })).toBe('fail')
  })

  it('bulk.post-failure-no-location: none passes; a location on the failed POST warns', () => {
    const c = check('bulk.post-failure-no-location')
    expect(verdict(c, bulk([failed('b4')]), { args: { bulkId: 'b4' } })).toBe('pass')
    expect(verdict(c, bulk([failed('b4', { location: `${BASE}/Users/x` })]), { args: { bulkId: 'b4' } })).toBe('warn')
  })
})

describe('Bulk scenario against the built-in server', () => {
  const file = 'scenarios/rfc/bulk.yaml'

  it('is green on the reference server and the variants; the oversize probes skip with the reason', async () => {
    for (const variants of [[], ['patch-204', 'non-uuid-ids', 'no-etag']]) {
      const r = await runScenario(file, { builtinVariants: variants })
      expect(problems(r)).toEqual([])
      const passed = new Set(r.results.filter((x) => x.status === 'pass').map((x) => x.id))
      expect(checks.map((c) => c.id).filter((id) => !passed.has(id))).toEqual(['bulk.max-operations', 'bulk.max-payload'])
      // Everything the bulk requests created is deleted at the end.
      expect(r.leftovers).toEqual([])
      const created = r.exchanges.filter((x) => x.request.method === 'DELETE' && x.step === 'cleanup').length
      expect(created).toBeGreaterThanOrEqual(9)
    }
  })

  it('skips with the reason when the server says bulk.supported = false (variant no-bulk)', async () => {
    const r = await runScenario(file, { builtinVariants: ['no-bulk'] })
    expect(problems(r)).toEqual([])
    expect(r.results.find((x) => x.scenario === 'rfc-bulk')?.reason).toMatch(/bulk\.supported = false/)
  })
})
