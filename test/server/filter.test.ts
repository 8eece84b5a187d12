import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ScimError, type RunningServer } from '../../src/server/index.js'
import { parseFilter, parsePatchPath } from '../../src/server/filter.js'
import { Client, start, URN_ENTERPRISE, URN_SCIMCHECK, URN_USER, userNames, type Json } from './helpers.js'

function scimTypeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof ScimError) return e.scimType
    throw e
  }
  return undefined
}

describe('filter parser', () => {
  it('gives "and" precedence over "or"', () => {
    expect(parseFilter('a eq "1" or b eq "2" and c pr')).toEqual({
      type: 'or',
      left: { type: 'compare', path: 'a', op: 'eq', value: '1' },
      right: { type: 'and', left: { type: 'compare', path: 'b', op: 'eq', value: '2' }, right: { type: 'present', path: 'c' } },
    })
  })

  it('reads operators and keywords in any case', () => {
    expect(parseFilter('userName Eq "x" AND NOT (title PR)')).toEqual({
      type: 'and',
      left: { type: 'compare', path: 'userName', op: 'eq', value: 'x' },
      right: { type: 'not', expr: { type: 'present', path: 'title' } },
    })
  })

  it('parses JSON literals: escaped strings, numbers, booleans, null', () => {
    expect(parseFilter('name.familyName eq "O\'Malley \\"Q\\" \\u00e9"')).toMatchObject({ value: 'O\'Malley "Q" é' })
    expect(parseFilter('x gt -1.5e2')).toMatchObject({ value: -150 })
    expect(parseFilter('active eq True')).toMatchObject({ value: true })
    expect(parseFilter('title eq null')).toMatchObject({ value: null })
  })

  it('parses URN-qualified paths that contain dots', () => {
    expect(parseFilter(`${URN_ENTERPRISE}:manager.value eq "m"`)).toMatchObject({ path: `${URN_ENTERPRISE}:manager.value` })
  })

  it('parses value paths and Entra\'s trailing sub-attribute form', () => {
    expect(parseFilter('emails[type eq "work" and value co "@"]')).toMatchObject({ type: 'valuePath', path: 'emails', filter: { type: 'and' } })
    expect(parseFilter('emails[type eq "work"].value eq "x"')).toEqual({
      type: 'valuePath',
      path: 'emails',
      filter: {
        type: 'and',
        left: { type: 'compare', path: 'type', op: 'eq', value: 'work' },
        right: { type: 'compare', path: 'value', op: 'eq', value: 'x' },
      },
    })
  })

  it('rejects malformed filters with invalidFilter', () => {
    for (const f of ['userName eq', '(userName eq "x"', 'userName eq "x" and', 'userName regex "x"', 'userName eq "unterminated', '', 'eq "x"', 'userName eq x', 'a eq "1" b eq "2"']) {
      expect(scimTypeOf(() => parseFilter(f)), f).toBe('invalidFilter')
    }
  })

  it('parses PATCH paths and reports errors as invalidPath', () => {
    expect(parsePatchPath('emails[type eq "work"].value')).toMatchObject({ path: 'emails', sub: 'value', filter: { type: 'compare' } })
    expect(parsePatchPath('members[value eq "2819c223"]')).toMatchObject({ path: 'members' })
    expect(parsePatchPath(`${URN_ENTERPRISE}:employeeNumber`)).toEqual({ path: `${URN_ENTERPRISE}:employeeNumber` })
    for (const p of ['emails[type eq', 'emails[type eq "work"]x', '[x eq "1"]', 'emails[type eq "work"].']) {
      expect(scimTypeOf(() => parsePatchPath(p)), p).toBe('invalidPath')
    }
  })
})

describe('filtering', () => {
  let server: RunningServer
  let c: Client
  let u1: Json
  let u2: Json
  let u3: Json
  let e1: Json
  let g1: Json
  let g2: Json

  const f = async (filter: string, path = '/Users') => {
    const r = await c.get(`${path}?filter=${encodeURIComponent(filter)}`)
    expect(r.status, `${filter}: ${r.text}`).toBe(200)
    return userNames(r).sort()
  }
  const bad = async (filter: string) => {
    const r = await c.get(`/Users?filter=${encodeURIComponent(filter)}`)
    return { status: r.status, scimType: r.json?.scimType }
  }

  beforeAll(async () => {
    ;({ server, c } = await start())
    u1 = await c.createUser('flt-u1@example.com', {
      externalId: 'ScimCheck-AbC-1',
      title: 'Engineer',
      nickName: '',
      name: { givenName: 'Ann', familyName: 'O\'Malley "Q"' },
      emails: [
        { value: 'u1@work.example.com', type: 'work', primary: true },
        { value: 'u1@home.example.org', type: 'home' },
      ],
      active: true,
      [URN_SCIMCHECK]: { spendLimit: 500, approvalLimit: 99.5, costApprover: true, hireDate: '2020-01-15T09:00:00Z' },
    })
    u2 = await c.createUser('flt-u2@example.com', { active: false, emails: [{ value: 'u2@home.example.org', type: 'home' }] })
    u3 = await c.createUser('flt-u3@example.com', { title: 'Manager', [URN_SCIMCHECK]: { spendLimit: 50 } })
    e1 = await c.createUser('flt-e1@example.com', { [URN_ENTERPRISE]: { employeeNumber: 'E-701', manager: { value: u1.id } } })
    g1 = await c.createGroup('flt-group-1')
    g2 = await c.createGroup('flt-group-2', [u1.id])
  })
  afterAll(() => server.close())

  it('eq on userName finds exactly one user, case-insensitively; no match is an empty 200', async () => {
    expect(await f('userName eq "flt-u1@example.com"')).toEqual(['flt-u1@example.com'])
    expect(await f('userName eq "FLT-U1@EXAMPLE.COM"')).toEqual(['flt-u1@example.com'])
    expect(await f('UserName EQ "flt-u1@example.com"')).toEqual(['flt-u1@example.com'])
    const none = await c.get(`/Users?filter=${encodeURIComponent('userName eq "scimcheck-absent"')}`)
    expect(none.status).toBe(200)
    expect(none.json).toMatchObject({ totalResults: 0, Resources: [] })
  })

  it('compares externalId and id case-exactly', async () => {
    expect(await f('externalId eq "ScimCheck-AbC-1"')).toEqual(['flt-u1@example.com'])
    expect(await f('externalId eq "scimcheck-abc-1"')).toEqual([])
    expect(await f(`id eq "${u1.id}"`)).toEqual(['flt-u1@example.com'])
    expect(await f(`id eq "${u1.id.toUpperCase()}"`)).toEqual([])
  })

  it('supports ne, co, sw, ew, pr', async () => {
    expect(await f('userName ne "flt-u1@example.com"')).toEqual(['flt-e1@example.com', 'flt-u2@example.com', 'flt-u3@example.com'])
    expect(await f('userName co "U2@EX"')).toEqual(['flt-u2@example.com'])
    expect(await f('userName sw "flt-u"')).toEqual(['flt-u1@example.com', 'flt-u2@example.com', 'flt-u3@example.com'])
    expect(await f('userName sw "flt-u1@example.com"')).toEqual(['flt-u1@example.com'])
    expect(await f('userName ew "3@example.com"')).toEqual(['flt-u3@example.com'])
    expect(await f('title pr')).toEqual(['flt-u1@example.com', 'flt-u3@example.com'])
    expect(await f('nickName pr')).toEqual([]) // an empty string is not a value
    expect(await f('title eq null')).toEqual(['flt-e1@example.com', 'flt-u2@example.com'])
  })

  it('orders strings case-insensitively with gt/ge/lt/le', async () => {
    expect(await f('userName gt "FLT-U1@EXAMPLE.COM" and userName lt "flt-v"')).toEqual(['flt-u2@example.com', 'flt-u3@example.com'])
    expect(await f('userName ge "flt-u3@example.com"')).toEqual(['flt-u3@example.com'])
    expect(await f('userName le "flt-e1@example.com"')).toEqual(['flt-e1@example.com'])
  })

  it('compares dateTimes chronologically', async () => {
    const created = Date.parse(u1.meta.created)
    const dayBefore = new Date(created - 86_400_000).toISOString()
    const dayAfter = new Date(Date.now() + 86_400_000).toISOString()
    expect(await f(`meta.lastModified gt "${dayBefore}"`)).toContain('flt-u1@example.com')
    expect(await f(`meta.lastModified gt "${dayAfter}"`)).toEqual([])
    expect(await f(`meta.lastModified ge "${u1.meta.lastModified}"`)).toContain('flt-u1@example.com')
    expect(await f(`meta.created lt "${dayAfter}"`)).toHaveLength(4)
    expect(await f(`meta.created lt "${dayBefore}"`)).toEqual([])
    expect(await f(`meta.created le "${u1.meta.created}"`)).toContain('flt-u1@example.com')
    // Same instant written with an offset instead of Z.
    expect(await f(`${URN_SCIMCHECK}:hireDate eq "2020-01-15T10:00:00+01:00"`)).toEqual(['flt-u1@example.com'])
    expect((await bad('meta.created gt "yesterday"')).scimType).toBe('invalidFilter')
  })

  it('compares numbers numerically and booleans by equality only', async () => {
    expect(await f(`${URN_SCIMCHECK}:spendLimit gt 100`)).toEqual(['flt-u1@example.com'])
    expect(await f(`${URN_SCIMCHECK}:approvalLimit le 99.5`)).toEqual(['flt-u1@example.com'])
    expect(await f('active eq false')).toEqual(['flt-u2@example.com'])
    expect(await f('active eq true')).toEqual(['flt-u1@example.com'])
    expect(await bad('active gt true')).toEqual({ status: 400, scimType: 'invalidFilter' })
    expect(await bad(`${URN_SCIMCHECK}:costApprover co "t"`)).toEqual({ status: 400, scimType: 'invalidFilter' })
  })

  it('combines with and, or, not and grouping with the right precedence', async () => {
    expect(await f('userName sw "flt-u" and title pr')).toEqual(['flt-u1@example.com', 'flt-u3@example.com'])
    expect(await f('userName eq "flt-u1@example.com" or userName eq "flt-u2@example.com"')).toEqual(['flt-u1@example.com', 'flt-u2@example.com'])
    expect(await f('userName sw "flt-u" and not (userName eq "flt-u1@example.com")')).toEqual(['flt-u2@example.com', 'flt-u3@example.com'])
    // and binds tighter: U2 or (U1 and title pr)
    expect(await f('userName eq "flt-u2@example.com" or userName eq "flt-u1@example.com" and title pr')).toEqual([
      'flt-u1@example.com',
      'flt-u2@example.com',
    ])
    expect(await f('(userName eq "flt-u2@example.com" or userName eq "flt-u1@example.com") and title pr')).toEqual(['flt-u1@example.com'])
  })

  it('matches any value of a multi-valued attribute and sub-attributes', async () => {
    expect(await f('emails.value eq "u1@home.example.org"')).toEqual(['flt-u1@example.com'])
    expect(await f('emails co "home.example.org"')).toEqual(['flt-u1@example.com', 'flt-u2@example.com'])
    expect(await f('name.familyName eq "O\'Malley \\"Q\\""')).toEqual(['flt-u1@example.com'])
    expect(await f('emails.type eq "home" and emails.value ew ".org"')).toEqual(['flt-u1@example.com', 'flt-u2@example.com'])
  })

  it('supports complex value filters, including Entra\'s trailing sub-attribute form', async () => {
    expect(await f('emails[type eq "work" and value co "@"] and userName sw "flt"')).toEqual(['flt-u1@example.com'])
    expect(await f('emails[type eq "home" and value sw "u2"]')).toEqual(['flt-u2@example.com'])
    expect(await f('emails[type eq "work"].value eq "u1@work.example.com"')).toEqual(['flt-u1@example.com'])
    expect(await f('emails[type eq "home"].value eq "u1@work.example.com"')).toEqual([])
  })

  it('understands URN-qualified core and extension paths', async () => {
    expect(await f(`${URN_USER}:userName eq "flt-u3@example.com"`)).toEqual(['flt-u3@example.com'])
    expect(await f(`${URN_ENTERPRISE}:employeeNumber eq "E-701"`)).toEqual(['flt-e1@example.com'])
    expect(await f(`${URN_ENTERPRISE.toUpperCase()}:MANAGER.value eq "${u1.id}"`)).toEqual(['flt-e1@example.com'])
    expect(await f(`schemas eq "${URN_ENTERPRISE}"`)).toEqual(['flt-e1@example.com'])
  })

  it('filters groups by displayName and by member', async () => {
    const byName = await c.get(`/Groups?filter=${encodeURIComponent('displayName eq "FLT-GROUP-1"')}`)
    expect(byName.json.Resources.map((g: Json) => g.id)).toEqual([g1.id])
    const byMember = await c.get(`/Groups?filter=${encodeURIComponent(`members.value eq "${u1.id}"`)}`)
    expect(byMember.json.Resources.map((g: Json) => g.id)).toEqual([g2.id])
    expect(await f(`groups.value eq "${g2.id}"`)).toEqual(['flt-u1@example.com'])
    const byType = await c.get(`/Groups?filter=${encodeURIComponent(`members[type eq "User" and value eq "${u1.id}"]`)}`)
    expect(byType.json.Resources.map((g: Json) => g.id)).toEqual([g2.id])
    const byDisplay = await c.get(`/Groups?filter=${encodeURIComponent('members.display eq "flt-u1@example.com"')}`)
    expect(byDisplay.json.Resources.map((g: Json) => g.id)).toEqual([g2.id])
  })

  it('keeps deactivated users findable', async () => {
    expect(await f('userName eq "flt-u2@example.com"')).toEqual(['flt-u2@example.com'])
    expect((await c.get(`/Users/${u2.id}`)).json.active).toBe(false)
  })

  it('decodes %20 and + encodings alike', async () => {
    const pct = await c.get('/Users?filter=userName%20eq%20%22flt-u3%40example.com%22')
    const plus = await c.get('/Users?filter=userName+eq+%22flt-u3%40example.com%22')
    expect(userNames(pct)).toEqual(['flt-u3@example.com'])
    expect(userNames(plus)).toEqual(['flt-u3@example.com'])
  })

  it('answers invalid and unknown-attribute filters with 400 invalidFilter', async () => {
    for (const filter of ['userName eq', '(userName eq "x"', 'userName eq "x" and', 'userName regex "x"', 'scimcheckNoSuchAttr eq "x"', 'password eq "x"', 'name eq "x"']) {
      expect(await bad(filter), filter).toEqual({ status: 400, scimType: 'invalidFilter' })
    }
  })

  it('treats attributes unknown to one resource type as unassigned in root queries', async () => {
    const r = await c.get(`/?filter=${encodeURIComponent('userName eq "flt-u3@example.com" or displayName eq "flt-group-1"')}`)
    expect(r.status).toBe(200)
    expect(r.json.Resources.map((x: Json) => x.id).sort()).toEqual([u3.id, g1.id].sort())
    expect(e1.id).toBeTruthy()
    const unknownEverywhere = await c.get(`/?filter=${encodeURIComponent('scimcheckNoSuchAttr eq "x"')}`)
    expect(unknownEverywhere.status).toBe(400)
  })
})
