import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/search.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, listBody, runScenario, statuses, stepX, verdict } from './support.js'

const check = finder(checks)
const u = (id: string, extra: Record<string, unknown> = {}) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id, userName: `scimcheck-r1-srch-${id}`, ...extra })
const search = (body: unknown, status = 200, path = '/Users/.search') => exchange({ method: 'POST', path, status, body, requestBody: { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] } })
const notOffered = [404, 405, 501].map((s) => search(errorBody(s), s))

describe('POST /.search checks on crafted exchanges', () => {
  it('every .search check skips when /.search is not offered (404, 405, 501)', () => {
    for (const c of checks.filter((c) => c.id !== 'search.root')) {
      for (const x of notOffered) expect(verdict(c, x, { args: { present: { U1: 'u1' } } }), `${c.id} ${x.response?.status}`).toBe('skip')
    }
  })

  it('search.users: U1 only, like the GET, passes; all users or a result unlike the GET fails', () => {
    const c = check('search.users')
    const get = stepX('get', { path: '/Users?filter=x', body: listBody([u('u1')]) })
    const args = { present: { U1: 'u1' }, total: 1, get: 'get' }
    expect(verdict(c, search(listBody([u('u1')])), { args, history: [get] })).toBe('pass')
    expect(verdict(c, search(listBody([u('u1'), u('u2')])), { args, history: [get] })).toBe('fail')
    expect(verdict(c, search(errorBody(400, 'invalidFilter'), 400), { args, history: [get] })).toBe('fail')
  })

  it('search.attributes: reduced resources pass; full ones fail', () => {
    const c = check('search.attributes')
    expect(verdict(c, search(listBody([{ id: 'u1', userName: 'x' }])))).toBe('pass')
    expect(verdict(c, search(listBody([u('u1', { emails: [{ value: 'e' }] })])))).toBe('fail')
  })

  it('search.excluded: emails gone passes; kept fails', () => {
    const c = check('search.excluded')
    expect(verdict(c, search(listBody([u('u1')])), { args: { resource: 'u1' } })).toBe('pass')
    expect(verdict(c, search(listBody([u('u1', { emails: [{ value: 'e' }] })])), { args: { resource: 'u1' } })).toBe('fail')
  })

  it('search.paging: startIndex 2 returning the 2nd element passes; the 1st fails', () => {
    const c = check('search.paging')
    const two = (step: string) => stepX(step, { method: 'POST', path: '/Users/.search', body: listBody([u('a'), u('b')], { totalResults: 3 }) })
    const probe = (id: string) => stepX('p2', { method: 'POST', path: '/Users/.search', body: listBody([u(id)], { totalResults: 3, startIndex: 2 }) })
    const args = { before: 'first', probe: 'p2' }
    expect(statuses(c, two('again'), { args, history: [two('first'), probe('b')] })).toEqual(['pass'])
    expect(statuses(c, two('again'), { args, history: [two('first'), probe('a')] })).toEqual(['fail'])
  })

  it('search.sort: the requested order passes; another fails', () => {
    const c = check('search.sort')
    const args = { order: { U2: 'u2', U1: 'u1' } }
    const discovery = { spc: { sort: { supported: true } } }
    expect(verdict(c, search(listBody([u('u2'), u('u1')])), { args, discovery })).toBe('pass')
    expect(verdict(c, search(listBody([u('u1'), u('u2')])), { args, discovery })).toBe('fail')
    expect(verdict(c, search(listBody([u('u1'), u('u2')])), { args, discovery: { spc: { sort: { supported: false } } } })).toBe('skip')
  })

  it('search.no-side-effect: a query answer passes; a 201 or a created user fails; the lookup finds no ghost', () => {
    const c = check('search.no-side-effect')
    const ghost = 'scimcheck-r1-srch-ghost@example.com'
    expect(verdict(c, search(listBody([u('u1')])), { args: { ghost } })).toBe('pass')
    expect(verdict(c, search({ id: 'new', userName: ghost }, 201), { args: { ghost } })).toBe('fail')
    const lookup = (rs: unknown[]) => exchange({ path: '/Users?filter=x', body: listBody(rs as never) })
    expect(verdict(c, lookup([u('u1')]), { args: { ghost, control: 'u1' } })).toBe('pass')
    expect(verdict(c, lookup([u('u1'), { id: 'new', userName: ghost }]), { args: { ghost, control: 'u1' } })).toBe('fail')
    expect(verdict(c, lookup([]), { args: { ghost, control: 'u1' } })).toBe('skip')
  })

  it('search.invalid-filter: 400 invalidFilter passes; 200 fails', () => {
    const c = check('search.invalid-filter')
    expect(statuses(c, search(errorBody(400, 'invalidFilter'), 400))).toEqual(['pass', 'pass'])
    expect(statuses(c, search(listBody([])))).toEqual(['fail'])
  })

  it('search.root is recorded: U1 found passes; not offered or wrong is info', () => {
    const c = check('search.root')
    const args = { present: { U1: 'u1' } }
    expect(verdict(c, search(listBody([u('u1')]), 200, '/.search'), { args })).toBe('pass')
    expect(verdict(c, search(errorBody(501), 501, '/.search'), { args })).toBe('info')
    expect(verdict(c, search(listBody([]), 200, '/.search'), { args })).toBe('info')
  })
})

describe('search scenario against the built-in server', () => {
  const file = 'scenarios/rfc/search.yaml'

  it('is green on the reference server and every variant', async () => {
    const r = await runScenario(file)
    expect(problems(r)).toEqual([])
    expect(new Set(r.results.filter((x) => x.id.startsWith('search.') && x.status === 'pass').map((x) => x.id)).size).toBe(8)
    const variants = await runScenario(file, { builtinVariants: ['patch-204', 'non-uuid-ids', 'no-etag', 'no-sort'] })
    expect(problems(variants)).toEqual([])
    expect(variants.results.find((x) => x.id === 'search.sort')?.status).toBe('skip')
  }, 30_000)

  it('no false alarm when /.search is not offered (variant no-search): every check skips, the root search is info', async () => {
    const r = await runScenario(file, { builtinVariants: ['no-search'] })
    expect(problems(r)).toEqual([])
    const mine = r.results.filter((x) => x.id.startsWith('search.'))
    expect(mine.filter((x) => x.id !== 'search.root').every((x) => x.status === 'skip' && /does not offer \/\.search/.test(x.reason ?? ''))).toBe(true)
    expect(mine.find((x) => x.id === 'search.root')?.status).toBe('info')
  }, 30_000)

  it('search-creates (POST /Users/.search handled as a create) fails search.no-side-effect on the answer and the lookup', async () => {
    const r = await runScenario(file, { builtinFaults: ['search-creates'] })
    expect(r.results.filter((x) => x.id === 'search.no-side-effect').map((x) => x.status)).toEqual(['fail', 'fail'])
  }, 30_000)

  it('the query faults reach .search too: ignore-filter, attributes-ignored, pagination-repeats', async () => {
    const bad = async (fault: string) => new Set((await runScenario(file, { builtinFaults: [fault] })).results.filter((x) => x.status === 'fail' || x.status === 'warn').map((x) => x.id))
    expect((await bad('ignore-filter')).has('search.users')).toBe(true)
    const attrs = await bad('attributes-ignored')
    expect(attrs.has('search.attributes') && attrs.has('search.excluded')).toBe(true)
    expect((await bad('pagination-repeats')).has('search.paging')).toBe(true)
  }, 30_000)
})
