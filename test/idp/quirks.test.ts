import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { run } from '../../src/runner/run.js'
import { loadScenarioText } from '../../src/scenario/loader.js'
import { startServer } from '../../src/server/index.js'
import type { RunReport } from '../../src/runner/report.js'
import { config, runBuiltin } from '../helpers/run.js'
import { recordRun } from '../helpers/recording.js'

/**
 * The shared IdP-quirk judge (src/idp/quirks.ts). Under a fault that rejects one quirk, the profile that sends it
 * names that quirk, proven by a minimal pair: the same request with only the quirk normalised, sent by scim-check as
 * a diagnostic, is accepted. Without diagnosis a rejection is "cause not isolated" (or named by the error detail
 * when it quotes the quirk's own token), never blamed on a guess.
 */

const JC_FIRST_MEMBER = fileURLToPath(new URL('../../fixtures/idp/jumpcloud/scenarios/group-first-member.yaml', import.meta.url))
const FLAG = { aadOptscim062020: true }

interface Case {
  idp: string
  options?: Record<string, unknown>
  scenarios: string[]
  fault: string
  id: string
  status: 'fail' | 'info'
}

const CASES: Case[] = [
  { idp: 'entra', scenarios: ['deactivate'], fault: 'capitalised-ops-rejected', id: 'idp.entra.capitalised-ops', status: 'fail' },
  { idp: 'entra', scenarios: ['deactivate'], fault: 'no-string-booleans', id: 'idp.entra.string-booleans', status: 'fail' },
  { idp: 'entra', scenarios: ['group-sync'], fault: 'value-list-remove-rejected', id: 'idp.entra.value-list-remove', status: 'fail' },
  { idp: 'entra', scenarios: ['group-sync'], fault: 'member-ref-null-rejected', id: 'idp.entra.member-ref-null', status: 'fail' },
  { idp: 'entra', scenarios: ['group-sync'], fault: 'unknown-schema-rejected', id: 'idp.entra.group-schema-uri', status: 'fail' },
  { idp: 'entra', scenarios: ['create'], fault: 'create-readonly-rejected', id: 'idp.entra.create-meta-roles', status: 'fail' },
  { idp: 'entra', scenarios: ['update'], fault: 'manager-string-rejected', id: 'idp.entra.manager-bare-id', status: 'fail' },
  { idp: 'entra', options: FLAG, scenarios: ['update'], fault: 'pathless-patch-rejected', id: 'idp.entra.pathless-multi-replace', status: 'fail' },
  { idp: 'okta', scenarios: ['create'], fault: 'create-readonly-rejected', id: 'idp.okta.create-groups-password', status: 'fail' },
  { idp: 'okta', scenarios: ['update'], fault: 'put-readonly-rejected', id: 'idp.okta.put-echoes-readonly', status: 'fail' },
  { idp: 'okta', scenarios: ['deactivate'], fault: 'pathless-patch-rejected', id: 'idp.okta.pathless-active', status: 'fail' },
  { idp: 'okta', scenarios: ['group-sync'], fault: 'pathless-patch-rejected', id: 'idp.okta.group-rename-with-id', status: 'fail' },
  { idp: 'onelogin', scenarios: ['create'], fault: 'legacy-urns-rejected', id: 'idp.onelogin.legacy-urns', status: 'fail' },
  { idp: 'onelogin', scenarios: ['create'], fault: 'plus-encoding-rejected', id: 'idp.onelogin.plus-encoded-filter', status: 'fail' },
  { idp: 'onelogin', scenarios: ['update'], fault: 'trailing-question-mark-rejected', id: 'idp.onelogin.put-trailing-question-mark', status: 'fail' },
  { idp: 'onelogin', options: { template: 'rfc' }, scenarios: ['create'], fault: 'no-string-booleans', id: 'idp.onelogin.string-template-values', status: 'info' },
  { idp: 'jumpcloud', scenarios: [JC_FIRST_MEMBER], fault: 'value-list-remove-rejected', id: 'idp.jumpcloud.value-list-member-removal', status: 'fail' },
  { idp: 'jumpcloud', options: { userUpdate: 'put' }, scenarios: ['update'], fault: 'put-readonly-rejected', id: 'idp.jumpcloud.put-user', status: 'fail' },
]

const runCase = (c: Case, over: { diagnose?: boolean } = {}) =>
  runBuiltin({ idps: [c.idp], idpOptions: c.options ? { [c.idp]: c.options } : {}, scenarios: c.scenarios, builtinFaults: [c.fault], ...over })

const diagnostics = (report: RunReport) => report.exchanges.filter((x) => x.purpose === 'diagnostic')
const of = (report: RunReport, id: string) => report.results.filter((r) => r.id === id)

describe.each(CASES)('$idp under $fault', (c) => {
  it(`names ${c.id} (${c.status}), proven by a minimal pair, on the rejected exchange`, async () => {
    const report = await runCase(c)
    const named = of(report, c.id).filter((r) => r.status === c.status && /a minimal pair proves it/.test(r.message))
    expect(named.length, `${c.id}: ${of(report, c.id).map((r) => `${r.status} ${r.message}`).join('\n')}`).toBeGreaterThan(0)
    for (const r of named) {
      expect(r.level).toBe('IDP')
      // The finding lands on the IdP's rejected request, never on the diagnostic.
      const x = report.exchanges[r.exchange!]
      expect(x.purpose).toBeUndefined()
      expect(x.response?.status).toBeGreaterThanOrEqual(400)
      if (c.status === 'info') expect(r.reason).toMatch(/^inferred .* shape: recorded, not failed$/)
    }
    const sent = diagnostics(report)
    expect(sent.length).toBeGreaterThan(0)
    for (const d of sent) expect(d.request.headers['user-agent']).toMatch(/^scim-check\/\S+ \(diagnostic\)$/)
    // One rejection, one named cause: nothing is left unexplained under the generic id.
    expect(of(report, `idp.${c.idp}.request-rejected`).filter((r) => r.status !== 'pass')).toEqual([])
  }, 60_000)

  it('with --no-diagnose sends no diagnostic and names nothing on a guess', async () => {
    const report = await runCase(c, { diagnose: false })
    expect(diagnostics(report)).toEqual([])
    const blamed = of(report, c.id).filter((r) => r.status === 'fail' || r.status === 'info')
    // A quirk may still be named when the server's detail quotes its own token; otherwise the rejection is not isolated.
    for (const r of blamed) expect(r.message).toMatch(/error detail quotes its token|refuses the method itself/)
    if (!blamed.length) {
      const generic = of(report, `idp.${c.idp}.request-rejected`).filter((r) => r.status !== 'pass')
      expect(generic.length).toBeGreaterThan(0)
      expect(generic[0].message).toMatch(/was rejected; cause not isolated: the server answered 4\d\d.*diagnosis by minimal pairs is off/)
    }
  }, 60_000)
})

describe('diagnosis end to end', () => {
  it("OneLogin's legacy URNs: one IdP failure per rejected create, proven by a diagnostic POST with the RFC URNs, which the recording labels and keeps out of IdP traffic", async () => {
    const { report, sent, diagnostics: pairs } = await recordRun({ idp: 'onelogin', scenarios: ['create'], faults: ['legacy-urns-rejected'] })
    const legacy = of(report, 'idp.onelogin.legacy-urns').filter((r) => r.status === 'fail')
    expect(legacy.length).toBeGreaterThan(0)
    expect(legacy[0].step).toBe('create')
    expect(legacy[0].message).toMatch(/schemas \["urn:scim:schemas:core:2\.0","urn:scim:schemas:extension:enterprise:2\.0"\].*the server answered 400.*a minimal pair proves it.*POST \/scim\/v2\/Users, sent by scim-check as a diagnostic, not by OneLogin\) was answered 201; that diagnostic created a resource/)
    expect(sent.every((r) => !/\(diagnostic\)/.test(r.headers['user-agent'] ?? ''))).toBe(true)
    expect(pairs.length).toBeGreaterThan(0)
    const body = JSON.parse(pairs[0].body)
    expect(body.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'])
    expect(pairs[0].headers['user-agent']).toMatch(/\(diagnostic\)$/)
    // What the diagnostic created is owned and cleaned up like everything else.
    expect(report.leftovers).toEqual([])
  }, 60_000)

  it("Entra's string booleans: the deactivation's diagnostic sends false (op still \"Replace\") and says the resource changed", async () => {
    const report = await runBuiltin({ idps: ['entra'], scenarios: ['deactivate'], builtinFaults: ['no-string-booleans'] })
    const bool = of(report, 'idp.entra.string-booleans').filter((r) => r.status === 'fail')
    expect(bool.map((r) => r.step)).toContain('deactivate')
    expect(bool[0].message).toMatch(/active as the string "False".*a minimal pair proves it.*changed the resource, so later steps judge what the server now holds/)
    const pair = diagnostics(report)[0]
    expect(pair.request.body).toMatch(/"op":"Replace","path":"active","value":false/)
    expect(of(report, 'idp.entra.capitalised-ops').filter((r) => r.status === 'fail')).toEqual([])
  }, 60_000)

  it('a rejection two quirks cause at once is not pinned on either', async () => {
    const report = await runBuiltin({ idps: ['entra'], scenarios: ['deactivate'], builtinFaults: ['no-string-booleans', 'capitalised-ops-rejected'] })
    const deactivate = report.results.filter((r) => r.step === 'deactivate' && r.id.startsWith('idp.entra.') && r.status === 'fail')
    // Each normalised alone is still rejected; the detail quotes one token, which names that one (proven, not guessed).
    for (const r of deactivate) expect(r.id === 'idp.entra.request-rejected' || /error detail quotes its token/.test(r.message)).toBe(true)
    expect(diagnostics(report).filter((x) => x.step === 'deactivate').length).toBe(2)
  }, 60_000)

  it('sends no diagnostic under --read-only', async () => {
    const scenario = loadScenarioText(LOOKUP_ONLY, 'lookup-only.yaml')
    const server = await startServer({ port: 0, faults: ['filter-rejected'], quiet: true })
    try {
      const report = await run(config({ url: server.url, token: server.token, idps: ['okta'], scenarios: [], readOnly: true }), { scenarios: [scenario] })
      expect(diagnostics(report)).toEqual([])
      const generic = of(report, 'idp.okta.request-rejected')
      expect(generic.map((r) => r.status)).toEqual(['fail'])
      expect(generic[0].message).toMatch(/cause not isolated.*diagnosis by minimal pairs is off \(--no-diagnose or --read-only\)/)
    } finally {
      await server.close()
    }
  }, 60_000)

  it('is quiet on the correct server under every profile: no diagnostics, nothing rejected', async () => {
    const report = await runBuiltin({ idps: ['okta', 'entra', 'onelogin', 'jumpcloud', 'ping'], scenarios: ['create', 'update', 'deactivate', 'group-sync'] })
    expect(diagnostics(report)).toEqual([])
    expect(report.results.filter((r) => /\.request-rejected$/.test(r.id) && r.status !== 'pass')).toEqual([])
  }, 120_000)
})

const LOOKUP_ONLY = `
name: lookup-only
title: A lookup, nothing written
source: RFC 7644 §3.4.2
writes: false
steps:
  - name: lookup
    action: findUser
    with: { userName: nobody@example.com }
`

describe('profiles keep no module-level state', () => {
  // Two runs in one process against two fresh servers that hand out the same ids (u-1, u-2, ...): a profile that
  // remembered the first run's user in a module variable would render the second run's PUT from stale values.
  const RAW_THEN_UPDATE = `
name: raw-then-update
title: A user the profile did not create, then updated by it
source: RFC 7644 §3.5.1
steps:
  - name: create
    request:
      method: POST
      path: /Users
      body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "{{ unique.userName }}", name: { givenName: Ada, familyName: Lovelace } }
    save: user
  - name: update
    action: updateUser
    with: { id: "{{ user.id }}", changes: { givenName: Grace } }
`

  it.each(['ping', 'onelogin', 'jumpcloud'])('%s: a second run in the same process sends its own values', async (idp) => {
    const scenario = loadScenarioText(RAW_THEN_UPDATE, 'raw-then-update.yaml')
    const options = idp === 'jumpcloud' ? { userUpdate: 'put' } : {}
    const userNames: string[] = []
    for (let i = 0; i < 2; i++) {
      const server = await startServer({ port: 0, variants: ['non-uuid-ids'], quiet: true })
      try {
        const report = await run(config({ url: server.url, token: server.token, idps: [idp], idpOptions: { [idp]: options }, scenarios: [] }), { scenarios: [scenario] })
        const put = report.exchanges.find((x) => x.step === 'update' && x.request.method === 'PUT')
        expect(put, `run ${i + 1} sent no PUT`).toBeDefined()
        const userName = String(JSON.parse(put!.request.body ?? '{}').userName)
        expect(userName).toContain(report.runId)
        userNames.push(userName)
      } finally {
        await server.close()
      }
    }
    expect(userNames[0]).not.toBe(userNames[1])
  }, 60_000)
})
