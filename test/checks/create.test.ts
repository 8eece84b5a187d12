import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/create.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, runScenario, statuses, verdict } from './support.js'

const check = finder(checks)
const BASE = 'http://127.0.0.1:1/scim/v2'
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const sent = {
  schemas: [USER],
  userName: 'scimcheck-r1-crt-u1@example.com',
  externalId: 'ScimCheck-AbC-r1',
  name: { givenName: 'Zoe', familyName: 'Doe' },
  emails: [{ value: 'w@example.com', type: 'work', primary: true }, { value: 'h@example.com', type: 'home' }],
  active: true,
}
const created = (over: Record<string, unknown> = {}, headers: Record<string, string> = { location: `${BASE}/Users/u-1` }) =>
  exchange({ method: 'POST', path: '/Users', status: 201, headers, requestBody: sent, body: { ...sent, id: 'u-1', meta: { resourceType: 'User', location: `${BASE}/Users/u-1`, created: '2026-01-01T00:00:00Z', lastModified: '2026-01-01T00:00:00Z' }, ...over } })
const post = (status: number, body?: unknown, requestBody: unknown = sent) => exchange({ method: 'POST', path: '/Users', status, body, requestBody })

describe('create checks on crafted exchanges', () => {
  it('create.status-201: 201 passes, 200 fails', () => {
    expect(verdict(check('create.status-201'), created())).toBe('pass')
    expect(verdict(check('create.status-201'), post(200, { ...sent, id: 'u-1' }))).toBe('fail')
  })
  it('create.status-201: a 401 is an error (could not judge), never a pass', () => {
    expect(verdict(check('create.status-201'), post(401, errorBody(401)))).toBe('error')
  })

  it('create.location-header: absolute URI naming the id passes; missing, relative or another id fails', () => {
    const c = check('create.location-header')
    expect(verdict(c, created())).toBe('pass')
    expect(verdict(c, created({}, {}))).toBe('fail')
    expect(verdict(c, created({}, { location: '/scim/v2/Users/u-1' }))).toBe('fail')
    expect(verdict(c, created({}, { location: `${BASE}/Users/u-2` }))).toBe('fail')
  })
  it('create.location-header: no false alarm when ids are not UUIDs and are percent-encoded', () => {
    const x = created({ id: 'u 17' }, { location: `${BASE}/Users/u%2017` })
    expect(verdict(check('create.location-header'), x)).toBe('pass')
  })

  it('create.location-matches-meta: equal passes, different fails, absent skips', () => {
    const c = check('create.location-matches-meta')
    expect(verdict(c, created())).toBe('pass')
    expect(verdict(c, created({}, { location: `${BASE}/Users/other` }))).toBe('fail')
    expect(verdict(c, created({}, {}))).toBe('skip')
  })

  it('create.body: the resource passes; an empty 201 warns (Okta: "returned empty user")', () => {
    const c = check('create.body')
    expect(verdict(c, created())).toBe('pass')
    expect(verdict(c, post(201, undefined))).toBe('warn')
    expect(verdict(c, post(201, { schemas: [USER] }))).toBe('warn')
  })

  it('create.reflects-input: echoed values pass; an altered one warns; case differences on caseExact=false pass', () => {
    const c = check('create.reflects-input')
    expect(verdict(c, created())).toBe('pass')
    expect(verdict(c, created({ userName: 'SCIMCHECK-R1-CRT-U1@EXAMPLE.COM' }))).toBe('pass')
    expect(verdict(c, created({ name: { givenName: 'Zoey', familyName: 'Doe' } }))).toBe('warn')
    expect(verdict(c, created({ externalId: 'scimcheck-abc-r1' }))).toBe('warn')
    expect(verdict(c, created({ emails: [{ value: 'w@example.com', type: 'work', primary: true }] }))).toBe('warn')
  })

  it('create.duplicate-409 and duplicate-scimtype: 409 uniqueness passes; 201 fails; 409 without scimType warns', () => {
    const d = check('create.duplicate-409')
    const t = check('create.duplicate-scimtype')
    expect(verdict(d, post(409, errorBody(409, 'uniqueness')))).toBe('pass')
    expect(verdict(t, post(409, errorBody(409, 'uniqueness')))).toBe('pass')
    expect(verdict(d, post(201, { ...sent, id: 'u-2' }))).toBe('fail')
    expect(verdict(d, post(400, errorBody(400, 'uniqueness')))).toBe('fail')
    expect(verdict(d, post(409, { detail: 'dup' }))).toBe('fail')
    expect(verdict(t, post(409, errorBody(409)))).toBe('warn')
    expect(verdict(t, post(409, errorBody(409, 'invalidValue')))).toBe('warn')
    expect(verdict(t, post(201, { ...sent, id: 'u-2' }))).toBe('skip')
  })

  it('create.duplicate-case: 409 passes, 201 fails', () => {
    const c = check('create.duplicate-case')
    expect(verdict(c, post(409, errorBody(409, 'uniqueness')))).toBe('pass')
    expect(verdict(c, post(201, { ...sent, id: 'u-3' }))).toBe('fail')
  })

  it('create.readonly-ignored: server meta passes; the bogus meta applied or a 400 fails', () => {
    const c = check('create.readonly-ignored')
    const body = { schemas: [USER], userName: 'u3', groups: [], meta: { resourceType: 'Bogus', created: '2000-01-01T00:00:00Z' } }
    const ok = exchange({ method: 'POST', path: '/Users', status: 201, requestBody: body, body: { ...body, id: 'u-3', groups: undefined, meta: { resourceType: 'User', created: '2026-01-01T00:00:00Z' } } })
    const applied = exchange({ method: 'POST', path: '/Users', status: 201, requestBody: body, body: { ...body, id: 'u-3' } })
    expect(verdict(c, ok)).toBe('pass')
    expect(verdict(c, applied)).toBe('fail')
    expect(verdict(c, exchange({ method: 'POST', path: '/Users', status: 400, requestBody: body, body: errorBody(400, 'mutability') }))).toBe('fail')
  })

  it('create.userName-missing: 400 invalidValue passes; 201 fails; another scimType only warns', () => {
    const c = check('create.userName-missing')
    expect(statuses(c, post(400, errorBody(400, 'invalidValue')))).toEqual(['pass', 'pass'])
    expect(statuses(c, post(400, errorBody(400, 'invalidSyntax')))).toEqual(['pass', 'warn'])
    expect(statuses(c, post(201, { id: 'x' }))).toEqual(['fail'])
  })

  it('create.userName-empty: 400 passes, 201 fails', () => {
    const c = check('create.userName-empty')
    expect(verdict(c, post(400, errorBody(400, 'invalidValue')))).toBe('pass')
    expect(verdict(c, post(201, { id: 'x', userName: '' }))).toBe('fail')
  })

  it('create.unknown-schema-uri is recorded: accepted passes, rejected is info, never a failure', () => {
    const c = check('create.unknown-schema-uri')
    expect(verdict(c, post(201, { id: 'x' }))).toBe('pass')
    expect(verdict(c, post(400, errorBody(400, 'invalidValue')))).toBe('info')
    expect(verdict(c, post(500, errorBody(500)))).toBe('info')
  })

  it('create.group: 201 with id, Location and displayName passes; missing Location fails', () => {
    const c = check('create.group')
    const g = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'g1', members: [] }
    const ok = exchange({ method: 'POST', path: '/Groups', status: 201, headers: { location: `${BASE}/Groups/g-1` }, requestBody: g, body: { ...g, id: 'g-1' } })
    const noLoc = exchange({ method: 'POST', path: '/Groups', status: 201, requestBody: g, body: { ...g, id: 'g-1' } })
    expect(verdict(c, ok)).toBe('pass')
    expect(verdict(c, noLoc)).toBe('fail')
    expect(verdict(c, exchange({ method: 'POST', path: '/Groups', status: 501, requestBody: g, body: errorBody(501) }))).toBe('fail')
  })

  it('create.group-with-members: the member listed passes; dropped fails; omitted from the body skips', () => {
    const c = check('create.group-with-members')
    const args = { member: 'u-1' }
    const x = (members: unknown) => exchange({ method: 'POST', path: '/Groups', status: 201, body: { id: 'g-2', displayName: 'g2', ...(members === undefined ? {} : { members }) } })
    expect(verdict(c, x([{ value: 'u-1' }]), { args })).toBe('pass')
    expect(verdict(c, x([]), { args })).toBe('fail')
    expect(verdict(c, x(undefined), { args })).toBe('skip')
  })

  it('create.group-displayName-missing: 400 passes; 201 fails', () => {
    const c = check('create.group-displayName-missing')
    expect(statuses(c, exchange({ method: 'POST', path: '/Groups', status: 400, body: errorBody(400, 'invalidValue') }))).toEqual(['pass', 'pass'])
    expect(statuses(c, exchange({ method: 'POST', path: '/Groups', status: 201, body: { id: 'g' } }))).toEqual(['fail'])
  })
})

describe('create scenario against the built-in server', () => {
  const file = 'scenarios/rfc/create.yaml'

  it('is green on the reference server and every variant', async () => {
    for (const v of [[], ['patch-204', 'non-uuid-ids', 'no-etag', 'no-sort']]) {
      const r = await runScenario(file, { builtinVariants: v })
      expect(problems(r), v.join()).toEqual([])
      expect(r.results.filter((x) => x.id.startsWith('create.') && x.status === 'pass').length).toBeGreaterThanOrEqual(18)
    }
  }, 30_000)

  it('fails duplicate checks under no-409 and userName-case-sensitive, Location checks under no-location', async () => {
    const failed = async (fault: string) => {
      const r = await runScenario(file, { builtinFaults: [fault] })
      return new Set(r.results.filter((x) => x.status === 'fail' || x.status === 'warn').map((x) => x.id))
    }
    const no409 = await failed('no-409')
    expect(no409.has('create.duplicate-409')).toBe(true)
    expect(no409.has('create.duplicate-case')).toBe(true)
    expect((await failed('userName-case-sensitive')).has('create.duplicate-case')).toBe(true)
    expect((await failed('duplicate-409-no-scimtype')).has('create.duplicate-scimtype')).toBe(true)
    const noLoc = await failed('no-location')
    expect(noLoc.has('create.location-header')).toBe(true)
    expect(noLoc.has('create.group')).toBe(true)
    expect((await failed('create-empty-body')).has('create.body')).toBe(true)
  }, 30_000)
})
