// Each fault must produce its defect; a fault-free server must not.

import { describe, expect, it } from 'vitest'
import { FAULTS, VARIANTS, type RunningServer } from '../../src/server/index.js'
import { Client, rawStatus, start, URN_ERROR, URN_GROUP, URN_USER, userNames, type Json } from './helpers.js'

async function withServer(faults: string[], fn: (c: Client, server: RunningServer) => Promise<void>, variants: string[] = []): Promise<void> {
  const { server, c } = await start({ faults, variants })
  try {
    await fn(c, server)
  } finally {
    await server.close()
  }
}

const tested = new Set<string>()
function fault(name: string, title: string, fn: (c: Client, server: RunningServer) => Promise<void>, timeout?: number) {
  tested.add(name)
  it(`${name}: ${title}`, () => withServer([name], fn), timeout)
}

describe('fault registry', () => {
  it('has unique names, descriptions and at least one hook each', () => {
    const names = [...FAULTS, ...VARIANTS].map((f) => f.name)
    expect(new Set(names).size).toBe(names.length)
    for (const f of [...FAULTS, ...VARIANTS]) {
      expect(f.description.length, f.name).toBeGreaterThan(10)
      expect(f.flags || f.before || f.after, f.name).toBeTruthy()
    }
  })
})

describe('faults', () => {
  fault('wrong-content-type', 'responses use application/json', async (c) => {
    expect((await c.get('/ServiceProviderConfig')).headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect((await c.get('/Users/none')).headers.get('content-type')).toBe('application/json; charset=utf-8')
  })

  fault('html-errors', '4xx/5xx are HTML pages', async (c) => {
    const r = await c.get('/Users/none')
    expect(r.status).toBe(404)
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(r.text).toMatch(/^<!DOCTYPE html>/)
    expect(r.json).toBeUndefined()
    expect((await c.get('/Users')).headers.get('content-type')).toBe('application/scim+json; charset=utf-8')
  })

  fault('error-status-number', 'Error.status is a number', async (c) => {
    const r = await c.get('/Users/none')
    expect(r.json.status).toBe(404)
  })

  fault('no-error-schema', 'Error bodies lack the Error schema', async (c) => {
    const r = await c.get('/Users/none')
    expect(r.json.schemas).toBeUndefined()
    expect(r.json.detail).toEqual(expect.any(String))
  })

  fault('no-409', 'duplicates are created', async (c) => {
    await c.createUser('dup')
    const r = await c.post('/Users', { userName: 'dup' })
    expect(r.status).toBe(201)
    expect((await c.filterUsers('userName eq "dup"')).json.totalResults).toBe(2)
    expect((await c.post('/Groups', { displayName: 'g' })).status).toBe(201)
    expect((await c.post('/Groups', { displayName: 'g' })).status).toBe(201)
  })

  fault('duplicate-409-no-scimtype', '409 without scimType', async (c) => {
    await c.createUser('dup')
    const r = await c.post('/Users', { userName: 'dup' })
    expect(r.status).toBe(409)
    expect(r.json.scimType).toBeUndefined()
    expect(r.json.schemas).toEqual([URN_ERROR])
  })

  fault('no-location', '201 has no Location header', async (c) => {
    const r = await c.post('/Users', { userName: 'loc' })
    expect(r.status).toBe(201)
    expect(r.headers.get('location')).toBeNull()
    expect(r.json.meta.location).toEqual(expect.any(String))
  })

  fault('create-empty-body', '201 with an empty body', async (c, server) => {
    const r = await c.post('/Users', { userName: 'empty' })
    expect(r.status).toBe(201)
    expect(r.text).toBe('')
    expect(server.store.findUserByUserName('empty')).toBeDefined()
  })

  fault('no-meta', 'resources lack meta', async (c) => {
    const u = await c.createUser('nometa')
    expect(u.meta).toBeUndefined()
    expect((await c.get(`/Users/${u.id}`)).json.meta).toBeUndefined()
    expect((await c.get('/Users')).json.Resources[0].meta).toBeUndefined()
  })

  fault('password-returned', 'password is returned', async (c) => {
    const u = await c.createUser('pw', { password: 'secret-pw' })
    expect(u.password).toBe('secret-pw')
    expect((await c.get(`/Users/${u.id}`)).json.password).toBe('secret-pw')
  })

  fault('500-on-write', 'writes answer 500', async (c, server) => {
    const r = await c.post('/Users', { userName: 'w' })
    expect(r.status).toBe(500)
    expect(r.json.status).toBe('500')
    const seeded = server.store.createUser({ userName: 'seeded' })
    expect((await c.patch(`/Users/${seeded.id}`, [{ op: 'replace', path: 'title', value: 'x' }])).status).toBe(500)
    expect((await c.del(`/Users/${seeded.id}`)).status).toBe(500)
    expect((await c.get(`/Users/${seeded.id}`)).status).toBe(200)
    // Authentication still comes first.
    expect((await new Client(server, null).post('/Users', { userName: 'x' })).status).toBe(401)
  })

  fault('ignore-filter', 'filter ignored', async (c, server) => {
    server.store.createUser({ userName: 'a' })
    server.store.createUser({ userName: 'b' })
    expect(userNames(await c.filterUsers('userName eq "a"'))).toEqual(['a', 'b'])
    const s = await c.post('/Users/.search', { filter: 'userName eq "a"' })
    expect(s.json.totalResults).toBe(2)
  })

  fault('filter-rejected', 'any filter answers 400 invalidFilter while advertised', async (c, server) => {
    server.store.createUser({ userName: 'a' })
    expect((await c.get('/ServiceProviderConfig')).json.filter.supported).toBe(true)
    const r = await c.filterUsers('userName eq "a"')
    expect(r.status).toBe(400)
    expect(r.json.scimType).toBe('invalidFilter')
    expect((await c.get('/Users')).status).toBe(200)
  })

  fault('filter-no-match-404', 'no-match filter answers 404', async (c, server) => {
    server.store.createUser({ userName: 'a' })
    const r = await c.filterUsers('userName eq "nobody"')
    expect(r.status).toBe(404)
    expect(r.json.status).toBe('404')
    expect((await c.filterUsers('userName eq "a"')).status).toBe(200)
  })

  fault('deactivated-not-findable', 'active=false users vanish from filters', async (c, server) => {
    const u = server.store.createUser({ userName: 'off', active: false })
    expect((await c.filterUsers('userName eq "off"')).json.totalResults).toBe(0)
    expect((await c.get(`/Users/${u.id}`)).status).toBe(200)
  })

  fault('pagination-zero-based', 'startIndex=1 skips the first resource', async (c, server) => {
    for (const n of ['a', 'b', 'c']) server.store.createUser({ userName: n })
    expect(userNames(await c.get('/Users?startIndex=1&count=1'))).toEqual(['b'])
  })

  fault('pagination-repeats', 'consecutive pages overlap', async (c, server) => {
    for (const n of ['a', 'b', 'c', 'd']) server.store.createUser({ userName: n })
    const p1 = userNames(await c.get('/Users?startIndex=1&count=2'))
    const p2 = userNames(await c.get('/Users?startIndex=3&count=2'))
    expect(p1).toEqual(['a', 'b'])
    expect(p2).toEqual(['b', 'c'])
  })

  fault('totalResults-string', 'totalResults is a string', async (c) => {
    expect((await c.get('/Users')).json.totalResults).toBe('0')
  })

  fault('exclude-members-ignored', 'excludedAttributes=members ignored on groups', async (c, server) => {
    const u = server.store.createUser({ userName: 'm' })
    const g = server.store.createGroup({ displayName: 'g', members: [{ value: u.id }] })
    expect((await c.get(`/Groups/${g.id}?excludedAttributes=members`)).json.members).toHaveLength(1)
    const q = await c.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "g"')}`)
    expect(q.json.Resources[0].members).toHaveLength(1)
    // Other exclusions still work, and users are unaffected.
    expect((await c.get(`/Users/${u.id}?excludedAttributes=userName`)).json.userName).toBeUndefined()
  })

  fault('userName-case-sensitive', 'userName compared case-sensitively', async (c) => {
    await c.createUser('Mixed.Case')
    expect((await c.post('/Users', { userName: 'MIXED.CASE' })).status).toBe(201)
    expect(userNames(await c.filterUsers('userName eq "mixed.case"'))).toEqual([])
  })

  fault('count-ignored', 'count is ignored', async (c, server) => {
    for (const n of ['a', 'b', 'c']) server.store.createUser({ userName: n })
    expect((await c.get('/Users?count=1')).json.itemsPerPage).toBe(3)
  })

  fault('attributes-ignored', 'attributes/excludedAttributes ignored', async (c) => {
    const u = await c.createUser('attrs', { title: 'T' })
    expect((await c.get(`/Users/${u.id}?attributes=userName`)).json.title).toBe('T')
    expect((await c.get(`/Users/${u.id}?excludedAttributes=title`)).json.title).toBe('T')
  })

  fault('sort-ignored', 'sortBy ignored while sort is advertised', async (c, server) => {
    for (const n of ['c', 'a', 'b']) server.store.createUser({ userName: n })
    expect((await c.get('/ServiceProviderConfig')).json.sort.supported).toBe(true)
    expect(userNames(await c.get('/Users?sortBy=userName'))).toEqual(['c', 'a', 'b'])
  })

  fault('patch-filter-path-rejected', 'value-filter PATCH paths answer 400 invalidPath', async (c) => {
    const u = await c.createUser('f')
    const g = await c.createGroup('fg', [u.id])
    const r = await c.patch(`/Groups/${g.id}`, [{ op: 'remove', path: `members[value eq "${u.id}"]` }])
    expect(r.status).toBe(400)
    expect(r.json.scimType).toBe('invalidPath')
    expect((await c.patch(`/Groups/${g.id}`, [{ op: 'replace', path: 'displayName', value: 'fg2' }])).status).toBe(200)
  })

  fault('patch-unsupported', 'PATCH answers 501 while advertised', async (c) => {
    const u = await c.createUser('p')
    expect((await c.get('/ServiceProviderConfig')).json.patch.supported).toBe(true)
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'active', value: false }])
    expect(r.status).toBe(501)
  })

  fault('patch-remove-all-members', 'value-list remove empties the group', async (c) => {
    const a = await c.createUser('a')
    const b = await c.createUser('b')
    const g = await c.createGroup('g', [a.id, b.id])
    const r = await c.patch(`/Groups/${g.id}`, [{ op: 'Remove', path: 'members', value: [{ value: a.id }] }])
    expect(r.status).toBe(200)
    expect(r.json.members).toBeUndefined()
  })

  fault('members-capped-100', 'a group keeps its first 100 members, on create, PATCH add and PUT, and answers 2xx', async (c, server) => {
    const users: Json[] = []
    for (let i = 1; i <= 103; i++) users.push(await c.createUser(`cap-${i}`))
    const ids = users.map((u) => String(u.id))
    const g = await c.createGroup('big', ids.slice(0, 101))
    expect(g.members.map((m: Json) => m.value)).toEqual(ids.slice(0, 100))
    const added = await c.patch(`/Groups/${g.id}`, [{ op: 'add', path: 'members', value: [{ value: ids[101] }] }])
    expect(added.status).toBe(200)
    expect(added.json.members).toHaveLength(100)
    const put = await c.req('PUT', `/Groups/${g.id}`, { schemas: [URN_GROUP], displayName: 'big', members: ids.map((value) => ({ value })) })
    expect(put.status).toBe(200)
    expect(put.json.members.map((m: Json) => m.value)).toEqual(ids.slice(0, 100))
    // Dropped for real: the member's User.groups says so too, and a group under the cap is untouched.
    expect((await c.get(`/Users/${ids[102]}`)).json.groups).toBeUndefined()
    expect((await c.get(`/Users/${ids[99]}`)).json.groups.map((x: Json) => x.value)).toEqual([g.id])
    expect(server.store.createGroup({ schemas: [URN_GROUP], displayName: 'small', members: ids.slice(0, 5).map((value) => ({ value })) }).members).toHaveLength(5)
  })

  fault('no-string-booleans', '"False" rejected', async (c) => {
    const u = await c.createUser('sb')
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'Replace', path: 'active', value: 'False' }])
    expect(r.status).toBe(400)
    expect(r.json.scimType).toBe('invalidValue')
    expect((await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'active', value: false }])).status).toBe(200)
  })

  fault('capitalised-ops-rejected', '"Replace" rejected', async (c) => {
    const u = await c.createUser('cap')
    expect((await c.patch(`/Users/${u.id}`, [{ op: 'Replace', path: 'active', value: false }])).status).toBe(400)
    expect((await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'active', value: false }])).status).toBe(200)
  })

  fault('pathless-patch-rejected', 'path-less ops rejected', async (c) => {
    const u = await c.createUser('pl')
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'replace', value: { active: false } }])
    expect(r.status).toBe(400)
    expect((await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'active', value: false }])).status).toBe(200)
  })

  fault('patch-response-echo', 'PATCH 200 echoes the PatchOp', async (c) => {
    const u = await c.createUser('echo')
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'active', value: false }])
    expect(r.status).toBe(200)
    expect(r.json.Operations).toHaveLength(1)
    expect(r.json.id).toBeUndefined()
  })

  fault('put-readonly-rejected', 'PUT with id/meta/groups rejected', async (c) => {
    const u = await c.createUser('ro')
    const r = await c.put(`/Users/${u.id}`, { ...u, groups: [] })
    expect(r.status).toBe(400)
    expect(r.json.scimType).toBe('mutability')
    expect((await c.put(`/Users/${u.id}`, { userName: 'ro', title: 'x' })).status).toBe(200)
  })

  fault('id-changes-on-put', 'PUT changes the id', async (c) => {
    const u = await c.createUser('idc')
    const g = await c.createGroup('g', [u.id])
    const r = await c.put(`/Users/${u.id}`, { userName: 'idc', title: 'x' })
    expect(r.status).toBe(200)
    expect(r.json.id).not.toBe(u.id)
    expect((await c.get(`/Users/${u.id}`)).status).toBe(404)
    expect((await c.get(`/Users/${r.json.id}`)).status).toBe(200)
    expect((await c.get(`/Groups/${g.id}`)).json.members[0].value).toBe(r.json.id)
  })

  fault('if-match-ignored', 'stale If-Match succeeds', async (c) => {
    const u = await c.createUser('im')
    const r = await c.put(`/Users/${u.id}`, { userName: 'im', title: 'x' }, { 'If-Match': 'W/"stale"' })
    expect(r.status).toBe(200)
  })

  fault('delete-soft', 'DELETE 204 but GET still 200', async (c) => {
    const u = await c.createUser('soft')
    expect((await c.del(`/Users/${u.id}`)).status).toBe(204)
    expect((await c.get(`/Users/${u.id}`)).status).toBe(200)
    expect((await c.del('/Users/none')).status).toBe(404)
  })

  fault('no-group-membership-in-user', 'User.groups stays empty', async (c) => {
    const u = await c.createUser('ng')
    await c.createGroup('g', [u.id])
    expect((await c.get(`/Users/${u.id}`)).json.groups).toBeUndefined()
  })

  fault('auth-disabled', 'no token needed', async (_c, server) => {
    expect((await new Client(server, null).get('/Users')).status).toBe(200)
    expect((await new Client(server, 'wrong').post('/Users', { userName: 'anon' })).status).toBe(201)
  })

  fault('auth-no-www-authenticate', '401 without challenge', async (_c, server) => {
    const r = await new Client(server, null).get('/Users')
    expect(r.status).toBe(401)
    expect(r.headers.get('www-authenticate')).toBeNull()
  })

  fault('auth-200-on-bad-token', 'wrong token accepted', async (_c, server) => {
    expect((await new Client(server, 'scimcheck-invalid-123').get('/Users')).status).toBe(200)
    expect((await new Client(server, null).get('/Users')).status).toBe(401)
  })

  fault('token-rotation-ignored', 'old token still works after rotation', async (c, server) => {
    const fresh = server.rotateToken()
    expect((await c.get('/Users')).status).toBe(200)
    expect((await new Client(server, fresh).get('/Users')).status).toBe(200)
    expect((await new Client(server, 'never-issued').get('/Users')).status).toBe(401)
  })

  fault('plus-encoding-rejected', "'+' in the query string refused", async (c) => {
    expect((await c.get('/Users?filter=userName+eq+%22x%22')).status).toBe(400)
    expect((await c.get('/Users?filter=userName%20eq%20%22x%22')).status).toBe(200)
  })

  fault('trailing-query-rejected', "a trailing '?' or '&' is refused", async (c) => {
    const u = await c.createUser('tq')
    expect((await c.get('/Users?filter=userName%20eq%20%22tq%22&')).status).toBe(400)
    // fetch drops a bare trailing "?", so send this one with node:http as OneLogin's client does.
    expect(await rawStatus(c.server, 'PUT', `/Users/${u.id}?`, { userName: 'tq' })).toBe(400)
    expect((await c.get('/Users?count=1')).status).toBe(200)
  })

  fault('trailing-question-mark-rejected', "a bare trailing '?' is refused, a trailing '&' is not", async (c) => {
    const u = await c.createUser('tqm')
    expect(await rawStatus(c.server, 'PUT', `/Users/${u.id}?`, { userName: 'tqm' })).toBe(400)
    expect((await c.get('/Users?filter=userName%20eq%20%22tqm%22&')).status).toBe(200)
  })

  fault('lastModified-frozen', 'lastModified stays at created after a change', async (c) => {
    const u = await c.createUser('frozen')
    const r = await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'displayName', value: 'Changed' }])
    expect(r.json.displayName).toBe('Changed')
    expect(r.json.meta.lastModified).toBe(r.json.meta.created)
  })

  fault('operator-case-sensitive', '"Eq" refused', async (c) => {
    const r = await c.filterUsers('userName Eq "x"')
    expect(r.status).toBe(400)
    expect(r.json.scimType).toBe('invalidFilter')
    expect((await c.filterUsers('userName eq "Eq"')).status).toBe(200)
  })

  fault('legacy-urns-rejected', 'pre-RFC schema URNs refused', async (c) => {
    const r = await c.post('/Users', { schemas: ['urn:scim:schemas:core:2.0'], userName: 'legacy' })
    expect(r.status).toBe(400)
    expect((await c.post('/Users', { schemas: [URN_USER], userName: 'modern' })).status).toBe(201)
  })

  fault('unfiltered-group-list-rejected', 'GET /Groups needs a filter', async (c) => {
    expect((await c.get('/Groups')).status).toBe(400)
    expect((await c.get(`/Groups?filter=${encodeURIComponent('displayName eq "x"')}`)).status).toBe(200)
  })

  fault('put-unsupported', 'PUT answers 501', async (c) => {
    const u = await c.createUser('pu')
    expect((await c.put(`/Users/${u.id}`, { userName: 'pu' })).status).toBe(501)
  })

  fault('user-delete-unsupported', 'DELETE /Users answers 405', async (c) => {
    const u = await c.createUser('ud')
    const r = await c.del(`/Users/${u.id}`)
    expect(r.status).toBe(405)
    expect((await c.get(`/Users/${u.id}`)).status).toBe(200)
    const g = await c.createGroup('gd')
    expect((await c.del(`/Groups/${g.id}`)).status).toBe(204)
  })

  fault('echo-authorization', 'the Authorization header is echoed back', async (c, server) => {
    const r = await c.get('/Users')
    expect(r.headers.get('x-echo')).toBe(`Bearer ${server.token}`)
    expect(r.json.echo).toContain(server.token)
  })

  fault(
    'slow',
    'responses take 3 s',
    async (c) => {
      const t = Date.now()
      await c.get('/ServiceProviderConfig')
      expect(Date.now() - t).toBeGreaterThanOrEqual(2900)
    },
    10_000,
  )

  it('covers every fault of the server brief', () => {
    // Other modules register more faults and test them beside their checks; these are the server's own.
    const own = [
      'wrong-content-type', 'html-errors', 'error-status-number', 'no-error-schema', 'no-409', 'duplicate-409-no-scimtype',
      'ignore-filter', 'filter-no-match-404', 'no-location', 'create-empty-body', 'no-meta', 'password-returned',
      'patch-unsupported', 'patch-remove-all-members', 'no-string-booleans', 'capitalised-ops-rejected', 'pathless-patch-rejected',
      'put-readonly-rejected', 'no-group-membership-in-user', 'deactivated-not-findable', 'delete-soft', 'auth-disabled',
      'auth-no-www-authenticate', 'auth-200-on-bad-token', 'token-rotation-ignored', 'pagination-zero-based', 'pagination-repeats',
      'totalResults-string', 'exclude-members-ignored', 'id-changes-on-put', 'slow', '500-on-write',
      'userName-case-sensitive', 'count-ignored', 'attributes-ignored', 'sort-ignored', 'patch-response-echo', 'if-match-ignored',
      'members-capped-100',
    ]
    const registered = new Set(FAULTS.map((f) => f.name))
    expect(own.filter((n) => !registered.has(n))).toEqual([])
    expect(own.filter((n) => !tested.has(n))).toEqual([])
  })

  it('a slow server still closes promptly', async () => {
    const { server, c } = await start({ faults: ['slow'] })
    const pending = c.get('/Users').catch(() => undefined)
    await new Promise((r) => setTimeout(r, 100))
    const t = Date.now()
    await server.close()
    expect(Date.now() - t).toBeLessThan(1000)
    await pending
  })

  it('combines faults', async () => {
    await withServer(['html-errors', 'no-409'], async (c) => {
      await c.createUser('x')
      expect((await c.post('/Users', { userName: 'x' })).status).toBe(201)
      expect((await c.get('/Users/none')).headers.get('content-type')).toContain('text/html')
    })
  })
})

describe('variants stay correct', () => {
  it('patch-204: PATCH answers 204, or 200 when attributes are requested', async () => {
    await withServer(
      [],
      async (c) => {
        const u = await c.createUser('v204', { active: true })
        const r = await c.patch(`/Users/${u.id}`, [{ op: 'replace', value: { active: false } }])
        expect(r.status).toBe(204)
        expect(r.text).toBe('')
        expect(r.headers.get('etag')).toEqual(expect.stringMatching(/^W\//))
        expect((await c.get(`/Users/${u.id}`)).json.active).toBe(false)
        const withAttrs = await c.req('PATCH', `/Users/${u.id}?attributes=active`, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'active', value: true }],
        })
        expect(withAttrs.status).toBe(200)
        expect(withAttrs.json.active).toBe(true)
      },
      ['patch-204'],
    )
  })

  it('non-uuid-ids: ids like u-1 and g-1 that work everywhere', async () => {
    await withServer(
      [],
      async (c) => {
        const u = await c.createUser('nu')
        const g = await c.createGroup('ng', [u.id])
        expect(u.id).toBe('u-1')
        expect(g.id).toBe('g-1')
        expect((await c.get(`/Users/${u.id}`)).json.groups[0].value).toBe('g-1')
        expect((await c.filterUsers('id eq "u-1"')).json.totalResults).toBe(1)
      },
      ['non-uuid-ids'],
    )
  })

  it('no-etag: SPC etag false, no ETag or meta.version, If-Match ignored', async () => {
    await withServer(
      [],
      async (c) => {
        expect((await c.get('/ServiceProviderConfig')).json.etag.supported).toBe(false)
        const r = await c.post('/Users', { userName: 'ne' })
        expect(r.headers.get('etag')).toBeNull()
        expect(r.json.meta.version).toBeUndefined()
        expect(r.json.meta.location).toEqual(expect.any(String))
        expect((await c.put(`/Users/${r.json.id}`, { userName: 'ne' }, { 'If-Match': 'W/"x"' })).status).toBe(200)
      },
      ['no-etag'],
    )
  })

  it('discovery-auth: discovery needs the token', async () => {
    await withServer(
      [],
      async (c, server) => {
        expect((await new Client(server, null).get('/ServiceProviderConfig')).status).toBe(401)
        expect((await c.get('/ServiceProviderConfig')).status).toBe(200)
      },
      ['discovery-auth'],
    )
  })

  it('no-sort: SPC sort false and sortBy ignored', async () => {
    await withServer(
      [],
      async (c, server) => {
        for (const n of ['c', 'a']) server.store.createUser({ userName: n })
        expect((await c.get('/ServiceProviderConfig')).json.sort.supported).toBe(false)
        const r = await c.get('/Users?sortBy=userName')
        expect(r.status).toBe(200)
        expect(userNames(r)).toEqual(['c', 'a'])
      },
      ['no-sort'],
    )
  })

  it('no-bulk: SPC bulk false and /Bulk answers 501', async () => {
    await withServer(
      [],
      async (c) => {
        expect((await c.get('/ServiceProviderConfig')).json.bulk.supported).toBe(false)
        const r = await c.post('/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] })
        expect(r.status).toBe(501)
      },
      ['no-bulk'],
    )
  })

  it('remove-unmatched-ok: removing a non-member by filter succeeds unchanged', async () => {
    await withServer(
      [],
      async (c) => {
        const a = await c.createUser('a')
        const b = await c.createUser('b')
        const g = await c.post('/Groups', { schemas: [URN_GROUP], displayName: 'g', members: [{ value: a.id }] }).then((r) => r.json as Json)
        const r = await c.patch(`/Groups/${g.id}`, [{ op: 'remove', path: `members[value eq "${b.id}"]` }])
        expect(r.status).toBe(200)
        expect(r.json.members.map((m: Json) => m.value)).toEqual([a.id])
      },
      ['remove-unmatched-ok'],
    )
  })

  it('discovery-filter-ignored: a filter on /Schemas returns the full list', async () => {
    await withServer(
      [],
      async (c) => {
        const all = await c.get('/Schemas')
        const filtered = await c.get(`/Schemas?filter=${encodeURIComponent('id eq "urn:example:none"')}`)
        expect(filtered.status).toBe(200)
        expect(filtered.json).toEqual(all.json)
      },
      ['discovery-filter-ignored'],
    )
  })
})

describe('variant minimal and fault custom-extension-dropped', () => {
  it('minimal: only the core User and Group schemas, without nickName; no sort, ETag, Bulk, /Me or /.search; schema discovery behind the token', async () => {
    await withServer(
      [],
      async (c, server) => {
        const anon = new Client(server, null)
        const spc = await anon.get('/ServiceProviderConfig')
        expect(spc.status).toBe(200)
        expect([spc.json.sort.supported, spc.json.etag.supported, spc.json.bulk.supported]).toEqual([false, false, false])
        expect((await anon.get('/Schemas')).status).toBe(401)
        expect((await anon.get('/ResourceTypes')).status).toBe(401)
        const schemas = (await c.get('/Schemas')).json.Resources.map((r: Json) => r.id)
        expect(schemas).not.toContain('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User')
        expect(schemas).not.toContain('urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User')
        const user = (await c.get(`/Schemas/${URN_USER}`)).json
        expect(user.attributes.map((a: Json) => a.name)).not.toContain('nickName')
        expect((await c.get('/ResourceTypes/User')).json.schemaExtensions).toBeUndefined()
        // Undeclared attributes and extensions are ignored, not stored.
        const u = await c.createUser('min-b', { nickName: 'n', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '1' } })
        expect(u.nickName).toBeUndefined()
        expect(u['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toBeUndefined()
        expect((await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'nickName', value: 'x' }])).status).toBe(400)
        await c.createUser('min-a')
        expect(userNames(await c.get('/Users?sortBy=userName'))).toEqual(['min-b', 'min-a'])
        const read = await c.get(`/Users/${u.id}`)
        expect(read.headers.get('etag')).toBeNull()
        expect(read.json.meta.version).toBeUndefined()
        expect((await c.post('/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] })).status).toBe(501)
        expect((await c.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] })).status).toBe(501)
        expect((await c.get('/Me')).status).toBe(501)
      },
      ['minimal'],
    )
  })

  it('custom-extension-dropped: a write with the custom extension answers 2xx but nothing of it is stored', async () => {
    const ext = 'urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User'
    await withServer(['custom-extension-dropped'], async (c) => {
      const created = await c.post('/Users', { schemas: [URN_USER, ext], userName: 'drop', [ext]: { approvalTier: 'gold' } })
      expect(created.status).toBe(201)
      expect(created.json[ext]).toBeUndefined()
      expect((await c.get(`/Users/${created.json.id}`)).json[ext]).toBeUndefined()
      const patched = await c.patch(`/Users/${created.json.id}`, [{ op: 'add', path: `${ext}:approvalTier`, value: 'silver' }])
      expect(patched.status).toBe(200)
      expect((await c.get(`/Users/${created.json.id}`)).json[ext]).toBeUndefined()
    })
  })
})
