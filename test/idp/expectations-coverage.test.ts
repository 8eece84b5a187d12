import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { runBuiltin } from '../helpers/run.js'
import type { RunReport } from '../../src/runner/report.js'

/**
 * IdP expectations shown both ways against the built-in server: under one fault each reports its non-pass
 * status (fail for a documented behaviour, info for an inferred one) with a message naming the behaviour and
 * its source; on the correct server it passes or stays quiet.
 */

/** JumpCloud never creates an empty group, so the built-in group-sync scenario stops before its membership and delete steps. */
const JC_FIRST_MEMBER = fileURLToPath(new URL('../../fixtures/idp/jumpcloud/scenarios/group-first-member.yaml', import.meta.url))

interface Case {
  id: string
  idp: string
  options?: Record<string, unknown>
  scenarios: string[]
  fault: string
  status: 'fail' | 'info'
  message: RegExp
  /** Whether the correct server yields a pass (expectations judged on every exchange) or no result (reported only on refusal). */
  passes: boolean
}

const CASES: Case[] = [
  // The paging parameters are Okta's only quirk on its lookup; a server that refuses the filter itself is not isolated by dropping them.
  { id: 'idp.okta.request-rejected', idp: 'okta', scenarios: ['create'], fault: 'filter-rejected', status: 'fail', message: /Okta's GET \/scim\/v2\/Users\?filter=.* was rejected; cause not isolated: the server answered 400.*Okta checks whether a user exists with GET \/Users\?filter=userName eq .*source: https?:\/\/.*no single normalised quirk was accepted/, passes: false },
  { id: 'idp.entra.test-connection-groups', idp: 'entra', scenarios: ['connection'], fault: 'filter-no-match-404', status: 'info', message: /Entra's connection test also looks up a random group \(source: https?:\/\/.*the server answered 404/, passes: true },
  { id: 'idp.onelogin.string-template-values', idp: 'onelogin', options: { template: 'rfc' }, scenarios: ['create'], fault: 'no-string-booleans', status: 'info', message: /vendor templates quote placeholders .*OneLogin may send active as a string \(OL-VENDORS https?:\/\/.*\); the server answered 400.*(a minimal pair proves it|error detail quotes its token "true")/, passes: true },
  { id: 'idp.onelogin.request-rejected', idp: 'onelogin', scenarios: ['group-sync'], fault: 'patch-filter-path-rejected', status: 'info', message: /OneLogin's PATCH \/scim\/v2\/Groups\/.* was rejected; cause not isolated: the server answered 400.*Patch Group body is undocumented/, passes: false },
  { id: 'idp.jumpcloud.group-management', idp: 'jumpcloud', scenarios: [JC_FIRST_MEMBER], fault: 'patch-unsupported', status: 'fail', message: /JumpCloud (adds members with .*|changes groups with PATCH \/Groups\/\{id\} and )needs Group Updates for group management.*the server answered 501/, passes: true },
  { id: 'idp.jumpcloud.request-rejected', idp: 'jumpcloud', scenarios: ['group-sync'], fault: 'filter-rejected', status: 'info', message: /cause not isolated.*JumpCloud (takes over an existing group whose name matches but does not document the request|looks users up before creating or updating them)/, passes: false },
  { id: 'idp.ping.group-patch', idp: 'ping', scenarios: ['group-sync'], fault: 'patch-unsupported', status: 'fail', message: /Ping updates groups with PATCH \(.*https?:\/\/.*\); the server answered 501/, passes: true },
  { id: 'idp.ping.request-rejected', idp: 'ping', scenarios: ['group-sync'], fault: 'patch-filter-path-rejected', status: 'info', message: /cause not isolated: the server answered 400.*Ping does not document its group PATCH bodies; scim-check sends the RFC 7644 form/, passes: false },
  { id: 'idp.okta.pathless-active', idp: 'okta', scenarios: ['rehire'], fault: 'pathless-patch-rejected', status: 'info', message: /Okta reactivates with a path-less .*a minimal pair proves it/, passes: true },
  { id: 'idp.okta.push-now', idp: 'okta', scenarios: ['group-push-now'], fault: 'members-replace-rejected', status: 'fail', message: /Okta's Push Now overwrites the membership .*source: https?:\/\/.*the server answered 400/, passes: true },
  { id: 'idp.okta.push-now', idp: 'okta', options: { app: 'aiw' }, scenarios: ['group-push-now'], fault: 'put-unsupported', status: 'fail', message: /Okta AIW apps' Push Now is a PUT of the whole group .*the server answered 501/, passes: true },
  { id: 'idp.okta.schema-discovery', idp: 'okta', scenarios: ['schema-import'], fault: 'rt-extension-unserved', status: 'fail', message: /names extension\(s\) urn:example:scimcheck:unserved:2\.0:User that \/Schemas does not serve/, passes: true },
  { id: 'idp.okta.patch-user', idp: 'okta', options: { patchUsers: true }, scenarios: ['update'], fault: 'pathless-patch-rejected', status: 'info', message: /Support PATCH for User.*source: https?:\/\/.*the server answered 400/, passes: true },
]

function run(c: Case, faults: string[]): Promise<RunReport> {
  return runBuiltin({ idps: [c.idp], idpOptions: c.options ? { [c.idp]: c.options } : {}, scenarios: c.scenarios, builtinFaults: faults })
}

const about = (report: RunReport, id: string) => report.results.filter((r) => r.id === id)

describe.each(CASES)('$id', (c) => {
  it(`reports ${c.status} under the ${c.fault} fault, naming the behaviour and its source`, async () => {
    const hits = about(await run(c, [c.fault]), c.id).filter((r) => r.status === c.status)
    expect(hits.length, `${c.id} did not report ${c.status} under ${c.fault}`).toBeGreaterThan(0)
    for (const r of hits) {
      expect(r.idp).toBe(c.idp)
      expect(r.level).toBe('IDP')
      expect(r.message).toMatch(c.message)
      if (c.status === 'info') expect(r.reason).toMatch(/inferred/)
    }
  }, 60_000)

  it(c.passes ? 'passes on the correct server' : 'is not reported as a problem on the correct server', async () => {
    const results = about(await run(c, []), c.id)
    expect(results.filter((r) => r.status !== 'pass' && r.status !== 'skip').map((r) => `${r.status} ${r.message}`)).toEqual([])
    if (c.passes) expect(results.some((r) => r.status === 'pass')).toBe(true)
  }, 60_000)
})
