import { describe, expect, it } from 'vitest'
import { run } from '../../src/runner/run.js'
import type { RunReport } from '../../src/runner/report.js'
import { loadScenarioText } from '../../src/scenario/loader.js'
import { config, runBuiltin } from '../helpers/run.js'

const mustFailures = (report: RunReport, idp: string) => report.results.filter((r) => r.idp === idp && r.level === 'MUST' && (r.status === 'fail' || r.status === 'error'))
const byId = (report: RunReport, id: string, scenario?: string) => report.results.find((r) => r.id === id && (!scenario || r.scenario === scenario))

describe('one root cause, one failure', () => {
  it("Entra's string booleans rejected: the IdP expectation is the one failure, the deactivation's expectations are blocked by it", async () => {
    // Without diagnostics: a minimal pair that succeeds really deactivates the user, and the read-back then passes on its own.
    const report = await runBuiltin({ idps: ['entra'], builtinFaults: ['no-string-booleans'], diagnose: false })
    expect(mustFailures(report, 'entra').map((r) => r.id)).toEqual([])
    expect(byId(report, 'idp.entra.string-booleans', 'deactivate')?.status).toBe('fail')
    for (const id of ['deactivate.deactivate.status', 'deactivate.read-inactive.body']) {
      const r = byId(report, id, 'deactivate')
      expect([r?.status, r?.cause?.id, r?.cause?.step, r?.message]).toEqual(['skip', 'idp.entra.string-booleans', 'deactivate', 'blocked by idp.entra.string-booleans at deactivate'])
      expect(r?.cause?.exchange).toBe(byId(report, 'idp.entra.string-booleans', 'deactivate')?.exchange)
    }
    // What the expectation would have said is kept for whoever wants the symptom.
    expect(byId(report, 'deactivate.deactivate.status', 'deactivate')?.reason).toMatch(/on its own: PATCH \S+ answered 400, expected 200 or 204/)
    expect(report.summary.rootCauses).toBe(1)
    expect(report.summary.blocked).toBeGreaterThanOrEqual(3)
    expect(report.summary.failed).toBe(report.results.filter((r) => r.status === 'fail').length)
  }, 60_000)

  it("OneLogin's legacy URNs rejected: no RFC MUST failure; every create and what depends on it is blocked by the IdP expectation", async () => {
    const report = await runBuiltin({ idps: ['onelogin'], builtinFaults: ['legacy-urns-rejected'] })
    expect(mustFailures(report, 'onelogin').map((r) => `${r.scenario} ${r.id}`)).toEqual([])
    for (const [scenario, id] of [['create', 'create.create.status'], ['delete', 'delete.create.status'], ['group-sync', 'group-sync.create-member-1.status'], ['import', 'import.create-1.status']]) {
      const r = byId(report, id, scenario)
      expect([r?.status, r?.cause?.id], `${scenario} ${id}`).toEqual(['skip', 'idp.onelogin.legacy-urns'])
    }
    // Steps that need the id the create should have saved are blocked by the same cause, not skipped for no reason.
    const gone = report.results.find((r) => r.scenario === 'delete' && r.step === 'gone-by-id')
    expect([gone?.status, gone?.cause?.id, gone?.cause?.step]).toEqual(['skip', 'idp.onelogin.legacy-urns', 'create'])
    expect(report.summary.rootCauses).toBe(1)
  }, 90_000)

  it('every result carries the requirement it was judged against; scenario expectations say what they expected and why', async () => {
    const report = await runBuiltin({ idps: ['generic'], scenarios: ['create', 'deactivate'] })
    expect(report.results.filter((r) => !r.requirement).map((r) => r.id)).toEqual([])
    expect(byId(report, 'create.create.status')?.requirement).toBe('The scenario expects POST /Users to answer 201 (RFC 7644 §3.3)')
    expect(byId(report, 'deactivate.read-inactive.body')?.requirement).toBe('The scenario expects the response to GET /Users/{id} to contain {"id":"{{ user.id }}","active":false} (RFC 7644 §3.5)')
  }, 60_000)
})

const WRITES = `
name: causal-writes
title: Causality of writes
source: RFC 7644 §3.5.2
idps: [generic]
steps:
  - name: create
    request: { method: POST, path: /Users, body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "{{ unique.userName }}" } }
    save: user
    expect: { status: 201 }
  - name: probe-400
    request: { method: PATCH, path: "/Users/{{ user.id }}", body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: frobnicate, path: displayName, value: X }] } }
    expect: { status: 400 }
  - name: read-after-probe
    request: { method: GET, path: "/Users/{{ user.id }}" }
    expect: { body: { displayName: never-set } }
  - name: bad-patch
    request: { method: PATCH, path: "/Users/{{ user.id }}", body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: frobnicate, path: displayName, value: X }] } }
    expect: { status: 200 }
  - name: read-after-bad
    request: { method: GET, path: "/Users/{{ user.id }}" }
    expect: { status: 200, body: { displayName: X } }
  - name: good-patch
    request: { method: PATCH, path: "/Users/{{ user.id }}", body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: replace, path: displayName, value: "Y" }] } }
    expect: { status: 200 }
  - name: read-after-good
    request: { method: GET, path: "/Users/{{ user.id }}" }
    expect: { body: { displayName: "Z" } }
  - name: create-bad
    request: { method: POST, path: /Users, body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"] } }
    save: other
    expect: { status: 201 }
  - name: use-other
    request: { method: GET, path: "/Users/{{ other.id }}" }
    expect: { status: 200 }
`

describe('blocking by a failed write, per resource', () => {
  it('blocks reads of a resource whose last write failed, until a write to it succeeds; an error probe that got its 400 blocks nothing', async () => {
    const scenario = loadScenarioText(WRITES, 'causal-writes.yaml')
    const report = await run(config({ idps: ['generic'] }), { scenarios: [scenario] })
    const at = (step: string, kind: string) => report.results.find((r) => r.step === step && r.id === `causal-writes.${step}.${kind}`)
    expect(at('probe-400', 'status')?.status).toBe('pass')
    // Judged on its own terms: nothing failed before it.
    expect([at('read-after-probe', 'body')?.status, at('read-after-probe', 'body')?.cause]).toEqual(['fail', undefined])
    expect(at('bad-patch', 'status')?.status).toBe('fail')
    const blocked = at('read-after-bad', 'body')
    expect([blocked?.status, blocked?.cause?.id, blocked?.cause?.step]).toEqual(['skip', 'causal-writes.bad-patch.status', 'bad-patch'])
    expect(at('read-after-bad', 'status')?.status).toBe('pass')
    expect(at('good-patch', 'status')?.status).toBe('pass')
    // The successful write repaired the resource: a later failure is its own.
    expect([at('read-after-good', 'body')?.status, at('read-after-good', 'body')?.cause]).toEqual(['fail', undefined])
    // A value the failed create should have saved: blocked by that create.
    const failedCreate = at('create-bad', 'status')
    expect(failedCreate?.status).toBe('fail')
    const needsIt = report.results.find((r) => r.step === 'use-other')
    expect([needsIt?.status, needsIt?.cause?.id, needsIt?.message]).toEqual(['skip', 'causal-writes.create-bad.status', 'blocked by causal-writes.create-bad.status at create-bad'])
  }, 30_000)
})
