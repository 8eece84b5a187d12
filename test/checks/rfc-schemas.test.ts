import { describe, expect, it } from 'vitest'
import {
  RFC_SCHEMAS,
  URN,
  advertisedTypes,
  formatProblem,
  isXsdDateTime,
  returnedResources,
  validateBulkResponse,
  validateEnterpriseUser,
  validateError,
  validateGroup,
  validateListResponse,
  validatePatchOp,
  validateResourceAs,
  validateResourceType,
  validateReturned,
  validateSchema,
  validateSearchRequest,
  validateServiceProviderConfig,
  validateUser,
} from '../../src/rfc/index.js'
import { exchange } from '../helpers/exchange.js'

const ENTERPRISE = URN.enterpriseUser
const messages = (v: { problems: Parameters<typeof formatProblem>[0][] }) => v.problems.map(formatProblem)

/** A full User in the shape of RFC 7643 §8.2/§8.3 (country corrected to alpha-2, no password). */
const fullUser = {
  schemas: [URN.user, ENTERPRISE],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'ScimCheck-AbC-1',
  meta: { resourceType: 'User', created: '2010-01-23T04:56:22Z', lastModified: '2011-05-13T04:42:34Z', version: 'W/"3694e05e9dff591"', location: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646' },
  userName: 'scimcheck-u1@example.com',
  name: { formatted: 'Ms. Ada B Example III', familyName: 'Example', givenName: 'Ada', middleName: 'B', honorificPrefix: 'Ms.', honorificSuffix: 'III' },
  displayName: 'Ada Example',
  nickName: 'Ada',
  profileUrl: 'https://login.example.com/ada',
  emails: [{ value: 'ada@example.com', type: 'work', primary: true }, { value: 'ada@home.example.com', type: 'home' }],
  addresses: [{ type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'US', formatted: '100 Universal City Plaza\nHollywood, CA 91608 US', primary: true }],
  phoneNumbers: [{ value: '555-555-5555', type: 'work' }],
  ims: [{ value: 'someaimhandle', type: 'aim' }],
  photos: [{ value: 'https://photos.example.com/profilephoto/72930000000Ccne/F', type: 'photo' }],
  userType: 'Employee',
  title: 'Tour Guide',
  preferredLanguage: 'en-US',
  locale: 'en-US',
  timezone: 'America/Los_Angeles',
  active: true,
  groups: [{ value: 'e9e30dba-f08f-4109-8486-d5c6a331660a', $ref: 'https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a', display: 'Tour Guides' }],
  x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx' }],
  [ENTERPRISE]: { employeeNumber: '701984', costCenter: '4130', organization: 'Universal Studios', division: 'Theme Park', department: 'Tour Operations', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', $ref: '../Users/26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith' } },
}

const group = {
  schemas: [URN.group],
  id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
  displayName: 'Tour Guides',
  members: [{ value: '2819c223-7f76-453a-919d-413861904646', $ref: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646', display: 'Ada Example' }],
  meta: { resourceType: 'Group', created: '2010-01-23T04:56:22Z', lastModified: '2011-05-13T04:42:34Z', location: 'https://example.com/v2/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a' },
}

const spc = {
  schemas: [URN.serviceProviderConfig],
  documentationUri: 'https://example.com/help/scim.html',
  patch: { supported: true },
  bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
  filter: { supported: true, maxResults: 200 },
  changePassword: { supported: true },
  sort: { supported: true },
  etag: { supported: true },
  authenticationSchemes: [{ name: 'OAuth Bearer Token', description: 'Authentication scheme using the OAuth Bearer Token Standard', specUri: 'https://www.rfc-editor.org/info/rfc6750', type: 'oauthbearertoken', primary: true }],
  // RFC 9865 adds pagination: an unknown extra must be tolerated.
  pagination: { cursor: true, index: true },
}

describe('RFC schemas as data (src/rfc/schemas)', () => {
  it('each corrected §8.7 copy is itself a valid Schema resource', () => {
    for (const s of Object.values(RFC_SCHEMAS)) expect(messages(validateSchema(s)), s.id).toEqual([])
  })

  it('carries the catalogue §4 #30 corrections', () => {
    const attr = (schema: keyof typeof RFC_SCHEMAS, name: string) => RFC_SCHEMAS[schema].attributes.find((a) => a.name === name)!
    expect(attr('group', 'displayName').required).toBe(true)
    expect(attr('serviceProviderConfig', 'etag').required).toBe(true)
    expect(attr('resourceType', 'schemaExtensions')).toMatchObject({ required: false, multiValued: true })
    expect(attr('schema', 'name').required).toBe(false)
    expect(attr('group', 'members').subAttributes!.map((s) => s.name)).toContain('display')
    expect(attr('user', 'password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' })
  })
})

describe('resource validators', () => {
  it('accept the RFC 7643 §8 examples', () => {
    expect(messages(validateUser(fullUser, { full: true }))).toEqual([])
    expect(messages(validateUser({ schemas: [URN.user], id: '1', userName: 'bjensen' }, { full: true }))).toEqual([])
    expect(messages(validateGroup(group, { full: true }))).toEqual([])
    expect(messages(validateEnterpriseUser(fullUser[ENTERPRISE]))).toEqual([])
  })

  it('report type errors with one-line messages', () => {
    const bad = { ...fullUser, active: 'true', emails: [{ value: 'a@example.com', primary: 'yes' }], name: 'Ada', meta: { ...fullUser.meta, created: '2010-01-23 04:56:22' }, x509Certificates: { value: 'x' } }
    expect(messages(validateUser(bad))).toEqual(
      expect.arrayContaining([
        'active must be a boolean, not the string "true"',
        'emails[0].primary must be a boolean, not the string "yes"',
        'name must be an object (complex value), not the string "Ada"',
        'meta.created must be an xsd:dateTime such as 2015-09-01T12:30:00Z, not "2010-01-23 04:56:22"',
        'x509Certificates must be an array (multi-valued), not an object',
      ]),
    )
    expect(messages(validateEnterpriseUser({ manager: { value: 7 } }))).toEqual(['manager.value must be a string, not the number 7'])
  })

  it('enforce required only on full representations', () => {
    expect(messages(validateGroup({ schemas: [URN.group], id: 'g' }, { full: true }))).toEqual(['displayName is required but missing'])
    expect(validateGroup({ schemas: [URN.group], id: 'g' }, { full: false }).ok).toBe(true)
    expect(validateUser({ schemas: [URN.user], id: 'u' }).ok).toBe(true)
  })

  it('flag returned: never and writeOnly attributes as present', () => {
    const v = validateUser({ ...fullUser, password: 'hashed' })
    expect(v.problems).toEqual([{ path: 'password', message: 'must never be returned (returned: never)', kind: 'never' }])
    const pin = { name: 'User', endpoint: '/Users', schema: { id: URN.user, attributes: [{ name: 'pin', type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'writeOnly', returned: 'default' }] }, extensions: [], unresolved: [] }
    expect(messages(validateResourceAs(pin, { schemas: [URN.user], id: 'u', pin: '1234' }))).toEqual(['pin must never be returned (mutability: writeOnly)'])
    // §2.5: null is unassigned, not returned.
    expect(validateUser({ ...fullUser, password: null }).ok).toBe(true)
  })

  it('normalise case-insensitive attribute names and report each difference', () => {
    const v = validateUser({ schemas: [URN.user], id: 'u', UserName: 'x', Emails: [{ Value: 'a@example.com', Primary: true }], [ENTERPRISE.toUpperCase()]: { EmployeeNumber: '1' } }, { full: true })
    expect(v.ok).toBe(true)
    expect(v.caseDifferences.map((d) => `${d.found}→${d.declared}`)).toEqual(['UserName→userName', 'Emails→emails', 'Value→value', 'Primary→primary', `${ENTERPRISE.toUpperCase()}→${ENTERPRISE}`, 'EmployeeNumber→employeeNumber'])
    // A case difference is never mistaken for a type error or a missing required attribute.
    expect(validateUser({ schemas: [URN.user], id: 'u', USERNAME: 'x', ACTIVE: 'no' }, { full: true }).problems.map(formatProblem)).toEqual(['active must be a boolean, not the string "no"'])
  })

  it('accept the §2.4 default sub-attributes on any multi-valued attribute, typed', () => {
    const type = { name: 'User', endpoint: '/Users', schema: { id: URN.user, attributes: [{ name: 'userName', type: 'string', multiValued: false, required: true, caseExact: false, mutability: 'readWrite', returned: 'default' }, { name: 'roles', type: 'complex', multiValued: true, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', subAttributes: [{ name: 'value', type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default' }] }] }, extensions: [], unresolved: [] }
    expect(validateResourceAs(type, { schemas: [URN.user], id: 'u', userName: 'x', roles: [{ value: 'r', display: 'R', primary: true, type: 't' }] }, { strict: true }).ok).toBe(true)
    expect(messages(validateResourceAs(type, { schemas: [URN.user], id: 'u', userName: 'x', roles: [{ value: 'r', primary: 'true', colour: 'red' }] }, { strict: true })).sort()).toEqual(['roles[0].colour is not declared in the schema', 'roles[0].primary must be a boolean, not the string "true"'])
  })
})

describe('discovery document validators', () => {
  it('accept a complete ServiceProviderConfig with RFC 9865 extras', () => {
    expect(messages(validateServiceProviderConfig(spc))).toEqual([])
  })

  it('name what a ServiceProviderConfig lacks', () => {
    const { etag: _e, ...noEtag } = spc
    expect(messages(validateServiceProviderConfig({ ...noEtag, bulk: { supported: true, maxOperations: '1000' } }))).toEqual(['etag is required but missing', 'bulk.maxPayloadSize is required but missing', 'bulk.maxOperations must be an integer, not the string "1000"'])
  })

  it('ResourceType: schemaExtensions is an optional list', () => {
    expect(validateResourceType({ schemas: [URN.resourceType], id: 'User', name: 'User', endpoint: '/Users', schema: URN.user }).ok).toBe(true)
    expect(messages(validateResourceType({ schemas: [URN.resourceType], name: 'User', endpoint: '/Users', schema: URN.user, schemaExtensions: { schema: ENTERPRISE, required: false } }))).toEqual(['schemaExtensions must be an array (multi-valued), not an object'])
    expect(messages(validateResourceType({ schemas: [URN.resourceType], name: 'User', schema: URN.user, schemaExtensions: [{ schema: ENTERPRISE }] }))).toEqual(['endpoint is required but missing', 'schemaExtensions[0].required is required but missing'])
  })
})

describe('message validators', () => {
  it('ListResponse: Resources may be absent (count=0); totalResults must be an integer', () => {
    expect(validateListResponse({ schemas: [URN.listResponse], totalResults: 0 }).ok).toBe(true)
    expect(messages(validateListResponse({ schemas: [URN.listResponse], totalResults: '2', Resources: [] }))).toEqual(['totalResults must be an integer, not the string "2"'])
    expect(messages(validateListResponse({ totalResults: 1, Resources: [{}] }))).toEqual(['schemas is required but missing'])
  })

  it('Error: status as string or number (graded by errors.status-string); schemas must name the Error URN', () => {
    expect(validateError({ schemas: [URN.error], status: '404', detail: 'x' }).ok).toBe(true)
    expect(validateError({ schemas: [URN.error], status: 404 }).ok).toBe(true)
    expect(messages(validateError({ schemas: ['urn:example'], status: '400', detail: 3 }))).toEqual([`schemas must contain "${URN.error}"`, 'detail must be a string, not the number 3'])
  })

  it('PatchOp: op case-insensitive, remove needs a path, add/replace a value, at least one operation', () => {
    expect(validatePatchOp({ schemas: [URN.patchOp], Operations: [{ op: 'Replace', value: { active: false } }, { op: 'remove', path: 'title' }] }).ok).toBe(true)
    expect(messages(validatePatchOp({ schemas: [URN.patchOp], Operations: [{ op: 'remove' }, { op: 'add', path: 'title' }] }))).toEqual(['Operations[0].path is required but missing', 'Operations[1].value is required but missing'])
    expect(messages(validatePatchOp({ schemas: [URN.patchOp], Operations: [] }))).toEqual(['Operations must have at least 1 item(s)'])
    expect(validatePatchOp({ schemas: [URN.patchOp], Operations: [{ op: 'move', value: 1 }] }).ok).toBe(false)
  })

  it('SearchRequest and BulkResponse (both status forms of RFC 7644 §3.7)', () => {
    expect(validateSearchRequest({ schemas: [URN.searchRequest], filter: 'userName eq "x"', startIndex: 1, count: 10, sortOrder: 'descending' }).ok).toBe(true)
    expect(validateSearchRequest({ schemas: [URN.searchRequest], sortOrder: 'down' }).ok).toBe(false)
    expect(validateBulkResponse({ schemas: [URN.bulkResponse], Operations: [{ method: 'POST', status: '201' }, { method: 'POST', status: { code: '201' } }] }).ok).toBe(true)
    expect(validateBulkResponse({ schemas: [URN.bulkResponse], Operations: [{ method: 'POST' }] }).ok).toBe(false)
  })
})

describe('xsd:dateTime', () => {
  it('accepts what XML Schema accepts, offsets optional', () => {
    for (const v of ['2015-09-01T12:30:00Z', '2015-09-01T12:30:00', '2015-09-01T12:30:00.123456-07:00', '2016-02-29T24:00:00+01:00', '-0044-03-15T12:00:00Z', '12015-01-01T00:00:00Z']) expect(isXsdDateTime(v), v).toBe(true)
  })
  it('rejects dates alone, spaces, impossible dates and RFC 2822 forms', () => {
    for (const v of ['2015-09-01', '2015-09-01 12:30:00', '2015-02-29T00:00:00Z', '2015-13-01T00:00:00Z', '2015-09-01T24:00:01Z', 'Tue, 01 Sep 2015 12:30:00 GMT', '2015-09-01T12:30:00+15:00', 1441110600]) expect(isXsdDateTime(v), String(v)).toBe(false)
  })
})

describe('validation by the schema the server advertises', () => {
  const userSchema = { id: URN.user, attributes: [{ name: 'userName', type: 'string', multiValued: false, required: true }, { name: 'active', type: 'boolean', multiValued: false }, { name: 'score', type: 'integer', multiValued: false }] }
  const discovery = {
    resourceTypes: [{ schemas: [URN.resourceType], id: 'User', name: 'User', endpoint: '/Users', schema: URN.user, schemaExtensions: [{ schema: ENTERPRISE, required: false }] }],
    schemas: [userSchema, { id: ENTERPRISE, attributes: [{ name: 'employeeNumber', type: 'string', multiValued: false }] }],
  }

  it('builds resource types from /ResourceTypes and /Schemas, skipping malformed entries', () => {
    const types = advertisedTypes({ ...discovery, resourceTypes: [...discovery.resourceTypes, { name: 'Broken' }, { name: 'X', schema: 'urn:example:unserved' }] })!
    expect(types.map((t) => [t.name, t.extensions.map((e) => e.id)])).toEqual([['User', [ENTERPRISE]]])
    expect(advertisedTypes({ schemas: discovery.schemas })).toBeUndefined()
  })

  it('types values by the server schema and reports undeclared attributes (strict)', () => {
    const x = exchange({ path: '/Users/u1', body: { schemas: [URN.user], id: 'u1', userName: 'a', active: true, score: 1.5, title: 'not declared here', meta: { resourceType: 'User' } } })
    const [rr] = returnedResources(x, discovery)
    expect(rr.advertised).toBe(true)
    expect(messages(validateReturned(rr)!).sort()).toEqual(['score must be an integer, not the number 1.5', 'title is not declared in the schema'])
  })

  it('finds every list element and marks attribute-reduced representations as partial', () => {
    const x = exchange({ path: '/Users?attributes=userName', body: { schemas: [URN.listResponse], totalResults: 2, Resources: [{ id: 'a', userName: 'a' }, { id: 'b' }] } })
    const found = returnedResources(x, discovery)
    expect(found.map((r) => [r.where, r.full, r.listElement])).toEqual([
      ['GET /scim/v2/Users Resources[0]', false, true],
      ['GET /scim/v2/Users Resources[1]', false, true],
    ])
  })

  it('falls back to the RFC schema (lenient) without discovery, and never treats discovery documents or errors as resources', () => {
    const [rr] = returnedResources(exchange({ path: '/Users/u1', body: { schemas: [URN.user], id: 'u1', userName: 'a', custom: 1 } }), {})
    expect(rr.advertised).toBe(false)
    expect(validateReturned(rr)!.ok).toBe(true)
    expect(returnedResources(exchange({ path: '/ResourceTypes/User', body: discovery.resourceTypes[0] }), {})).toEqual([])
    expect(returnedResources(exchange({ path: '/Users/nope', status: 404, body: { schemas: [URN.error], status: '404' } }), {})).toEqual([])
  })
})
