import { describe, expect, it } from 'vitest'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { run } from '../../src/runner/run.js'
import { loadScenarioText } from '../../src/scenario/loader.js'
import { config, problems, runBuiltin } from '../helpers/run.js'

/**
 * Each Entra quirk against a reference server that rejects it: Entra (in the mode that sends the quirk) fails with a
 * message naming the behaviour and its source; the generic client, and Entra in the mode that does not send it,
 * stay green on the same server.
 */

const COMPAT = 'https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility'
const TUT = 'https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups'

const DEFAULT = {}
const FLAG = { aadOptscim062020: true }

const CASES = [
  { fault: 'capitalised-ops-rejected', scenarios: ['deactivate', 'update', 'group-sync'], sends: DEFAULT, spared: FLAG, id: 'idp.entra.capitalised-ops', says: /capitalised \("Add", "Replace", "Remove"\)/, url: TUT },
  { fault: 'no-string-booleans', scenarios: ['deactivate'], sends: DEFAULT, spared: FLAG, id: 'idp.entra.string-booleans', says: /active as the string "False"/, url: COMPAT },
  { fault: 'value-list-remove-rejected', scenarios: ['group-sync'], sends: DEFAULT, spared: FLAG, id: 'idp.entra.value-list-remove', says: /\{"op":"Remove","path":"members","value":\[\{"\$ref":null/, url: COMPAT },
  { fault: 'pathless-patch-rejected', scenarios: ['update'], sends: FLAG, spared: DEFAULT, id: 'idp.entra.pathless-multi-replace', says: /one path-less op whose keys are dotted and URN paths/, url: COMPAT },
  { fault: 'member-ref-null-rejected', scenarios: ['group-sync'], sends: DEFAULT, spared: undefined, id: 'idp.entra.member-ref-null', says: /\[\{"\$ref":null,"value":…\}\]/, url: TUT },
  { fault: 'unknown-schema-rejected', scenarios: ['group-sync'], sends: DEFAULT, spared: undefined, id: 'idp.entra.group-schema-uri', says: /ResourceManagement\/ADSCIM\/2\.0\/Group/, url: TUT },
  { fault: 'create-readonly-rejected', scenarios: ['create'], sends: DEFAULT, spared: undefined, id: 'idp.entra.create-meta-roles', says: /"meta": \{"resourceType":"User"\} and "roles": \[\]/, url: TUT },
  { fault: 'no-create-from-filter', scenarios: ['add-email'], sends: DEFAULT, spared: undefined, id: 'idp.entra.add-filter-path', says: /"Add" on a filter path/, url: 'https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/416' },
  { fault: 'manager-string-rejected', scenarios: ['update'], sends: DEFAULT, spared: undefined, id: 'idp.entra.manager-bare-id', says: /bare manager id/, url: 'https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/686' },
]

describe.each(CASES)('entra quirk against fault $fault', ({ fault, scenarios, sends, spared, id, says, url }) => {
  it('fails entra in the mode that sends it, naming the behaviour and its source', async () => {
    const report = await runBuiltin({ idps: ['entra'], idpOptions: { entra: sends }, scenarios, builtinFaults: [fault] })
    const failed = report.results.filter((r) => r.id === id && r.status === 'fail')
    expect(failed.length, `${id} should fail: ${problems(report).join('\n')}`).toBeGreaterThan(0)
    expect(failed[0].message).toMatch(says)
    expect(failed[0].message).toContain(url)
    expect(failed[0].message).toMatch(/the server answered 400/)
    expect(failed[0].level).toBe('IDP')
    expect(failed[0].source).toMatchObject({ idp: 'entra' })
  }, 30_000)

  it('leaves the generic client green on the same server', async () => {
    expect(problems(await runBuiltin({ idps: ['generic'], scenarios, builtinFaults: [fault] }))).toEqual([])
  }, 30_000)

  it.runIf(spared !== undefined)('leaves entra green in the mode that does not send it', async () => {
    expect(problems(await runBuiltin({ idps: ['entra'], idpOptions: { entra: spared! }, scenarios, builtinFaults: [fault] }))).toEqual([])
  }, 30_000)
})

describe('a server that reads a value-list "remove" as "remove all"', () => {
  it('fails entra (default) on the member that should have stayed, naming the request shape; generic and the flag stay green', async () => {
    const report = await runBuiltin({ idps: ['entra'], scenarios: ['group-sync'], builtinFaults: ['patch-remove-all-members'] })
    const kept = report.results.find((r) => r.id === 'lifecycle.user-groups-kept')
    expect(kept?.status).toBe('fail')
    // RFC 7644 §3.5.2.2 lets a server read a filterless remove as "remove all": Entra's incompatibility, not a MUST.
    expect(kept?.level).toBe('IDP')
    expect(report.results.filter((r) => r.status === 'fail' && r.level === 'MUST')).toEqual([])
    expect(kept?.message).toMatch(/lost its membership .* after a "remove" of "members" with a value list \(Entra without aadOptscim062020/)
    expect(problems(await runBuiltin({ idps: ['entra'], idpOptions: { entra: FLAG }, scenarios: ['group-sync'], builtinFaults: ['patch-remove-all-members'] }))).toEqual([])
    expect(problems(await runBuiltin({ idps: ['generic'], scenarios: ['group-sync'], builtinFaults: ['patch-remove-all-members'] }))).toEqual([])
  }, 30_000)
})

describe('one rejection, one finding', () => {
  it('files a rejection under the quirk its detail names, not under every quirk of the request', async () => {
    const report = await runBuiltin({ idps: ['entra'], scenarios: ['deactivate'], builtinFaults: ['capitalised-ops-rejected'] })
    const fails = report.results.filter((r) => r.id.startsWith('idp.entra.') && r.status === 'fail')
    expect(fails.map((r) => r.id)).toEqual(['idp.entra.capitalised-ops'])
  }, 30_000)

  it('records the inferred "True" of a reactivation as info, never as a failure', async () => {
    // A server that accepts "False" but refuses "True": the reactivation shape is inferred, so it may not fail Entra.
    const server = await refusesTrue()
    try {
      const scenario = loadScenarioText(REACTIVATE, 'reactivate.yaml')
      const report = await run(config({ url: server.url, token: 't', idps: ['entra'], scenarios: [] }), { scenarios: [scenario] })
      const reactivate = report.results.filter((r) => r.id === 'idp.entra.string-booleans')
      expect(reactivate.map((r) => r.status)).toEqual(['info'])
      expect(reactivate[0].message).toMatch(/re-enables with active as the string "True" \(inferred/)
    } finally {
      await server.close()
    }
  }, 30_000)
})

const REACTIVATE = `
name: reactivate-only
title: Reactivate
source: RFC 7644 §3.5.2
steps:
  - name: create
    action: createUser
    with: { userName: "{{ unique.userName }}", givenName: Ada, familyName: Lovelace, email: "{{ unique.userName }}" }
    save: user
  - name: reactivate
    action: reactivateUser
    with: { id: "{{ user.id }}", userName: "{{ unique.userName }}" }
`

/** A loopback SCIM stub holding one inactive user: it takes the create, finds the user, and refuses "True". */
async function refusesTrue() {
  const user = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u-1', userName: 'rehired@example.com', active: false }
  let created = false
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const send = (status: number, json?: unknown) => {
        res.writeHead(status, json ? { 'content-type': 'application/scim+json' } : {})
        res.end(json ? JSON.stringify(json) : undefined)
      }
      // The create is answered with the user it sent (the run proves ownership by its run-prefixed userName).
      if (req.method === 'POST') return (created = true), send(201, Object.assign(user, { userName: JSON.parse(body).userName }))
      // Entra's lookup before the create finds nobody; afterwards it finds the user.
      const found = created ? [user] : []
      if (req.method === 'GET') return send(200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: found.length, startIndex: 1, itemsPerPage: found.length, Resources: found })
      if (req.method === 'PATCH' && body.includes('"True"')) return send(400, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', scimType: 'invalidValue', detail: 'active must be a boolean' })
      if (req.method === 'DELETE') return send(204)
      send(200, user)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()) }),
  }
}
