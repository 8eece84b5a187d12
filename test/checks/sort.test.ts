import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/sort.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, findings, listBody, runScenario, stepX, verdict } from './support.js'
import { TargetModel } from '../../src/target/model.js'

const check = finder(checks)
const res = (id: string) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id, userName: `scimcheck-r1-srt-${id}` })
const order = { 'S-a': 'a', 'S-B': 'B', 'S-c': 'c' }
const sorted = (ids: string[], path = '/Users?sortBy=userName') => exchange({ path, body: listBody(ids.map(res)) })
const supported = { spc: { sort: { supported: true } } }
const unsupported = { spc: { sort: { supported: false } } }

describe('sort checks on crafted exchanges', () => {
  it('sort.ascending-default: ascending (either case mode) passes; insertion order or descending fails', () => {
    const c = check('sort.ascending-default')
    const ctx = { args: { order }, discovery: supported }
    expect(verdict(c, sorted(['a', 'B', 'c']), ctx)).toBe('pass')
    expect(verdict(c, sorted(['B', 'a', 'c']), ctx)).toBe('pass')
    expect(verdict(c, sorted(['a', 'c', 'B']), ctx)).toBe('fail')
    expect(verdict(c, sorted(['c', 'B', 'a']), ctx)).toBe('fail')
  })

  it('sort.descending: reversed passes, ascending fails', () => {
    const c = check('sort.descending')
    const ctx = { args: { order }, discovery: supported }
    expect(verdict(c, sorted(['c', 'B', 'a']), ctx)).toBe('pass')
    expect(verdict(c, sorted(['a', 'B', 'c']), ctx)).toBe('fail')
  })

  it('sort.case-insensitive: a, B, c passes; B, a, c (code-point order) fails; unsorted skips', () => {
    const c = check('sort.case-insensitive')
    const ctx = { args: { order }, discovery: supported }
    expect(verdict(c, sorted(['a', 'B', 'c']), ctx)).toBe('pass')
    expect(verdict(c, sorted(['B', 'a', 'c']), ctx)).toBe('fail')
    expect(verdict(c, sorted(['c', 'a', 'B']), ctx)).toBe('skip')
  })

  it('sort.missing-values: the fixture without a value last ascending / first descending passes; otherwise fails', () => {
    const c = check('sort.missing-values')
    const asc = { args: { order, missing: 'c' }, discovery: supported }
    const desc = { args: { order, missing: 'c', descending: true }, discovery: supported }
    expect(verdict(c, sorted(['a', 'B', 'c'], '/Users?sortBy=title'), asc)).toBe('pass')
    expect(verdict(c, sorted(['c', 'a', 'B'], '/Users?sortBy=title'), asc)).toBe('fail')
    expect(verdict(c, sorted(['c', 'B', 'a'], '/Users?sortBy=title'), desc)).toBe('pass')
    expect(verdict(c, sorted(['B', 'a', 'c'], '/Users?sortBy=title'), desc)).toBe('fail')
    expect(verdict(c, sorted(['c', 'a', 'B'], '/Users?sortBy=title'), desc)).toBe('fail')
  })

  it('sort.across-pages: pages concatenating in order pass; out of order warns', () => {
    const c = check('sort.across-pages')
    const pages = (ids: string[]) => ids.map((id, i) => stepX(`p${i + 1}`, { path: `/Users?sortBy=userName&startIndex=${i + 1}&count=1`, body: listBody([res(id)], { totalResults: 3 }) }))
    const args = { order, pages: ['p1', 'p2', 'p3'] }
    const good = pages(['a', 'B', 'c'])
    expect(verdict(c, good[2], { args, history: good, discovery: supported })).toBe('pass')
    const bad = pages(['a', 'c', 'B'])
    expect(verdict(c, bad[2], { args, history: bad, discovery: supported })).toBe('warn')
    const dup = pages(['a', 'a', 'c'])
    expect(verdict(c, dup[2], { args, history: dup, discovery: supported })).toBe('warn')
  })

  it('no false alarm when ServiceProviderConfig says sort.supported = false: every sort check skips with that reason', () => {
    for (const id of ['sort.ascending-default', 'sort.descending', 'sort.case-insensitive', 'sort.missing-values']) {
      expect(verdict(check(id), sorted(['a', 'c', 'B']), { args: { order, missing: 'c' }, discovery: unsupported }), id).toBe('skip')
    }
  })

  it('a 400 to sortBy fails when sort is advertised, and skips when it is not described', () => {
    const c = check('sort.ascending-default')
    const x = exchange({ path: '/Users?sortBy=userName', status: 400, body: errorBody(400, 'invalidValue') })
    expect(verdict(c, x, { args: { order }, discovery: supported })).toBe('fail')
    expect(verdict(c, x, { args: { order }, discovery: {} })).toBe('skip')
  })

  it('sort_no_false_positive without a ServiceProviderConfig: no check says "advertises", every order check skips with the reason', () => {
    const noSpc = { model: new TargetModel({ spc: { status: 404, body: errorBody(404) } }) }
    const unsorted = sorted(['a', 'c', 'B'])
    const refused = exchange({ path: '/Users?sortBy=userName', status: 501, body: errorBody(501) })
    for (const id of ['sort.ascending-default', 'sort.descending', 'sort.case-insensitive', 'sort.missing-values']) {
      for (const x of [unsorted, refused]) {
        const [f] = findings(check(id), x, { args: { order, missing: 'c' }, discovery: noSpc })
        expect(f.ok, id).toBe('skip')
        expect(f.reason, id).toContain('no ServiceProviderConfig to say whether sort is supported (not found (404))')
        expect(f.message).not.toContain('advertises')
      }
    }
    // A ServiceProviderConfig that says nothing about sort is unknown, not "advertised".
    expect(verdict(check('sort.descending'), refused, { args: { order }, discovery: { spc: { patch: { supported: true } } } })).toBe('skip')
    expect(verdict(check('sort.unsupported'), unsorted, { discovery: noSpc })).toBe('info')
  })

  it('sort.unsupported is recorded only without sort: 200 or 400 are info; with sort it skips', () => {
    const c = check('sort.unsupported')
    expect(verdict(c, sorted(['a', 'c', 'B']), { discovery: unsupported })).toBe('info')
    expect(verdict(c, exchange({ path: '/Users?sortBy=userName', status: 400, body: errorBody(400) }), { discovery: unsupported })).toBe('info')
    expect(verdict(c, sorted(['a', 'B', 'c']), { discovery: supported })).toBe('skip')
  })
})

describe('sort scenario against the built-in server', () => {
  const file = 'scenarios/rfc/sort.yaml'

  it('is green on the reference server, and on no-sort every sort check skips with the reason', async () => {
    const ok = await runScenario(file, { builtinVariants: ['patch-204', 'non-uuid-ids', 'no-etag'] })
    expect(problems(ok)).toEqual([])
    expect(new Set(ok.results.filter((r) => r.id.startsWith('sort.') && r.status === 'pass').map((r) => r.id)).size).toBe(5)
    const noSort = await runScenario(file, { builtinVariants: ['no-sort'] })
    expect(problems(noSort)).toEqual([])
    const sorts = noSort.results.filter((r) => r.id.startsWith('sort.'))
    expect(sorts.filter((r) => r.id !== 'sort.unsupported').every((r) => r.status === 'skip' && r.reason?.includes('sort.supported = false'))).toBe(true)
    expect(sorts.find((r) => r.id === 'sort.unsupported')?.status).toBe('info')
  }, 30_000)

  it('sort-ignored (advertised but not done) fails the order checks', async () => {
    const r = await runScenario(file, { builtinFaults: ['sort-ignored'] })
    const bad = new Set(r.results.filter((x) => x.status === 'fail' || x.status === 'warn').map((x) => x.id))
    expect([...bad].sort()).toEqual(['sort.across-pages', 'sort.ascending-default', 'sort.descending', 'sort.missing-values'])
  }, 30_000)
})
