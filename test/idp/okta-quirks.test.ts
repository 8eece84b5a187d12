import { describe, expect, it } from 'vitest'
import { problems, runBuiltin } from '../helpers/run.js'

/**
 * Each Okta quirk against a reference server that rejects it (a named fault): Okta fails, with a message naming the
 * behaviour and its source; the strict generic client, which never sends the quirk, stays green on the same server.
 */

const OKTA_REF = 'https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20/'

const CASES = [
  { fault: 'put-readonly-rejected', scenarios: ['update'], options: {}, id: 'idp.okta.put-echoes-readonly', says: /PUT of the whole user as the server returned it, echoing id, meta and groups/ },
  { fault: 'put-readonly-rejected', scenarios: ['deactivate'], options: { app: 'aiw' }, id: 'idp.okta.put-echoes-readonly', says: /PUT of the whole user/ },
  { fault: 'pathless-patch-rejected', scenarios: ['deactivate'], options: {}, id: 'idp.okta.pathless-active', says: /deactivates with a path-less \{"op":"replace","value":\{"active":false\}\}/ },
  { fault: 'pathless-patch-rejected', scenarios: ['group-sync'], options: {}, id: 'idp.okta.group-rename-with-id', says: /renames a group with a path-less/ },
  { fault: 'create-readonly-rejected', scenarios: ['create'], options: {}, id: 'idp.okta.create-groups-password', says: /"groups": \[\] and a "password" in every create/ },
  { fault: 'put-unsupported', scenarios: ['group-sync'], options: { app: 'aiw' }, id: 'idp.okta.group-put', says: /AIW apps push a group as PUT/ },
]

describe.each(CASES)('okta quirk against fault $fault ($scenarios)', ({ fault, scenarios, options, id, says }) => {
  it('fails okta, naming the behaviour and its source', async () => {
    const report = await runBuiltin({ idps: ['okta'], idpOptions: { okta: options }, scenarios, builtinFaults: [fault] })
    const failed = report.results.filter((r) => r.id === id && r.status === 'fail')
    expect(failed.length, `${id} should fail: ${problems(report).join('\n')}`).toBeGreaterThan(0)
    expect(failed[0].message).toMatch(says)
    expect(failed[0].message).toContain(OKTA_REF)
    expect(failed[0].message).toMatch(/the server answered (400|501)/)
    expect(failed[0].source).toMatchObject({ idp: 'okta', url: OKTA_REF })
    expect(failed[0].level).toBe('IDP')
  }, 30_000)

  it('leaves the generic client green on the same server', async () => {
    const report = await runBuiltin({ idps: ['generic'], scenarios, builtinFaults: [fault] })
    expect(problems(report)).toEqual([])
  }, 30_000)
})

describe('okta quirks pass where the server accepts them', () => {
  it('reports each quirk expectation as passed on the reference server', async () => {
    const report = await runBuiltin({ idps: ['okta'], scenarios: ['create', 'update', 'deactivate', 'group-sync'] })
    const ids = new Set(report.results.filter((r) => r.id.startsWith('idp.okta.') && r.status === 'pass').map((r) => r.id))
    expect([...ids].sort()).toEqual(['idp.okta.create-groups-password', 'idp.okta.group-rename-with-id', 'idp.okta.lookup-before-create', 'idp.okta.lookup-userName-only', 'idp.okta.pathless-active', 'idp.okta.put-echoes-readonly'])
  }, 30_000)
})
