import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index.js'
import { Client, fullUser, start, URN_ENTERPRISE, URN_ERROR, URN_USER, type Json } from './helpers.js'

const XSD_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('create and read', () => {
  let server: RunningServer
  let c: Client

  beforeAll(async () => {
    ;({ server, c } = await start())
  })
  afterAll(() => server.close())

  it('creates a user: 201, Location = meta.location, ETag = meta.version, full body', async () => {
    const body = fullUser('create-u1')
    const r = await c.post('/Users', body)
    expect(r.status).toBe(201)
    expect(r.headers.get('content-type')).toBe('application/scim+json; charset=utf-8')
    const u = r.json
    expect(u.id).toMatch(UUID)
    expect(u.schemas).toEqual([URN_USER])
    expect(r.headers.get('location')).toBe(u.meta.location)
    expect(u.meta.location).toBe(`${server.url}/Users/${u.id}`)
    expect(r.headers.get('etag')).toBe(u.meta.version)
    expect(u.meta.version).toMatch(/^W\/".+"$/)
    expect(u.meta.resourceType).toBe('User')
    expect(u.meta.created).toMatch(XSD_DATETIME)
    expect(u.meta.lastModified).toBe(u.meta.created)
    for (const k of ['userName', 'externalId', 'name', 'displayName', 'nickName', 'title', 'active', 'emails', 'phoneNumbers', 'addresses']) {
      expect(u[k], k).toEqual(body[k])
    }
  })

  it('reads a user back with the same representation and code points', async () => {
    const created = await c.createUser('create-u2', { name: { givenName: 'Zoë', familyName: 'Ångström-李' } })
    const r = await c.get(`/Users/${created.id}`)
    expect(r.status).toBe(200)
    expect(r.json).toEqual(created)
    expect(r.json.name.familyName).toBe('Ångström-李')
    expect(r.headers.get('etag')).toBe(created.meta.version)
  })

  it('ignores client id, meta and groups; stores password but never returns it', async () => {
    const r = await c.post('/Users', {
      schemas: [URN_USER],
      id: 'scimcheck-client-id',
      userName: 'create-u3',
      password: 'hunter2!',
      groups: [],
      meta: { resourceType: 'Bogus', created: '2000-01-01T00:00:00Z' },
    })
    expect(r.status).toBe(201)
    expect(r.json.id).not.toBe('scimcheck-client-id')
    expect(r.json.meta.resourceType).toBe('User')
    expect(r.json.meta.created).not.toBe('2000-01-01T00:00:00Z')
    expect(r.text).not.toContain('hunter2')
    expect(r.json.password).toBeUndefined()
    expect((await c.get(`/Users/${r.json.id}`)).text).not.toContain('hunter2')
    expect((await c.get(`/Users/${r.json.id}?attributes=password`)).text).not.toContain('hunter2')
    expect((await c.filterUsers('userName eq "create-u3"')).text).not.toContain('hunter2')
  })

  it('does not invent an externalId and preserves externalId case', async () => {
    const plain = await c.createUser('create-u4')
    expect(plain.externalId).toBeUndefined()
    const mixed = await c.createUser('create-u5', { externalId: 'ScimCheck-AbC-123' })
    expect(mixed.externalId).toBe('ScimCheck-AbC-123')
  })

  it('accepts application/json and charset parameters on requests', async () => {
    for (const [i, ct] of ['application/json', 'application/scim+json; charset=utf-8', 'application/json;charset=UTF-8'].entries()) {
      const r = await c.post('/Users', { userName: `media-${i}` }, { 'Content-Type': ct })
      expect(r.status, ct).toBe(201)
    }
    const noAccept = await c.req('GET', '/Users?count=1', undefined, { Accept: '*/*' })
    expect(noAccept.status).toBe(200)
  })

  it('answers 409 uniqueness for a duplicate userName, case-insensitively', async () => {
    await c.createUser('Dup.User@Example.com')
    for (const name of ['Dup.User@Example.com', 'DUP.USER@EXAMPLE.COM']) {
      const r = await c.post('/Users', { schemas: [URN_USER], userName: name })
      expect(r.status).toBe(409)
      expect(r.json).toMatchObject({ schemas: [URN_ERROR], status: '409', scimType: 'uniqueness' })
    }
    expect((await c.filterUsers('userName eq "dup.user@example.com"')).json.totalResults).toBe(1)
  })

  it('rejects malformed JSON with 400 invalidSyntax and creates nothing', async () => {
    const r = await c.req('POST', '/Users', '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"trunc')
    expect(r.status).toBe(400)
    expect(r.json).toMatchObject({ status: '400', scimType: 'invalidSyntax' })
    expect((await c.filterUsers('userName sw "trunc"')).json.totalResults).toBe(0)
    const empty = await c.req('POST', '/Users', '', { 'Content-Type': 'application/scim+json' })
    expect(empty.status).toBe(400)
    const array = await c.post('/Users', [{ userName: 'x' }])
    expect(array.json.scimType).toBe('invalidSyntax')
  })

  it('rejects wrong JSON types with 400 invalidValue', async () => {
    for (const body of [{ userName: 42 }, { userName: 'wt-1', active: 'yes' }, { userName: 'wt-2', name: 'flat' }, { userName: 'wt-3', emails: [{ value: 7 }] }]) {
      const r = await c.post('/Users', body)
      expect(r.status, JSON.stringify(body)).toBe(400)
      expect(r.json.scimType).toBe('invalidValue')
    }
  })

  it('rejects a missing or empty userName with 400 invalidValue', async () => {
    for (const body of [{ schemas: [URN_USER] }, { userName: '' }, { userName: '   ' }]) {
      const r = await c.post('/Users', body)
      expect(r.status).toBe(400)
      expect(r.json.scimType).toBe('invalidValue')
    }
  })

  it('rejects two primary emails', async () => {
    const r = await c.post('/Users', {
      userName: 'two-primaries',
      emails: [
        { value: 'a@example.com', primary: true },
        { value: 'b@example.com', primary: true },
      ],
    })
    expect(r.status).toBe(400)
    expect(r.json.scimType).toBe('invalidValue')
  })

  it('tolerates IdP create bodies: Entra meta/roles, OneLogin legacy URNs and string booleans, unknown URIs', async () => {
    const entra = await c.post('/Users', {
      schemas: [URN_USER, URN_ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_entra',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_entra@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
      [URN_ENTERPRISE]: { employeeNumber: 'E1', department: 'Eng' },
    })
    expect(entra.status).toBe(201)
    expect(entra.json.schemas).toEqual([URN_USER, URN_ENTERPRISE])
    expect(entra.json.roles).toBeUndefined()

    const onelogin = await c.post('/Users', {
      schemas: ['urn:scim:schemas:core:2.0', 'urn:scim:schemas:extension:enterprise:2.0'],
      userName: 'jdoe-onelogin',
      active: 'true',
      name: { familyName: 'Doe', givenName: 'Jane' },
      emails: { value: 'jdoe@example.com' },
    })
    expect(onelogin.status).toBe(201)
    expect(onelogin.json.active).toBe(true)
    expect(onelogin.json.emails).toEqual([{ value: 'jdoe@example.com' }])
    expect(onelogin.json.schemas).toEqual([URN_USER])

    const legacyExt = await c.post('/Users', {
      schemas: ['urn:scim:schemas:core:2.0', 'urn:scim:schemas:extension:enterprise:2.0'],
      userName: 'onelogin-legacy-ext',
      'urn:scim:schemas:extension:enterprise:2.0': { department: 'Sales' },
    })
    expect(legacyExt.json[URN_ENTERPRISE]).toEqual({ department: 'Sales' })

    const unknown = await c.post('/Users', { schemas: [URN_USER, 'urn:example:scimcheck:unknown'], userName: 'unknown-uri', 'urn:example:scimcheck:unknown': { x: 1 } })
    expect(unknown.status).toBe(201)
    expect(unknown.json['urn:example:scimcheck:unknown']).toBeUndefined()
  })

  it('stores attribute names in their declared case and accepts an upper-cased schema URI', async () => {
    const r = await c.post('/Users', { schemas: [URN_USER.toUpperCase()], UserName: 'case-body', Name: { GivenName: 'G' }, ACTIVE: false })
    expect(r.status).toBe(201)
    expect(r.json.userName).toBe('case-body')
    expect(r.json.name).toEqual({ givenName: 'G' })
    expect(r.json.active).toBe(false)
  })

  it('stores the enterprise extension under its URN with a manager reference', async () => {
    const boss = await c.createUser('ext-boss')
    const r = await c.post('/Users', {
      schemas: [URN_USER, URN_ENTERPRISE],
      userName: 'ext-e1',
      [URN_ENTERPRISE]: { employeeNumber: '701984', costCenter: '4130', manager: { value: boss.id, displayName: 'Client Name' } },
    })
    expect(r.status).toBe(201)
    const ext = r.json[URN_ENTERPRISE]
    expect(ext.employeeNumber).toBe('701984')
    expect(ext.manager.value).toBe(boss.id)
    expect(ext.manager.$ref).toBe(`${server.url}/Users/${boss.id}`)
    expect(ext.manager.displayName).toBeUndefined()
    expect(r.json.employeeNumber).toBeUndefined()
  })

  it('coerces the custom extension values to their declared types', async () => {
    const r = await c.post('/Users', {
      userName: 'ext-custom',
      'urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User': { approvalLimit: '1500.50', spendLimit: 300, costApprover: 'True', approvalTier: 'elevated' },
    })
    expect(r.status).toBe(201)
    expect(r.json['urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User']).toEqual({
      approvalLimit: 1500.5,
      spendLimit: 300,
      costApprover: true,
      approvalTier: 'elevated',
    })
    // Entra writes custom extension attributes as URN-qualified keys without listing the URN in schemas.
    const flat = await c.post('/Users', { schemas: [URN_USER], userName: 'ext-flat', 'urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User:approvalTier': 'gold' })
    expect(flat.json['urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User']).toEqual({ approvalTier: 'gold' })
    expect(flat.json.schemas).toContain('urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User')
    const bad = await c.post('/Users', { userName: 'ext-bad', 'urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User': { spendLimit: 1.5 } })
    expect(bad.json.scimType).toBe('invalidValue')
  })

  it('answers 404 SCIM errors for unknown ids', async () => {
    for (const path of ['/Users/00000000-0000-4000-8000-000000000000', '/Groups/00000000-0000-4000-8000-000000000000']) {
      const r = await c.get(path)
      expect(r.status).toBe(404)
      expect(r.json).toMatchObject({ schemas: [URN_ERROR], status: '404', detail: expect.any(String) })
    }
  })

  it('answers 405 with Allow for unsupported methods on resource endpoints', async () => {
    const r = await c.del('/Users')
    expect(r.status).toBe(405)
    expect(r.headers.get('allow')).toBe('GET, POST')
  })

  it('answers If-None-Match with 304 for the current tag and 200 for a stale one', async () => {
    const u = await c.createUser('etag-u1')
    const same = await c.get(`/Users/${u.id}`, { 'If-None-Match': u.meta.version })
    expect(same.status).toBe(304)
    expect(same.text).toBe('')
    const stale = await c.get(`/Users/${u.id}`, { 'If-None-Match': 'W/"stale"' })
    expect(stale.status).toBe(200)
  })
})

describe('groups', () => {
  let server: RunningServer
  let c: Client

  beforeAll(async () => {
    ;({ server, c } = await start())
  })
  afterAll(() => server.close())

  it('creates groups with and without members; members carry value, $ref, type and display', async () => {
    const u = await c.createUser('grp-u1', { displayName: 'Group User One' })
    const empty = await c.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'grp-empty', members: [] })
    expect(empty.status).toBe(201)
    expect(empty.headers.get('location')).toBe(empty.json.meta.location)
    expect(empty.json.members).toBeUndefined()
    const g = await c.post('/Groups', { displayName: 'grp-with', members: [{ value: u.id, display: 'ignored' }] })
    expect(g.status).toBe(201)
    expect(g.json.members).toEqual([{ value: u.id, $ref: `${server.url}/Users/${u.id}`, type: 'User', display: 'Group User One' }])
    const user = await c.get(`/Users/${u.id}`)
    expect(user.json.groups).toEqual([{ value: g.json.id, $ref: `${server.url}/Groups/${g.json.id}`, display: 'grp-with', type: 'direct' }])
  })

  it('accepts the Entra group body with an extra schema URI and externalId', async () => {
    const r = await c.post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'grp-entra',
      meta: { resourceType: 'Group' },
    })
    expect(r.status).toBe(201)
    expect(r.json.externalId).toBe('8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159')
  })

  it('requires displayName, enforces its uniqueness, and refuses unknown member ids', async () => {
    const missing = await c.post('/Groups', { members: [] })
    expect(missing.status).toBe(400)
    expect(missing.json.scimType).toBe('invalidValue')
    await c.createGroup('grp-unique')
    const dup = await c.post('/Groups', { displayName: 'GRP-UNIQUE' })
    expect(dup.status).toBe(409)
    expect(dup.json.scimType).toBe('uniqueness')
    const unknown = await c.post('/Groups', { displayName: 'grp-unknown-member', members: [{ value: 'no-such-id' }] })
    expect(unknown.status).toBe(400)
    expect(unknown.json.scimType).toBe('invalidValue')
  })

  it('supports nested groups', async () => {
    const inner = await c.createGroup('grp-inner')
    const outer = await c.createGroup('grp-outer', [inner.id])
    expect(outer.members[0]).toMatchObject({ value: inner.id, type: 'Group', display: 'grp-inner' })
  })
})

describe('PUT', () => {
  let server: RunningServer
  let c: Client

  beforeAll(async () => {
    ;({ server, c } = await start())
  })
  afterAll(() => server.close())

  it('replaces the resource, keeps id and created, advances lastModified and the ETag', async () => {
    const u = await c.createUser('put-u1', { name: { givenName: 'A', familyName: 'B' }, title: 'T', nickName: 'N' })
    const got = (await c.get(`/Users/${u.id}`)).json
    const body = { ...got, name: { givenName: 'Changed', familyName: 'B' } }
    delete body.title
    const r = await c.put(`/Users/${u.id}`, body)
    expect(r.status).toBe(200)
    expect(r.json.id).toBe(u.id)
    expect(r.json.name.givenName).toBe('Changed')
    expect(r.json.title).toBeUndefined() // omitted readWrite attributes are cleared
    expect(r.json.nickName).toBe('N')
    expect(r.json.meta.created).toBe(u.meta.created)
    expect(Date.parse(r.json.meta.lastModified)).toBeGreaterThan(Date.parse(u.meta.lastModified))
    expect(r.json.meta.version).not.toBe(u.meta.version)
    expect(r.headers.get('etag')).toBe(r.json.meta.version)
    expect((await c.get(`/Users/${u.id}`)).json).toEqual(r.json)
  })

  it('ignores the readOnly attributes Okta echoes (id, meta, groups) and keeps the password', async () => {
    const u = await c.createUser('put-okta', { password: 'secret-1', active: true })
    const r = await c.put(`/Users/${u.id}`, {
      schemas: [URN_USER],
      id: u.id,
      userName: 'put-okta',
      name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
      emails: [{ primary: true, value: 'put-okta@example.com', type: 'work', display: 'put-okta@example.com' }],
      active: false,
      groups: [],
      meta: { resourceType: 'User' },
    })
    expect(r.status).toBe(200)
    expect(r.json.id).toBe(u.id)
    expect(r.json.active).toBe(false)
    expect(server.store.record('User', u.id)?.attrs['password']).toBe('secret-1')
    const back = await c.put(`/Users/${u.id}`, { ...r.json, active: true })
    expect(back.json.active).toBe(true)
  })

  it('ignores a body id that differs from the path', async () => {
    const u = await c.createUser('put-idmismatch')
    const r = await c.put(`/Users/${u.id}`, { id: 'other', userName: 'put-idmismatch' })
    expect(r.status).toBe(200)
    expect(r.json.id).toBe(u.id)
  })

  it('refuses to change an immutable attribute but accepts the same value or its omission', async () => {
    const ext = 'urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User'
    const u = await c.createUser('put-immutable', { [ext]: { badgeId: 'B-1', approvalTier: 'gold' } })
    const same = await c.put(`/Users/${u.id}`, { userName: 'put-immutable', [ext]: { badgeId: 'B-1' } })
    expect(same.status).toBe(200)
    expect(same.json[ext]).toEqual({ badgeId: 'B-1' })
    const omitted = await c.put(`/Users/${u.id}`, { userName: 'put-immutable' })
    expect(omitted.json[ext]).toEqual({ badgeId: 'B-1' })
    const changed = await c.put(`/Users/${u.id}`, { userName: 'put-immutable', [ext]: { badgeId: 'B-2' } })
    expect(changed.status).toBe(400)
    expect(changed.json.scimType).toBe('mutability')
    expect((await c.get(`/Users/${u.id}`)).json[ext].badgeId).toBe('B-1')
  })

  it('answers 404 for an unknown id without creating anything', async () => {
    const r = await c.put('/Users/00000000-0000-4000-8000-000000000000', { userName: 'put-ghost' })
    expect(r.status).toBe(404)
    expect(server.store.findUserByUserName('put-ghost')).toBeUndefined()
  })

  it('answers 400 without userName and 409 on a collision, leaving the resource unchanged', async () => {
    const a = await c.createUser('put-a')
    const b = await c.createUser('put-b')
    const missing = await c.put(`/Users/${b.id}`, { name: { givenName: 'x' } })
    expect(missing.status).toBe(400)
    expect(missing.json.scimType).toBe('invalidValue')
    const clash = await c.put(`/Users/${b.id}`, { userName: 'PUT-A' })
    expect(clash.status).toBe(409)
    expect(clash.json.scimType).toBe('uniqueness')
    expect((await c.get(`/Users/${b.id}`)).json.userName).toBe('put-b')
    expect(a.id).not.toBe(b.id)
  })

  it('honours If-Match: 412 on a stale tag, 200 on the current one', async () => {
    const u = await c.createUser('put-ifmatch')
    const stale = await c.put(`/Users/${u.id}`, { userName: 'put-ifmatch', title: 'x' }, { 'If-Match': 'W/"0"' })
    expect(stale.status).toBe(412)
    expect(stale.json.status).toBe('412')
    expect((await c.get(`/Users/${u.id}`)).json.title).toBeUndefined()
    const ok = await c.put(`/Users/${u.id}`, { userName: 'put-ifmatch', title: 'x' }, { 'If-Match': u.meta.version })
    expect(ok.status).toBe(200)
    const star = await c.put(`/Users/${u.id}`, { userName: 'put-ifmatch', title: 'y' }, { 'If-Match': '*' })
    expect(star.status).toBe(200)
  })

  it('replaces group members exactly', async () => {
    const u1 = await c.createUser('put-g-u1')
    const u2 = await c.createUser('put-g-u2')
    const g = await c.createGroup('put-group', [u1.id])
    const r = await c.put(`/Groups/${g.id}`, { displayName: 'put-group', members: [{ value: u2.id, display: 'put-g-u2' }] })
    expect(r.status).toBe(200)
    expect(r.json.members.map((m: Json) => m.value)).toEqual([u2.id])
    expect((await c.get(`/Users/${u1.id}`)).json.groups).toBeUndefined()
    expect((await c.get(`/Users/${u2.id}`)).json.groups.map((x: Json) => x.value)).toEqual([g.id])
  })

  it('does not bump the version when nothing changed', async () => {
    const u = await c.createUser('put-nochange', { title: 'same' })
    const r = await c.put(`/Users/${u.id}`, u)
    expect(r.json.meta.version).toBe(u.meta.version)
    expect(r.json.meta.lastModified).toBe(u.meta.lastModified)
  })
})

describe('DELETE', () => {
  let server: RunningServer
  let c: Client

  beforeAll(async () => {
    ;({ server, c } = await start())
  })
  afterAll(() => server.close())

  it('answers 204 with no body; afterwards the resource is gone everywhere', async () => {
    const u = await c.createUser('del-u1')
    const r = await c.del(`/Users/${u.id}`)
    expect(r.status).toBe(204)
    expect(r.text).toBe('')
    expect((await c.get(`/Users/${u.id}`)).status).toBe(404)
    expect((await c.put(`/Users/${u.id}`, { userName: 'del-u1' })).status).toBe(404)
    expect((await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'active', value: false }])).status).toBe(404)
    expect((await c.del(`/Users/${u.id}`)).status).toBe(404)
    expect((await c.filterUsers('userName eq "del-u1"')).json.totalResults).toBe(0)
    expect((await c.get('/Users')).json.Resources.map((x: Json) => x.id)).not.toContain(u.id)
  })

  it('lets a deleted userName be reused', async () => {
    const u = await c.createUser('del-reuse')
    await c.del(`/Users/${u.id}`)
    expect((await c.post('/Users', { userName: 'del-reuse' })).status).toBe(201)
  })

  it('removes a deleted user from its groups, and a deleted group from its parents', async () => {
    const u1 = await c.createUser('del-m1')
    const u2 = await c.createUser('del-m2')
    const inner = await c.createGroup('del-inner', [u2.id])
    const g = await c.createGroup('del-group', [u1.id, u2.id, inner.id])
    await c.del(`/Users/${u1.id}`)
    const after = (await c.get(`/Groups/${g.id}`)).json
    expect(after.members.map((m: Json) => m.value)).toEqual([u2.id, inner.id])
    expect(Date.parse(after.meta.lastModified)).toBeGreaterThan(Date.parse(g.meta.lastModified))
    expect((await c.del(`/Groups/${inner.id}`)).status).toBe(204)
    expect((await c.get(`/Groups/${g.id}`)).json.members.map((m: Json) => m.value)).toEqual([u2.id])
    expect((await c.get(`/Users/${u2.id}`)).json.groups.map((x: Json) => x.value)).toEqual([g.id])
    expect((await c.get(`/Groups/${inner.id}`)).status).toBe(404)
  })

  it('answers 404 for an unknown id and honours If-Match', async () => {
    expect((await c.del('/Users/00000000-0000-4000-8000-000000000000')).status).toBe(404)
    const u = await c.createUser('del-ifmatch')
    expect((await c.del(`/Users/${u.id}`, { 'If-Match': 'W/"0"' })).status).toBe(412)
    expect((await c.del(`/Users/${u.id}`, { 'If-Match': u.meta.version })).status).toBe(204)
  })
})
