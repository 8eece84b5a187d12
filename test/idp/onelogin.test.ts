import { describe, expect, it } from 'vitest'
import { pinnedVariant, recordRun, type Sent } from '../helpers/recording.js'
import type { RunReport } from '../../src/runner/report.js'
import { startServer } from '../../src/server/index.js'

/**
 * OneLogin's wire traffic, pinned per option against fixtures/idp/onelogin/ (reviewed against the captured OneLogin
 * requests in goauthentik/authentik#11249 and OneLogin's "Implement RESTful SCIM APIs"), the documented shapes asserted
 * directly, and each quirk shown to fail OneLogin only.
 */

// group-sync and the delete variant's deactivate scenario are pinned once those scenarios gate the steps that follow
// a step OneLogin does not send (rename; suspension under whenUsersDeleted=delete); their shapes are asserted below.
const ALL_BUT_GROUPS = ['connection', 'create', 'update', 'deactivate', 'rehire', 'delete', 'token-rotation', 'custom-attributes', 'import']
const VARIANTS = [
  { variant: 'suspend-legacy', options: {}, scenarios: ALL_BUT_GROUPS },
  { variant: 'delete', options: { whenUsersDeleted: 'delete' }, scenarios: ['rehire', 'delete'] },
  { variant: 'rfc-template', options: { template: 'rfc' }, scenarios: ['create', 'update', 'deactivate'] },
]

describe.each(VARIANTS)('onelogin $variant: traffic matches the pinned fixtures', ({ variant, options, scenarios }) => {
  it('is green against the reference server and sends exactly the pinned requests', async () => {
    const { pairs, problems } = await pinnedVariant('onelogin', variant, options, scenarios)
    expect(problems).toEqual([])
    for (const { scenario, recorded, expected } of pairs) {
      expect(expected, `fixtures/idp/onelogin/${variant}/${scenario}.json is missing (write it with SCIM_CHECK_UPDATE_FIXTURES=1, then review it)`).toBeDefined()
      expect(recorded.requests, `onelogin ${variant} ${scenario}`).toEqual(expected!.requests)
    }
  }, 90_000)
})

const json = (r: Sent) => JSON.parse(r.body)
const step = (sent: Sent[], scenario: string, name: string) => sent.filter((r) => r.scenario === scenario && r.step === name)
const LOOKUP = /^\/scim\/v2\/Users\?filter=userName\+eq\+%22[^&+]+%22&$/

describe('onelogin sends the documented and captured payloads', () => {
  it("looks up with '+' and a trailing '&', creates and PUTs the legacy template to /Users/{id}?, suspends by PUT", async () => {
    const { sent } = await recordRun({ idp: 'onelogin', scenarios: ['connection', 'create', 'update', 'deactivate', 'rehire', 'delete', 'group-sync'] })
    for (const r of sent) {
      expect(r.headers.accept).toBe('application/json')
      expect(r.headers.authorization).toMatch(/^Bearer \S+$/)
      if (r.body) expect(r.headers['content-type']).toBe('application/json')
      else expect(r.headers['content-type']).toBeUndefined()
    }
    const [probe] = step(sent, 'connection', 'test-connection')
    expect(probe.method).toBe('GET')
    expect(probe.target).toMatch(/^\/scim\/v2\/Users\?filter=userName\+eq\+%22onelogin-connection-test-[0-9a-f-]+%22&$/)

    expect(step(sent, 'create', 'create')[0].target).toMatch(LOOKUP)
    const create = json(step(sent, 'create', 'create')[1])
    expect(create.schemas).toEqual(['urn:scim:schemas:core:2.0', 'urn:scim:schemas:extension:enterprise:2.0'])
    expect(create).toMatchObject({ userName: expect.any(String), name: { givenName: 'Ada', familyName: 'Lovelace' }, emails: [{ type: 'work', primary: true }], active: true })

    // Every update: the userName lookup, then the whole template to PUT /Users/{id}? (OneLogin renders its own values).
    const change = step(sent, 'update', 'change-title-department')
    expect(change.map((r) => r.method)).toEqual(['GET', 'PUT'])
    expect(change[0].target).toMatch(LOOKUP)
    expect(change[1].target).toMatch(/^\/scim\/v2\/Users\/[^/?]+\?$/)
    const put = json(change[1])
    expect(put).toMatchObject({ schemas: ['urn:scim:schemas:core:2.0', 'urn:scim:schemas:extension:enterprise:2.0'], name: { givenName: 'Augusta', familyName: 'King' }, title: 'Analyst', 'urn:scim:schemas:extension:enterprise:2.0': { department: 'Research' } })
    expect(put.id).toBeUndefined()
    expect(put['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toBeUndefined()

    const suspend = step(sent, 'deactivate', 'deactivate')
    expect(suspend.map((r) => r.method)).toEqual(['GET', 'PUT'])
    expect(json(suspend[1]).active).toBe(false)
    expect(json(step(sent, 'rehire', 'reactivate')[1]).active).toBe(true)
    expect(step(sent, 'rehire', 'find-by-externalId')).toEqual([])
    expect(sent.some((r) => r.method === 'DELETE')).toBe(false)
    expect(sent.some((r) => r.method === 'PATCH' && r.target.includes('/Users'))).toBe(false)

    // Groups: Get Groups is one unfiltered list; membership by PATCH /Groups/{id} (RFC form: the v2 body is undocumented).
    expect(step(sent, 'group-sync', 'lookup-group').map((r) => r.target)).toEqual(['/scim/v2/Groups'])
    expect(json(step(sent, 'group-sync', 'create-group')[0])).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: expect.any(String) })
    expect(json(step(sent, 'group-sync', 'add-members')[0]).Operations).toEqual([{ op: 'add', path: 'members', value: [{ value: expect.any(String) }, { value: expect.any(String) }] }])
    expect(json(step(sent, 'group-sync', 'remove-member')[0]).Operations).toEqual([{ op: 'remove', path: expect.stringMatching(/^members\[value eq "[^"]+"\]$/) }])
    for (const never of ['read-group', 'rename', 'delete-group']) expect(step(sent, 'group-sync', never)).toEqual([])
  }, 90_000)

  it('whenUsersDeleted=delete deletes instead of suspending, and says why the suspension steps are not sent', async () => {
    const { sent, report } = await recordRun({ idp: 'onelogin', options: { whenUsersDeleted: 'delete' }, scenarios: ['deactivate', 'delete'] })
    expect(step(sent, 'delete', 'delete').map((r) => `${r.method} ${r.target}`)).toEqual([expect.stringMatching(/^DELETE \/scim\/v2\/Users\/[^/?]+$/)])
    expect(step(sent, 'deactivate', 'deactivate')).toEqual([])
    const skip = report.results.find((r) => r.scenario === 'deactivate' && r.id === 'idp.onelogin.not-sent')
    expect(skip?.status).toBe('skip')
    expect(skip?.reason).toMatch(/whenUsersDeleted=delete.*OL-TEST https:\/\/developers\.onelogin\.com\/scim\/test-your-scim/)
  }, 60_000)

  it('template=rfc sends the RFC URNs with quoted placeholders (active as a string)', async () => {
    const { sent } = await recordRun({ idp: 'onelogin', options: { template: 'rfc' }, scenarios: ['deactivate'] })
    const create = json(step(sent, 'deactivate', 'create')[1])
    expect(create.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User'])
    expect(create.active).toBe('true')
    expect(json(step(sent, 'deactivate', 'deactivate')[1]).active).toBe('false')
  }, 60_000)
})

/** Failed results of one IdP expectation, and every problem of a run. */
const failed = (report: RunReport, id: string) => report.results.filter((r) => r.id === id && r.status === 'fail')
const problems = (report: RunReport) => report.results.filter((r) => ['fail', 'warn', 'error'].includes(r.status))

describe('a server that rejects a OneLogin quirk fails OneLogin only, naming the behaviour and its source', () => {
  const QUIRKS = [
    { fault: 'plus-encoding-rejected', id: 'idp.onelogin.plus-encoded-filter', says: /GET \/Users\?filter=userName\+eq\+%22…%22& \('\+' for spaces\) \(AK-11249 https:\/\/github\.com\/goauthentik\/authentik\/issues\/11249\); the server answered 400.*a minimal pair proves it/ },
    { fault: 'trailing-question-mark-rejected', id: 'idp.onelogin.put-trailing-question-mark', says: /PUT \/Users\/\{id\}\? \(a trailing '\?'\).*AK-11249.*the server answered 400/ },
    { fault: 'legacy-urns-rejected', id: 'idp.onelogin.legacy-urns', says: /schemas \["urn:scim:schemas:core:2\.0","urn:scim:schemas:extension:enterprise:2\.0"\] \(AK-11249 .*\); the server answered 400/ },
    { fault: 'put-unsupported', id: 'idp.onelogin.put-trailing-question-mark', says: /whole template body \(OL-IMPL .*AK-11249 .*\); the server answered 501.*refuses the method itself/ },
  ]
  it.each(QUIRKS)('$fault', async ({ fault, id, says }) => {
    const one = await recordRun({ idp: 'onelogin', scenarios: ['create', 'update'], faults: [fault] })
    const hits = failed(one.report, id)
    expect(hits.length, `${id} should fail under --fault ${fault}`).toBeGreaterThan(0)
    expect(hits[0].level).toBe('IDP')
    expect(hits[0].message).toMatch(says)
    expect(hits[0].source).toMatchObject({ idp: 'onelogin', url: expect.stringMatching(/^https:\/\//) })
    const other = await recordRun({ idp: 'generic', scenarios: ['create', 'update'], faults: [fault] })
    expect(problems(other.report).map((r) => `${r.id}: ${r.message}`)).toEqual([])
  }, 60_000)

  it('the connection test accepts 404 for the unknown userName, as OneLogin documents', async () => {
    const { report } = await recordRun({ idp: 'onelogin', scenarios: ['connection'], faults: ['filter-no-match-404'] })
    const r = report.results.find((x) => x.id === 'idp.onelogin.connection-test')
    expect(r?.status).toBe('pass')
    expect(r?.message).toMatch(/answered 404/)
  }, 30_000)

  it('a refused PATCH /Groups method fails OneLogin (the method is documented; only the body is not)', async () => {
    const body = await recordRun({ idp: 'onelogin', scenarios: ['group-sync'], faults: ['patch-unsupported'] })
    const refused = failed(body.report, 'idp.onelogin.group-patch')
    expect(refused.length).toBeGreaterThan(0)
    expect(refused[0].message).toMatch(/\(Patch Group\), so a server without it cannot sync membership \(OL-IMPL .*answered 501.*refuses the method itself/)
  }, 60_000)
})

describe('the reference server reads what OneLogin sends', () => {
  it("stores enterprise attributes sent under the legacy key urn:scim:schemas:extension:enterprise:2.0 (the RFC key wins when both are present)", async () => {
    const server = await startServer({ port: 0, quiet: true })
    try {
      const post = async (body: unknown) => {
        const res = await fetch(`${server.url}/Users`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
        return (await res.json()) as Record<string, any>
      }
      const legacy = await post({ schemas: ['urn:scim:schemas:core:2.0', 'urn:scim:schemas:extension:enterprise:2.0'], userName: 'legacy-key@example.com', 'urn:scim:schemas:extension:enterprise:2.0': { department: 'Research' } })
      expect(legacy['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toEqual({ department: 'Research' })
      const both = await post({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'both-keys@example.com', 'urn:scim:schemas:extension:enterprise:2.0': { department: 'Legacy' }, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'RFC' } })
      expect(both['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toEqual({ department: 'RFC' })
    } finally {
      await server.close()
    }
  })
})

describe('application/json responses are never flagged under OneLogin, which asks for them', () => {
  it('a server answering application/json: no media.response-type warning for OneLogin, one for the generic client', async () => {
    const warned = (report: RunReport) => report.results.filter((r) => r.id === 'media.response-type' && r.status !== 'pass')
    const one = await recordRun({ idp: 'onelogin', scenarios: ['create'], faults: ['wrong-content-type'] })
    expect(warned(one.report)).toEqual([])
    const generic = await recordRun({ idp: 'generic', scenarios: ['create'], faults: ['wrong-content-type'] })
    expect(warned(generic.report).length).toBeGreaterThan(0)
  }, 30_000)
})
