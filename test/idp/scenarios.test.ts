import { describe, expect, it } from 'vitest'
import { builtinFiles, knownCheckIds } from '../../src/runner/scenarios.js'
import { loadScenario } from '../../src/scenario/loader.js'
import { checks as importChecks } from '../../src/checks/import.js'
import { checks as lifecycleChecks } from '../../src/checks/lifecycle.js'
import type { CheckDef } from '../../src/checks/define.js'
import type { ImportValue } from '../../src/idp/common.js'
import { context, exchange } from '../helpers/exchange.js'
import { LIFECYCLE, recordRun } from '../helpers/recording.js'
import { problems, runBuiltin } from '../helpers/run.js'

/** The lifecycle scenarios: well-formed, sourced, green for every profile and option, and able to fail. */

describe('lifecycle scenario files', () => {
  const files = builtinFiles().filter((f) => !/[\\/]rfc[\\/]/.test(f))
  const scenarios = files.map((f) => loadScenario(f, { knownChecks: knownCheckIds() }))

  it('are all there, one story per file; the heavy ones are opt-in (a run that names no scenario leaves them out)', () => {
    expect(scenarios.filter((s) => !s.optIn).map((s) => s.name).sort()).toEqual([...LIFECYCLE].sort())
    expect(scenarios.filter((s) => s.optIn).map((s) => s.name)).toEqual(['group-scale'])
  })

  it('give every expectation a source: the scenario source, or a registered check', () => {
    for (const s of scenarios) {
      expect(s.source, `${s.name} has no source`).toBeTruthy()
      for (const step of s.steps) {
        const expects = step.expect === undefined ? [] : Array.isArray(step.expect) ? step.expect : [step.expect]
        for (const e of expects) expect(e.check !== undefined || s.source !== undefined, `${s.name}/${step.name}`).toBe(true)
      }
    }
  })

  it('keep IdP logic out: steps are IdP actions or raw requests, no profile names', () => {
    for (const s of scenarios) {
      expect(s.idps, `${s.name} runs with every profile`).toBeUndefined()
      for (const step of s.steps) expect(JSON.stringify(step)).not.toMatch(/okta|entra|onelogin|jumpcloud|ping/i)
    }
  })
})

describe('every profile and option value is green against the reference server', () => {
  it('okta, entra and generic in one run (the matrix is all pass or skip)', async () => {
    const report = await runBuiltin({ idps: ['okta', 'entra', 'generic'], scenarios: LIFECYCLE })
    expect(problems(report)).toEqual([])
    for (const sc of LIFECYCLE) for (const idp of ['okta', 'entra', 'generic']) expect(['pass', 'skip'], `${sc} x ${idp}`).toContain(report.matrix.cells[sc][idp])
    expect(report.matrix.cells['group-sync'].okta).toBe('pass')
  }, 60_000)

  it.each([
    ['okta', { app: 'aiw' }],
    ['okta', { groupPush: false }],
    ['entra', { aadOptscim062020: true }],
  ])('%s %o', async (idp, options) => {
    expect(problems(await runBuiltin({ idps: [idp], idpOptions: { [idp]: options }, scenarios: LIFECYCLE }))).toEqual([])
  }, 60_000)
})

describe('token rotation', () => {
  it('without a rotate command: missing and invalid tokens get 401, rotation steps are skipped with the reason', async () => {
    const { report } = await recordRun({ idp: 'generic', scenarios: ['token-rotation'], rotate: false })
    const byStep = (s: string) => report.results.filter((r) => r.step === s)
    expect(byStep('missing-token').filter((r) => !r.ambient).map((r) => [r.id, r.status])).toEqual([['auth.missing-401', 'pass'], ['auth.error-body', 'pass']])
    expect(byStep('invalid-token').filter((r) => !r.ambient).map((r) => [r.id, r.status])).toEqual([['auth.invalid-401', 'pass'], ['auth.error-body', 'pass']])
    for (const s of ['rotate', 'old-token-refused', 'new-token-works']) {
      expect(byStep(s).map((r) => r.status)).toEqual(['skip'])
      expect(byStep(s)[0].reason).toMatch(/--rotate-command/)
    }
  }, 30_000)

  it('with a rotate command through a real proxy: the old token is refused and the new one works', async () => {
    const { report } = await recordRun({ idp: 'okta', scenarios: ['token-rotation'] })
    expect(problems(report)).toEqual([])
    expect(report.results.filter((r) => r.step === 'old-token-refused' && !r.ambient).map((r) => [r.id, r.status])).toEqual([
      ['token-rotation.old-token-refused.status', 'pass'],
      ['token-rotation.old-token-refused.body', 'pass'],
      ['idp.token-rotation', 'pass'],
    ])
  }, 30_000)

  it('fails when the server keeps accepting a rotated-out token', async () => {
    const report = await runBuiltin({ idps: ['entra'], scenarios: ['token-rotation'], builtinFaults: ['token-rotation-ignored'] })
    // The check names the cause; the step's own expectation on the same exchange is blocked by it, not a second failure.
    expect(report.results.find((r) => r.id === 'idp.token-rotation' && r.step === 'old-token-refused')?.status).toBe('fail')
    const status = report.results.find((r) => r.id === 'token-rotation.old-token-refused.status')
    expect([status?.status, status?.cause?.id, status?.message]).toEqual(['skip', 'idp.token-rotation', 'blocked by idp.token-rotation at old-token-refused'])
    expect(status?.reason).toMatch(/answered 200, expected 401/)
  }, 30_000)
})

describe('lifecycle expectations can fail', () => {
  it.each(['okta', 'entra', 'generic'])('%s: a server that hides deactivated users from filters fails idp.inactive-retrievable', async (idp) => {
    const report = await runBuiltin({ idps: [idp], scenarios: ['deactivate', 'rehire'], builtinFaults: ['deactivated-not-findable'] })
    // IdP expectations are failures under an IdP profile and information under the strict RFC client.
    const failed = report.results.filter((r) => r.id === 'idp.inactive-retrievable' && r.status === (idp === 'generic' ? 'info' : 'fail'))
    expect(failed.length).toBeGreaterThan(0)
    expect(failed[0].level).toBe('IDP')
  }, 30_000)

  it('overlapping pages fail the import walk', async () => {
    const report = await runBuiltin({ idps: ['generic'], scenarios: ['import'], builtinFaults: ['pagination-repeats'] })
    expect(report.results.find((r) => r.id === 'import.walk-complete')?.status).toBe('fail')
  }, 30_000)

  it('a server that leaves User.groups out warns on membership and cannot judge removals', async () => {
    const report = await runBuiltin({ idps: ['generic'], scenarios: ['group-sync'], builtinFaults: ['no-group-membership-in-user'] })
    expect(report.results.filter((r) => r.id === 'lifecycle.user-groups-joined').map((r) => r.status)).toEqual(['warn', 'warn'])
    expect(report.results.find((r) => r.id === 'lifecycle.user-groups-left')?.status).toBe('skip')
  }, 30_000)

  it('a duplicate create answered 201 fails create', async () => {
    const report = await runBuiltin({ idps: ['generic'], scenarios: ['create'], builtinFaults: ['no-409'] })
    expect(report.results.find((r) => r.id === 'create.duplicate.status')?.status).toBe('fail')
  }, 30_000)
})

const byId = (defs: CheckDef[], id: string) => defs.find((d) => d.id === id)!
const walk = (over: Partial<ImportValue>): ImportValue => ({ totalResults: [3, 3], ids: ['a', 'b', 'c'], pages: 2, ...over })

describe('import checks (crafted walks)', () => {
  const complete = byId(importChecks, 'import.walk-complete')
  const totals = byId(importChecks, 'import.totals-consistent')
  const judge = (def: CheckDef, args: Record<string, unknown>) => def.judge!(exchange({ path: '/Users?startIndex=3&count=2' }), context({ args })) as { ok: unknown; message: string }

  it('passes a clean walk, and passes with other tenant users present', () => {
    expect(judge(complete, { walk: walk({}), ids: ['a', 'b'] }).ok).toBe(true)
    expect(judge(totals, { walk: walk({}) }).ok).toBe(true)
  })
  it('fails a missing run user and a repeated id, naming them', () => {
    const missing = judge(complete, { walk: walk({ ids: ['a', 'c', 'x'] }), ids: ['a', 'b'] })
    expect(missing.ok).toBe(false)
    expect(missing.message).toMatch(/missing 1 of this run's 2 resources \(b\)/)
    const repeated = judge(complete, { walk: walk({ ids: ['a', 'b', 'b'] }), ids: ['a', 'b'] })
    expect(repeated.message).toMatch(/repeated across pages: b/)
  })
  it('warns on drifting or disagreeing totals, and never passes a walk it could not judge', () => {
    expect(judge(totals, { walk: walk({ totalResults: [3, 4] }) }).ok).toBe(false)
    expect(judge(totals, { walk: walk({ totalResults: [5, 5] }) }).message).toMatch(/says 5 but walking every page found 3/)
    expect(judge(complete, { walk: walk({ capped: true }), ids: ['a'] }).ok).toBe('error')
    expect(judge(complete, { ids: ['a'] }).ok).toBe('error')
    expect(judge(complete, { walk: walk({ pages: 0, totalResults: [] }), ids: ['a'] }).ok).toBe('error')
  })
})

describe('custom round-trip check (crafted reads)', () => {
  const roundtrip = byId(lifecycleChecks, 'lifecycle.custom-roundtrip')
  const urn = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User'
  const attributes = { approvalLimit: 5000.5, costApprover: true }
  const judge = (body: unknown) => roundtrip.judge!(exchange({ body }), context({ args: { urn, attributes } })) as { ok: unknown; message: string }

  it('passes values read back with the same type', () => {
    expect(judge({ id: 'u', [urn]: { approvalLimit: 5000.5, costApprover: true } }).ok).toBe(true)
  })
  it('fails a value turned into a string, or a lost extension', () => {
    expect(judge({ id: 'u', [urn]: { approvalLimit: '5000.5', costApprover: true } }).message).toMatch(/approvalLimit wrote 5000.5, read "5000.5"/)
    expect(judge({ id: 'u' }).ok).toBe(false)
  })
})
