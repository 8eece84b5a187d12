import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/group.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, runScenario, stepX, verdict } from './support.js'

const check = finder(checks)
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
const group = (members: Record<string, unknown>[]) => ({ schemas: [GROUP], id: 'g-2', displayName: 'ops', members })
const read = (body: unknown) => exchange({ path: '/Groups/g-2', body })

describe('Group checks on crafted exchanges', () => {
  it('group.member-shape: value, type User and a $ref to the user pass; a wrong type or $ref fails', () => {
    const c = check('group.member-shape')
    const args = { args: { member: 'u-1' } }
    expect(verdict(c, read(group([{ value: 'u-1', type: 'User', $ref: '../Users/u-1' }])), args)).toBe('pass')
    expect(verdict(c, read(group([{ value: 'u-1' }])), args)).toBe('pass')
    expect(verdict(c, read(group([{ value: 'u-1', type: 'Group' }])), args)).toBe('fail')
    expect(verdict(c, read(group([{ value: 'u-1', $ref: 'http://x/Users/u-9' }])), args)).toBe('fail')
    expect(verdict(c, read(group([])), args)).toBe('fail')
  })

  it('group.member-display: accepted passes; rejected warns', () => {
    expect(verdict(check('group.member-display'), exchange({ method: 'POST', status: 201, body: group([]) }))).toBe('pass')
    expect(verdict(check('group.member-display'), exchange({ method: 'POST', status: 400, body: errorBody(400, 'invalidSyntax') }))).toBe('warn')
  })

  it('group.nested is recorded either way, never a failure', () => {
    const ctx = (status: number) => ({ history: [stepX('w', { method: 'PATCH', path: '/Groups/g-2', status, body: status >= 400 ? errorBody(status) : undefined })], args: { after: 'w', group: 'g-1' } })
    expect(verdict(check('group.nested'), read(group([{ value: 'g-1', type: 'Group' }])), ctx(204))).toBe('info')
    expect(verdict(check('group.nested'), read(group([])), ctx(400))).toBe('info')
  })
})

describe('Group scenario against the built-in server', () => {
  it('is green on the reference server and every variant', async () => {
    for (const variants of [[], ['patch-204', 'non-uuid-ids', 'no-etag', 'no-bulk']]) {
      const r = await runScenario('scenarios/rfc/group.yaml', { builtinVariants: variants })
      expect(problems(r)).toEqual([])
      expect(r.results.filter((x) => x.id.startsWith('group.')).map((x) => `${x.id}:${x.status}`).sort()).toEqual(['group.member-display:pass', 'group.member-display:pass', 'group.member-shape:pass', 'group.nested:info'])
    }
  })
})
