import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { pinnedVariant, recordRun, type Sent } from '../helpers/recording.js'
import type { RunReport } from '../../src/runner/report.js'
import { renderFilter } from '../../src/idp/ping.js'

/**
 * Ping's wire traffic, pinned per option against fixtures/idp/ping/ (reviewed against the PingFederate SCIM
 * Provisioner's settings reference and feature table and PingOne's filter-expression page), the documented shapes
 * asserted directly, and each quirk shown to fail Ping only.
 */

const EXAMPLE = 'username Eq "%s"'

const VARIANTS = [
  { variant: 'disable', options: {} },
  // The deactivate scenario is pinned under Delete once it gates the read-back that follows a suspension Ping does not send.
  { variant: 'delete', options: { removeUserAction: 'delete' }, scenarios: ['rehire', 'delete'] },
  { variant: 'example-filter', options: { filterExpression: EXAMPLE }, scenarios: ['create', 'deactivate', 'rehire'] },
]

describe.each(VARIANTS)('ping $variant: traffic matches the pinned fixtures', ({ variant, options, scenarios }) => {
  it('is green against the reference server and sends exactly the pinned requests', async () => {
    const { pairs, problems } = await pinnedVariant('ping', variant, options, scenarios)
    expect(problems).toEqual([])
    for (const { scenario, recorded, expected } of pairs) {
      expect(expected, `fixtures/idp/ping/${variant}/${scenario}.json is missing (write it with SCIM_CHECK_UPDATE_FIXTURES=1, then review it)`).toBeDefined()
      expect(recorded.requests, `ping ${variant} ${scenario}`).toEqual(expected!.requests)
    }
  }, 90_000)
})

const json = (r: Sent) => JSON.parse(r.body)
const step = (sent: Sent[], scenario: string, name: string) => sent.filter((r) => r.scenario === scenario && r.step === name)

describe('ping sends the documented payloads', () => {
  it('matches with the Filter Expression, updates, disables and re-enables users only by PUT, never DELETE with Disable', async () => {
    const { sent } = await recordRun({ idp: 'ping', scenarios: ['create', 'update', 'deactivate', 'rehire', 'delete'] })
    expect(step(sent, 'create', 'create')[0].target).toMatch(/^\/scim\/v2\/Users\?filter=userName%20eq%20%22[^&]+%22$/)
    expect(sent.some((r) => r.method === 'PATCH')).toBe(false)
    expect(sent.some((r) => r.method === 'DELETE')).toBe(false)
    const change = step(sent, 'update', 'change-title-department')
    expect(change.map((r) => r.method)).toEqual(['PUT'])
    expect(json(change[0])).toMatchObject({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'], name: { givenName: 'Augusta', familyName: 'King' }, title: 'Analyst', active: true })
    expect(json(step(sent, 'deactivate', 'deactivate')[0]).active).toBe(false)
    expect(json(step(sent, 'rehire', 'reactivate')[0]).active).toBe(true)
    expect(step(sent, 'rehire', 'find-by-externalId')).toEqual([])
  }, 60_000)

  it("sends the admin's expression as written (Ping's own example: username Eq \"%s\")", async () => {
    const { sent, report } = await recordRun({ idp: 'ping', options: { filterExpression: EXAMPLE }, scenarios: ['create'] })
    expect(step(sent, 'create', 'create')[0].target).toMatch(/^\/scim\/v2\/Users\?filter=username%20Eq%20%22[^&]+%22$/)
    expect(report.results.filter((r) => r.id === 'idp.ping.filter-expression').every((r) => r.status === 'pass')).toBe(true)
    expect(renderFilter('email Co "%s"', 'a@b')).toBe('email Co "a@b"')
    expect(() => renderFilter('userName eq', 'x')).toThrow(/has no %s/)
  }, 30_000)

  it('removeUserAction=delete sends DELETE and says why disabling is not sent', async () => {
    const { sent, report } = await recordRun({ idp: 'ping', options: { removeUserAction: 'delete' }, scenarios: ['deactivate', 'delete'] })
    expect(step(sent, 'delete', 'delete').map((r) => r.method)).toEqual(['DELETE'])
    expect(step(sent, 'deactivate', 'deactivate')).toEqual([])
    expect(report.results.find((r) => r.scenario === 'deactivate' && r.id === 'idp.ping.not-sent')?.reason).toMatch(/Remove User Action = Delete.*PING-CONN https:\/\/docs\.pingidentity\.com\//)
  }, 30_000)

  it('groups: found by an unfiltered GET /Groups, created by POST, changed by PATCH, deleted by DELETE', async () => {
    const { sent } = await recordRun({ idp: 'ping', scenarios: ['group-sync'] })
    for (const name of ['lookup-group', 'find-group', 'find-renamed']) expect(step(sent, 'group-sync', name).map((r) => r.target)).toEqual(['/scim/v2/Groups'])
    expect(json(step(sent, 'group-sync', 'create-group')[0])).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: expect.any(String) })
    expect(json(step(sent, 'group-sync', 'add-members')[0]).Operations).toEqual([{ op: 'add', path: 'members', value: [{ value: expect.any(String) }, { value: expect.any(String) }] }])
    expect(json(step(sent, 'group-sync', 'remove-member')[0]).Operations).toEqual([{ op: 'remove', path: expect.stringMatching(/^members\[value eq "[^"]+"\]$/) }])
    expect(json(step(sent, 'group-sync', 'rename')[0]).Operations).toEqual([{ op: 'replace', path: 'displayName', value: expect.any(String) }])
    expect(step(sent, 'group-sync', 'delete-group').map((r) => r.method)).toEqual(['DELETE'])
    expect(step(sent, 'group-sync', 'read-group')).toEqual([])
  }, 60_000)
})

describe('a user ping did not create (a raw request, scim-check send)', () => {
  it('is read once with GET /Users/{id} and its values are taken as Ping\'s for the PUT', async () => {
    const scenario = fileURLToPath(new URL('../../fixtures/idp/ping/scenarios/update-unknown-user.yaml', import.meta.url))
    const { sent, report } = await recordRun({ idp: 'ping', scenarios: [scenario] })
    expect(report.results.filter((r) => ['fail', 'warn', 'error'].includes(r.status))).toEqual([])
    const change = step(sent, 'update-unknown-user', 'change-title')
    expect(change.map((r) => r.method)).toEqual(['GET', 'PUT'])
    expect(json(change[1])).toMatchObject({ name: { givenName: 'Ada', familyName: 'Lovelace' }, title: 'Analyst', active: true })
  }, 30_000)
})

const failed = (report: RunReport, id: string) => report.results.filter((r) => r.id === id && r.status === 'fail')
const problems = (report: RunReport) => report.results.filter((r) => ['fail', 'warn', 'error'].includes(r.status))

describe('a server that rejects a Ping quirk fails Ping only, naming the behaviour and its source', () => {
  it('a server whose filter operators are case-sensitive fails Ping with its example expression (username Eq "%s")', async () => {
    const ping = await recordRun({ idp: 'ping', options: { filterExpression: EXAMPLE }, scenarios: ['create'], faults: ['operator-case-sensitive'] })
    const hits = failed(ping.report, 'idp.ping.filter-expression')
    expect(hits.length).toBeGreaterThan(0)
    expect(hits[0].level).toBe('IDP')
    expect(hits[0].message).toMatch(/its own example is username Eq "%s" \(PING-FILTER https:\/\/docs\.pingidentity\.com\/pingone\/integrations\/p1_scim_filter_expressions\.html\); .*RFC 7644 §3\.4\.2\.2.*operator "Eq".*the server answered 400/)
    for (const contrast of [{ idp: 'ping' }, { idp: 'generic' }]) {
      const other = await recordRun({ ...contrast, scenarios: ['create'], faults: ['operator-case-sensitive'] })
      expect(problems(other.report).map((r) => `${r.id}: ${r.message}`)).toEqual([])
    }
  }, 60_000)

  it('a server that refuses an unfiltered GET /Groups fails Ping', async () => {
    const ping = await recordRun({ idp: 'ping', scenarios: ['group-sync'], faults: ['unfiltered-group-list-rejected'] })
    const hits = failed(ping.report, 'idp.ping.group-list-unfiltered')
    expect(hits.length).toBeGreaterThan(0)
    expect(hits[0].message).toMatch(/retrieving all groups and matching them itself, with an unfiltered GET \/Groups \(PING-CONN https:\/\/docs\.pingidentity\.com\/integrations\/scim\/pf_scim_connector\.html\); the server answered 400/)
    const other = await recordRun({ idp: 'generic', scenarios: ['group-sync'], faults: ['unfiltered-group-list-rejected'] })
    expect(problems(other.report).map((r) => `${r.id}: ${r.message}`)).toEqual([])
  }, 60_000)

  it('a server without PUT fails Ping, which never PATCHes users', async () => {
    const ping = await recordRun({ idp: 'ping', scenarios: ['update'], faults: ['put-unsupported'] })
    const hits = failed(ping.report, 'idp.ping.put-only')
    expect(hits.length).toBeGreaterThan(0)
    expect(hits[0].message).toMatch(/Ping never PATCHes users: every update, disable and re-enable is a PUT of the whole user \(PING-CONN .*\); the server answered 501/)
    const other = await recordRun({ idp: 'generic', scenarios: ['update'], faults: ['put-unsupported'] })
    expect(problems(other.report).map((r) => `${r.id}: ${r.message}`)).toEqual([])
  }, 60_000)
})
