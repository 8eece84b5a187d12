import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { pinnedVariant, recordRun, type Sent } from '../helpers/recording.js'
import type { RunReport } from '../../src/runner/report.js'

/**
 * JumpCloud's wire traffic, pinned per option against fixtures/idp/jumpcloud/ (reviewed against JumpCloud's custom
 * SCIM article for the connection test and group rules, and against the integrators' captures for the bodies), the
 * documented shapes asserted directly, and each quirk shown to fail JumpCloud only.
 */

/** A scenario that gives createGroup its first member itself (group-sync creates the group empty, which JumpCloud defers to the first add). */
const FIRST_MEMBER = fileURLToPath(new URL('../../fixtures/idp/jumpcloud/scenarios/group-first-member.yaml', import.meta.url))

// The connection scenario expects 200 from the step (JumpCloud's test answers 201, then 204) and custom-attributes
// expects custom values JumpCloud never sends: both are pinned once the scenarios allow it; their traffic is asserted below.
const BUILTIN = ['create', 'update', 'deactivate', 'rehire', 'delete', 'group-sync', 'token-rotation', 'import']
const VARIANTS = [
  { variant: 'patch', options: {}, scenarios: BUILTIN },
  { variant: 'patch', options: {}, scenarios: [FIRST_MEMBER] },
  { variant: 'put', options: { userUpdate: 'put' }, scenarios: ['update', 'deactivate', 'rehire'] },
  { variant: 'no-group-management', options: { groupManagement: false }, scenarios: [FIRST_MEMBER] },
]

describe.each(VARIANTS)('jumpcloud $variant: traffic matches the pinned fixtures', ({ variant, options, scenarios }) => {
  it(`is green against the reference server and sends exactly the pinned requests (${scenarios.map((s) => s.split('/').pop()).join(', ')})`, async () => {
    const { pairs, problems } = await pinnedVariant('jumpcloud', variant, options, scenarios)
    expect(problems).toEqual([])
    for (const { scenario, recorded, expected } of pairs) {
      expect(expected, `fixtures/idp/jumpcloud/${variant}/${scenario}.json is missing (write it with SCIM_CHECK_UPDATE_FIXTURES=1, then review it)`).toBeDefined()
      expect(recorded.requests, `jumpcloud ${variant} ${scenario}`).toEqual(expected!.requests)
    }
  }, 90_000)
})

const json = (r: Sent) => JSON.parse(r.body)
const step = (sent: Sent[], scenario: string, name: string) => sent.filter((r) => r.scenario === scenario && r.step === name)
const line = (r: Sent) => `${r.method} ${r.target.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>')}`

describe('jumpcloud sends the documented and captured payloads', () => {
  it('connection test: creates a test user and a test group holding it, deletes the group, then the user', async () => {
    const { sent, report } = await recordRun({ idp: 'jumpcloud', scenarios: ['connection'] })
    const test = step(sent, 'connection', 'test-connection')
    expect(test.map(line)).toEqual(['POST /scim/v2/Users', 'POST /scim/v2/Groups', 'DELETE /scim/v2/Groups/<id>', 'DELETE /scim/v2/Users/<id>'])
    const userId = test[3].target.split('/').pop()
    expect(json(test[1]).members).toEqual([{ value: userId }])
    expect(report.results.find((r) => r.id === 'idp.jumpcloud.connection-test')).toMatchObject({ status: 'pass', message: expect.stringMatching(/deleted the test user/) })
  }, 30_000)

  it('connection test: a user DELETE the server refuses makes JumpCloud deactivate the test user instead', async () => {
    const { sent, report } = await recordRun({ idp: 'jumpcloud', scenarios: ['connection'], faults: ['user-delete-unsupported'] })
    const test = step(sent, 'connection', 'test-connection')
    expect(test.map(line).slice(3)).toEqual(['DELETE /scim/v2/Users/<id>', 'PATCH /scim/v2/Users/<id>'])
    expect(json(test[4]).Operations).toEqual([{ op: 'replace', path: 'active', value: false }])
    expect(report.results.find((r) => r.id === 'idp.jumpcloud.connection-test')).toMatchObject({ status: 'pass', message: expect.stringMatching(/could not delete the test user .*405.*so deactivated it/) })
  }, 30_000)

  it('create with both URNs, attribute PATCHes with a path each and JSON booleans, never DELETE /Users outside the connection test', async () => {
    const { sent } = await recordRun({ idp: 'jumpcloud', scenarios: ['create', 'update', 'deactivate', 'rehire', 'delete'] })
    const create = json(step(sent, 'create', 'create')[1])
    expect(create.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'])
    expect(create).toMatchObject({ active: true, emails: [{ primary: true, type: 'work' }], name: { givenName: 'Ada', familyName: 'Lovelace' } })
    expect(json(step(sent, 'update', 'change-name')[0]).Operations).toEqual([
      { op: 'replace', path: 'name.givenName', value: 'Augusta' },
      { op: 'replace', path: 'name.familyName', value: 'King' },
      { op: 'replace', path: 'displayName', value: 'Augusta King' },
    ])
    expect(json(step(sent, 'update', 'change-email')[0]).Operations).toEqual([{ op: 'replace', path: 'emails[type eq "work"].value', value: expect.any(String) }])
    expect(json(step(sent, 'update', 'change-manager')[0]).Operations).toEqual([{ op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: { value: expect.any(String) } }])
    expect(json(step(sent, 'deactivate', 'deactivate')[0]).Operations).toEqual([{ op: 'replace', path: 'active', value: false }])
    expect(json(step(sent, 'rehire', 'reactivate')[0]).Operations).toEqual([{ op: 'replace', path: 'active', value: true }])
    expect(sent.some((r) => r.method === 'PUT')).toBe(false)
    expect(sent.some((r) => r.method === 'DELETE' && r.target.includes('/Users/'))).toBe(false)
  }, 60_000)

  it('userUpdate=put sends the whole user with its id, [enterprise, core] URNs and [] for empty multi-valued attributes', async () => {
    const { sent } = await recordRun({ idp: 'jumpcloud', options: { userUpdate: 'put' }, scenarios: ['deactivate'] })
    const [put] = step(sent, 'deactivate', 'deactivate')
    expect(put.method).toBe('PUT')
    const body = json(put)
    expect(body).toMatchObject({ schemas: ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'urn:ietf:params:scim:schemas:core:2.0:User'], id: put.target.split('/').pop(), active: false, phoneNumbers: [], addresses: [] })
  }, 30_000)

  it('groups: never created empty (the step says why), created with the first member, member add [{value}], removal by value list', async () => {
    const empty = await recordRun({ idp: 'jumpcloud', scenarios: ['group-sync'] })
    expect(step(empty.sent, 'group-sync', 'create-group')).toEqual([])
    const skip = empty.report.results.find((r) => r.step === 'create-group' && r.id === 'idp.jumpcloud.not-sent')
    expect(skip?.reason).toMatch(/never creates an empty group \(JC-HEAP https:\/\/jumpcloud\.com\/.*with its first member, when one is added/)
    // Nothing to find before the first member is added; the group-sync add then pushes it, carrying that member.
    expect(step(empty.sent, 'group-sync', 'find-group')).toEqual([])
    const add = step(empty.sent, 'group-sync', 'add-members')
    expect(add.map(line)).toEqual(['POST /scim/v2/Groups', 'PATCH /scim/v2/Groups/<id>'])
    expect(json(add[0])).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: expect.stringMatching(/group-sync-group/), members: [{ value: expect.any(String) }] })
    expect(json(add[1]).Operations).toEqual([{ op: 'add', path: 'members', value: [{ value: expect.any(String) }] }])
    expect(json(add[1]).Operations[0].value[0].value).not.toBe(json(add[0]).members[0].value)
    expect(json(step(empty.sent, 'group-sync', 'remove-member')[0]).Operations).toEqual([{ op: 'remove', path: 'members', value: [{ value: expect.any(String) }] }])
    // Every later step addresses the group by the id the server gave it, and the run is green.
    const groupPath = add[1].target
    for (const name of ['read-group', 'remove-member', 'rename', 'read-renamed', 'delete-group', 'group-gone']) expect(step(empty.sent, 'group-sync', name)[0].target).toBe(groupPath)
    expect(problems(empty.report).map((r) => `${r.id}: ${r.message}`)).toEqual([])
    expect(empty.report.results.filter((r) => r.id === 'idp.jumpcloud.value-list-member-removal').map((r) => r.status)).toEqual(['pass'])

    const { sent } = await recordRun({ idp: 'jumpcloud', scenarios: [FIRST_MEMBER] })
    const s = 'group-first-member'
    expect(json(step(sent, s, 'create-group')[0])).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: expect.any(String), members: [{ value: expect.any(String) }] })
    expect(json(step(sent, s, 'add-member')[0]).Operations).toEqual([{ op: 'add', path: 'members', value: [{ value: expect.any(String) }] }])
    expect(json(step(sent, s, 'remove-member')[0]).Operations).toEqual([{ op: 'remove', path: 'members', value: [{ value: expect.any(String) }] }])
    expect(step(sent, s, 'lookup-group')[0].target).toMatch(/^\/scim\/v2\/Groups\?filter=displayName%20eq%20%22[^&]+%22$/)
  }, 60_000)
})

const failed = (report: RunReport, id: string) => report.results.filter((r) => r.id === id && r.status === 'fail')
const problems = (report: RunReport) => report.results.filter((r) => ['fail', 'warn', 'error'].includes(r.status))

describe('a server that rejects a JumpCloud quirk fails JumpCloud only, naming the behaviour and its source', () => {
  it('a server that reads the value-list removal as "remove all members"', async () => {
    const jc = await recordRun({ idp: 'jumpcloud', scenarios: [FIRST_MEMBER], faults: ['patch-remove-all-members'] })
    const hits = failed(jc.report, 'idp.jumpcloud.value-list-member-removal')
    expect(hits).toHaveLength(1)
    expect(hits[0].message).toMatch(/\{"op":"remove","path":"members","value":\[\{"value":"<id>"\}\]\}, no filter \(UNIMONI https:\/\/app\.uni-moni\.com\/.*\); the server also removed 1 member\(s\) that were not listed, so it reads the value list as "remove all members"/)
    const other = await recordRun({ idp: 'generic', scenarios: [FIRST_MEMBER], faults: ['patch-remove-all-members'] })
    expect(problems(other.report).map((r) => `${r.id}: ${r.message}`)).toEqual([])
  }, 60_000)

  it('the built-in group-sync now exercises the value-list removal under JumpCloud: a remove-all server fails it there', async () => {
    const jc = await recordRun({ idp: 'jumpcloud', scenarios: ['group-sync'], faults: ['patch-remove-all-members'] })
    expect(failed(jc.report, 'idp.jumpcloud.value-list-member-removal')).toHaveLength(1)
    // One root cause, one failure: the member that should have stayed is blocked by the removal JumpCloud's check failed.
    expect(failed(jc.report, 'lifecycle.user-groups-kept')).toEqual([])
    const kept = jc.report.results.find((r) => r.id === 'lifecycle.user-groups-kept' && r.step === 'member-1-stayed')
    expect(kept).toMatchObject({ status: 'skip', cause: { id: 'idp.jumpcloud.value-list-member-removal' } })
  }, 60_000)

  it('a server without PUT fails JumpCloud only when its updates are PUTs (userUpdate=put)', async () => {
    const put = await recordRun({ idp: 'jumpcloud', options: { userUpdate: 'put' }, scenarios: ['update'], faults: ['put-unsupported'] })
    const hits = failed(put.report, 'idp.jumpcloud.put-user')
    expect(hits.length).toBeGreaterThan(0)
    expect(hits[0].message).toMatch(/captured PUTs carry the whole user .*JC-SAMPLES https:\/\/github\.com\/ShiftControl-io\/scim-v2-rust.*the server answered 501/)
    for (const contrast of [{ idp: 'jumpcloud' }, { idp: 'generic' }]) {
      const other = await recordRun({ ...contrast, scenarios: ['update'], faults: ['put-unsupported'] })
      expect(problems(other.report).map((r) => `${r.id}: ${r.message}`)).toEqual([])
    }
  }, 60_000)

  it('a server without PATCH fails JumpCloud\'s attribute updates, naming the behaviour (OneLogin, which PUTs, is untouched)', async () => {
    const jc = await recordRun({ idp: 'jumpcloud', scenarios: ['update'], faults: ['patch-unsupported'] })
    const hits = failed(jc.report, 'idp.jumpcloud.patch-per-attribute')
    expect(hits.length).toBeGreaterThan(0)
    expect(hits[0].message).toMatch(/PATCH, one replace with a path per attribute and JSON booleans \(RUST-FIX .*\); the server answered 501/)
    const other = await recordRun({ idp: 'onelogin', scenarios: ['update'], faults: ['patch-unsupported'] })
    expect(problems(other.report).map((r) => `${r.id}: ${r.message}`)).toEqual([])
  }, 60_000)
})
