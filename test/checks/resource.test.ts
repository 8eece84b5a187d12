import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/resource.js'
import { URN } from '../../src/rfc/index.js'
import { RFC_SCHEMAS } from '../../src/rfc/model.js'
import type { Exchange } from '../../src/http/exchange.js'
import { problems } from '../helpers/run.js'
import { context, errorBody, exchange, findings, finder, listBody, runScenario, statuses, verdict } from './support.js'

const check = finder(checks)
const BASE = 'http://127.0.0.1:1/scim/v2'
const meta = (id: string, type = 'User', over: Record<string, unknown> = {}) => ({ resourceType: type, created: '2024-01-31T12:00:00Z', lastModified: '2024-01-31T12:00:00Z', location: `${BASE}/${type}s/${id}`, ...over })
const u = (over: Record<string, unknown> = {}) => ({ schemas: [URN.user], id: 'u1', userName: 'scimcheck-u1', meta: meta('u1'), ...over })
const g = (over: Record<string, unknown> = {}) => ({ schemas: [URN.group], id: 'g1', displayName: 'scimcheck-g1', meta: meta('g1', 'Group'), ...over })
const getU = (body: unknown, over: Parameters<typeof exchange>[0] = {}) => exchange({ path: '/Users/u1', body, ...over })
const own = { ownIds: new Set(['u1', 'g1']) }

/** Discovery as the reference server serves it: User with the enterprise extension, Group. */
const discovery = {
  spc: { etag: { supported: true } },
  resourceTypes: [
    { schemas: [URN.resourceType], id: 'User', name: 'User', endpoint: '/Users', schema: URN.user, schemaExtensions: [{ schema: URN.enterpriseUser, required: false }] },
    { schemas: [URN.resourceType], id: 'Group', name: 'Group', endpoint: '/Groups', schema: URN.group },
  ],
  schemas: [RFC_SCHEMAS.user, RFC_SCHEMAS.group, RFC_SCHEMAS.enterpriseUser],
}

describe('representation checks (ambient) on crafted exchanges', () => {
  it('resource.schemas: the base schema passes; absent, empty or without the base fails', () => {
    const c = check('resource.schemas')
    expect(verdict(c, getU(u()), own)).toBe('pass')
    expect(verdict(c, getU(u({ schemas: undefined })), own)).toBe('fail')
    expect(verdict(c, getU(u({ schemas: [] })), own)).toBe('fail')
    expect(verdict(c, getU(u({ schemas: [URN.group] })), own)).toBe('fail')
  })

  it('resource.schemas-allowed: duplicates fail; undeclared URIs fail only where /ResourceTypes says what is allowed', () => {
    const c = check('resource.schemas-allowed')
    expect(verdict(c, getU(u({ schemas: [URN.user, URN.enterpriseUser] })), { ...own, discovery })).toBe('pass')
    expect(verdict(c, getU(u({ schemas: [URN.user, URN.user] })), own)).toBe('fail')
    expect(verdict(c, getU(u({ schemas: [URN.user, 'urn:example:other'] })), { ...own, discovery })).toBe('fail')
    // Without discovery a custom extension may be legitimate: not judged.
    expect(verdict(c, getU(u({ schemas: [URN.user, 'urn:example:other'] })), own)).toBe('pass')
  })

  it('resource.id: list elements without id fail; data the run did not create is labelled pre-existing', () => {
    const c = check('resource.id')
    expect(verdict(c, getU(u()), own)).toBe('pass')
    const f = findings(c, exchange({ path: '/Users', body: listBody([u(), { ...u(), id: undefined, userName: 'someone-else' }]) }), own)
    expect(f.map((x) => [x.ok, x.preExisting])).toEqual([[true, undefined], [false, undefined]])
    // A pass is only counted, so only findings that report something carry the label.
    expect(findings(c, getU(u({ id: 'other' })))[0].preExisting).toBeUndefined()
    expect(findings(check('resource.id-no-bulkid'), getU(u({ id: 'other-bulkId' })))[0]).toMatchObject({ ok: false, preExisting: true })
  })

  it('resource.id-no-bulkid', () => {
    expect(verdict(check('resource.id-no-bulkid'), getU(u()))).toBe('pass')
    expect(verdict(check('resource.id-no-bulkid'), getU(u({ id: 'bulkId:qwerty' })))).toBe('fail')
  })

  it('resource.id-unique: a User and a Group with one id, two creations with one id, or one page listing an id twice fail', () => {
    const c = check('resource.id-unique')
    const history: Exchange[] = []
    const at = (x: Exchange) => {
      x.index = history.length
      history.push(x)
      return x
    }
    const created = at(exchange({ method: 'POST', path: '/Users', status: 201, body: u() }))
    expect(verdict(c, created, { history })).toBe('pass')
    expect(verdict(c, at(getU(u())), { history })).toBe('pass')
    expect(verdict(c, at(exchange({ path: '/Groups/u1', body: g({ id: 'u1' }) })), { history })).toBe('fail')
    expect(verdict(c, at(exchange({ method: 'POST', path: '/Users', status: 201, body: u({ userName: 'other' }) })), { history })).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users', body: listBody([u(), u()]) }), { history: [] })).toBe('fail')
  })

  it('resource.primary-once: two primary emails fail, extension attributes included', () => {
    const c = check('resource.primary-once')
    expect(verdict(c, getU(u({ emails: [{ value: 'a', primary: true }, { value: 'b', primary: false }] })))).toBe('pass')
    expect(verdict(c, getU(u({ emails: [{ value: 'a', primary: true }, { value: 'b', primary: true }] })))).toBe('fail')
    expect(verdict(c, getU(u({ 'urn:example:ext': { phones: [{ value: '1', primary: true }, { value: '2', primary: true }] } })))).toBe('fail')
  })

  it('resource.type-value-unique: a repeated (type, value) warns', () => {
    const c = check('resource.type-value-unique')
    expect(verdict(c, getU(u({ emails: [{ value: 'a', type: 'work' }, { value: 'a', type: 'home' }] })))).toBe('pass')
    expect(verdict(c, getU(u({ emails: [{ value: 'a', type: 'work' }, { value: 'a', type: 'work' }] })))).toBe('warn')
  })

  it('resource.json-types: typed by the server’s /Schemas when known, by RFC 7643 otherwise; meta, id and schemas are left to their checks', () => {
    const c = check('resource.json-types')
    expect(verdict(c, getU(u({ active: true, emails: [{ value: 'a', primary: true }] })), { discovery })).toBe('pass')
    expect(findings(c, getU(u({ active: 'true' })), { discovery })[0].message).toBe('User.active must be a boolean, not the string "true" (typed by the server’s /Schemas)')
    expect(findings(c, getU(u({ emails: { value: 'a' } })))[0].message).toBe('User.emails must be an array (multi-valued), not an object (typed by RFC 7643)')
    expect(verdict(c, getU(u({ meta: meta('u1', 'User', { created: 'yesterday' }), id: 7 })))).toBe('pass')
  })

  it('resource.no-nested-complex: an object inside a complex value fails', () => {
    const c = check('resource.no-nested-complex')
    expect(verdict(c, getU(u({ name: { givenName: 'A' }, emails: [{ value: 'a' }] })))).toBe('pass')
    expect(verdict(c, getU(u({ name: { givenName: { first: 'A' } } })))).toBe('fail')
    expect(verdict(c, getU(u({ [URN.enterpriseUser]: { manager: { value: { id: 'x' } } } })))).toBe('fail')
  })

  it('resource.returned-never: password (RFC) or any attribute the server declares returned: never fails', () => {
    const c = check('resource.returned-never')
    expect(verdict(c, getU(u()))).toBe('pass')
    expect(verdict(c, getU(u({ password: '{SSHA}abc' })))).toBe('fail')
    const secretive = { ...discovery, schemas: [{ ...RFC_SCHEMAS.user, attributes: [...RFC_SCHEMAS.user.attributes, { name: 'pin', type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'writeOnly', returned: 'never' }] }, RFC_SCHEMAS.group, RFC_SCHEMAS.enterpriseUser] }
    expect(verdict(c, getU(u({ pin: '1234' })), { discovery: secretive })).toBe('fail')
  })

  it('resource.extension-container: enterprise attributes at the top level fail, flat or URN-prefixed', () => {
    const c = check('resource.extension-container')
    expect(verdict(c, getU(u({ [URN.enterpriseUser]: { employeeNumber: '1' } })), { discovery })).toBe('pass')
    expect(verdict(c, getU(u({ employeeNumber: '1' })), { discovery })).toBe('fail')
    expect(verdict(c, getU(u({ [`${URN.enterpriseUser}:employeeNumber`]: '1' })))).toBe('fail')
  })

  it('no false alarm on a top-level attribute named like an enterprise one when the server’s /Schemas are unknown', () => {
    expect(verdict(check('resource.extension-container'), getU(u({ department: 'Sales' })))).toBe('pass')
  })

  it('meta.present: POST/GET full representations need resourceType, created, lastModified, location (+ version with ETags)', () => {
    const c = check('meta.present')
    expect(verdict(c, getU(u({ meta: meta('u1', 'User', { version: 'W/"1"' }) })), { discovery })).toBe('pass')
    expect(verdict(c, getU(u()), { discovery })).toBe('fail')
    expect(verdict(c, getU(u()))).toBe('pass')
    expect(verdict(c, getU(u({ meta: undefined })))).toBe('fail')
    // attributes= may leave meta out; PUT and PATCH answers are other checks' business.
    expect(findings(c, getU(u({ meta: undefined }), { path: '/Users/u1?attributes=userName' }))).toEqual([])
    expect(findings(c, getU(u({ meta: undefined }), { method: 'PATCH' }))).toEqual([])
  })

  it('meta.resourceType: the endpoint’s resource type name', () => {
    const c = check('meta.resourceType')
    expect(verdict(c, getU(u()))).toBe('pass')
    expect(verdict(c, getU(u({ meta: meta('u1', 'user') })))).toBe('fail')
    expect(verdict(c, exchange({ path: '/Groups/g1', body: g({ meta: meta('g1', 'User') }) }))).toBe('fail')
  })

  it('meta.datetime: xsd:dateTime with date and time', () => {
    const c = check('meta.datetime')
    expect(verdict(c, getU(u({ meta: meta('u1', 'User', { created: '2024-01-31T12:00:00.123+02:00' }) })))).toBe('pass')
    expect(verdict(c, getU(u({ meta: meta('u1', 'User', { created: '2024-01-31 12:00:00' }) })))).toBe('fail')
    expect(verdict(c, getU(u({ meta: meta('u1', 'User', { lastModified: 1706702400 }) })))).toBe('fail')
  })

  it('meta.location: a URI (absolute, or path-absolute per RFC 7231 §3.1.4.2) equal to Content-Location; following it returns the resource', () => {
    const c = { ...check('meta.location'), judge: undefined }
    expect(verdict(c, getU(u()))).toBe('pass')
    // meta_location_relative_no_false_positive: a path-absolute reference resolves against the request.
    expect(verdict(c, getU(u({ meta: meta('u1', 'User', { location: '/scim/v2/Users/u1' }) })))).toBe('pass')
    expect(verdict(c, getU(u({ meta: meta('u1', 'User', { location: 'User u1' }) })))).toBe('fail')
    expect(verdict(c, getU(u(), { headers: { 'content-location': `${BASE}/Users/other` } }))).toBe('fail')
    const judge = (x: Exchange, args: Record<string, unknown>) => statuses({ ...check('meta.location'), ambient: undefined }, x, { args })
    expect(judge(getU(u()), { id: 'u1', location: `${BASE}/Users/u1` })).toEqual(['pass'])
    expect(judge(getU(u({ id: 'u2' })), { id: 'u1' })).toEqual(['fail'])
    expect(judge(getU(errorBody(404), { status: 404 }), { id: 'u1' })).toEqual(['fail'])
    expect(judge(getU(u()), { id: 'u1', location: '/Users/u1' })).toEqual(['skip'])
  })
})

describe('resource probes on crafted exchanges', () => {
  it('meta.lastModified-initial: equal instants pass (formatting aside); a later lastModified fails', () => {
    const c = check('meta.lastModified-initial')
    expect(verdict(c, getU(u()))).toBe('pass')
    expect(verdict(c, getU(u({ meta: meta('u1', 'User', { lastModified: '2024-01-31T13:00:00+01:00' }) })))).toBe('pass')
    expect(verdict(c, getU(u({ meta: meta('u1', 'User', { lastModified: '2024-01-31T12:00:00.001Z' }) })))).toBe('fail')
    expect(verdict(c, getU(u({ meta: undefined })))).toBe('skip')
  })

  it('meta.lastModified-advances: later passes; earlier, or unmoved on a sub-second clock, warns; a 204 is judged by the read-back', () => {
    const c = check('meta.lastModified-advances')
    const previous = u({ meta: meta('u1', 'User', { lastModified: '2024-02-01T00:00:00Z' }) })
    expect(verdict(c, getU(u({ meta: meta('u1', 'User', { lastModified: '2024-02-02T00:00:00Z' }) })), { args: { previous } })).toBe('pass')
    // Whole seconds: the change may have come within the same second.
    expect(verdict(c, getU(previous), { args: { previous } })).toBe('skip')
    const precise = u({ meta: meta('u1', 'User', { lastModified: '2024-02-01T00:00:00.123Z' }) })
    expect(verdict(c, getU(precise), { args: { previous: precise } })).toBe('warn')
    expect(verdict(c, getU(u({ meta: meta('u1', 'User', { lastModified: '2024-01-31T12:00:00Z' }) })), { args: { previous } })).toBe('warn')
    expect(verdict(c, exchange({ method: 'PATCH', path: '/Users/u1', status: 204 }), { args: { previous } })).toBe('skip')
  })

  it('meta.client-ignored: server values pass; stored client values or a rejection fail', () => {
    const c = check('meta.client-ignored')
    const sent = { resourceType: 'Bogus', created: '2000-01-01T00:00:00Z' }
    const post = (status: number, body: unknown) => exchange({ method: 'POST', path: '/Users', status, body })
    expect(verdict(c, post(201, u()), { args: { sent } })).toBe('pass')
    expect(findings(c, post(201, u({ meta: meta('u1', 'Bogus') })), { args: { sent } }).map((f) => f.message)).toEqual(['Client-supplied meta stored (resourceType="Bogus")'])
    expect(verdict(c, post(400, errorBody(400, 'mutability')), { args: { sent } })).toBe('fail')
  })

  it('resource.id-stable: the same id passes, in a list found by userName too; another id fails', () => {
    const c = check('resource.id-stable')
    expect(verdict(c, getU(u()), { args: { id: 'u1' } })).toBe('pass')
    expect(verdict(c, getU(u({ id: 'u9' })), { args: { id: 'u1' } })).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users?filter=x', body: listBody([u({ id: 'u9', userName: 'SCIMCHECK-U1' })]) }), { args: { id: 'u1', userName: 'scimcheck-u1' } })).toBe('fail')
    expect(verdict(c, exchange({ method: 'PATCH', path: '/Users/u1', status: 204 }), { args: { id: 'u1' } })).toBe('skip')
  })

  it('resource.id-server-assigned: a server id passes; adopting the client’s fails; refusing warns', () => {
    const c = check('resource.id-server-assigned')
    const post = (status: number, body: unknown) => exchange({ method: 'POST', path: '/Users', status, body, requestBody: { schemas: [URN.user], id: 'client-id', userName: 'x' } })
    expect(verdict(c, post(201, u()))).toBe('pass')
    expect(verdict(c, post(201, u({ id: 'client-id' })))).toBe('fail')
    expect(statuses(c, post(400, errorBody(400, 'mutability')))).toEqual(['warn'])
  })

  it('resource.externalId-client-owned and resource.externalId-case', () => {
    expect(verdict(check('resource.externalId-client-owned'), getU(u()))).toBe('pass')
    expect(verdict(check('resource.externalId-client-owned'), getU(u({ externalId: 'ext-u1' })))).toBe('fail')
    const c = check('resource.externalId-case')
    const args = { externalId: 'ScimCheck-AbC-1' }
    expect(verdict(c, getU(u({ externalId: 'ScimCheck-AbC-1' })), { args })).toBe('pass')
    expect(verdict(c, getU(u({ externalId: 'scimcheck-abc-1' })), { args })).toBe('fail')
    expect(verdict(c, getU(u()), { args })).toBe('fail')
  })

  it('resource.reference-resolves: the referenced id passes; 404 or another id fails; another origin is not followed', () => {
    const c = check('resource.reference-resolves')
    expect(verdict(c, getU(u()), { args: { id: 'u1' } })).toBe('pass')
    expect(verdict(c, getU(errorBody(404), { status: 404 }), { args: { id: 'u1' } })).toBe('fail')
    expect(verdict(c, getU(u({ id: 'u2' })), { args: { id: 'u1' } })).toBe('fail')
    expect(verdict(c, exchange({ path: '/Users/u1', error: { code: 'other-origin', message: 'refused to send a request to https://elsewhere.example' } }), { args: { id: 'u1' } })).toBe('skip')
  })

  it('resource.returned-request: absent by default and present when asked, per the server’s /Schemas', () => {
    const c = check('resource.returned-request')
    const ext = { id: 'urn:example:ext', attributes: [{ name: 'note', type: 'string', multiValued: false, returned: 'request' }] }
    const d = { ...discovery, resourceTypes: [{ ...discovery.resourceTypes[0], schemaExtensions: [{ schema: 'urn:example:ext', required: false }] }], schemas: [...discovery.schemas, ext] }
    expect(verdict(c, getU(u()), { discovery: d })).toBe('pass')
    expect(verdict(c, getU(u({ 'urn:example:ext': { note: 'x' } })), { discovery: d })).toBe('fail')
    const asked = { discovery: d, args: { requested: 'urn:example:ext:note' } }
    expect(verdict(c, getU(u({ 'urn:example:ext': { note: 'x' } }), { path: '/Users/u1?attributes=urn:example:ext:note' }), asked)).toBe('pass')
    expect(verdict(c, getU(u(), { path: '/Users/u1?attributes=urn:example:ext:note' }), asked)).toBe('fail')
    expect(verdict(c, getU(u()), { discovery })).toBe('skip')
    expect(verdict(c, getU(u()))).toBe('skip')
  })
})

describe('rfc-resource against the built-in server', () => {
  const files = ['scenarios/rfc/resource.yaml', 'scenarios/rfc/resource-request.yaml']
  const mine = /^(resource|meta|schemas\.covers|spc\.capability)/
  const failing = async (faults: string[], file = files[0]) => {
    const r = await runScenario(file, { builtinFaults: faults })
    return [...new Set(r.results.filter((x) => (x.status === 'fail' || x.status === 'warn') && mine.test(x.id)).map((x) => `${x.id}:${x.status}`))].sort()
  }

  it('is green on the reference server and its variants, every probe judged', async () => {
    for (const v of [[], ['patch-204', 'non-uuid-ids', 'no-etag'], ['discovery-auth']]) {
      const judged = new Set<string>()
      for (const file of files) {
        const r = await runScenario(file, { builtinVariants: v })
        expect(problems(r), `${file} ${v.join()}`).toEqual([])
        for (const x of r.results) if (x.status === 'pass') judged.add(x.id)
      }
      expect(checks.map((c) => c.id).filter((id) => !judged.has(id)), v.join()).toEqual([])
    }
  })

  it('fails on misrepresented values, ids, timestamps and references', async () => {
    expect(await failing(['externalId-lowercased', 'externalId-invented', 'boolean-strings', 'resourceType-lowercase', 'lastModified-after-created', 'undeclared-attribute', 'ref-wrong-base', 'client-id-adopted', 'meta-from-client'])).toEqual([
      'meta.client-ignored:fail',
      'meta.lastModified-initial:fail',
      'meta.resourceType:fail',
      'resource.externalId-case:fail',
      'resource.externalId-client-owned:fail',
      'resource.id-server-assigned:fail',
      'resource.json-types:fail',
      'resource.reference-resolves:fail',
      'schemas.covers-resources:fail',
    ])
  })

  it('fails on malformed meta, flattened extensions, returned passwords, two primaries and list elements without id', async () => {
    expect(await failing(['meta-datetime-space', 'location-not-uri', 'enterprise-flattened', 'password-returned', 'list-without-ids', 'all-primary'])).toEqual([
      'meta.datetime:fail',
      'meta.location:fail',
      'resource.extension-container:fail',
      'resource.id:fail',
      'resource.primary-once:fail',
      'resource.returned-never:fail',
    ])
  })

  it('fails on missing meta, ids that change, PATCH advertised but missing, and request-only attributes returned by default', async () => {
    expect(await failing(['no-meta', 'id-changes-on-put'])).toEqual(['meta.present:fail', 'resource.id-stable:fail'])
    expect(await failing(['lastModified-frozen'])).toEqual(['meta.lastModified-advances:warn'])
    // Alone: once a PUT has moved the user to a new id, the run no longer owns the old one and sends no PATCH to it.
    expect(await failing(['patch-unsupported'])).toEqual(['spc.capability-consistency:fail'])
    expect(await failing(['returned-request-always'], files[1])).toEqual(['resource.returned-request:fail'])
  })
})

describe('no false alarm on the body of a DELETE or a 204', () => {
  // RFC 7644 §3.6: a DELETE answers 204 with no content; servers that send `{}` (or echo something) anyway did not
  // return a resource, so no representation check may judge it.
  it('resource.id and every other ambient resource check ignore `{}` from a DELETE and any body on a 204', () => {
    const bodies: [string, number, unknown][] = [
      ['DELETE', 200, {}],
      ['DELETE', 204, {}],
      ['DELETE', 200, { schemas: [URN.user] }],
      ['PATCH', 204, {}],
      ['PUT', 204, { schemas: [URN.user] }],
    ]
    for (const def of checks.filter((c) => c.ambient)) {
      for (const [method, status, body] of bodies) {
        const x = exchange({ method, path: '/Users/u1', status, body })
        const out = def.ambient!(x, context({ ...own, discovery }))
        expect(out, `${def.id} on ${method} ${status}`).toBeUndefined()
      }
    }
  })
  it('resource.id still fails on a GET whose body has no id', () => {
    expect(verdict(check('resource.id'), getU({ schemas: [URN.user], userName: 'x', meta: meta('u1') }), own)).toBe('fail')
  })
})
