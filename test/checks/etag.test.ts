import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/etag.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, listBody, runScenario, stepX, verdict } from './support.js'

const check = finder(checks)
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const user = (version?: string, over: Record<string, unknown> = {}) => ({ schemas: [USER], id: 'u-1', userName: 'ada@example.com', meta: { resourceType: 'User', ...(version ? { version } : {}) }, ...over })
const get = (tag: string | undefined, body: unknown = user(tag), status = 200) => exchange({ path: '/Users/u-1', status, body, headers: tag ? { etag: tag } : {} })

describe('ETag checks on crafted exchanges', () => {
  it('etag.header: a weak or strong tag passes; none or an unquoted one fails', () => {
    const c = check('etag.header')
    expect(verdict(c, get('W/"3"'))).toBe('pass')
    expect(verdict(c, get('"abc"'))).toBe('pass')
    expect(verdict(c, get(undefined, user('W/"3"')))).toBe('fail')
    expect(verdict(c, get('3'))).toBe('fail')
  })

  it('etag.meta-version: present passes; missing warns', () => {
    expect(verdict(check('etag.meta-version'), get('W/"3"'))).toBe('pass')
    expect(verdict(check('etag.meta-version'), get('W/"3"', user()))).toBe('warn')
  })

  it('etag.version-match: equal passes; different fails; one missing skips', () => {
    const c = check('etag.version-match')
    expect(verdict(c, get('W/"3"'))).toBe('pass')
    expect(verdict(c, get('W/"3"', user('W/"4"')))).toBe('fail')
    expect(verdict(c, get('W/"3"', user()))).toBe('skip')
  })

  it('etag.weak-prefix: W/ passes; w/ fails, in the header or in meta.version of a list', () => {
    const c = check('etag.weak-prefix')
    expect(verdict(c, get('W/"3"'))).toBe('pass')
    expect(verdict(c, get('w/"3"', user('W/"3"')))).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users', body: listBody([user('w/"3"')]) }))).toBe('fail')
  })

  it('etag.on-write: a 2xx write with ETag passes; without it warns', () => {
    const c = check('etag.on-write')
    expect(verdict(c, exchange({ method: 'PUT', status: 200, body: user('W/"4"'), headers: { etag: 'W/"4"' } }))).toBe('pass')
    expect(verdict(c, exchange({ method: 'PATCH', status: 204 }))).toBe('warn')
  })

  it('etag.changes: a new tag after the write passes; the same tag fails', () => {
    const c = check('etag.changes')
    const ctx = { history: [{ ...get('W/"3"'), step: 'r1' }, stepX('w', { method: 'PUT', status: 200, body: user('W/"4"') })], args: { before: 'r1', after: 'w' } }
    expect(verdict(c, get('W/"4"'), ctx)).toBe('pass')
    expect(verdict(c, get('W/"3"'), ctx)).toBe('fail')
  })

  it('etag.if-none-match-304: an empty 304 passes; 200 fails', () => {
    expect(verdict(check('etag.if-none-match-304'), exchange({ status: 304, headers: { etag: 'W/"3"' } }))).toBe('pass')
    expect(verdict(check('etag.if-none-match-304'), get('W/"3"'))).toBe('fail')
  })

  it('etag.if-none-match-200: 200 with the resource passes; 304 fails', () => {
    expect(verdict(check('etag.if-none-match-200'), get('W/"4"'))).toBe('pass')
    expect(verdict(check('etag.if-none-match-200'), exchange({ status: 304 }))).toBe('fail')
  })

  it('etag.if-match-stale: 412 with nothing applied passes; 409 warns; 200 fails', () => {
    const c = check('etag.if-match-stale')
    const ctx = (status: number) => ({ history: [stepX('w', { method: 'PUT', path: '/Users/u-1', status, body: status >= 400 ? errorBody(status) : user('W/"5"') })], args: { after: 'w', attempted: { path: 'nickName', value: 'Z' } } })
    expect(verdict(c, get('W/"4"'), ctx(412))).toBe('pass')
    expect(verdict(c, get('W/"4"'), ctx(409))).toBe('warn')
    expect(verdict(c, get('W/"5"', user('W/"5"', { nickName: 'Z' })), ctx(200))).toBe('fail')
  })
  it('etag.if-match-stale: a DELETE with a stale tag that removed the resource fails', () => {
    const ctx = { history: [stepX('w', { method: 'DELETE', path: '/Users/u-1', status: 204 })], args: { after: 'w' } }
    expect(verdict(check('etag.if-match-stale'), get(undefined, errorBody(404), 404), ctx)).toBe('fail')
  })

  it('etag.if-match-current: 2xx passes; 412 fails', () => {
    expect(verdict(check('etag.if-match-current'), exchange({ method: 'PUT', status: 200, body: user('W/"5"') }))).toBe('pass')
    expect(verdict(check('etag.if-match-current'), exchange({ method: 'PUT', status: 412, body: errorBody(412), requestHeaders: { 'if-match': '"5"' } }))).toBe('fail')
  })
  it('etag.if-match-current: no false alarm when a server compares a weak tag strongly (RFC 7232 §3.1): recorded', () => {
    expect(verdict(check('etag.if-match-current'), exchange({ method: 'PUT', status: 412, body: errorBody(412), requestHeaders: { 'if-match': 'W/"5"' } }))).toBe('info')
  })

  it('etag.list-version: versions on every listed resource pass; missing warns; an empty list cannot judge', () => {
    const c = check('etag.list-version')
    expect(verdict(c, exchange({ path: '/Users', body: listBody([user('W/"1"')]) }))).toBe('pass')
    expect(verdict(c, exchange({ path: '/Users', body: listBody([user()]) }))).toBe('warn')
    expect(verdict(c, exchange({ path: '/Users', body: listBody([]) }))).toBe('error')
  })
})

describe('ETag scenario against the built-in server', () => {
  const file = 'scenarios/rfc/etag.yaml'

  it('is green on the reference server with every ETag check judged, and on the variants', async () => {
    for (const variants of [[], ['patch-204', 'non-uuid-ids', 'no-bulk']]) {
      const r = await runScenario(file, { builtinVariants: variants })
      expect(problems(r)).toEqual([])
      const passed = new Set(r.results.filter((x) => x.status === 'pass').map((x) => x.id))
      expect(checks.map((c) => c.id).filter((id) => !passed.has(id))).toEqual([])
    }
  })

  it('skips with the reason when the server says etag.supported = false (variant no-etag)', async () => {
    const r = await runScenario(file, { builtinVariants: ['no-etag'] })
    expect(problems(r)).toEqual([])
    const skip = r.results.find((x) => x.scenario === 'rfc-etag')
    expect(skip?.status).toBe('skip')
    expect(skip?.reason).toMatch(/etag\.supported = false/)
  })

  it('fails etag.if-match-stale when If-Match is ignored', async () => {
    const r = await runScenario(file, { builtinFaults: ['if-match-ignored'] })
    expect(new Set(r.results.filter((x) => x.status === 'fail').map((x) => x.id))).toEqual(new Set(['etag.if-match-stale']))
  })
})
