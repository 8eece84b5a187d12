import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index.js'
import { Client, fullUser, start, URN_ENTERPRISE, URN_USER, type Json } from './helpers.js'

let server: RunningServer
let c: Client
let seq = 0

beforeAll(async () => {
  ;({ server, c } = await start())
})
afterAll(() => server.close())

const memberIds = (g: Json): string[] => (g.members ?? []).map((m: Json) => m.value)

async function user(extra: Record<string, unknown> = {}): Promise<Json> {
  return c.createUser(`patch-${++seq}`, extra)
}

describe('PATCH basics (RFC 7644 §3.5.2)', () => {
  let u: Json
  beforeEach(async () => {
    u = await c.post('/Users', fullUser(`patch-full-${++seq}`)).then((r) => r.json)
  })

  it('replace with a path sets the value and answers 200 with the full resource', async () => {
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'name.familyName', value: 'New' }])
    expect(r.status).toBe(200)
    expect(r.json.name).toEqual({ ...u.name, familyName: 'New' })
    expect(r.json.emails).toEqual(u.emails)
    expect(r.headers.get('etag')).toBe(r.json.meta.version)
    expect(r.json.meta.version).not.toBe(u.meta.version)
    expect(Date.parse(r.json.meta.lastModified)).toBeGreaterThan(Date.parse(u.meta.lastModified))
  })

  it('path-less replace sets several attributes', async () => {
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'replace', value: { displayName: 'D2', nickName: 'N2' } }])
    expect(r.json).toMatchObject({ displayName: 'D2', nickName: 'N2' })
  })

  it('replace of an unassigned attribute adds it; replace of a complex attribute keeps other sub-attributes', async () => {
    const bare = await user()
    expect((await c.patch(`/Users/${bare.id}`, [{ op: 'replace', path: 'title', value: 'T' }])).json.title).toBe('T')
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'name', value: { givenName: 'X' } }])
    expect(r.json.name).toEqual({ ...u.name, givenName: 'X' })
  })

  it('replace of a multi-valued attribute replaces every value', async () => {
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'emails', value: [{ value: 'only@example.com', type: 'work' }] }])
    expect(r.json.emails).toEqual([{ value: 'only@example.com', type: 'work' }])
  })

  it('replace through a value filter swaps the matching value only', async () => {
    const r = await c.patch(`/Users/${u.id}`, [
      { op: 'replace', path: 'emails[type eq "work"]', value: { value: 'new-work@example.com', type: 'work', primary: true } },
    ])
    expect(r.json.emails).toEqual([{ value: 'new-work@example.com', type: 'work', primary: true }, u.emails[1]])
  })

  it('replace of a filtered sub-attribute changes only that sub-attribute', async () => {
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'w2@example.com' }])
    expect(r.json.emails).toEqual([{ ...u.emails[0], value: 'w2@example.com' }, u.emails[1]])
  })

  it('a value filter that matches nothing answers 400 noTarget and changes nothing', async () => {
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'emails[type eq "scimcheck-none"].value', value: 'x@example.com' }])
    expect(r.status).toBe(400)
    expect(r.json.scimType).toBe('noTarget')
    expect((await c.get(`/Users/${u.id}`)).json).toEqual(u)
  })

  it('add on a single-valued attribute sets, then replaces', async () => {
    await c.patch(`/Users/${u.id}`, [{ op: 'add', path: 'nickName', value: 'A' }])
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'add', path: 'nickName', value: 'B' }])
    expect(r.json.nickName).toBe('B')
  })

  it('add appends to multi-valued attributes, path-less or not', async () => {
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'add', path: 'emails', value: [{ value: 'other@example.com', type: 'other' }] }])
    expect(r.json.emails).toEqual([...u.emails, { value: 'other@example.com', type: 'other' }])
    const p = await c.patch(`/Users/${u.id}`, [{ op: 'add', value: { emails: [{ value: 'p@example.com', type: 'other' }], nickName: 'PL' } }])
    expect(p.json.emails).toHaveLength(4)
    expect(p.json.nickName).toBe('PL')
  })

  it('adding a value that is already present changes nothing, not even lastModified', async () => {
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'add', path: 'emails', value: [{ value: u.emails[1].value, type: 'home' }] }])
    expect(r.status).toBe(200)
    expect(r.json.emails).toEqual(u.emails)
    expect(r.json.meta.lastModified).toBe(u.meta.lastModified)
    expect(r.json.meta.version).toBe(u.meta.version)
  })

  it('remove by path, by value filter, and all values', async () => {
    expect((await c.patch(`/Users/${u.id}`, [{ op: 'remove', path: 'title' }])).json.title).toBeUndefined()
    const home = await c.patch(`/Users/${u.id}`, [{ op: 'remove', path: 'emails[type eq "home"]' }])
    expect(home.json.emails).toEqual([u.emails[0]])
    const all = await c.patch(`/Users/${u.id}`, [{ op: 'remove', path: 'emails' }])
    expect(all.json.emails).toBeUndefined()
  })

  it('remove without a path answers 400 noTarget', async () => {
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'remove' }])
    expect(r.status).toBe(400)
    expect(r.json.scimType).toBe('noTarget')
  })

  it('remove of userName answers 400 mutability', async () => {
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'remove', path: 'userName' }])
    expect(r.status).toBe(400)
    expect(r.json.scimType).toBe('mutability')
  })

  it('readOnly targets answer 400 mutability', async () => {
    for (const op of [
      { op: 'replace', path: 'id', value: 'new-id' },
      { op: 'replace', path: 'meta.created', value: '2000-01-01T00:00:00Z' },
      { op: 'add', path: 'groups', value: [{ value: 'x' }] },
      { op: 'replace', value: { id: 'different' } },
    ]) {
      const r = await c.patch(`/Users/${u.id}`, [op])
      expect(r.status, JSON.stringify(op)).toBe(400)
      expect(r.json.scimType).toBe('mutability')
    }
    expect((await c.get(`/Users/${u.id}`)).json.id).toBe(u.id)
  })

  it('is atomic: a failing operation undoes the earlier ones', async () => {
    const r = await c.patch(`/Users/${u.id}`, [
      { op: 'replace', path: 'nickName', value: 'Z' },
      { op: 'remove' },
    ])
    expect(r.status).toBe(400)
    expect((await c.get(`/Users/${u.id}`)).json.nickName).toBe(u.nickName)
  })

  it('applies operations in order', async () => {
    const r = await c.patch(`/Users/${u.id}`, [
      { op: 'add', path: 'nickName', value: 'A' },
      { op: 'replace', path: 'nickName', value: 'B' },
    ])
    expect(r.json.nickName).toBe('B')
  })

  it('setting a value primary clears the previous primary', async () => {
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: `emails[value eq "${u.emails[1].value}"].primary`, value: true }])
    expect(r.json.emails.map((e: Json) => e.primary)).toEqual([false, true])
  })

  it('adds extension attributes by URN path and extends schemas', async () => {
    const bare = await user()
    const r = await c.patch(`/Users/${bare.id}`, [{ op: 'add', path: `${URN_ENTERPRISE}:employeeNumber`, value: '123' }])
    expect(r.json[URN_ENTERPRISE]).toEqual({ employeeNumber: '123' })
    expect(r.json.schemas).toEqual([URN_USER, URN_ENTERPRISE])
    const removed = await c.patch(`/Users/${bare.id}`, [{ op: 'remove', path: URN_ENTERPRISE }])
    expect(removed.json.schemas).toEqual([URN_USER])
  })

  it('sets an immutable attribute once and refuses to change or remove it', async () => {
    const path = 'urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User:badgeId'
    const set = await c.patch(`/Users/${u.id}`, [{ op: 'add', path, value: 'B-7' }])
    expect(set.status).toBe(200)
    expect((await c.patch(`/Users/${u.id}`, [{ op: 'replace', path, value: 'B-7' }])).status).toBe(200)
    for (const op of [{ op: 'replace', path, value: 'B-8' }, { op: 'remove', path }]) {
      const r = await c.patch(`/Users/${u.id}`, [op])
      expect(r.status).toBe(400)
      expect(r.json.scimType).toBe('mutability')
    }
  })

  it('compares paths case-insensitively', async () => {
    const r = await c.patch(`/Users/${u.id}`, [
      { op: 'replace', path: 'NAME.FAMILYNAME', value: 'Upper' },
      { op: 'add', path: `${URN_ENTERPRISE.toUpperCase()}:EMPLOYEENUMBER`, value: 'E9' },
    ])
    expect(r.json.name.familyName).toBe('Upper')
    expect(r.json[URN_ENTERPRISE]).toEqual({ employeeNumber: 'E9' })
  })

  it('accepts a lower-case "operations" key', async () => {
    const r = await c.req('PATCH', `/Users/${u.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], operations: [{ op: 'replace', path: 'title', value: 'lc' }] })
    expect(r.status).toBe(200)
    expect(r.json.title).toBe('lc')
  })

  it('rejects malformed PatchOps', async () => {
    const cases: Array<[unknown[], string]> = [
      [[{ op: 'replace', path: 'emails[type eq', value: 'x' }], 'invalidPath'],
      [[{ op: 'replace', path: 'scimcheckNoSuchAttr', value: 'x' }], 'invalidPath'],
      [[{ op: 'move', path: 'title', value: 'x' }], 'invalidSyntax'],
      [[], 'invalidSyntax'],
      [[{ op: 'replace', path: 'active', value: 'yes' }], 'invalidValue'],
      [[{ op: 'replace', path: 'userName', value: '' }], 'invalidValue'],
    ]
    for (const [ops, scimType] of cases) {
      const r = await c.patch(`/Users/${u.id}`, ops)
      expect(r.status, JSON.stringify(ops)).toBe(400)
      expect(r.json.scimType, JSON.stringify(ops)).toBe(scimType)
    }
    expect((await c.get(`/Users/${u.id}`)).json).toEqual(u)
  })

  it('answers 404 for an unknown id and 412 for a stale If-Match', async () => {
    expect((await c.patch('/Users/00000000-0000-4000-8000-000000000000', [{ op: 'replace', path: 'title', value: 'x' }])).status).toBe(404)
    const stale = await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'title', value: 'x' }], { 'If-Match': 'W/"0"' })
    expect(stale.status).toBe(412)
    const fresh = await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'title', value: 'x' }], { 'If-Match': u.meta.version })
    expect(fresh.status).toBe(200)
  })

  it('409 when a userName replace collides with another user', async () => {
    const other = await user()
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'userName', value: other.userName.toUpperCase() }])
    expect(r.status).toBe(409)
    expect(r.json.scimType).toBe('uniqueness')
  })

  it('never returns the password after a password change', async () => {
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'replace', value: { password: 'n3w-Secret' } }])
    expect(r.status).toBe(200)
    expect(r.text).not.toContain('n3w-Secret')
  })
})

describe('Okta PATCH shapes', () => {
  it('deactivates and reactivates with a path-less replace', async () => {
    const u = await user({ active: true })
    const off = await c.patch(`/Users/${u.id}`, [{ op: 'replace', value: { active: false } }])
    expect(off.status).toBe(200)
    expect(off.json.active).toBe(false)
    expect((await c.get(`/Users/${u.id}`)).json.active).toBe(false)
    expect((await c.patch(`/Users/${u.id}`, [{ op: 'replace', value: { active: true } }])).json.active).toBe(true)
  })

  it('renames a group with {id, displayName}, the unchanged id being accepted', async () => {
    const g = await c.createGroup(`okta-group-${++seq}`)
    const r = await c.patch(`/Groups/${g.id}`, [{ op: 'replace', value: { id: g.id, displayName: 'Test SCIMv2 renamed' } }])
    expect(r.status).toBe(200)
    expect(r.json.displayName).toBe('Test SCIMv2 renamed')
    expect(r.json.id).toBe(g.id)
  })

  it('replaces membership with a filtered remove plus an add carrying display', async () => {
    const a = await user()
    const b = await user()
    const g = await c.createGroup(`okta-members-${++seq}`, [a.id])
    const r = await c.patch(`/Groups/${g.id}`, [
      { op: 'remove', path: `members[value eq "${a.id}"]` },
      { op: 'add', path: 'members', value: [{ value: b.id, display: b.userName }] },
    ])
    expect(r.status).toBe(200)
    expect(memberIds(r.json)).toEqual([b.id])
  })

  it('pushes the full membership with replace members', async () => {
    const a = await user()
    const b = await user()
    const d = await user()
    const g = await c.createGroup(`okta-replace-${++seq}`, [a.id, b.id])
    const r = await c.patch(`/Groups/${g.id}`, [{ op: 'replace', path: 'members', value: [{ value: a.id }, { value: d.id }] }])
    expect(memberIds(r.json)).toEqual([a.id, d.id])
    expect((await c.get(`/Users/${b.id}`)).json.groups).toBeUndefined()
    expect((await c.get(`/Users/${d.id}`)).json.groups.map((x: Json) => x.value)).toEqual([g.id])
  })
})

describe('Entra PATCH shapes', () => {
  it('accepts capitalised ops and string booleans', async () => {
    const u = await user({ active: true })
    const off = await c.patch(`/Users/${u.id}`, [{ op: 'Replace', path: 'active', value: 'False' }])
    expect(off.status).toBe(200)
    expect(off.json.active).toBe(false)
    const on = await c.patch(`/Users/${u.id}`, [{ op: 'Replace', path: 'active', value: 'True' }])
    expect(on.json.active).toBe(true)
    const lower = await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'active', value: 'false' }])
    expect(lower.json.active).toBe(false)
    const mixed = await c.patch(`/Users/${u.id}`, [{ op: 'Replace', path: 'active', value: true }])
    expect(mixed.json.active).toBe(true)
  })

  it('applies a per-attribute update, creating the work email when there is none', async () => {
    const u = await user({ emails: [{ value: 'home@example.com', type: 'home' }] })
    const r = await c.patch(`/Users/${u.id}`, [
      { op: 'Replace', path: 'displayName', value: 'Pvlo' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'x@example.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
      { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
      { op: 'Replace', path: 'externalId', value: 'Eqpj' },
      { op: 'Replace', path: `${URN_ENTERPRISE}:employeeNumber`, value: 'Eqpj' },
      { op: 'Add', path: 'nickName', value: 'Babs' },
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' },
      { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Main St' },
    ])
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({
      displayName: 'Pvlo',
      name: { givenName: 'Gtfd', familyName: 'Pkqf' },
      externalId: 'Eqpj',
      nickName: 'Babs',
      [URN_ENTERPRISE]: { employeeNumber: 'Eqpj' },
    })
    expect(r.json.emails).toEqual([
      { value: 'home@example.com', type: 'home' },
      { type: 'work', value: 'x@example.com' },
    ])
    expect(r.json.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555 0100' }])
    expect(r.json.addresses).toEqual([{ type: 'work', streetAddress: '1 Main St' }])
    // Once it exists, the same path updates it rather than adding another.
    const again = await c.patch(`/Users/${u.id}`, [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'y@example.com' }])
    expect(again.json.emails).toEqual([
      { value: 'home@example.com', type: 'home' },
      { type: 'work', value: 'y@example.com' },
    ])
  })

  it('applies the aadOptscim062020 path-less replace with dotted and URN-qualified keys', async () => {
    const u = await user({ name: { givenName: 'Old', familyName: 'Name', formatted: 'Old Name' } })
    const r = await c.patch(`/Users/${u.id}`, [
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'x@example.com' },
      {
        op: 'replace',
        value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${URN_ENTERPRISE}:employeeNumber`]: 'Aklq' },
      },
    ])
    expect(r.status).toBe(200)
    expect(r.json.name).toEqual({ givenName: 'Kkom', familyName: 'Unua', formatted: 'Old Name' })
    expect(r.json.displayName).toBe('Bjfe')
    expect(r.json[URN_ENTERPRISE]).toEqual({ employeeNumber: 'Aklq' })
    expect(r.json.emails).toEqual([{ type: 'work', value: 'x@example.com' }])
  })

  it('sets the manager as a bare id, as {value} and in the legacy list form, then removes it', async () => {
    const boss = await user()
    const boss2 = await user()
    const u = await user()
    const bare = await c.patch(`/Users/${u.id}`, [{ op: 'Add', path: `${URN_ENTERPRISE}:manager`, value: boss.id }])
    expect(bare.json[URN_ENTERPRISE].manager).toEqual({ value: boss.id, $ref: `${server.url}/Users/${boss.id}` })
    const obj = await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: `${URN_ENTERPRISE}:manager`, value: { value: boss2.id } }])
    expect(obj.json[URN_ENTERPRISE].manager.value).toBe(boss2.id)
    const legacy = await c.patch(`/Users/${u.id}`, [{ op: 'Replace', path: `${URN_ENTERPRISE}:manager`, value: [{ $ref: null, value: boss.id }] }])
    expect(legacy.json[URN_ENTERPRISE].manager.value).toBe(boss.id)
    const removed = await c.patch(`/Users/${u.id}`, [{ op: 'Remove', path: `${URN_ENTERPRISE}:manager` }])
    expect(removed.json[URN_ENTERPRISE]).toBeUndefined()
  })

  it('adds members with "$ref": null and removes only the listed members with a value list', async () => {
    const a = await user()
    const b = await user()
    const d = await user()
    const g = await c.createGroup(`entra-group-${++seq}`)
    const add = await c.patch(`/Groups/${g.id}`, [
      { op: 'Add', path: 'members', value: [{ $ref: null, value: a.id }, { $ref: null, value: b.id }, { $ref: null, value: d.id }] },
    ])
    expect(add.status).toBe(200)
    expect(memberIds(add.json)).toEqual([a.id, b.id, d.id])
    const rm = await c.patch(`/Groups/${g.id}`, [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: a.id }] }])
    expect(rm.status).toBe(200)
    expect(memberIds(rm.json)).toEqual([b.id, d.id])
    // Removing an already-removed member with a value list is a no-op, not an error.
    const again = await c.patch(`/Groups/${g.id}`, [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: a.id }] }])
    expect(memberIds(again.json)).toEqual([b.id, d.id])
  })

  it('treats a redundant Add of existing members as a no-op', async () => {
    const a = await user()
    const g = await c.createGroup(`entra-dup-${++seq}`, [a.id])
    const r = await c.patch(`/Groups/${g.id}`, [{ op: 'Add', path: 'members', value: [{ $ref: null, value: a.id }] }])
    expect(memberIds(r.json)).toEqual([a.id])
    expect(r.json.meta.version).toBe(g.meta.version)
  })

  it('renames a group with Replace displayName', async () => {
    const g = await c.createGroup(`entra-rename-${++seq}`)
    const r = await c.patch(`/Groups/${g.id}`, [{ op: 'Replace', path: 'displayName', value: 'renamed by entra' }])
    expect(r.json.displayName).toBe('renamed by entra')
  })

  it('adds externalId to an existing group', async () => {
    const g = await c.createGroup(`entra-ext-${++seq}`)
    const r = await c.patch(`/Groups/${g.id}`, [{ op: 'Add', path: 'externalId', value: 'Ext-Id-1' }])
    expect(r.json.externalId).toBe('Ext-Id-1')
  })
})

describe('JumpCloud and generic group PATCH', () => {
  it('applies one replace per attribute with JSON booleans (JumpCloud)', async () => {
    const u = await user({ name: { givenName: 'A', familyName: 'B' }, active: true })
    const r = await c.patch(`/Users/${u.id}`, [
      { op: 'replace', path: 'name.givenName', value: 'John' },
      { op: 'replace', path: 'name.familyName', value: 'Doe' },
      { op: 'replace', path: 'active', value: false },
    ])
    expect(r.json).toMatchObject({ name: { givenName: 'John', familyName: 'Doe' }, active: false })
  })

  it('JumpCloud member add with {value} and value-list removal', async () => {
    const a = await user()
    const b = await user()
    const g = await c.createGroup(`jc-group-${++seq}`)
    await c.patch(`/Groups/${g.id}`, [{ op: 'add', path: 'members', value: [{ value: a.id }, { value: b.id }] }])
    const r = await c.patch(`/Groups/${g.id}`, [{ op: 'remove', path: 'members', value: [{ value: b.id }] }])
    expect(memberIds(r.json)).toEqual([a.id])
  })

  it('removes all members without a value, keeping the group', async () => {
    const a = await user()
    const g = await c.createGroup(`generic-all-${++seq}`, [a.id])
    const r = await c.patch(`/Groups/${g.id}`, [{ op: 'remove', path: 'members' }])
    expect(r.status).toBe(200)
    expect(r.json.members).toBeUndefined()
    expect((await c.get(`/Groups/${g.id}`)).status).toBe(200)
    expect((await c.get(`/Users/${a.id}`)).json.groups).toBeUndefined()
  })

  it('answers noTarget when removing a non-member by filter', async () => {
    const a = await user()
    const other = await user()
    const g = await c.createGroup(`generic-nonmember-${++seq}`, [a.id])
    const r = await c.patch(`/Groups/${g.id}`, [{ op: 'remove', path: `members[value eq "${other.id}"]` }])
    expect(r.status).toBe(400)
    expect(r.json.scimType).toBe('noTarget')
  })

  it('rejects unknown member ids for the whole PATCH', async () => {
    const a = await user()
    const g = await c.createGroup(`generic-unknown-${++seq}`)
    const r = await c.patch(`/Groups/${g.id}`, [{ op: 'add', path: 'members', value: [{ value: a.id }, { value: 'no-such-user' }] }])
    expect(r.status).toBe(400)
    expect(r.json.scimType).toBe('invalidValue')
    expect((await c.get(`/Groups/${g.id}`)).json.members).toBeUndefined()
  })

  it('refuses to modify immutable member sub-attributes', async () => {
    const a = await user()
    const g = await c.createGroup(`generic-immutable-${++seq}`, [a.id])
    const r = await c.patch(`/Groups/${g.id}`, [{ op: 'replace', path: `members[value eq "${a.id}"].value`, value: 'x' }])
    expect(r.status).toBe(400)
    expect(r.json.scimType).toBe('mutability')
  })

  it('reflects memberships in User.groups', async () => {
    const a = await user()
    const g = await c.createGroup(`generic-reflect-${++seq}`)
    await c.patch(`/Groups/${g.id}`, [{ op: 'add', path: 'members', value: [{ value: a.id }] }])
    const got = (await c.get(`/Users/${a.id}`)).json
    expect(got.groups).toEqual([{ value: g.id, $ref: `${server.url}/Groups/${g.id}`, display: g.displayName, type: 'direct' }])
    const ref = await c.get(got.groups[0].$ref)
    expect(ref.json.id).toBe(g.id)
  })
})
