import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/filter.js'
import { problems } from '../helpers/run.js'
import { context, errorBody, exchange, finder, listBody, runScenario, statuses, stepX, verdict } from './support.js'

const check = finder(checks)
const user = (id: string, userName = `scimcheck-r1-flt-${id}@example.com`) => ({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id, userName })
const U1 = user('u1')
const U2 = user('u2')
const U3 = user('u3')
const G1 = { id: 'g1', displayName: 'g1' }
const G2 = { id: 'g2', displayName: 'g2' }
const E1 = user('e1')
const byId: Record<string, Record<string, unknown>> = { U1, U2, U3, G1, G2, E1 }

const query = (filter: string, path = '/Users') => `${path}?filter=${encodeURIComponent(filter)}`
const answer = (labels: string[], filter = 'x eq "y"', extra: Record<string, unknown> = {}) => exchange({ path: query(filter), body: listBody(labels.map((l) => byId[l]), extra) })
const declined = (filter = 'x eq "y"', scimType = 'invalidFilter') => exchange({ path: query(filter), status: 400, body: errorBody(400, scimType) })
const ids = (...labels: string[]) => Object.fromEntries(labels.map((l) => [l, byId[l].id]))

/** [check, with:, a right answer, a wrong answer, what a 400 invalidFilter becomes] */
const MEMBERSHIP: [string, Record<string, unknown>, string[], string[], 'info' | 'fail'][] = [
  ['filter.eq-userName', { present: ids('U1'), total: 1 }, ['U1'], ['U1', 'U2'], 'fail'],
  ['filter.userName-case', { present: ids('U1'), total: 1 }, ['U1'], [], 'fail'],
  ['filter.externalId', { present: ids('U1'), total: 1 }, ['U1'], [], 'info'],
  ['filter.group-displayName', { present: ids('G1'), total: 1 }, ['G1'], ['G1', 'G2'], 'info'],
  ['filter.group-member', { present: ids('G2'), absent: ids('G1') }, ['G2'], ['G1', 'G2'], 'info'],
  ['filter.name-case', { present: ids('U1'), total: 1 }, ['U1'], [], 'fail'],
  ['filter.op-ne', { present: ids('U2'), absent: ids('U1') }, ['U2', 'U3'], ['U1', 'U2', 'U3'], 'info'],
  ['filter.op-co', { present: ids('U1'), absent: ids('U2') }, ['U1'], ['U2'], 'info'],
  ['filter.op-sw', { present: ids('U1', 'U2', 'U3') }, ['U1', 'U2', 'U3'], ['U1', 'U2'], 'info'],
  ['filter.op-sw-identical', { present: ids('U1'), absent: ids('U2') }, ['U1'], [], 'info'],
  ['filter.op-ew', { present: ids('U1'), absent: ids('U2') }, ['U1'], ['U1', 'U2'], 'info'],
  ['filter.op-pr', { present: ids('U1'), absent: ids('U2') }, ['U1'], ['U1', 'U2'], 'info'],
  ['filter.op-gt', { present: ids('U1') }, ['U1'], [], 'info'],
  ['filter.op-ge', { present: ids('U1') }, ['U1'], [], 'info'],
  ['filter.op-lt', { present: ids('U1') }, ['U1'], [], 'info'],
  ['filter.op-le', { present: ids('U1') }, ['U1'], [], 'info'],
  ['filter.op-string-order', { present: ids('U2', 'U3'), absent: ids('U1') }, ['U2', 'U3'], ['U3'], 'info'],
  ['filter.and', { present: ids('U1'), absent: ids('U2', 'U3') }, ['U1'], ['U1', 'U2', 'U3'], 'info'],
  ['filter.or', { present: ids('U1', 'U2'), total: 2 }, ['U1', 'U2'], ['U1'], 'info'],
  ['filter.not', { present: ids('U2', 'U3'), absent: ids('U1') }, ['U2', 'U3'], ['U1', 'U2', 'U3'], 'info'],
  ['filter.precedence', { present: ids('U1'), absent: ids('U2') }, ['U1'], ['U1', 'U2'], 'info'],
  ['filter.multivalued-any', { present: ids('U1'), total: 1 }, ['U1'], [], 'info'],
  ['filter.subattr', { present: ids('U1'), total: 1 }, ['U1'], [], 'info'],
  ['filter.urn-qualified', { present: ids('U1'), total: 1 }, ['U1'], [], 'fail'],
  ['filter.extension-attr', { present: ids('E1'), total: 1 }, ['E1'], [], 'info'],
  ['filter.quoted-value', { present: ids('U3'), total: 1 }, ['U3'], [], 'fail'],
  ['filter.url-decoding', { present: ids('U1'), total: 1, form: '%20' }, ['U1'], ['U1', 'U2', 'U3'], 'fail'],
  ['filter.pr-empty', { present: ids('U1'), absent: ids('U2') }, ['U1'], ['U1', 'U2'], 'info'],
]

describe('filter checks on crafted exchanges', () => {
  for (const [id, args, right, wrong, onDecline] of MEMBERSHIP) {
    it(`${id}: the right fixtures pass, a wrong set fails, 400 invalidFilter is ${onDecline}`, () => {
      const c = check(id)
      expect(verdict(c, answer(right), { args })).toBe('pass')
      expect(verdict(c, answer(wrong), { args })).toBe('fail')
      expect(verdict(c, declined(), { args })).toBe(onDecline)
      expect(verdict(c, exchange({ path: query('x eq "y"'), status: 401, body: errorBody(401) }), { args })).toBe('error')
    })
  }

  it('filter.not-ignored: every user returned for an eq lookup fails as "filter appears ignored"', () => {
    const c = check('filter.not-ignored')
    const args = { present: ids('U1'), absent: ids('U2', 'U3') }
    expect(verdict(c, answer(['U1']), { args })).toBe('pass')
    const f = statuses(c, answer(['U1', 'U2', 'U3']), { args })
    expect(f).toEqual(['fail'])
    expect(c.judge!(answer(['U1', 'U2', 'U3']), context({ args }))).toMatchObject({ message: expect.stringMatching(/^Filter appears ignored/) })
    expect(verdict(c, declined(), { args })).toBe('skip')
  })

  it('an ignored filter on a large tenant (U1 not on the first page) still fails: userName is unique, so totalResults must be 1', () => {
    const others = Array.from({ length: 100 }, (_, i) => user(`other-${i}`, `someone-${i}@example.com`))
    const x = exchange({ path: query('userName eq "scimcheck-r1-flt-u1@example.com"'), body: listBody(others, { totalResults: 12000 }) })
    for (const id of ['filter.eq-userName', 'filter.not-ignored']) {
      const c = check(id)
      const args = { present: ids('U1'), absent: ids('U2', 'U3'), total: 1 }
      expect(verdict(c, x, { args }), id).toBe('fail')
      expect(c.judge!(x, context({ args }))).toMatchObject({ message: expect.stringMatching(/^Filter appears ignored/) })
    }
  })

  it('an isolated query that returns users outside the run prefix fails (the filter was ignored)', () => {
    const c = check('filter.op-gt')
    const other = user('zz', 'someone-else@example.com')
    const x = exchange({ path: query('meta.lastModified gt "2000-01-01T00:00:00Z" and userName sw "scimcheck-r1-flt-u"'), body: listBody([U1, other]) })
    expect(verdict(c, x, { args: { present: ids('U1'), isolated: 'scimcheck-r1-flt-u' } })).toBe('fail')
  })

  it('an absence-only probe needs its control: found passes, absent control skips, returned fixture fails', () => {
    const c = check('filter.externalId-case')
    const control = stepX('externalId', { path: query('externalId eq "A"'), body: listBody([U1]) })
    const emptyControl = stepX('externalId', { path: query('externalId eq "A"'), body: listBody([]) })
    const args = { absent: ids('U1'), control: 'externalId', controlId: 'u1' }
    expect(verdict(c, answer([]), { args, history: [control] })).toBe('pass')
    expect(verdict(c, answer(['U1']), { args, history: [control] })).toBe('fail')
    expect(verdict(c, answer([]), { args, history: [emptyControl] })).toBe('skip')
    expect(verdict(c, answer([]), { args: { absent: ids('U1') } })).toBe('error')
  })

  it('no false alarm when an absence-only probe is answered 404 (filter.no-match reports that status)', () => {
    const c = check('filter.op-lt')
    const control = stepX('lt-future', { path: query('meta.created lt "2100-01-01T00:00:00Z"'), body: listBody([U1]) })
    const x = exchange({ path: query('meta.created lt "2000-01-01T00:00:00Z"'), status: 404, body: errorBody(404) })
    expect(verdict(c, x, { args: { absent: ids('U1'), control: 'lt-future', controlId: 'u1' }, history: [control] })).toBe('pass')
  })

  it('a result spanning several pages cannot prove a missing fixture: skip, never fail', () => {
    const c = check('filter.op-pr')
    expect(verdict(c, answer(['U2'], 'title pr', { totalResults: 500 }), { args: { present: ids('U1') } })).toBe('skip')
  })

  it('op-ge / op-le at the fixture\'s own whole-second timestamp: a miss is info (precision), a miss with milliseconds fails', () => {
    const c = check('filter.op-le')
    const args = { present: ids('U1'), boundary: true }
    expect(verdict(c, answer([], 'meta.created le "2026-01-01T10:00:00Z"'), { args })).toBe('info')
    expect(verdict(c, answer([], 'meta.created le "2026-01-01T10:00:00.123Z"'), { args })).toBe('fail')
  })

  it('filter.no-match: 200 with totalResults 0 passes; 404 fails (noting Okta tolerates it)', () => {
    const c = check('filter.no-match')
    expect(verdict(c, answer([]))).toBe('pass')
    const x = exchange({ path: query('userName eq "absent"'), status: 404, body: errorBody(404) })
    expect(verdict(c, x)).toBe('fail')
    expect(c.judge!(x, context())).toMatchObject({ message: expect.stringContaining('Entra does not') })
    expect(verdict(c, answer(['U1']))).toBe('fail')
  })

  it('filter.externalId-case: a lower-cased externalId matching U1 fails', () => {
    const c = check('filter.externalId-case')
    const control = stepX('externalId', { path: query('externalId eq "A"'), body: listBody([U1]) })
    expect(verdict(c, answer(['U1']), { args: { absent: ids('U1'), control: 'externalId', controlId: 'u1' }, history: [control] })).toBe('fail')
  })

  it('400 invalidFilter checks (boolean ordering, unknown operator, malformed): 400 passes, 200 fails, another scimType warns', () => {
    const bool = check('filter.op-boolean-order')
    const op = check('filter.invalid-operator')
    const syntax = check('filter.invalid-syntax')
    for (const c of [bool, op, syntax]) {
      expect(statuses(c, declined()), c.id).toEqual(['pass', 'pass'])
      expect(statuses(c, answer([])), c.id).toEqual(['fail'])
      expect(statuses(c, exchange({ path: query('x'), status: 500, body: errorBody(500) })), c.id).toEqual(['fail'])
    }
    expect(statuses(op, declined('x', 'invalidSyntax'))).toEqual(['pass', 'warn'])
    expect(statuses(bool, declined('x', 'invalidValue'))).toEqual(['pass', 'warn'])
    expect(statuses(syntax, declined('x', 'invalidSyntax'))).toEqual(['pass', 'warn'])
  })

  it('filter.unknown-attribute is recorded: 400 or an empty 200 pass; resources returned are info, never fail', () => {
    const c = check('filter.unknown-attribute')
    expect(verdict(c, declined())).toBe('pass')
    expect(verdict(c, answer([]))).toBe('pass')
    expect(verdict(c, answer(['U1', 'U2']))).toBe('info')
    expect(verdict(c, exchange({ path: query('x'), status: 500, body: errorBody(500) }))).toBe('info')
  })

  it('filter.complex-valuepath: declining is info (MAY), a wrong result fails (MUST)', () => {
    const c = check('filter.complex-valuepath')
    const args = { present: ids('U1'), absent: ids('U2') }
    expect(verdict(c, answer(['U1']), { args })).toBe('pass')
    expect(verdict(c, declined(), { args })).toBe('info')
    expect(verdict(c, answer(['U1', 'U2']), { args })).toBe('fail')
  })

  it('filter.valuepath-subattr is recorded: works passes; declined or wrong is info', () => {
    const c = check('filter.valuepath-subattr')
    const args = { present: ids('U1'), total: 1 }
    expect(verdict(c, answer(['U1']), { args })).toBe('pass')
    expect(verdict(c, declined(), { args })).toBe('info')
    expect(verdict(c, answer([]), { args })).toBe('info')
  })

  it('filter.by-schema is recorded: a wrong result is info', () => {
    const c = check('filter.by-schema')
    const args = { present: ids('E1'), absent: ids('U1') }
    expect(verdict(c, answer(['E1']), { args })).toBe('pass')
    expect(verdict(c, answer(['E1', 'U1']), { args })).toBe('info')
  })

  it('filter.quoted-value: a 400 is info only when the plain value on the same attribute was declined too', () => {
    const c = check('filter.quoted-value')
    const plainDeclined = stepX('subattr', { path: query('name.familyName eq "x"'), status: 400, body: errorBody(400, 'invalidFilter') })
    const plainOk = stepX('subattr', { path: query('name.familyName eq "x"'), body: listBody([U1]) })
    const args = { present: ids('U3'), plain: 'subattr' }
    expect(verdict(c, declined(), { args, history: [plainDeclined] })).toBe('info')
    expect(verdict(c, declined(), { args, history: [plainOk] })).toBe('fail')
  })

  it('filter.url-decoding: "+" not decoded only warns; %20 not decoded fails', () => {
    const c = check('filter.url-decoding')
    expect(verdict(c, declined(), { args: { present: ids('U1'), form: '+' } })).toBe('warn')
    expect(verdict(c, declined(), { args: { present: ids('U1'), form: '%20' } })).toBe('fail')
  })

  it('attr gate: a check on emails skips when the server\'s User schema does not declare emails', () => {
    const c = check('filter.multivalued-any')
    const discovery = {
      resourceTypes: [{ name: 'User', endpoint: '/Users', schema: 'urn:ietf:params:scim:schemas:core:2.0:User' }],
      schemas: [{ id: 'urn:ietf:params:scim:schemas:core:2.0:User', attributes: [{ name: 'userName', type: 'string' }] }],
    }
    expect(verdict(c, answer([]), { args: { present: ids('U1') }, discovery })).toBe('skip')
  })
})

describe('filter scenario against the built-in server', () => {
  const file = 'scenarios/rfc/filter.yaml'
  const results = async (fault?: string) => (await runScenario(file, { builtinFaults: fault ? [fault] : [] })).results.filter((r) => r.id.startsWith('filter.'))
  const bad = (rs: { status: string; id: string }[]) => new Set(rs.filter((r) => r.status === 'fail' || r.status === 'warn').map((r) => r.id))

  it('is green on the reference server and every variant, with every filter check judged', async () => {
    for (const v of [[], ['patch-204', 'non-uuid-ids', 'no-etag', 'no-sort']]) {
      const r = await runScenario(file, { builtinVariants: v })
      expect(problems(r), v.join()).toEqual([])
      const passed = new Set(r.results.filter((x) => x.id.startsWith('filter.') && x.status === 'pass').map((x) => x.id))
      expect(passed.size).toBe(38)
    }
  }, 30_000)

  it('ignore-filter (every user returned) fails every required filter check', async () => {
    const failed = bad(await results('ignore-filter'))
    const required = checks.filter((c) => c.level === 'MUST' && c.id !== 'filter.url-decoding').map((c) => c.id)
    expect(required.filter((id) => !failed.has(id))).toEqual([])
  }, 30_000)

  it('one fault, one finding: filter-no-match-404, userName-case-sensitive, operator-case-sensitive, plus-encoding-rejected', async () => {
    expect([...bad(await results('filter-no-match-404'))]).toEqual(['filter.no-match'])
    expect([...bad(await results('userName-case-sensitive'))]).toEqual(['filter.userName-case'])
    expect([...bad(await results('operator-case-sensitive'))]).toEqual(['filter.name-case'])
    const plus = (await results('plus-encoding-rejected')).filter((r) => r.status === 'warn' || r.status === 'fail')
    expect(plus.map((r) => `${r.id}/${r.status}/${r.step}`)).toEqual(['filter.url-decoding/warn/encoded-plus'])
  }, 30_000)
})
