import { describe, expect, it } from 'vitest'
import { PROFILES } from '../../src/idp/registry.js'
import type { RunReport } from '../../src/runner/report.js'
import { recordRun, type Sent } from '../helpers/recording.js'
import { problems, runBuiltin } from '../helpers/run.js'
import { start } from '../server/helpers.js'

/**
 * Entra's flows beyond single requests: the ADSCIMVersion header, the matching attribute behind every lookup, the
 * patchFlag tenant-URL flags, the "Add" on a filter path for a user's first work email (add-email), and the rehire
 * that does not restore group memberships (rehire-groups). Each has a fault that fails Entra and only Entra.
 */

const json = (r: Sent) => JSON.parse(r.body)
const step = (sent: Sent[], scenario: string, name: string) => sent.filter((r) => r.scenario === scenario && r.step === name)
const fails = (report: RunReport, id: string) => report.results.filter((r) => r.id === id && r.status === 'fail')

/** Every profile but Entra, with its defaults and then each non-default value of each enumerated option. */
function otherSettings(): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = []
  for (const p of Object.values(PROFILES)) {
    if (p.name === 'entra') continue
    out.push([p.name, {}])
    for (const o of p.options) for (const v of o.values ?? []) if (v !== String(o.default)) out.push([p.name, { [o.name]: v === 'true' ? true : v === 'false' ? false : v }])
  }
  return out
}

describe('entra: ADSCIMVersion', () => {
  it('is on every request Entra sends, 5.0 unless configured, and left out when configured empty', async () => {
    const { sent } = await recordRun({ idp: 'entra', scenarios: ['connection', 'create', 'deactivate'] })
    expect(sent.length).toBeGreaterThan(3)
    expect(sent.map((r) => r.headers.adscimversion)).toEqual(sent.map(() => '5.0'))
    // The HTTP client writes header names lower-case; names are case-insensitive (RFC 9110 §5.1), as servers read this one.

    const other = await recordRun({ idp: 'entra', options: { adscimVersion: '2.1' }, scenarios: ['connection'] })
    expect(other.sent.map((r) => r.headers.adscimversion)).toEqual(other.sent.map(() => '2.1'))
    const off = await recordRun({ idp: 'entra', options: { adscimVersion: '' }, scenarios: ['connection'] })
    expect(off.sent.every((r) => r.headers.adscimversion === undefined)).toBe(true)
  }, 60_000)

  it('refuses a value that cannot be a header', async () => {
    await expect(runBuiltin({ idps: ['entra'], idpOptions: { entra: { adscimVersion: '5.0\r\nX-Evil: 1' } }, scenarios: ['connection'] })).rejects.toThrow(/adscimVersion[\s\S]*printable ASCII/)
  })
})

describe('entra: matchingAttribute', () => {
  it('userName (default): every lookup before a create or an update filters on userName eq', async () => {
    const { sent } = await recordRun({ idp: 'entra', scenarios: ['create', 'update'] })
    const lookups = sent.filter((r) => r.method === 'GET' && r.target.includes('/Users?filter='))
    expect(lookups.length).toBeGreaterThan(4)
    for (const l of lookups) expect(decodeURIComponent(l.target.replace(/\+/g, ' '))).toMatch(/\?filter=userName eq "/)
  }, 60_000)

  it('emails: creates and updates look the user up by emails[type eq "work"].value eq, the email Entra holds at that moment', async () => {
    const { report, sent } = await recordRun({ idp: 'entra', options: { matchingAttribute: 'emails' }, scenarios: ['update', 'add-email'] })
    expect(problems(report)).toEqual([])
    const filterOf = (r: Sent) => decodeURIComponent(r.target.replace(/\+/g, ' ')).replace(/^.*\?filter=/, '')
    const [createLookup, create] = step(sent, 'update', 'create')
    expect(filterOf(createLookup)).toBe(`emails[type eq "work"].value eq "${json(create).emails[0].value}"`)
    // The lookup before the email change uses the old email; the one after it, the new one.
    const before = filterOf(step(sent, 'update', 'change-email')[0])
    const newEmail = json(step(sent, 'update', 'change-email')[1]).Operations[0].value
    expect(before).toBe(`emails[type eq "work"].value eq "${json(create).emails[0].value}"`)
    expect(filterOf(step(sent, 'update', 'change-title-department')[0])).toBe(`emails[type eq "work"].value eq "${newEmail}"`)
    // Only eq (Entra uses eq and and, nothing else).
    for (const r of sent.filter((s) => s.target.includes('filter='))) expect(filterOf(r)).toMatch(/^(userName|externalId|emails\[type eq "work"\]\.value) eq "[^"]*"$/)
    // A user created without a work email cannot be matched on it: scim-check falls back to userName.
    expect(filterOf(step(sent, 'add-email', 'create-without-email')[0])).toMatch(/^userName eq "/)
  }, 60_000)
})

describe('entra: patchFlag', () => {
  const patches = async (options: Record<string, unknown>) => {
    const { report, sent } = await recordRun({ idp: 'entra', options, scenarios: ['update', 'deactivate', 'group-sync'] })
    expect(problems(report)).toEqual([])
    return sent.filter((r) => r.method === 'PATCH').map((r) => JSON.stringify(json(r).Operations).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>').replace(/"(scimcheck-|ScimCheck-)[^"]*"|"[^"]*@example\.com"/g, '"<v>"'))
  }

  it('aadOptscim062020 sends what the older aadOptscim062020: true sends; AzureAdScimPatch2017 sends the default shapes (the compliant PATCH is not yet the default)', async () => {
    const [none, compliant, legacyName, downgrade] = [await patches({}), await patches({ patchFlag: 'aadOptscim062020' }), await patches({ aadOptscim062020: true }), await patches({ patchFlag: 'AzureAdScimPatch2017' })]
    expect(compliant).toEqual(legacyName)
    expect(downgrade).toEqual(none)
    expect(compliant).not.toEqual(none)
    expect(none.some((p) => p.includes('"op":"Replace","path":"active","value":"False"'))).toBe(true)
    expect(compliant.some((p) => p.includes('"op":"replace","path":"active","value":false'))).toBe(true)
  }, 60_000)

  it('refuses both flags at once, as bad input before the first request', async () => {
    await expect(runBuiltin({ idps: ['entra'], idpOptions: { entra: { aadOptscim062020: true, patchFlag: 'AzureAdScimPatch2017' } }, scenarios: ['deactivate'] })).rejects.toThrow(/entra\.aadOptscim062020=true means entra\.patchFlag=aadOptscim062020, but entra\.patchFlag is also given as AzureAdScimPatch2017; choose one/)
  }, 30_000)
})

describe('add-email: a first work email and phone through a filter path', () => {
  it('entra sends "Add" on emails[type eq "work"].value and phoneNumbers[type eq "work"].value, in both PATCH styles, and the values land', async () => {
    for (const [options, op] of [[{}, 'Add'], [{ patchFlag: 'aadOptscim062020' }, 'add']] as const) {
      const { report, sent } = await recordRun({ idp: 'entra', options, scenarios: ['add-email'] })
      expect(problems(report)).toEqual([])
      const [lookup, patch] = step(sent, 'add-email', 'add-email-and-phone')
      expect(lookup.method).toBe('GET')
      expect(json(patch).Operations).toEqual([
        { op, path: 'emails[type eq "work"].value', value: expect.stringMatching(/@example\.com$/) },
        { op, path: 'phoneNumbers[type eq "work"].value', value: '+1 555 0100' },
      ])
      expect(report.results.find((r) => r.id === 'idp.entra.add-filter-path')?.status).toBe('pass')
    }
  }, 60_000)

  it('fault no-create-from-filter: the add is refused with 400 noTarget, an add on an existing element and a replace still work', async () => {
    const { server, c } = await start({ faults: ['no-create-from-filter'] })
    try {
      const u = await c.createUser('nf', { emails: [{ type: 'home', value: 'h@example.com' }] })
      const refused = await c.patch(`/Users/${u.id}`, [{ op: 'Add', path: 'emails[type eq "work"].value', value: 'w@example.com' }])
      expect(refused.status).toBe(400)
      expect(refused.json.scimType).toBe('noTarget')
      expect((await c.get(`/Users/${u.id}`)).json.emails).toEqual([{ type: 'home', value: 'h@example.com' }])
      expect((await c.patch(`/Users/${u.id}`, [{ op: 'add', path: 'emails[type eq "home"].display', value: 'Home' }])).status).toBe(200)
      expect((await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'w@example.com' }])).status).toBe(200)
      expect((await c.patch(`/Users/${u.id}`, [{ op: 'add', path: 'phoneNumbers', value: [{ type: 'work', value: '+1 555 0100' }] }])).status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it('the fault fails entra (default and aadOptscim062020), proven by a minimal pair, and no RFC check', async () => {
    for (const options of [{}, { patchFlag: 'aadOptscim062020' }]) {
      const report = await runBuiltin({ idps: ['entra'], idpOptions: { entra: options }, scenarios: ['add-email'], builtinFaults: ['no-create-from-filter'] })
      const failed = fails(report, 'idp.entra.add-filter-path')
      expect(failed.length, problems(report).join('\n')).toBe(1)
      expect(failed[0].level).toBe('IDP')
      expect(failed[0].message).toMatch(/"Add" on a filter path .* answered 400 .* a minimal pair proves it/)
      expect(failed[0].message).toContain('https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/416')
      // RFC 7644 leaves this add unspecified and Table 9 allows noTarget: only IdP expectations may fail.
      expect(report.results.filter((r) => r.status === 'fail' && r.level !== 'IDP').map((r) => r.id)).toEqual([])
    }
  }, 60_000)

  it.each(otherSettings())('the fault leaves %s %o quiet', async (idp, options) => {
    expect(problems(await runBuiltin({ idps: [idp], idpOptions: { [idp]: options }, scenarios: ['add-email'], builtinFaults: ['no-create-from-filter'] }))).toEqual([])
  }, 30_000)
})

describe('rehire-groups: Entra does not restore memberships on reactivation', () => {
  it('entra sends no membership request while deactivating and reactivating', async () => {
    const { report, sent } = await recordRun({ idp: 'entra', scenarios: ['rehire-groups'] })
    expect(problems(report)).toEqual([])
    for (const s of ['deactivate', 'reactivate']) expect(step(sent, 'rehire-groups', s).filter((r) => r.target.includes('/Groups'))).toEqual([])
    expect(report.results.find((r) => r.id === 'idp.memberships-kept-inactive')?.status).toBe('pass')
  }, 30_000)

  it('fault deactivate-drops-memberships: deactivation empties the user out of its groups', async () => {
    const { server, c } = await start({ faults: ['deactivate-drops-memberships'] })
    try {
      const u = await c.createUser('dm')
      const other = await c.createUser('dm2')
      const g = await c.createGroup('dm-g', [u.id, other.id])
      expect((await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'active', value: false }])).status).toBe(200)
      expect((await c.get(`/Groups/${g.id}`)).json.members.map((m: { value: string }) => m.value)).toEqual([other.id])
      expect((await c.patch(`/Users/${u.id}`, [{ op: 'replace', path: 'active', value: true }])).status).toBe(200)
      expect((await c.get(`/Users/${u.id}`)).json.groups).toBeUndefined()
    } finally {
      await server.close()
    }
  })

  it('the fault fails entra under idp.memberships-kept-inactive and is information under every other profile', async () => {
    const report = await runBuiltin({ idps: ['entra'], scenarios: ['rehire-groups'], builtinFaults: ['deactivate-drops-memberships'] })
    const failed = fails(report, 'idp.memberships-kept-inactive')
    expect(failed.length, problems(report).join('\n')).toBe(1)
    expect(failed[0].message).toMatch(/lost its membership .* Entra does not re-add memberships/)
    expect(failed[0].source).toMatchObject({ idp: 'entra', url: 'https://learn.microsoft.com/entra/identity/app-provisioning/how-provisioning-works' })
    expect(problems(report).length).toBe(1)

    const others = await runBuiltin({ idps: ['generic', 'okta', 'onelogin', 'jumpcloud', 'ping'], scenarios: ['rehire-groups'], builtinFaults: ['deactivate-drops-memberships'] })
    expect(problems(others)).toEqual([])
    const kept = others.results.filter((r) => r.id === 'idp.memberships-kept-inactive')
    expect(kept.length).toBeGreaterThan(0)
    for (const r of kept) expect(r.status === 'info' || r.status === 'skip', `${r.idp} ${r.status}`).toBe(true)
    expect(kept.some((r) => r.status === 'info' && /would break Entra ID/.test(r.reason ?? ''))).toBe(true)
  }, 60_000)
})

describe('each fault, over every built-in scenario and every profile, fails Entra alone', () => {
  it.each([
    ['no-create-from-filter', 'idp.entra.add-filter-path'],
    ['deactivate-drops-memberships', 'idp.memberships-kept-inactive'],
  ])('%s', async (fault, id) => {
    const report = await runBuiltin({ idps: ['all'], builtinFaults: [fault] })
    expect(problems(report).map((p) => p.replace(/\] .*$/, ']'))).toEqual([`entra/${fault === 'no-create-from-filter' ? 'add-email/add-email-and-phone' : 'rehire-groups/memberships-after-rehire'} ${id} [fail]`])
  }, 120_000)
})

describe('the built-in server is quiet under every profile and setting', () => {
  it.each([...otherSettings(), ['entra', {}], ['entra', { patchFlag: 'aadOptscim062020' }], ['entra', { matchingAttribute: 'emails' }]] as [string, Record<string, unknown>][])('%s %o on add-email and rehire-groups', async (idp, options) => {
    expect(problems(await runBuiltin({ idps: [idp], idpOptions: { [idp]: options }, scenarios: ['add-email', 'rehire-groups'] }))).toEqual([])
  }, 30_000)
})
