import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/put.js'
import type { CheckContext } from '../../src/checks/define.js'
import type { Exchange } from '../../src/http/exchange.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, listBody, runScenario, stepX, verdict } from './support.js'

const check = finder(checks)
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
const META = { resourceType: 'User', created: '2026-01-01T00:00:00Z', lastModified: '2026-01-02T00:00:00Z', location: 'http://127.0.0.1:1/scim/v2/Users/u-1' }
const user = (over: Record<string, unknown> = {}) => ({ schemas: [USER], id: 'u-1', userName: 'ada@example.com', name: { givenName: 'Grace', familyName: 'Hopper' }, title: 'Admiral', active: true, meta: META, ...over })
const put = (status: number, body?: unknown, path = '/Users/u-1', requestBody: unknown = user()) => exchange({ method: 'PUT', path, status, body, requestBody })

/** A PUT sent by step "w", the GET after it, and the context a read-back check is judged in. */
function afterPut(write: Exchange, read: { status?: number; body?: unknown; path?: string }, args: Record<string, unknown> = {}): [Exchange, Partial<CheckContext>] {
  const w = { ...write, step: 'w' }
  const r = exchange({ method: 'GET', path: read.path ?? '/Users/u-1', status: read.status ?? 200, body: read.body })
  return [r, { history: [w, r], args: { after: 'w', ...args } }]
}
const judged = (id: string, ...a: Parameters<typeof afterPut>) => verdict(check(id), ...afterPut(...a))

describe('PUT checks on crafted exchanges', () => {
  it('put.supported: 200 passes; 405 fails', () => {
    expect(verdict(check('put.supported'), put(200, user()))).toBe('pass')
    expect(verdict(check('put.supported'), put(405, errorBody(405)))).toBe('fail')
  })

  it('put.returns-resource: the updated resource passes; an empty or partial body fails', () => {
    const c = check('put.returns-resource')
    expect(verdict(c, put(200, user()), { args: { givenName: 'Grace' } })).toBe('pass')
    expect(verdict(c, put(200, undefined), { args: { givenName: 'Grace' } })).toBe('fail')
    expect(verdict(c, put(200, { schemas: [USER], id: 'u-1' }), { args: { givenName: 'Grace' } })).toBe('fail')
    expect(verdict(c, put(200, user({ name: { givenName: 'Old' } })), { args: { givenName: 'Grace' } })).toBe('fail')
  })

  it('put.applies: the new givenName read back passes; the old one fails; a failed PUT fails', () => {
    expect(judged('put.applies', put(200, user()), { body: user() }, { givenName: 'Grace' })).toBe('pass')
    expect(judged('put.applies', put(200, user()), { body: user({ name: { givenName: 'Old' } }) }, { givenName: 'Grace' })).toBe('fail')
    expect(judged('put.applies', put(400, errorBody(400)), { body: user() }, { givenName: 'Grace' })).toBe('fail')
  })

  it('put.id-unchanged: same id and created passes; a new id or created fails', () => {
    const c = check('put.id-unchanged')
    const created = { ...stepX('c', { method: 'POST', status: 201, body: user() }) }
    expect(verdict(c, put(200, user()), { history: [created], args: { created: 'c' } })).toBe('pass')
    expect(verdict(c, put(200, user({ id: 'u-2' })), { history: [created], args: { created: 'c' } })).toBe('fail')
    expect(verdict(c, put(200, user({ meta: { ...META, created: '2026-03-01T00:00:00Z' } })), { history: [created], args: { created: 'c' } })).toBe('fail')
  })
  it('put.id-unchanged: the resource gone from its URL after a PUT fails', () => {
    expect(judged('put.id-unchanged', put(200, user({ id: 'other' })), { status: 404, body: errorBody(404) })).toBe('fail')
  })

  it('put.readonly-ignored: server meta kept passes; the bogus meta applied or a 400 fails', () => {
    const bogus = user({ meta: { resourceType: 'Bogus', created: '2000-01-01T00:00:00Z' }, groups: [] })
    expect(judged('put.readonly-ignored', put(200, user(), '/Users/u-1', bogus), { body: user() })).toBe('pass')
    expect(judged('put.readonly-ignored', put(200, user(), '/Users/u-1', bogus), { body: user({ meta: { ...META, created: '2000-01-01T00:00:00Z' } }) })).toBe('fail')
    expect(judged('put.readonly-ignored', put(400, errorBody(400, 'mutability'), '/Users/u-1', bogus), { body: user() })).toBe('fail')
  })
  it('put.readonly-ignored: no false alarm when the read before the PUT already showed no membership', () => {
    const bogus = { ...user(), groups: [] }
    const w = { ...put(200, user(), '/Users/u-1', bogus), step: 'w' }
    const before = exchange({ method: 'GET', path: '/Users/u-1', body: user({ groups: [] }) })
    const r = exchange({ method: 'GET', path: '/Users/u-1', body: user({ groups: [] }) })
    expect(verdict(check('put.readonly-ignored'), r, { history: [before, w, r], args: { after: 'w', group: 'g-2' } })).toBe('skip')
    const had = exchange({ method: 'GET', path: '/Users/u-1', body: user({ groups: [{ value: 'g-2' }] }) })
    expect(verdict(check('put.readonly-ignored'), r, { history: [had, w, r], args: { after: 'w', group: 'g-2' } })).toBe('fail')
  })
  it('put.id-unchanged: meta.created is compared with the read just before the PUT', () => {
    const c = check('put.id-unchanged')
    const before = exchange({ method: 'GET', path: '/Users/u-1', body: user({ meta: { ...META, created: '2025-05-05T00:00:00Z' } }) })
    const x = put(200, user({ meta: { ...META, created: '2025-05-05T00:00:00Z' } }))
    expect(verdict(c, x, { history: [before, x] })).toBe('pass')
    const moved = put(200, user())
    expect(verdict(c, moved, { history: [before, moved] })).toBe('fail')
  })
  it('put.readonly-ignored: "groups": [] leaving the membership passes; dropping it fails; no User.groups skips', () => {
    const bogus = user({ groups: [] })
    expect(judged('put.readonly-ignored', put(200, user(), '/Users/u-1', bogus), { body: user({ groups: [{ value: 'g-2' }] }) }, { group: 'g-2' })).toBe('pass')
    expect(judged('put.readonly-ignored', put(200, user(), '/Users/u-1', bogus), { body: user({ groups: [] }) }, { group: 'g-2' })).toBe('fail')
    expect(judged('put.readonly-ignored', put(200, user(), '/Users/u-1', bogus), { body: user() }, { group: 'g-2' })).toBe('skip')
  })

  it('put.id-mismatch is recorded: ignored or 400 passes; never a failure', () => {
    expect(judged('put.id-mismatch', put(200, user()), { body: user() })).toBe('pass')
    expect(judged('put.id-mismatch', put(400, errorBody(400)), { body: user() })).toBe('pass')
    expect(judged('put.id-mismatch', put(200, user({ id: 'x' })), { status: 404, body: errorBody(404) })).toBe('info')
  })

  it('put.not-create: 404 and nothing found passes; 201 fails', () => {
    const unknown = '/Users/9f1c'
    const find = (n: number) => ({ path: '/Users?filter=x', body: listBody(n ? [user()] : []) })
    expect(judged('put.not-create', put(404, errorBody(404), unknown), find(0))).toBe('pass')
    expect(judged('put.not-create', put(201, user({ id: '9f1c' }), unknown), find(1))).toBe('fail')
    expect(judged('put.not-create', put(400, errorBody(400), unknown), find(0))).toBe('fail')
  })

  it('put.required-missing: 400 invalidValue passes; 400 invalidSyntax warns; 200 warns', () => {
    const c = check('put.required-missing')
    expect(verdict(c, put(400, errorBody(400, 'invalidValue')))).toBe('pass')
    expect(verdict(c, put(400, errorBody(400, 'invalidSyntax')))).toBe('warn')
    expect(verdict(c, put(200, user()))).toBe('warn')
  })

  it('put.immutable: skipped without an immutable attribute; with one, 400 mutability passes and 200 warns', () => {
    const c = check('put.immutable')
    expect(verdict(c, put(200, user()), { discovery: { schemas: [{ id: USER, name: 'User', attributes: [{ name: 'userName', mutability: 'readWrite' }] }] } })).toBe('skip')
    const discovery = { schemas: [{ id: USER, attributes: [{ name: 'employeeBadge', mutability: 'immutable' }] }] }
    expect(verdict(c, put(400, errorBody(400, 'mutability')), { discovery, args: { attr: 'employeeBadge' } })).toBe('pass')
    expect(verdict(c, put(200, user()), { discovery, args: { attr: 'employeeBadge' } })).toBe('warn')
    expect(verdict(c, put(200, user()), { discovery, args: { attr: 'employeeBadge', same: true } })).toBe('pass')
  })

  it('put.uniqueness: 409 uniqueness with the userName kept passes; 400 warns; a duplicate fails', () => {
    const mine = { body: user({ id: 'u-2', userName: 'mine@example.com' }), path: '/Users/u-2' }
    const args = { userName: 'ada@example.com' }
    expect(judged('put.uniqueness', put(409, errorBody(409, 'uniqueness'), '/Users/u-2'), mine, args)).toBe('pass')
    expect(judged('put.uniqueness', put(400, errorBody(400, 'uniqueness'), '/Users/u-2'), mine, args)).toBe('warn')
    expect(judged('put.uniqueness', put(200, user({ id: 'u-2' }), '/Users/u-2'), { ...mine, body: user({ id: 'u-2' }) }, args)).toBe('fail')
  })

  it('put.omitted-attr is recorded either way, never a failure', () => {
    expect(judged('put.omitted-attr', put(200, user()), { body: user({ title: undefined }) }, { attr: 'title' })).toBe('info')
    expect(judged('put.omitted-attr', put(200, user()), { body: user() }, { attr: 'title' })).toBe('info')
  })

  it('put.deactivate: active read back as sent passes; unchanged fails', () => {
    expect(judged('put.deactivate', put(200, user()), { body: user({ active: false }) }, { active: false })).toBe('pass')
    expect(judged('put.deactivate', put(200, user()), { body: user({ active: true }) }, { active: false })).toBe('fail')
  })

  it('put.group-members: exactly the new members passes; the old member kept fails', () => {
    const g = (members: string[]) => ({ schemas: [GROUP], id: 'g-1', displayName: 'ops', members: members.map((value) => ({ value })) })
    expect(judged('put.group-members', put(200, g(['u-2']), '/Groups/g-1'), { body: g(['u-2']), path: '/Groups/g-1' }, { members: ['u-2'] })).toBe('pass')
    expect(judged('put.group-members', put(200, g(['u-1', 'u-2']), '/Groups/g-1'), { body: g(['u-1', 'u-2']), path: '/Groups/g-1' }, { members: ['u-2'] })).toBe('fail')
  })
})

describe('PUT scenario against the built-in server', () => {
  const file = 'scenarios/rfc/put.yaml'

  it('is green on the reference server and on every variant, with every PUT check judged', async () => {
    for (const variants of [[], ['patch-204', 'non-uuid-ids', 'no-etag', 'no-bulk']]) {
      const r = await runScenario(file, { builtinVariants: variants })
      expect(problems(r)).toEqual([])
      const judged = new Set(r.results.filter((x) => x.status === 'pass' || x.status === 'info').map((x) => x.id))
      expect(checks.map((c) => c.id).filter((id) => !judged.has(id))).toEqual([])
    }
  })

  it('fails put.id-unchanged under id-changes-on-put and put.readonly-ignored under put-readonly-rejected', async () => {
    const failing = async (fault: string) => new Set((await runScenario(file, { builtinFaults: [fault] })).results.filter((x) => x.status === 'fail').map((x) => x.id))
    expect(await failing('id-changes-on-put')).toContain('put.id-unchanged')
    expect(await failing('put-readonly-rejected')).toContain('put.readonly-ignored')
    expect(await failing('no-409')).toContain('put.uniqueness')
  })
})
