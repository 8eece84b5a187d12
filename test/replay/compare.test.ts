import { describe, expect, it } from 'vitest'
import { compareResponses, MAX_DIFFERENCES, type CompareContext, type Recorded } from '../../src/replay/compare.js'
import { ValueMap } from '../../src/replay/rewrite.js'
import { inferBase } from '../../src/replay/replay.js'
import type { HarEntry } from '../../src/report/transcript.js'

const OLD = 'http://old.example.test/scim/v2'
const NEW = 'http://new.example.test/api/scim'

function ctx(ids: [string, string][] = [], ignore: string[] = []): CompareContext {
  const map = new ValueMap()
  for (const [a, b] of ids) map.set(a, b)
  return { ids: map, recordedBase: OLD, replayBase: NEW, ignore }
}

const recorded = (status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/scim+json' }): Recorded => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) })
const replayed = (status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/scim+json' }) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { response: { status, headers, body: text, json } }
}

const user = (id: string, base: string, extra: Record<string, unknown> = {}) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id,
  userName: 'ada@example.com',
  emails: [{ value: 'ada@example.com', type: 'work' }, { value: 'ada@home.example', type: 'home' }],
  meta: { resourceType: 'User', created: '2026-01-01T00:00:00Z', lastModified: '2026-01-01T00:00:00Z', version: 'W/"3"', location: `${base}/Users/${id}` },
  ...extra,
})

describe('compareResponses: what may differ between two servers', () => {
  it('ignores server-chosen ids, meta timestamps, versions, locations and the base URL', () => {
    const got = user('u-17', NEW, { meta: { resourceType: 'User', created: '2027-05-05T10:10:10.123Z', lastModified: '2027-05-05T10:10:10.123Z', version: 'W/"99"', location: `${NEW}/Users/u-17` } })
    expect(compareResponses(recorded(200, user('2819c223', OLD)), replayed(200, got), ctx([['2819c223', 'u-17']]))).toEqual([])
  })

  it('reports an id that is not the one this replay created', () => {
    const diffs = compareResponses(recorded(200, user('2819c223', OLD)), replayed(200, user('u-99', NEW)), ctx([['2819c223', 'u-17']]))
    expect(diffs).toEqual([{ what: 'body', path: 'id', recorded: '"2819c223" (= u-17 in this replay)', replayed: '"u-99"' }])
  })

  it('compares member values and $ref through the id map', () => {
    const group = (member: string, base: string) => ({ id: 'g', displayName: 'admins', members: [{ value: member, $ref: `${base}/Users/${member}` }] })
    expect(compareResponses(recorded(200, group('2819c223', OLD)), replayed(200, group('u-17', NEW)), ctx([['2819c223', 'u-17']]))).toEqual([])
    expect(compareResponses(recorded(200, group('2819c223', OLD)), replayed(200, group('u-18', NEW)), ctx([['2819c223', 'u-17']]))).toContainEqual({ what: 'body', path: 'members[0].value', recorded: '"2819c223"', replayed: '"u-18"' })
  })

  it('treats multi-valued attributes as unordered', () => {
    const swapped = user('x', NEW, { emails: [{ value: 'ada@home.example', type: 'home' }, { value: 'ada@example.com', type: 'work' }] })
    expect(compareResponses(recorded(200, user('x', OLD)), replayed(200, swapped), ctx())).toEqual([])
    const changed = user('x', NEW, { emails: [{ value: 'ada@home.example', type: 'home' }, { value: 'ADA@example.com', type: 'work' }] })
    expect(compareResponses(recorded(200, user('x', OLD)), replayed(200, changed), ctx())).toEqual([{ what: 'body', path: 'emails[0].value', recorded: '"ada@example.com"', replayed: '"ADA@example.com"' }])
  })

  it('reports values, missing and extra attributes, and list lengths', () => {
    const got = user('x', NEW, { userName: 'ADA@example.com', active: 'true', emails: [] })
    delete (got as Record<string, unknown>).schemas
    expect(compareResponses(recorded(200, user('x', OLD, { active: true })), replayed(200, got), ctx())).toEqual([
      { what: 'body', path: 'schemas', recorded: '["urn:ietf:params:scim:schemas:core:2.0:User"]', replayed: '(absent)' },
      { what: 'body', path: 'userName', recorded: '"ada@example.com"', replayed: '"ADA@example.com"' },
      { what: 'body', path: 'emails', recorded: '2 items', replayed: '0 items' },
      { what: 'body', path: 'active', recorded: 'true', replayed: '"true"' },
    ])
  })

  it('reports a status difference alone, and transport failures', () => {
    expect(compareResponses(recorded(409, { detail: 'exists' }), replayed(201, user('x', NEW)), ctx())).toEqual([{ what: 'status', recorded: '409', replayed: '201' }])
    expect(compareResponses(recorded(200, {}), { error: { code: 'timeout', message: 'no response within 5000 ms' } }, ctx())).toEqual([{ what: 'transport', recorded: 'HTTP 200', replayed: 'no response: no response within 5000 ms' }])
    expect(compareResponses({ status: 0, headers: {}, error: { code: 'timeout', message: 'timed out' } }, { error: { code: 'timeout', message: 'x' } }, ctx())).toEqual([])
  })

  it("ignores an Error's wording but not its scimType", () => {
    const error = (detail: string, scimType: string) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType, detail })
    expect(compareResponses(recorded(409, error('User exists', 'uniqueness')), replayed(409, error('userName taken', 'uniqueness')), ctx())).toEqual([])
    expect(compareResponses(recorded(409, error('x', 'uniqueness')), replayed(409, error('x', 'invalidValue')), ctx())).toEqual([{ what: 'body', path: 'scimType', recorded: '"uniqueness"', replayed: '"invalidValue"' }])
  })

  it('compares media types and the presence of Location, ETag and WWW-Authenticate', () => {
    const diffs = compareResponses(
      recorded(201, {}, { 'content-type': 'application/scim+json; charset=utf-8', location: `${OLD}/Users/1`, etag: 'W/"1"' }),
      replayed(201, {}, { 'Content-Type': 'application/json', ETag: 'W/"7"' }),
      ctx(),
    )
    expect(diffs).toEqual([
      { what: 'header', path: 'content-type', recorded: 'application/scim+json; charset=utf-8', replayed: 'application/json' },
      { what: 'header', path: 'location', recorded: 'present', replayed: '(absent)' },
    ])
  })

  it('compares bodies that are not JSON, or stopped being JSON', () => {
    expect(compareResponses(recorded(500, 'oops'), replayed(500, 'oops'), ctx())).toEqual([])
    expect(compareResponses(recorded(200, { a: 1 }), replayed(200, '<html>'), ctx())).toEqual([{ what: 'body', recorded: 'JSON', replayed: 'not JSON: <html>' }])
    expect(compareResponses(recorded(200, { a: 1 }), replayed(200, ''), ctx())).toEqual([{ what: 'body', recorded: '{"a":1}', replayed: '(empty)' }])
  })

  it('leaves out --ignore paths, with or without list indexes', () => {
    const a = { totalResults: 1, Resources: [{ id: 'x', title: 'A' }] }
    const b = { totalResults: 9, Resources: [{ id: 'x', title: 'B' }] }
    expect(compareResponses(recorded(200, a), replayed(200, b), ctx([], ['totalResults', 'Resources.title']))).toEqual([])
    expect(compareResponses(recorded(200, a), replayed(200, b), ctx([], ['totalResults', 'Resources[0]']))).toEqual([])
  })

  it(`stops listing after ${MAX_DIFFERENCES} differences`, () => {
    const a = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]))
    const b = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, -i - 1]))
    const diffs = compareResponses(recorded(200, a), replayed(200, b), ctx())
    expect(diffs).toHaveLength(MAX_DIFFERENCES + 1)
    expect(diffs.at(-1)).toEqual({ what: 'body', recorded: '…', replayed: '10 more differences' })
  })
})

describe('ValueMap: recorded ids rewritten for this replay', () => {
  const map = new ValueMap()
  map.set('2819c223-7f76-453a-919d-413861904646', 'u-17')
  map.set('g1', 'g-3')

  it('rewrites path segments (encoded or not) and leaves other segments alone', () => {
    expect(map.path('/Users/2819c223-7f76-453a-919d-413861904646')).toBe('/Users/u-17')
    expect(map.path('/Groups/g1?attributes=members')).toBe('/Groups/g-3?attributes=members')
    expect(map.path('/Users/g1x')).toBe('/Users/g1x')
  })

  it('rewrites long ids inside queries in their encoded form, short ids only where they stand alone', () => {
    expect(map.query('filter=members%5Bvalue%20eq%20%222819c223-7f76-453a-919d-413861904646%22%5D')).toBe('filter=members%5Bvalue%20eq%20%22u-17%22%5D')
    expect(map.query('filter=displayName%20eq%20%22g1%22')).toBe('filter=displayName%20eq%20%22g1%22')
  })

  it('rewrites JSON bodies value by value, and leaves an untouched body byte for byte', () => {
    const patch = '{"Operations":[{"op":"remove","path":"members[value eq \\"2819c223-7f76-453a-919d-413861904646\\"]"},{"op":"add","value":[{"value":"g1"}]}]}'
    expect(JSON.parse(map.body(patch))).toEqual({ Operations: [{ op: 'remove', path: 'members[value eq "u-17"]' }, { op: 'add', value: [{ value: 'g-3' }] }] })
    const untouched = '{ "userName" : "ada",\n "active": true }'
    expect(map.body(untouched)).toBe(untouched)
    expect(map.body('not json g1 2819c223-7f76-453a-919d-413861904646')).toBe('not json g1 u-17')
  })
})

describe('inferBase: HAR files from elsewhere', () => {
  const entry = (url: string) => ({ request: { url } }) as HarEntry
  it('takes the part of the first SCIM URL before its endpoint', () => {
    expect(inferBase([entry('https://idp.example.test/login'), entry('https://app.example.test/api/scim/v2/Users?filter=x')])).toBe('https://app.example.test/api/scim/v2')
    expect(inferBase([entry('https://app.example.test/scim/ServiceProviderConfig')])).toBe('https://app.example.test/scim')
  })
})
