import { describe, expect, it } from 'vitest'
import { recordRun, type Sent } from '../helpers/recording.js'
import { problems, runBuiltin } from '../helpers/run.js'

/**
 * Okta's group and schema flows from its test plan and OIN Wizard: Push Now (OIN replace of members, AIW GET then
 * PUT), an empty group, linking an app group found by Import Groups, the AIW group-push sequence, "Support PATCH for
 * User" and Import User Schema. Each is shown on the wire, failing on a server that breaks it, and quiet on the
 * reference server.
 */

const json = (r: Sent) => JSON.parse(r.body)
const step = (sent: Sent[], scenario: string, name: string) => sent.filter((r) => r.scenario === scenario && r.step === name)
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
const OKTA_REF = 'https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20/'

describe('okta OIN: Push Now, an empty group, a linked group, schema import', () => {
  it('sends the documented shapes', async () => {
    const { sent, report } = await recordRun({ idp: 'okta', scenarios: ['group-push-now', 'group-link', 'schema-import'] })
    expect(problems(report)).toEqual([])

    // An empty group is pushed as any other: POST with members: [].
    expect(step(sent, 'group-push-now', 'push-empty-group').map((r) => [r.method, json(r)])).toEqual([['POST', { schemas: [GROUP], displayName: expect.stringMatching(/-group-\d+$/), members: [] }]])

    // Push Now: a replace of the whole members list, then the rename PATCH Okta sends after every membership change.
    const push = step(sent, 'group-push-now', 'push-one-member')
    expect(push.map((r) => r.method)).toEqual(['PATCH', 'PATCH'])
    expect(json(push[0]).Operations).toEqual([{ op: 'replace', path: 'members', value: [{ value: expect.any(String), display: expect.any(String) }] }])
    expect(json(push[1]).Operations).toEqual([{ op: 'replace', value: { id: push[0].target.split('/').pop(), displayName: expect.any(String) } }])
    expect(json(step(sent, 'group-push-now', 'push-no-members')[0]).Operations).toEqual([{ op: 'replace', path: 'members', value: [] }])

    // Import Groups pages by 100; the linked group is one Okta did not create: read once, then pushed to, never POSTed.
    expect(step(sent, 'group-link', 'import-groups').map((r) => r.target)).toEqual(['/scim/v2/Groups?startIndex=1&count=100'])
    const [appGroup] = step(sent, 'group-link', 'app-group')
    expect(appGroup.headers['user-agent']).toMatch(/^scim-check \(setup/)
    const link = step(sent, 'group-link', 'link-and-push')
    expect(link.map((r) => r.method)).toEqual(['GET', 'PATCH', 'PATCH'])
    expect(json(link[1]).Operations[0]).toMatchObject({ op: 'replace', path: 'members' })
    expect(sent.filter((r) => r.scenario === 'group-link' && r.method === 'POST' && r.target.endsWith('/Groups') && r.step !== 'app-group')).toEqual([])

    // Import User Schema: the resource types, then the schemas, as Okta's traffic (not scim-check's discovery).
    const schema = step(sent, 'schema-import', 'import-schema')
    expect(schema.map((r) => `${r.method} ${r.target}`)).toEqual(['GET /scim/v2/ResourceTypes', 'GET /scim/v2/Schemas'])
    expect(schema.every((r) => r.headers['user-agent'] === 'Okta SCIM Client 1.0.0' && r.purpose === undefined)).toBe(true)

    const passed = new Set(report.results.filter((r) => r.status === 'pass').map((r) => r.id))
    for (const id of ['idp.okta.push-now', 'idp.okta.schema-discovery', 'lifecycle.user-groups-left', 'lifecycle.user-groups-kept']) expect(passed, id).toContain(id)
  }, 60_000)
})

describe('okta AIW: the group-push sequence and Push Now as GET then PUT', () => {
  it('looks the name up, POSTs the group empty, reads it, then PUTs the whole member list', async () => {
    const { sent, report } = await recordRun({ idp: 'okta', options: { app: 'aiw' }, scenarios: ['group-push-now'] })
    expect(problems(report)).toEqual([])
    const create = step(sent, 'group-push-now', 'push-empty-group')
    expect(create.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'PUT'])
    expect(create[0].target).toMatch(/^\/scim\/v2\/Groups\?filter=displayName%20eq%20%22[^&]+%22&startIndex=1&count=100$/)
    expect(json(create[1]).members).toEqual([])
    const id = JSON.parse(report.exchanges.find((x) => x.step === 'push-empty-group' && x.request.method === 'POST')!.response!.body).id
    expect([create[2].target, create[3].target]).toEqual([`/scim/v2/Groups/${id}`, `/scim/v2/Groups/${id}`])
    expect(json(create[3])).toEqual({ schemas: [GROUP], displayName: expect.any(String), members: [] })
    const push = step(sent, 'group-push-now', 'push-one-member')
    expect(push.map((r) => r.method)).toEqual(['GET', 'PUT'])
    expect(json(push[1]).members).toEqual([{ value: expect.any(String), display: expect.any(String) }])
    expect(json(step(sent, 'group-push-now', 'push-no-members')[1]).members).toEqual([])
    expect(sent.some((r) => r.method === 'PATCH')).toBe(false)
    expect(report.results.filter((r) => r.id === 'idp.okta.aiw-group-push').map((r) => r.status)).toEqual(['pass'])
  }, 60_000)
})

describe('okta "Support PATCH for User"', () => {
  it('updates profiles with one path-less PATCH of the changed attributes, without a GET first', async () => {
    const { sent, report } = await recordRun({ idp: 'okta', options: { patchUsers: true }, scenarios: ['update'] })
    expect(problems(report)).toEqual([])
    const change = step(sent, 'update', 'change-name')
    expect(change.map((r) => r.method)).toEqual(['PATCH'])
    expect(json(change[0])).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { name: { givenName: 'Augusta', familyName: 'King' }, displayName: 'Augusta King' } }] })
    expect(sent.some((r) => r.scenario === 'update' && r.method === 'PUT')).toBe(false)
  }, 60_000)

  it('is ignored for AIW apps, which always PUT', async () => {
    const { sent } = await recordRun({ idp: 'okta', options: { app: 'aiw', patchUsers: true }, scenarios: ['update'] })
    expect(step(sent, 'update', 'change-name').map((r) => r.method)).toEqual(['GET', 'PUT'])
  }, 60_000)

  it('an inferred body: a server that refuses the path-less form gets information, not a failure', async () => {
    const report = await runBuiltin({ idps: ['okta'], idpOptions: { okta: { patchUsers: true } }, scenarios: ['update'], builtinFaults: ['pathless-patch-rejected'] })
    const hits = report.results.filter((r) => r.id === 'idp.okta.patch-user')
    expect(hits.length).toBeGreaterThan(0)
    expect(hits.every((r) => r.status === 'info' && /inferred/.test(r.reason ?? '') && /Support PATCH for User/.test(r.message))).toBe(true)
  }, 60_000)
})

describe('okta flows against servers that break them', () => {
  it('Push Now refused: idp.okta.push-now fails, proven by a minimal pair', async () => {
    const report = await runBuiltin({ idps: ['okta'], scenarios: ['group-push-now'], builtinFaults: ['members-replace-rejected'] })
    const failed = report.results.filter((r) => r.id === 'idp.okta.push-now' && r.status === 'fail')
    expect(failed.length).toBeGreaterThan(0)
    expect(failed[0].message).toMatch(/Push Now overwrites the membership .*source: .*scim-20.*the server answered 400.*(minimal pair|quotes its token "replace")/)
    expect(failed[0].source).toMatchObject({ idp: 'okta', url: OKTA_REF })
  }, 60_000)

  it.each([{ app: 'oin' }, { app: 'aiw' }])('an overwrite that merges keeps unlisted members: lifecycle.user-groups-left fails ($app)', async (options) => {
    const report = await runBuiltin({ idps: ['okta'], idpOptions: { okta: options }, scenarios: ['group-push-now'], builtinFaults: ['members-overwrite-merges'] })
    const failed = report.results.filter((r) => r.id === 'lifecycle.user-groups-left' && r.status === 'fail').map((r) => r.step)
    expect(failed).toEqual(['unlisted-member-left', 'last-member-left'])
  }, 60_000)

  it('a User extension /Schemas does not serve: idp.okta.schema-discovery fails', async () => {
    const report = await runBuiltin({ idps: ['okta'], scenarios: ['schema-import'], builtinFaults: ['rt-extension-unserved'] })
    const failed = report.results.filter((r) => r.id === 'idp.okta.schema-discovery' && r.status === 'fail')
    expect(failed.map((r) => r.message)).toEqual([expect.stringMatching(/urn:example:scimcheck:unserved:2\.0:User that \/Schemas does not serve/)])
    expect(failed[0].source).toMatchObject({ idp: 'okta', url: 'https://developer.okta.com/docs/guides/scim-with-entitlements/main/' })
  }, 60_000)

  it('profiles that never overwrite a membership skip the pushes with the reason, and stay green', async () => {
    const report = await runBuiltin({ idps: ['entra'], scenarios: ['group-push-now', 'group-link'], builtinFaults: ['members-replace-rejected'] })
    expect(problems(report)).toEqual([])
    const skipped = report.results.filter((r) => r.step === 'push-one-member' || r.step === 'link-and-push')
    expect(skipped.every((r) => r.status === 'skip' && /never an overwrite of the whole list/.test(r.reason ?? r.message))).toBe(true)
  }, 60_000)
})
