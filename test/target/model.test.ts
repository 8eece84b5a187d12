import { describe, expect, it } from 'vitest'
import { planCustom } from '../../src/target/custom.js'
import { featuresOf } from '../../src/target/discover.js'
import { TargetModel, modelOf } from '../../src/target/model.js'
import { unmet } from '../../src/target/requires.js'
import { RFC_SCHEMAS } from '../../src/rfc/model.js'

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
const ACME = 'urn:example:acme:2.0:User'
const list = (Resources: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: Resources.length, Resources })
const userType = (extensions: string[] = []) => ({ name: 'User', endpoint: '/Users', schema: USER, schemaExtensions: extensions.map((schema) => ({ schema, required: false })) })
const coreUser = (drop: string[] = []) => ({ ...RFC_SCHEMAS.user, attributes: RFC_SCHEMAS.user.attributes.filter((a) => !drop.includes(a.name)) })
const acme = {
  id: ACME,
  attributes: [
    { name: 'tier', type: 'string', mutability: 'readWrite', returned: 'default', canonicalValues: ['bronze', 'gold'] },
    { name: 'limit', type: 'integer', mutability: 'readWrite' },
    { name: 'badge', type: 'string', mutability: 'immutable' },
    { name: 'pin', type: 'string', mutability: 'writeOnly', returned: 'never' },
    { name: 'employeeKey', type: 'string', uniqueness: 'server' },
    { name: 'computed', type: 'boolean', mutability: 'readOnly' },
    { name: 'tags', type: 'string', multiValued: true },
  ],
}
const full = () =>
  new TargetModel({
    spc: { status: 200, body: { sort: { supported: true }, etag: { supported: false } }, withToken: true },
    resourceTypes: { status: 200, body: list([userType([ENTERPRISE, ACME])]), withToken: true },
    schemas: { status: 200, body: list([coreUser(['nickName']), RFC_SCHEMAS.enterpriseUser, acme]), withToken: true },
  })

describe('target model', () => {
  it('features are declared true, declared false, or unknown, each with the document and status it came from', () => {
    const m = full()
    expect(m.feature('sort')).toEqual({ value: true, from: { document: 'ServiceProviderConfig', status: 200 } })
    expect(m.feature('etag').value).toBe(false)
    expect(m.feature('bulk').value).toBe('unknown')
    const none = new TargetModel({ spc: { status: 404 } })
    expect(none.feature('sort')).toEqual({ value: 'unknown', from: { document: 'ServiceProviderConfig', status: 404 } })
    expect(none.featureReason('sort')).toBe('no ServiceProviderConfig to say whether sort is supported (not found (404))')
  })

  it('records why a document is unusable: missing, behind auth, malformed, no response, not requested', () => {
    const m = new TargetModel({
      spc: { status: 200, body: 'not json', withToken: true },
      resourceTypes: { status: 401, withToken: true },
      schemas: { missing: 'error' },
    })
    expect([m.documents.spc.state, m.documents.resourceTypes.state, m.documents.schemas.state]).toEqual(['malformed', 'unauthorized', 'error'])
    expect(m.summary()).toContain('ResourceTypes: refused with 401 even with the token')
    expect(new TargetModel({}).documents.spc.state).toBe('not-requested')
    expect(new TargetModel({ schemas: { status: 200, body: { Resources: 'x' } } }).documents.schemas.state).toBe('malformed')
  })

  it('declares(): declared attributes and sub-attributes; undeclared ones false; unknown without /Schemas; REQUIRED and common ones by the RFC', () => {
    const m = full()
    expect(m.declares('User', 'displayName').value).toBe(true)
    expect(m.declares('User', 'name.givenName').value).toBe(true)
    expect(m.declares('User', 'NICKNAME').value).toBe(false)
    expect(m.declares('User', `${ENTERPRISE}:manager`).value).toBe(true)
    expect(m.declares('User', `${ACME}:tier`).from).toEqual({ document: 'Schemas', status: 200 })
    expect(m.declares('User', `${ACME}:missing`).value).toBe(false)
    expect(m.attribute('User', `${ACME}:tier`)?.value.canonicalValues).toEqual(['bronze', 'gold'])
    // A server whose /Schemas leaves out userName still has it: the RFC makes it REQUIRED.
    const sparse = new TargetModel({ schemas: { status: 200, body: list([{ id: USER, attributes: [{ name: 'displayName', type: 'string' }] }]) } })
    expect(sparse.declares('User', 'userName').from).toEqual({ rfc: 'RFC 7643 §4 (REQUIRED)' })
    expect(sparse.declares('User', 'externalId').value).toBe(true)
    expect(sparse.declares('User', 'title').value).toBe(false)
    expect(new TargetModel({ schemas: { status: 401 } }).declares('User', 'nickName').value).toBe('unknown')
  })

  it('extensions(): what /ResourceTypes declares, unknown without it', () => {
    const m = full()
    expect(m.extensions('User')?.value.map((e) => e.schema)).toEqual([ENTERPRISE, ACME])
    expect(m.declaresExtension('User', ENTERPRISE)).toBe(true)
    expect(m.extensions('Group')?.value).toEqual([])
    expect(new TargetModel({ resourceTypes: { status: 404 } }).declaresExtension('User', ENTERPRISE)).toBe('unknown')
  })

  it('modelOf() builds the model of raw documents once, and prefers the run model', () => {
    const d = { spc: { sort: { supported: true } } }
    expect(modelOf(d)).toBe(modelOf(d))
    expect(modelOf(d).feature('sort').value).toBe(true)
    const m = full()
    expect(modelOf({ model: m })).toBe(m)
  })

  it('features for the generic profile follow the model; IdP profiles send their traffic regardless', () => {
    const d = { model: full() }
    expect(featuresOf('generic', d, false)).toMatchObject({ sort: true, etag: false, bulk: false, patch: true, enterprise: true })
    expect(featuresOf('okta', d, false)).toMatchObject({ sort: true, etag: true, bulk: true })
    const bare = { model: new TargetModel({ resourceTypes: { status: 200, body: list([userType()]) } }) }
    expect(featuresOf('generic', bare, false)).toMatchObject({ enterprise: false, groups: false, sort: false })
  })
})

describe('custom extension plan', () => {
  it('uses the declared User extension other than the enterprise one, writing only readWrite/writeOnly simple single-valued non-unique attributes', () => {
    const plan = planCustom(full())
    expect(plan).toMatchObject({ urn: ACME, from: { document: 'ResourceTypes', status: 200 } })
    if ('reason' in plan) throw new Error(plan.reason)
    expect(plan.attributes).toEqual({ tier: 'bronze', limit: 250, pin: 'scimcheck-pin' })
    // writeOnly values are written but never expected back.
    expect(plan.readBack).toEqual({ tier: 'bronze', limit: 250 })
    expect(plan.left.sort()).toEqual(['badge', 'computed', 'employeeKey', 'tags'])
  })

  it('customExtension from the config wins; without one and without a declared extension the plan says why', () => {
    const m = new TargetModel({ resourceTypes: { status: 200, body: list([userType([ENTERPRISE])]) }, customExtension: ACME })
    expect(planCustom(m, { urn: ACME, attributes: { x: 1 } })).toMatchObject({ urn: ACME, attributes: { x: 1 }, readBack: { x: 1 } })
    expect(planCustom(new TargetModel({ resourceTypes: { status: 200, body: list([userType([ENTERPRISE])]) } }))).toEqual({
      reason: 'the server declares no custom User extension (only the RFC schemas) in /ResourceTypes',
    })
    expect(planCustom(new TargetModel({ resourceTypes: { status: 401, withToken: true } }))).toMatchObject({ reason: expect.stringContaining('could not be read (refused with 401 even with the token)') })
  })
})

describe('requires: against the model', () => {
  const features = featuresOf('okta', {}, false)
  it('skips only what the server does not declare; unknown keeps trying', () => {
    const d = { model: full() }
    const custom = planCustom(d.model)
    expect(unmet(['attribute:User.nickName'], features, d, custom)).toBe('the server does not declare User.nickName (/Schemas 200)')
    expect(unmet(['attribute:User.displayName', 'extension:enterprise', 'extension:custom'], features, d, custom)).toBeUndefined()
    const minimal = { model: new TargetModel({ resourceTypes: { status: 200, body: list([userType()]) }, schemas: { status: 200, body: list([coreUser(['nickName'])]) } }) }
    expect(unmet(['extension:enterprise'], features, minimal, planCustom(minimal.model))).toBe('the server does not declare the enterprise User extension (read (200))')
    expect(unmet(['extension:custom'], features, minimal, planCustom(minimal.model))).toContain('declares no custom User extension')
    const unknown = { model: new TargetModel({}) }
    expect(unmet(['attribute:User.nickName', 'extension:enterprise'], features, unknown, planCustom(unknown.model))).toBeUndefined()
  })
})

describe('probe bodies carry only what the target declares', async () => {
  const { declaredOnly } = await import('../../src/target/trim.js')
  const minimal = {
    model: new TargetModel({ resourceTypes: { status: 200, body: list([userType()]) }, schemas: { status: 200, body: list([coreUser(['nickName'])]) } }),
  }
  const body = { schemas: [USER, ENTERPRISE], userName: 'u', nickName: 'n', scimcheckBogus: 1, [ENTERPRISE]: { employeeNumber: '1' } }

  it('drops RFC attributes and the enterprise extension the server does not declare, keeps deliberate unknown names', () => {
    expect(declaredOnly('POST', '/Users', body, minimal)).toEqual({ schemas: [USER], userName: 'u', scimcheckBogus: 1 })
    expect(declaredOnly('PUT', '/Users/abc', body, minimal)).toEqual({ schemas: [USER], userName: 'u', scimcheckBogus: 1 })
  })

  it('leaves bodies alone without a usable /Schemas, for other methods, and when everything is declared', () => {
    expect(declaredOnly('POST', '/Users', body, { model: new TargetModel({ schemas: { status: 401 } }) })).toBe(body)
    expect(declaredOnly('PATCH', '/Users/abc', body, minimal)).toBe(body)
    const { nickName: _, ...declared } = body
    expect(declaredOnly('POST', '/Users', declared, { model: full() })).toBe(declared)
  })
})
