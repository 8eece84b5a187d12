import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index.js'
import { Client, ids, rawStatus, start, URN_ENTERPRISE, URN_LIST, URN_SCIMCHECK, URN_USER, userNames, type Json } from './helpers.js'

describe('listing and paging', () => {
  let server: RunningServer
  let c: Client
  const created: string[] = []

  beforeAll(async () => {
    ;({ server, c } = await start())
    for (let i = 1; i <= 7; i++) created.push((await c.createUser(`page-${i}`)).id)
  })
  afterAll(() => server.close())

  it('returns a ListResponse with integer paging fields in insertion order', async () => {
    const r = await c.get('/Users')
    expect(r.status).toBe(200)
    expect(r.json.schemas).toEqual([URN_LIST])
    expect(r.json.totalResults).toBe(7)
    expect(r.json.startIndex).toBe(1)
    expect(r.json.itemsPerPage).toBe(7)
    expect(ids(r)).toEqual(created)
  })

  it('pages with startIndex (1-based) and count', async () => {
    const r = await c.get('/Users?startIndex=2&count=2')
    expect(r.json).toMatchObject({ totalResults: 7, startIndex: 2, itemsPerPage: 2 })
    expect(ids(r)).toEqual(created.slice(1, 3))
    const walk: string[] = []
    for (let start = 1; start <= 7; start += 3) walk.push(...ids(await c.get(`/Users?startIndex=${start}&count=3`)))
    expect(walk).toEqual(created)
  })

  it('treats startIndex < 1 as 1 and negative count as 0', async () => {
    for (const s of ['0', '-5']) {
      const r = await c.get(`/Users?startIndex=${s}&count=1`)
      expect(r.status).toBe(200)
      expect(r.json.startIndex).toBe(1)
      expect(ids(r)).toEqual([created[0]])
    }
    const neg = await c.get('/Users?count=-1')
    expect(neg.json.totalResults).toBe(7)
    expect(neg.json.Resources).toEqual([])
  })

  it('answers count=0 with totalResults only', async () => {
    const r = await c.get('/Users?count=0')
    expect(r.json).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] })
  })

  it('answers a page past the end with no resources and the same total', async () => {
    const r = await c.get('/Users?startIndex=17&count=10')
    expect(r.status).toBe(200)
    expect(r.json.totalResults).toBe(7)
    expect(r.json.Resources).toEqual([])
  })

  it('ignores unknown parameters, tolerates OneLogin trailing ? and & and + for spaces', async () => {
    expect((await c.get('/Users?count=1&scimcheckUnknown=1')).json.itemsPerPage).toBe(1)
    const r = await c.get('/Users?filter=userName+eq+%22page-3%22&')
    expect(userNames(r)).toEqual(['page-3'])
    const q = await c.get('/Users?count=2?')
    expect(q.json.itemsPerPage).toBe(2)
    expect(await rawStatus(server, 'GET', `/Users/${created[0]}?`)).toBe(200)
    expect(await rawStatus(server, 'PUT', `/Users/${created[0]}?`, { userName: 'page-1' })).toBe(200)
    expect(await rawStatus(server, 'GET', '/Users?filter=userName+eq+%22page-3%22&')).toBe(200)
  })

  it('caps count at filter.maxResults', async () => {
    const { server: big, c: bc } = await start()
    try {
      for (let i = 0; i < 1010; i++) big.store.createUser({ userName: `cap-${i}` })
      const r = await bc.get('/Users?count=1050')
      expect(r.json.totalResults).toBe(1010)
      expect(r.json.itemsPerPage).toBe(1000)
      expect((await bc.get('/Users')).json.itemsPerPage).toBe(1000)
    } finally {
      await big.close()
    }
  })

  it('gives a stable order across identical walks', async () => {
    const a = ids(await c.get('/Users?count=100'))
    const b = ids(await c.get('/Users?count=100'))
    expect(a).toEqual(b)
  })

  it('lists groups too', async () => {
    const g = await c.createGroup('list-group')
    const r = await c.get('/Groups')
    expect(r.json.schemas).toEqual([URN_LIST])
    expect(ids(r)).toContain(g.id)
  })
})

describe('sorting', () => {
  let server: RunningServer
  let c: Client

  beforeAll(async () => {
    ;({ server, c } = await start())
    await c.createUser('sort-B', { title: 'b-title', emails: [{ value: 'z@example.com' }, { value: 'a@example.com', primary: true }] })
    await c.createUser('sort-c', { emails: [{ value: 'm@example.com' }] })
    await c.createUser('sort-a', { title: 'a-title' })
  })
  afterAll(() => server.close())

  it('sorts ascending by default, case-insensitively', async () => {
    expect(userNames(await c.get('/Users?sortBy=userName'))).toEqual(['sort-a', 'sort-B', 'sort-c'])
    expect(userNames(await c.get('/Users?sortBy=USERNAME&sortOrder=ascending'))).toEqual(['sort-a', 'sort-B', 'sort-c'])
  })

  it('sorts descending', async () => {
    expect(userNames(await c.get('/Users?sortBy=userName&sortOrder=descending'))).toEqual(['sort-c', 'sort-B', 'sort-a'])
  })

  it('puts missing values last ascending and first descending', async () => {
    expect(userNames(await c.get('/Users?sortBy=title'))).toEqual(['sort-a', 'sort-B', 'sort-c'])
    expect(userNames(await c.get('/Users?sortBy=title&sortOrder=descending'))).toEqual(['sort-c', 'sort-B', 'sort-a'])
  })

  it('sorts multi-valued attributes by the primary value', async () => {
    expect(userNames(await c.get('/Users?sortBy=emails.value'))).toEqual(['sort-B', 'sort-c', 'sort-a'])
  })

  it('keeps the sorted order across pages', async () => {
    const pages: string[] = []
    for (let i = 1; i <= 3; i++) pages.push(...userNames(await c.get(`/Users?sortBy=userName&startIndex=${i}&count=1`)))
    expect(pages).toEqual(['sort-a', 'sort-B', 'sort-c'])
  })

  it('sorts dateTime attributes chronologically', async () => {
    const created = (await c.get('/Users?sortBy=meta.created&sortOrder=descending')).json.Resources.map((r: Json) => Date.parse(r.meta.created))
    expect(created).toEqual([...created].sort((a, b) => b - a))
  })

  it('rejects an unknown sortBy attribute', async () => {
    const r = await c.get('/Users?sortBy=scimcheckNoSuchAttr')
    expect(r.status).toBe(400)
  })
})

describe('attributes and excludedAttributes', () => {
  let server: RunningServer
  let c: Client
  let u: Json
  let g: Json

  beforeAll(async () => {
    ;({ server, c } = await start())
    u = await c.createUser('attrs-u1', {
      name: { givenName: 'G', familyName: 'F' },
      emails: [
        { value: 'w@example.com', type: 'work' },
        { value: 'h@example.com', type: 'home' },
      ],
      active: true,
      [URN_ENTERPRISE]: { employeeNumber: '42', department: 'D' },
      [URN_SCIMCHECK]: { approvalTier: 'standard', auditNote: 'only on request' },
    })
    g = await c.createGroup('attrs-group', [u.id])
  })
  afterAll(() => server.close())

  it('returns id, schemas and the named attribute only', async () => {
    const r = await c.get(`/Users/${u.id}?attributes=userName`)
    expect(r.json).toEqual({ schemas: u.schemas, id: u.id, userName: 'attrs-u1' })
  })

  it('accepts URN-qualified and differently-cased names', async () => {
    expect((await c.get(`/Users/${u.id}?attributes=${URN_USER}:userName`)).json.userName).toBe('attrs-u1')
    expect((await c.get(`/Users/${u.id}?attributes=USERNAME`)).json).toEqual({ schemas: u.schemas, id: u.id, userName: 'attrs-u1' })
  })

  it('selects sub-attributes', async () => {
    const r = await c.get(`/Users/${u.id}?attributes=name.givenName,emails.value`)
    expect(r.json.name).toEqual({ givenName: 'G' })
    expect(r.json.emails).toEqual([{ value: 'w@example.com' }, { value: 'h@example.com' }])
    expect(r.json.userName).toBeUndefined()
  })

  it('selects extension attributes by URN path', async () => {
    const r = await c.get(`/Users/${u.id}?attributes=${URN_ENTERPRISE}:employeeNumber`)
    expect(r.json).toEqual({ schemas: u.schemas, id: u.id, [URN_ENTERPRISE]: { employeeNumber: '42' } })
  })

  it('applies to every element of a list', async () => {
    const r = await c.get(`/Users?attributes=userName&filter=${encodeURIComponent('userName eq "attrs-u1"')}`)
    expect(r.json.Resources).toEqual([{ schemas: u.schemas, id: u.id, userName: 'attrs-u1' }])
  })

  it('excludes attributes but never id', async () => {
    const r = await c.get(`/Users/${u.id}?excludedAttributes=emails,id`)
    expect(r.json.emails).toBeUndefined()
    expect(r.json.id).toBe(u.id)
    expect(r.json.userName).toBe('attrs-u1')
    expect(r.json.name).toEqual({ givenName: 'G', familyName: 'F' })
    const sub = await c.get(`/Users/${u.id}?excludedAttributes=name.familyName`)
    expect(sub.json.name).toEqual({ givenName: 'G' })
  })

  it('excludes group members, by id and in a displayName query (Entra)', async () => {
    const one = await c.get(`/Groups/${g.id}?excludedAttributes=members`)
    expect(one.json.members).toBeUndefined()
    expect(one.json.displayName).toBe('attrs-group')
    const q = await c.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "attrs-group"')}`)
    expect(q.json.Resources).toHaveLength(1)
    expect(q.json.Resources[0].members).toBeUndefined()
    expect(q.json.Resources[0].id).toBe(g.id)
  })

  it('returns returned:request attributes only when asked for by name', async () => {
    const plain = await c.get(`/Users/${u.id}`)
    expect(plain.json[URN_SCIMCHECK]).toEqual({ approvalTier: 'standard' })
    const asked = await c.get(`/Users/${u.id}?attributes=${URN_SCIMCHECK}:auditNote`)
    expect(asked.json[URN_SCIMCHECK]).toEqual({ auditNote: 'only on request' })
  })

  it('applies attributes to write responses', async () => {
    const r = await c.post('/Users?attributes=userName', { userName: 'attrs-write' })
    expect(r.status).toBe(201)
    expect(r.json).toEqual({ schemas: [URN_USER], id: r.json.id, userName: 'attrs-write' })
    const p = await c.req('PATCH', `/Users/${r.json.id}?attributes=userName`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: 'nickName', value: 'n' }],
    })
    expect(p.status).toBe(200)
    expect(Object.keys(p.json).sort()).toEqual(['id', 'schemas', 'userName'])
  })
})

describe('POST .search', () => {
  let server: RunningServer
  let c: Client
  let u1: Json

  beforeAll(async () => {
    ;({ server, c } = await start())
    u1 = await c.createUser('search-1', { emails: [{ value: 's1@example.com' }] })
    await c.createUser('search-2')
    await c.createUser('search-3')
    await c.createGroup('search-group', [u1.id])
  })
  afterAll(() => server.close())

  const search = (path: string, body: Record<string, unknown>) =>
    c.post(path, { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], ...body })

  it('filters like the equivalent GET', async () => {
    const r = await search('/Users/.search', { filter: 'userName eq "search-1"', startIndex: 1, count: 10 })
    expect(r.status).toBe(200)
    expect(userNames(r)).toEqual(['search-1'])
  })

  it('supports attributes, excludedAttributes, paging and sorting', async () => {
    expect((await search('/Users/.search', { attributes: ['userName'] })).json.Resources[0]).toEqual({ schemas: [URN_USER], id: u1.id, userName: 'search-1' })
    expect((await search('/Users/.search', { excludedAttributes: ['emails'] })).json.Resources[0].emails).toBeUndefined()
    const page = await search('/Users/.search', { startIndex: 2, count: 1 })
    expect(page.json).toMatchObject({ startIndex: 2, itemsPerPage: 1, totalResults: 3 })
    expect(userNames(page)).toEqual(['search-2'])
    expect(userNames(await search('/Users/.search', { sortBy: 'userName', sortOrder: 'descending' }))).toEqual(['search-3', 'search-2', 'search-1'])
  })

  it('creates nothing even when the body also looks like a User', async () => {
    await search('/Users/.search', { userName: 'search-side-effect', filter: 'userName eq "search-1"' })
    expect(server.store.findUserByUserName('search-side-effect')).toBeUndefined()
  })

  it('answers an invalid filter with 400 invalidFilter', async () => {
    const r = await search('/Users/.search', { filter: 'userName eq' })
    expect(r.status).toBe(400)
    expect(r.json.scimType).toBe('invalidFilter')
  })

  it('searches groups and the root across resource types', async () => {
    const g = await search('/Groups/.search', { filter: 'displayName sw "search"' })
    expect(g.json.Resources.map((x: Json) => x.displayName)).toEqual(['search-group'])
    const root = await search('/.search', { filter: 'userName eq "search-1" or displayName eq "search-group"' })
    expect(root.json.totalResults).toBe(2)
    expect(root.json.Resources.map((x: Json) => x.meta.resourceType).sort()).toEqual(['Group', 'User'])
    const rootGet = await c.get(`/?filter=${encodeURIComponent('userName eq "search-2"')}&count=1`)
    expect(rootGet.status).toBe(200)
    expect(userNames(rootGet)).toEqual(['search-2'])
  })
})
