import { describe, expect, it } from 'vitest'
import { pinnedVariant, recordRun, type Sent } from '../helpers/recording.js'

/**
 * Entra's wire traffic, pinned with and without aadOptscim062020 against fixtures/idp/entra/ (reviewed against the
 * requests in Microsoft's SCIM tutorial and compatibility page), with the documented shapes asserted directly.
 */

const VARIANTS = [
  { variant: 'default', options: {} },
  { variant: 'aadOptscim062020', options: { aadOptscim062020: true } },
  // Every lookup by emails[type eq "work"].value instead of userName (patchFlag=AzureAdScimPatch2017 sends the default
  // shapes, so it is compared with the default in entra-flows.test.ts rather than pinned again).
  { variant: 'matching-emails', options: { matchingAttribute: 'emails' } },
]

describe.each(VARIANTS)('entra $variant: traffic matches the pinned fixtures', ({ variant, options }) => {
  it('is green against the reference server and sends exactly the pinned requests', async () => {
    const { pairs, problems } = await pinnedVariant('entra', variant, options)
    expect(problems).toEqual([])
    for (const { scenario, recorded, expected } of pairs) {
      expect(expected, `fixtures/idp/entra/${variant}/${scenario}.json is missing (write it with SCIM_CHECK_UPDATE_FIXTURES=1, then review it)`).toBeDefined()
      expect(recorded.requests, `entra ${variant} ${scenario}`).toEqual(expected!.requests)
    }
  }, 60_000)
})

const json = (r: Sent) => JSON.parse(r.body)
const step = (sent: Sent[], scenario: string, name: string) => sent.filter((r) => r.scenario === scenario && r.step === name)
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'

describe('entra sends the documented payloads', () => {
  it('default: capitalised ops, string booleans, value-list removal, $ref:null adds, Microsoft group schema', async () => {
    const { sent } = await recordRun({ idp: 'entra', scenarios: ['connection', 'create', 'update', 'add-email', 'deactivate', 'rehire', 'group-sync', 'custom-attributes'] })
    expect(sent.every((r) => r.headers['user-agent'] === undefined)).toBe(true)
    expect(sent.every((r) => r.headers.adscimversion === '5.0')).toBe(true)
    const [users, groups] = step(sent, 'connection', 'test-connection')
    expect(users.target).toMatch(/^\/scim\/v2\/Users\?filter=userName\+eq\+%22[0-9a-f-]{36}%22$/)
    expect(groups.target).toMatch(/^\/scim\/v2\/Groups\?excludedAttributes=members&filter=displayName\+eq\+%22[0-9a-f-]{36}%22$/)

    expect(step(sent, 'create', 'create')[0].target).toMatch(/^\/scim\/v2\/Users\?filter=userName\+eq\+%22scimcheck-[0-9a-f]+-ent-create-\d+%40example\.com%22$/)
    const create = json(step(sent, 'create', 'create')[1])
    expect(create).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      active: true,
      emails: [{ primary: true, type: 'work' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
      roles: [],
    })

    const [match, patch] = step(sent, 'update', 'change-name')
    expect(match.method).toBe('GET')
    expect(match.target).toMatch(/^\/scim\/v2\/Users\?filter=userName\+eq\+/)
    expect(json(patch).Operations).toEqual([
      { op: 'Replace', path: 'name.givenName', value: 'Augusta' },
      { op: 'Replace', path: 'name.familyName', value: 'King' },
      { op: 'Replace', path: 'displayName', value: 'Augusta King' },
    ])
    expect(json(step(sent, 'update', 'change-email')[1]).Operations).toEqual([{ op: 'Replace', path: 'emails[type eq "work"].value', value: expect.stringMatching(/@example\.com$/) }])
    // Neither title nor department was set before: Entra adds them.
    expect(json(step(sent, 'update', 'change-title-department')[1]).Operations).toEqual([
      { op: 'Add', path: 'title', value: 'Analyst' },
      { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Research' },
    ])
    expect(json(step(sent, 'update', 'change-manager')[1]).Operations).toEqual([{ op: 'Add', path: `${ENTERPRISE}:manager`, value: expect.any(String) }])
    // A user without a work email or phone: Entra adds them through their filter paths.
    expect(json(step(sent, 'add-email', 'add-email-and-phone')[1]).Operations).toEqual([
      { op: 'Add', path: 'emails[type eq "work"].value', value: expect.stringMatching(/@example\.com$/) },
      { op: 'Add', path: 'phoneNumbers[type eq "work"].value', value: '+1 555 0100' },
    ])

    expect(step(sent, 'deactivate', 'deactivate').map((r) => json(r))).toEqual([{ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }])
    expect(json(step(sent, 'rehire', 'reactivate')[1]).Operations).toEqual([{ op: 'Replace', path: 'active', value: 'True' }])
    expect(step(sent, 'rehire', 'find-by-externalId')[0].target).toMatch(/^\/scim\/v2\/Users\?filter=externalId\+eq\+%22ScimCheck-/)

    expect(step(sent, 'group-sync', 'lookup-group')[0].target).toMatch(/^\/scim\/v2\/Groups\?excludedAttributes=members&filter=displayName\+eq\+%22/)
    const group = json(step(sent, 'group-sync', 'create-group')[0])
    expect(group).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'], externalId: expect.stringMatching(/^[0-9a-f-]{36}$/), displayName: expect.any(String), meta: { resourceType: 'Group' } })
    expect(step(sent, 'group-sync', 'read-group')[0].target).toMatch(/\/Groups\/[^?]+\?excludedAttributes=members$/)
    expect(json(step(sent, 'group-sync', 'add-members')[0]).Operations).toEqual([{ op: 'Add', path: 'members', value: [{ $ref: null, value: expect.any(String) }, { $ref: null, value: expect.any(String) }] }])
    expect(json(step(sent, 'group-sync', 'remove-member')[0]).Operations).toEqual([{ op: 'Remove', path: 'members', value: [{ $ref: null, value: expect.any(String) }] }])
    expect(json(step(sent, 'group-sync', 'rename')[0]).Operations).toEqual([{ op: 'Replace', path: 'displayName', value: expect.any(String) }])

    expect(json(step(sent, 'custom-attributes', 'create-with-extensions')[1]).schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE])
    const custom = json(step(sent, 'custom-attributes', 'create-with-custom')[1])
    expect(custom.schemas).not.toContain('urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User')
    expect(custom['urn:ietf:params:scim:schemas:extension:scimcheck:2.0:User']).toBeDefined()
  }, 60_000)

  it('aadOptscim062020: lower-case ops, JSON booleans, path-less multi-attribute replace, filtered member removal', async () => {
    const { sent } = await recordRun({ idp: 'entra', options: { aadOptscim062020: true }, scenarios: ['update', 'deactivate', 'group-sync'] })
    expect(json(step(sent, 'update', 'change-name')[1]).Operations).toEqual([{ op: 'replace', value: { 'name.givenName': 'Augusta', 'name.familyName': 'King', displayName: 'Augusta King' } }])
    expect(json(step(sent, 'update', 'change-email')[1]).Operations).toEqual([{ op: 'replace', path: 'emails[type eq "work"].value', value: expect.any(String) }])
    expect(json(step(sent, 'update', 'change-title-department')[1]).Operations).toEqual([
      { op: 'add', path: 'title', value: 'Analyst' },
      { op: 'add', path: `${ENTERPRISE}:department`, value: 'Research' },
    ])
    expect(json(step(sent, 'deactivate', 'deactivate')[0]).Operations).toEqual([{ op: 'replace', path: 'active', value: false }])
    expect(json(step(sent, 'group-sync', 'add-members')[0]).Operations[0].op).toBe('add')
    expect(json(step(sent, 'group-sync', 'remove-member')[0]).Operations).toEqual([{ op: 'remove', path: expect.stringMatching(/^members\[value eq "[^"]+"\]$/) }])
  }, 60_000)
})
