import { describe, expect, it } from 'vitest'
import { pinnedVariant, recordRun, type Sent } from '../helpers/recording.js'

/**
 * Okta's wire traffic, pinned per app kind against fixtures/idp/okta/ (reviewed against the payloads of Okta's
 * SCIM 2.0 reference), the documented shapes asserted directly, and each quirk shown to fail only Okta.
 */

const VARIANTS = [
  { variant: 'oin', options: {} },
  { variant: 'aiw', options: { app: 'aiw' } },
  { variant: 'no-group-push', options: { groupPush: false }, scenarios: ['group-sync'] },
  { variant: 'patch-users', options: { patchUsers: true }, scenarios: ['update', 'custom-attributes'] },
]

describe.each(VARIANTS)('okta $variant: traffic matches the pinned fixtures', ({ variant, options, scenarios }) => {
  it('is green against the reference server and sends exactly the pinned requests', async () => {
    const { pairs, problems } = await pinnedVariant('okta', variant, options, scenarios)
    expect(problems).toEqual([])
    for (const { scenario, recorded, expected } of pairs) {
      expect(expected, `fixtures/idp/okta/${variant}/${scenario}.json is missing (write it with SCIM_CHECK_UPDATE_FIXTURES=1, then review it)`).toBeDefined()
      expect(recorded.requests, `okta ${variant} ${scenario}`).toEqual(expected!.requests)
    }
  }, 60_000)
})

const json = (r: Sent) => JSON.parse(r.body)
const step = (sent: Sent[], scenario: string, name: string) => sent.filter((r) => r.scenario === scenario && r.step === name)

describe('okta sends the documented payloads', () => {
  it('OIN: lookup, create, GET-then-PUT, path-less (de)activation, group push with rename, never DELETE /Users', async () => {
    const { sent } = await recordRun({ idp: 'okta', scenarios: ['connection', 'create', 'update', 'deactivate', 'rehire', 'delete', 'group-sync', 'import'] })
    for (const r of sent) {
      expect(r.headers['user-agent']).toBe('Okta SCIM Client 1.0.0')
      expect(r.headers['accept-charset']).toBe('utf-8')
      expect(r.headers['accept-encoding']).toBe('gzip,deflate')
      // Okta's capture shows Connection: Keep-Alive; undici writes that itself (the profile cannot set it, see okta.ts).
      expect(r.headers.connection).toBe('keep-alive')
      if (r.body) expect(r.headers['content-type']).toBe('application/scim+json; charset=utf-8')
      else expect(r.headers['content-type']).toBeUndefined()
    }
    expect(step(sent, 'connection', 'test-connection').map((r) => r.target)).toEqual(['/scim/v2/Users?startIndex=1&count=2'])

    // The create step is Okta's whole flow: the userName lookup, then the POST.
    const [lookup, post] = step(sent, 'create', 'create')
    expect(lookup.target).toMatch(/^\/scim\/v2\/Users\?filter=userName%20eq%20%22scimcheck-[0-9a-f]+-okt-create-1%40example\.com%22&startIndex=1&count=100$/)
    const create = json(post)
    expect(Object.keys(create)).toEqual(['schemas', 'userName', 'name', 'emails', 'displayName', 'externalId', 'groups', 'password', 'active'])
    expect(create).toMatchObject({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], emails: [{ primary: true, type: 'work' }], groups: [], active: true })
    expect(typeof create.password).toBe('string')

    const [get, put] = step(sent, 'update', 'change-name')
    expect([get.method, put.method]).toEqual(['GET', 'PUT'])
    expect(put.target).toBe(get.target)
    const putBody = json(put)
    expect(putBody.id).toBe(get.target.split('/').pop())
    expect(putBody.meta).toMatchObject({ resourceType: 'User' })
    expect(putBody.name).toMatchObject({ givenName: 'Augusta', familyName: 'King' })

    const deactivate = step(sent, 'deactivate', 'deactivate')
    expect(deactivate.map((r) => r.method)).toEqual(['PATCH'])
    expect(json(deactivate[0])).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] })
    expect(json(step(sent, 'rehire', 'reactivate')[0]).Operations).toEqual([{ op: 'replace', value: { active: true } }])
    expect(step(sent, 'rehire', 'find-by-externalId')).toEqual([])

    expect(sent.some((r) => r.method === 'DELETE' && r.target.includes('/Users/'))).toBe(false)

    expect(json(step(sent, 'group-sync', 'create-group')[0])).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: expect.stringMatching(/-group-\d+$/), members: [] })
    expect(step(sent, 'group-sync', 'lookup-group')[0].target).toMatch(/^\/scim\/v2\/Groups\?filter=displayName%20eq%20%22[^&]+%22&startIndex=1&count=100$/)
    const add = step(sent, 'group-sync', 'add-members')
    expect(add.map((r) => r.method)).toEqual(['PATCH', 'PATCH'])
    const groupId = add[0].target.split('/').pop()
    expect(json(add[0]).Operations).toEqual([{ op: 'add', path: 'members', value: [{ value: expect.any(String), display: expect.any(String) }, { value: expect.any(String), display: expect.any(String) }] }])
    expect(json(add[1]).Operations).toEqual([{ op: 'replace', value: { id: groupId, displayName: expect.stringMatching(/-group-\d+$/) } }])
    const remove = step(sent, 'group-sync', 'remove-member')
    expect(json(remove[0]).Operations).toEqual([{ op: 'remove', path: expect.stringMatching(/^members\[value eq "[^"]+"\]$/) }])
    expect(json(remove[1]).Operations[0]).toMatchObject({ op: 'replace', value: { id: groupId } })
    expect(json(step(sent, 'group-sync', 'rename')[0]).Operations).toEqual([{ op: 'replace', value: { id: groupId, displayName: expect.stringMatching(/-group-\d+$/) } }])

    const pages = step(sent, 'import', 'import')
    expect(pages.map((r) => r.target)).toEqual(['/scim/v2/Users?startIndex=1&count=100'])
  }, 60_000)

  it('AIW: every user and group update is a PUT', async () => {
    const { sent } = await recordRun({ idp: 'okta', options: { app: 'aiw' }, scenarios: ['deactivate', 'rehire', 'group-sync'] })
    expect(step(sent, 'deactivate', 'deactivate').map((r) => r.method)).toEqual(['GET', 'PUT'])
    expect(json(step(sent, 'deactivate', 'deactivate')[1])).toMatchObject({ active: false, id: expect.any(String), meta: expect.any(Object) })
    expect(json(step(sent, 'rehire', 'reactivate')[1])).toMatchObject({ active: true })
    expect(sent.some((r) => r.method === 'PATCH')).toBe(false)
    // Every AIW group change reads the group, then PUTs it whole with Okta's member list.
    const add = step(sent, 'group-sync', 'add-members')
    expect(add.map((r) => r.method)).toEqual(['GET', 'PUT'])
    expect(add[0].target).toBe(add[1].target)
    expect(json(add[1])).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: expect.stringMatching(/-group-\d+$/), members: [{ value: expect.any(String), display: expect.any(String) }, { value: expect.any(String), display: expect.any(String) }] })
    expect(step(sent, 'group-sync', 'remove-member').map((r) => r.method)).toEqual(['GET', 'PUT'])
    expect(json(step(sent, 'group-sync', 'remove-member')[1]).members).toHaveLength(1)
    expect(json(step(sent, 'group-sync', 'rename')[1])).toMatchObject({ displayName: expect.stringMatching(/-group-\d+$/), members: [expect.any(Object)] })
  }, 60_000)

  it('with Group Push off, no group request is sent and the group steps say why', async () => {
    const { sent, report } = await recordRun({ idp: 'okta', options: { groupPush: false }, scenarios: ['group-sync'] })
    expect(sent.some((r) => r.target.includes('/Groups'))).toBe(false)
    const skipped = report.results.filter((r) => r.id === 'idp.okta.group-push-off')
    expect(skipped.length).toBeGreaterThan(0)
    expect(skipped.every((r) => r.status === 'skip' && /Group Push off/.test(r.reason ?? ''))).toBe(true)
  }, 60_000)
})
