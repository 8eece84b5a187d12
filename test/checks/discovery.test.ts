import { describe, expect, it } from 'vitest'
import { checks, definitionProblems } from '../../src/checks/discovery.js'
import { RFC_SCHEMAS, URN } from '../../src/rfc/index.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, findings, finder, listBody, runScenario, statuses, verdict } from './support.js'

const check = finder(checks)
const spcBody = {
  schemas: [URN.serviceProviderConfig],
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: 200 },
  changePassword: { supported: false },
  sort: { supported: true },
  etag: { supported: true },
  authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'Bearer token' }],
}
const spc = (body: unknown = spcBody, over: Parameters<typeof exchange>[0] = {}) => exchange({ path: '/ServiceProviderConfig', body, ...over })
const rtUser = { schemas: [URN.resourceType], id: 'User', name: 'User', endpoint: '/Users', schema: URN.user, schemaExtensions: [{ schema: URN.enterpriseUser, required: false }] }
const rtGroup = { schemas: [URN.resourceType], id: 'Group', name: 'Group', endpoint: '/Groups', schema: URN.group }
const rts = (list: unknown[] = [rtUser, rtGroup], over: Parameters<typeof exchange>[0] = {}) => exchange({ path: '/ResourceTypes', body: listBody(list as Record<string, unknown>[]), ...over })
const served = Object.values(RFC_SCHEMAS).map((s) => ({ ...s }))
const schemasX = (list: unknown[] = served, over: Parameters<typeof exchange>[0] = {}) => exchange({ path: '/Schemas', body: listBody(list as Record<string, unknown>[]), ...over })
const discovery = { spc: spcBody, resourceTypes: [rtUser, rtGroup], schemas: served }

describe('ServiceProviderConfig checks', () => {
  it('spc.get: 200 with an object passes; 404 fails', () => {
    expect(verdict(check('spc.get'), spc())).toBe('pass')
    expect(verdict(check('spc.get'), spc(errorBody(404), { status: 404 }))).toBe('fail')
  })

  it('spc.schema-uri and spc.not-list', () => {
    expect(verdict(check('spc.schema-uri'), spc())).toBe('pass')
    expect(verdict(check('spc.schema-uri'), spc({ ...spcBody, schemas: [] }))).toBe('fail')
    expect(verdict(check('spc.not-list'), spc())).toBe('pass')
    expect(verdict(check('spc.not-list'), spc(listBody([spcBody])))).toBe('fail')
    expect(verdict(check('spc.not-list'), spc(errorBody(404), { status: 404 }))).toBe('skip')
  })

  it('spc.required-attributes: names what is missing or mistyped; tolerates RFC 9865 extras', () => {
    const c = check('spc.required-attributes')
    expect(verdict(c, spc({ ...spcBody, pagination: { cursor: true } }))).toBe('pass')
    const { etag: _e, ...noEtag } = spcBody
    expect(findings(c, spc({ ...noEtag, filter: { supported: 'true', maxResults: 200 } })).map((f) => f.message).sort()).toEqual(['ServiceProviderConfig filter.supported must be a boolean, not the string "true"', 'ServiceProviderConfig lacks etag'])
    expect(verdict(c, spc({ ...spcBody, authenticationSchemes: [] }))).toBe('fail')
  })

  it('spc.auth-schemes: missing fields fail; an unknown type only warns', () => {
    const c = check('spc.auth-schemes')
    expect(verdict(c, spc())).toBe('pass')
    expect(verdict(c, spc({ ...spcBody, authenticationSchemes: [{ type: 'oauthbearertoken', name: 'x' }] }))).toBe('fail')
    expect(statuses(c, spc({ ...spcBody, authenticationSchemes: [{ type: 'apikey', name: 'API key', description: 'x' }] }))).toEqual(['warn'])
  })

  it('spc.ignores-query: the same body passes (meta aside); 400 or another body fails', () => {
    const c = check('spc.ignores-query')
    const q = (body: unknown, status = 200) => exchange({ path: '/ServiceProviderConfig?startIndex=3&count=1&sortBy=x', status, body })
    expect(verdict(c, q({ ...spcBody, meta: { location: 'x' } }), { discovery })).toBe('pass')
    expect(verdict(c, q(errorBody(400), 400), { discovery })).toBe('fail')
    expect(verdict(c, q(listBody([spcBody])), { discovery })).toBe('fail')
    expect(verdict(c, q(spcBody), { discovery: {} })).toBe('skip')
  })

  it('spc.capability-consistency: 501 on an advertised feature fails; PATCH working although unadvertised is info', () => {
    const c = check('spc.capability-consistency')
    const patch = (status: number) => exchange({ method: 'PATCH', path: '/Users/u1', status, body: status === 204 ? undefined : status >= 400 ? errorBody(status) : { id: 'u1' } })
    expect(verdict(c, patch(501), { discovery })).toBe('fail')
    expect(verdict(c, patch(200), { discovery })).toBe('pass')
    expect(verdict(c, patch(204), { discovery: { ...discovery, spc: { ...spcBody, patch: { supported: false } } } })).toBe('info')
    expect(findings(c, patch(501), { discovery: { ...discovery, spc: { ...spcBody, patch: { supported: false } } } })).toEqual([])
    // A 405 on a discovery endpoint is not a feature being broken.
    expect(findings(c, exchange({ method: 'PATCH', path: '/ServiceProviderConfig', status: 405, body: errorBody(405) }), { discovery })).toEqual([])
    expect(verdict(c, exchange({ path: '/Users?sortBy=userName', status: 501, body: errorBody(501) }), { discovery })).toBe('fail')
    expect(findings(c, patch(501), { discovery: {} })).toEqual([])
  })
})

describe('ResourceType checks', () => {
  it('rt.list: a ListResponse of ResourceType passes; a bare array or a missing schema URI fails', () => {
    const c = check('rt.list')
    expect(verdict(c, rts())).toBe('pass')
    expect(verdict(c, exchange({ path: '/ResourceTypes', body: [rtUser] }))).toBe('fail')
    expect(verdict(c, rts([{ ...rtUser, schemas: [] }]))).toBe('fail')
  })

  it('rt.required-attributes: name, endpoint, schema and schemaExtensions[].required', () => {
    const c = check('rt.required-attributes')
    expect(verdict(c, rts())).toBe('pass')
    const { endpoint: _e, ...noEndpoint } = rtUser
    expect(findings(c, rts([noEndpoint])).map((f) => f.message)).toEqual(['ResourceType User lacks endpoint'])
    expect(verdict(c, rts([{ ...rtUser, schemaExtensions: [{ schema: URN.enterpriseUser, required: 'false' }] }]))).toBe('fail')
  })

  it('rt.schema-resolves: every schema URI served at /Schemas', () => {
    const c = check('rt.schema-resolves')
    expect(verdict(c, rts(), { discovery })).toBe('pass')
    expect(verdict(c, rts([{ ...rtUser, schemaExtensions: [{ schema: 'urn:example:unserved', required: false }] }]), { discovery })).toBe('fail')
    expect(verdict(c, rts(), { discovery: {} })).toBe('skip')
  })

  it('rt.user-present warns without a User type', () => {
    expect(verdict(check('rt.user-present'), rts())).toBe('pass')
    expect(verdict(check('rt.user-present'), rts([rtGroup]))).toBe('warn')
  })

  it('rt.endpoint-works and rt.by-id', () => {
    expect(verdict(check('rt.endpoint-works'), exchange({ path: '/Users?count=1', body: listBody([]) }))).toBe('pass')
    expect(verdict(check('rt.endpoint-works'), exchange({ path: '/Users?count=1', status: 404, body: errorBody(404) }))).toBe('fail')
    const byId = check('rt.by-id')
    expect(verdict(byId, exchange({ path: '/ResourceTypes/User', body: { ...rtUser, meta: { location: 'x' } } }), { args: { expected: rtUser } })).toBe('pass')
    expect(verdict(byId, exchange({ path: '/ResourceTypes/User', status: 404, body: errorBody(404) }), { args: { expected: rtUser } })).toBe('warn')
    expect(verdict(byId, exchange({ path: '/ResourceTypes/User', body: listBody([rtUser]) }), { args: { expected: rtUser } })).toBe('warn')
    expect(verdict(byId, exchange({ path: '/ResourceTypes/User', body: rtGroup }), { args: { expected: rtUser } })).toBe('warn')
  })

  it('rt.filter-handling and schemas.filter-handling: 403 or the full list pass; 400 warns; a reduced list or 5xx fails', () => {
    for (const [id, path, full] of [['rt.filter-handling', '/ResourceTypes', [rtUser, rtGroup]], ['schemas.filter-handling', '/Schemas', served]] as const) {
      const c = check(id)
      const f = (status: number, body: unknown) => exchange({ path: `${path}?filter=x`, status, body })
      expect(verdict(c, f(403, errorBody(403)), { discovery }), id).toBe('pass')
      expect(verdict(c, f(200, listBody([...full])), { discovery }), id).toBe('pass')
      expect(statuses(c, f(400, errorBody(400, 'invalidFilter')), { discovery }), id).toEqual(['warn'])
      expect(verdict(c, f(200, listBody([])), { discovery }), id).toBe('fail')
      expect(verdict(c, f(500, errorBody(500)), { discovery }), id).toBe('fail')
    }
  })
})

describe('Schema checks', () => {
  it('schemas.list: a ListResponse of Schema passes; elements without the Schema URI fail', () => {
    expect(verdict(check('schemas.list'), schemasX())).toBe('pass')
    expect(verdict(check('schemas.list'), schemasX([{ id: URN.user, attributes: [] }]))).toBe('fail')
    expect(verdict(check('schemas.list'), schemasX([], { status: 401, body: errorBody(401) }))).toBe('fail')
  })

  it('schemas.definition-valid: the RFC copies are well-formed', () => {
    expect(verdict(check('schemas.definition-valid'), schemasX())).toBe('pass')
    for (const s of served) expect(definitionProblems(s), s.id).toEqual([])
  })

  it('schemas.definition-valid: bad types, characteristics and nesting fail; keyword spelling and nulls warn; one line per schema', () => {
    const attr = (a: Record<string, unknown>) => ({ name: 'x', type: 'string', multiValued: false, ...a })
    const schema = (...attrs: Record<string, unknown>[]) => ({ schemas: [URN.schema], id: 'urn:example:s', attributes: attrs })
    const msgs = (...attrs: Record<string, unknown>[]) => definitionProblems(schema(...attrs)).map((p) => `${p.level ?? 'MUST'} ${p.message.replace('Schema urn:example:s attribute ', '')}`)
    expect(msgs(attr({ type: 'number' }))).toEqual(['MUST x: type "number" is not one of string, boolean, decimal, integer, dateTime, binary, reference, complex'])
    expect(msgs(attr({ type: 'String' }))).toEqual(['SHOULD x: type "String" should be written "string"'])
    expect(msgs(attr({ multiValued: 'false', mutability: 'readonly', returned: 'sometimes', required: 'no' }))).toEqual([
      'MUST x: multiValued is a string, expected a boolean',
      'MUST x: required is a string, expected a boolean',
      'MUST x: mutability "readonly" is not one of readOnly, readWrite, immutable, writeOnly',
      'MUST x: returned "sometimes" is not one of always, never, default, request',
    ])
    expect(msgs({ name: 'x', type: 'string', canonicalValues: null, MultiValued: false })).toEqual(['SHOULD x: keyword "MultiValued" should be spelled "multiValued" (Entra requires camel-cased keywords)', 'SHOULD x: canonicalValues is null (Entra rejects null keywords; omit it)'])
    expect(msgs(attr({ type: 'complex', subAttributes: [attr({ name: 'y', type: 'complex', subAttributes: [] })] }))).toEqual(['MUST x.y: a sub-attribute is complex; RFC 7643 §2.3.8 forbids sub-attributes with sub-attributes'])
    expect(msgs(attr({ type: 'complex' }))).toEqual(['SHOULD x: complex attribute without subAttributes'])
    expect(msgs(attr({ referenceTypes: ['User'] }))).toEqual(['SHOULD x: referenceTypes on a string attribute; it is used only with type reference'])
    // Characteristics left out take RFC 7643 §2.2's defaults: not a finding.
    expect(msgs({ name: 'x', type: 'boolean', multiValued: false })).toEqual([])
    expect(definitionProblems({ id: 'not a uri', attributes: [] }).map((p) => p.message)).toEqual(['Schema not a uri: id "not a uri" is not a URI'])
    const many = schemasX([schema(...Array.from({ length: 6 }, (_, i) => attr({ name: `a${i}`, type: 'text' })))])
    expect(findings(check('schemas.definition-valid'), many)).toMatchObject([{ ok: false, actual: '6 problem(s)', message: expect.stringMatching(/; and 3 more$/) }])
  })

  it('schemas.by-urn, schemas.unknown-404 and schemas.no-message-schemas', () => {
    const byUrn = check('schemas.by-urn')
    const args = { id: URN.user }
    expect(verdict(byUrn, exchange({ path: `/Schemas/${URN.user}`, body: RFC_SCHEMAS.user }), { args })).toBe('pass')
    expect(verdict(byUrn, exchange({ path: `/Schemas/${URN.user}`, status: 404, body: errorBody(404) }), { args })).toBe('fail')
    expect(verdict(byUrn, exchange({ path: `/Schemas/${URN.user}`, body: listBody([RFC_SCHEMAS.user]) }), { args })).toBe('fail')
    expect(verdict(byUrn, exchange({ path: `/Schemas/${URN.user}`, body: RFC_SCHEMAS.group }), { args })).toBe('fail')
    const unknown = check('schemas.unknown-404')
    expect(verdict(unknown, exchange({ path: '/Schemas/urn:example:nope', status: 404, body: errorBody(404) }))).toBe('pass')
    expect(verdict(unknown, exchange({ path: '/Schemas/urn:example:nope', status: 404, body: 'nope' }))).toBe('warn')
    expect(verdict(unknown, exchange({ path: '/Schemas/urn:example:nope', body: listBody([]) }))).toBe('warn')
    const messagesPublished = check('schemas.no-message-schemas')
    expect(verdict(messagesPublished, schemasX())).toBe('pass')
    expect(verdict(messagesPublished, schemasX([...served, { schemas: [URN.schema], id: URN.error, attributes: [] }]))).toBe('fail')
  })

  it('schemas.core-user-shape: RFC characteristics pass; a case-exact userName or a returned password warns', () => {
    const c = check('schemas.core-user-shape')
    const user = (patch: (a: Record<string, any>) => void) => {
      const s = structuredClone(RFC_SCHEMAS.user) as any
      for (const a of s.attributes) patch(a)
      return exchange({ path: `/Schemas/${URN.user}`, body: s })
    }
    expect(verdict(c, user(() => undefined))).toBe('pass')
    expect(verdict(c, user((a) => a.name === 'userName' && (a.caseExact = true)))).toBe('warn')
    expect(verdict(c, user((a) => a.name === 'password' && (a.returned = 'default')))).toBe('warn')
    expect(verdict(c, user((a) => a.name === 'userName' && delete a.uniqueness))).toBe('warn')
    expect(verdict(c, exchange({ path: `/Schemas/${URN.user}`, status: 404, body: errorBody(404) }))).toBe('skip')
  })
})

describe('schemas.covers-resources (ambient)', () => {
  const c = check('schemas.covers-resources')
  const userSchema = { schemas: [URN.schema], id: URN.user, attributes: [{ name: 'userName', type: 'string', multiValued: false, required: true }, { name: 'emails', type: 'complex', multiValued: true, subAttributes: [{ name: 'value', type: 'string', multiValued: false }] }] }
  const d = { resourceTypes: [rtUser], schemas: [userSchema, RFC_SCHEMAS.enterpriseUser] }
  const user = (extra: Record<string, unknown>) => exchange({ path: '/Users/u1', body: { schemas: [URN.user], id: 'u1', userName: 'a', meta: { resourceType: 'User' }, ...extra } })

  it('passes declared attributes (common attributes and §2.4 default sub-attributes included)', () => {
    expect(verdict(c, user({ emails: [{ value: 'a@example.com', primary: true, type: 'work' }] }), { discovery: d })).toBe('pass')
  })

  it('fails undeclared attributes and unserved schema URIs, labelling data the run did not create', () => {
    const f = findings(c, user({ title: 'x', schemas: [URN.user, 'urn:example:unserved'] }), { discovery: d })
    expect(f.map((x) => x.message).sort()).toEqual(['User carries title, which /Schemas does not declare', 'User lists schema urn:example:unserved, which /Schemas does not serve'])
    expect(f.every((x) => x.preExisting)).toBe(true)
    expect(findings(c, user({ title: 'x' }), { discovery: d, ownIds: new Set(['u1']) })[0].preExisting).toBeUndefined()
  })

  it('warns on a spelling that differs from the declaration', () => {
    expect(statuses(c, user({ UserName: 'a', userName: undefined }), { discovery: d })).toEqual(['warn'])
  })

  it('is silent without the server’s /Schemas', () => {
    expect(findings(c, user({ title: 'x' }), { discovery: {} })).toEqual([])
  })
})

describe('discovery.read-only', () => {
  const c = check('discovery.read-only')
  it('writes rejected pass; accepted writes fail; a re-read compares with what discovery read', () => {
    expect(verdict(c, exchange({ method: 'POST', path: '/Schemas', status: 405, body: errorBody(405) }))).toBe('pass')
    expect(verdict(c, exchange({ method: 'PUT', path: '/ResourceTypes/User', status: 501, body: errorBody(501) }))).toBe('pass')
    expect(verdict(c, exchange({ method: 'PATCH', path: '/ServiceProviderConfig', status: 204 }))).toBe('fail')
    expect(verdict(c, spc(), { discovery, args: { compare: 'spc' } })).toBe('pass')
    expect(verdict(c, spc({ ...spcBody, sort: { supported: false } }), { discovery, args: { compare: 'spc' } })).toBe('fail')
    expect(verdict(c, rts([rtUser]), { discovery, args: { compare: 'resourceTypes' } })).toBe('fail')
    expect(verdict(c, schemasX(), { discovery, args: { compare: 'schemas' } })).toBe('pass')
  })
})

describe('rfc-discovery against the built-in server', () => {
  const file = 'scenarios/rfc/discovery.yaml'
  const failing = (r: Awaited<ReturnType<typeof runScenario>>) => [...new Set(r.results.filter((x) => x.status === 'fail' || x.status === 'warn').map((x) => `${x.id}:${x.status}`))].sort()
  const ids = checks.filter((c) => c.judge).map((c) => c.id).filter((id) => id !== 'discovery.read-only')

  it('is green on the reference server and its variants, every discovery probe judged', async () => {
    for (const v of [[], ['discovery-auth', 'no-etag', 'no-sort', 'no-bulk'], ['discovery-filter-ignored']]) {
      const r = await runScenario(file, { builtinVariants: v })
      expect(problems(r), v.join()).toEqual([])
      const passed = new Set(r.results.filter((x) => x.status === 'pass').map((x) => x.id))
      expect(ids.filter((id) => !passed.has(id)), v.join()).toEqual([])
    }
  })

  it('fails on broken discovery documents', async () => {
    const r = await runScenario(file, { builtinFaults: ['spc-no-etag', 'spc-query-rejected', 'discovery-filter-applied', 'message-schema-published', 'schema-number-type', 'rt-extension-unserved'] })
    expect(failing(r)).toEqual(['rt.filter-handling:fail', 'rt.schema-resolves:fail', 'schemas.definition-valid:fail', 'schemas.filter-handling:fail', 'schemas.no-message-schemas:fail', 'spc.ignores-query:fail', 'spc.required-attributes:fail'])
    expect(failing(await runScenario(file, { builtinFaults: ['schema-by-urn-missing'] }))).toEqual(['schemas.by-urn:fail'])
  })
})
