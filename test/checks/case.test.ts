import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/case.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, runScenario, stepX, verdict } from './support.js'

const check = finder(checks)
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const after = (status: number, args: Record<string, unknown>) => ({ history: [stepX('w', { method: 'PATCH', path: '/Users/u-3', status, body: status >= 400 ? errorBody(status, 'invalidPath') : undefined })], args: { after: 'w', ...args } })
const read = (body: Record<string, unknown>) => exchange({ path: '/Users/u-3', body: { schemas: [USER], id: 'u-3', userName: 'u3', ...body } })

describe('case-insensitivity checks on crafted exchanges', () => {
  it('case.body-attr-names: stored as userName/name.givenName passes; 400 or echoed keys warn', () => {
    const c = check('case.body-attr-names')
    const args = { args: { userName: 'a@example.com', givenName: 'Ada' } }
    expect(verdict(c, exchange({ method: 'POST', status: 201, body: { id: 'x', userName: 'a@example.com', name: { givenName: 'Ada' } } }), args)).toBe('pass')
    expect(verdict(c, exchange({ method: 'POST', status: 400, body: errorBody(400, 'invalidValue') }), args)).toBe('warn')
    expect(verdict(c, exchange({ method: 'POST', status: 201, body: { id: 'x', UserName: 'a@example.com', Name: { GivenName: 'Ada' } } }), args)).toBe('warn')
  })

  it('case.schema-uri: 201 passes; 400 is recorded, since no sentence sets how schema URI values compare (schema_uri_no_false_positive)', () => {
    expect(verdict(check('case.schema-uri'), exchange({ method: 'POST', status: 201, body: { id: 'x' } }))).toBe('pass')
    expect(verdict(check('case.schema-uri'), exchange({ method: 'POST', status: 400, body: errorBody(400, 'invalidSyntax') }))).toBe('info')
  })

  it('case.patch-path: applied passes; refused or ignored warns', () => {
    const c = check('case.patch-path')
    const args = { path: 'name.familyName', value: 'King' }
    expect(verdict(c, read({ name: { familyName: 'King' } }), after(204, args))).toBe('pass')
    expect(verdict(c, read({ name: { familyName: 'Old' } }), after(204, args))).toBe('warn')
    expect(verdict(c, read({ name: { familyName: 'Old' } }), after(400, args))).toBe('warn')
    expect(verdict(c, exchange({ path: '/Groups/g-1', body: { id: 'g-1', members: [] } }), after(204, { member: 'u-3' }))).toBe('warn')
  })

  it('case.message-attrs is recorded: applied passes; rejected is info', () => {
    const c = check('case.message-attrs')
    expect(verdict(c, read({ nickName: 'N' }), after(204, { nickName: 'N' }))).toBe('pass')
    expect(verdict(c, read({}), after(400, { nickName: 'N' }))).toBe('info')
  })
})

describe('case scenario against the built-in server', () => {
  it('is green on the reference server and every variant, with every case check judged', async () => {
    for (const variants of [[], ['patch-204', 'non-uuid-ids', 'no-etag', 'no-bulk']]) {
      const r = await runScenario('scenarios/rfc/case.yaml', { builtinVariants: variants })
      expect(problems(r)).toEqual([])
      const passed = new Set(r.results.filter((x) => x.status === 'pass').map((x) => x.id))
      expect(checks.map((c) => c.id).filter((id) => !passed.has(id))).toEqual([])
    }
  })
})
