import { describe, expect, it } from 'vitest'
import { checks } from '../../src/checks/me.js'
import { problems } from '../helpers/run.js'
import { errorBody, exchange, finder, runScenario, verdict } from './support.js'

const check = finder(checks)
const me = (status: number, headers: Record<string, string> = {}, body: unknown = status >= 400 ? errorBody(status) : undefined) => exchange({ path: '/Me', status, headers, body })
const LOC = 'http://127.0.0.1:1/scim/v2/Users/u-1'

describe('me.behaviour on crafted exchanges', () => {
  it('501, a 308 with Location, or the resource with its Location pass', () => {
    const c = check('me.behaviour')
    expect(verdict(c, me(501))).toBe('pass')
    expect(verdict(c, me(308, { location: LOC }))).toBe('pass')
    expect(verdict(c, me(200, { location: LOC }, { id: 'u-1', meta: { location: LOC } }))).toBe('pass')
  })
  it('a 2xx without Location fails; 404 warns', () => {
    const c = check('me.behaviour')
    expect(verdict(c, me(200, {}, { id: 'u-1' }))).toBe('fail')
    expect(verdict(c, me(200, { location: `${LOC}x` }, { id: 'u-1', meta: { location: LOC } }))).toBe('fail')
    expect(verdict(c, me(404))).toBe('warn')
  })
})

describe('/Me scenario against the built-in server', () => {
  it('passes: the reference server answers 501', async () => {
    const r = await runScenario('scenarios/rfc/me.yaml')
    expect(problems(r)).toEqual([])
    expect(r.results.find((x) => x.id === 'me.behaviour')?.status).toBe('pass')
  })
})
