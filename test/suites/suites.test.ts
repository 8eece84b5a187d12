import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Ajv from 'ajv'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import schema from '../../src/report/report.schema.json' with { type: 'json' }
import type { Result } from '../../src/result/types.js'
import { builtinScenarios } from '../../src/runner/scenarios.js'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { judgeSuite } from '../../src/suites/judge.js'
import { loadSuite, parseSuite, suiteNames } from '../../src/suites/load.js'
import type { SuiteSection } from '../../src/suites/types.js'
import { cli } from '../helpers/cli.js'

/**
 * The review-program suites: their data names only scenarios, steps and checks that exist; each runs green on the
 * built-in server with every step citing the program's URL; a built-in fault fails the step it stands for; and a
 * suite never passes on nothing.
 */
const dir = mkdtempSync(join(tmpdir(), 'scim-check-suites-'))
const SHORT = { SCIM_CHECK_SUITE_RATE_SECONDS: '2' }

async function suiteRun(args: string[], env: Record<string, string> = {}) {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`)
  const r = await cli(['run', ...args, '--reporter', `json=${file}`], { env, timeoutMs: 60_000 })
  const report = r.code === 2 ? undefined : (JSON.parse(readFileSync(file, 'utf8')) as { suite: SuiteSection; results: Result[] })
  return { ...r, report, step: (id: string) => report!.suite.steps.find((s) => s.id === id)! }
}

describe('suite files', () => {
  it('ships okta-oin and entra-gallery, each naming only scenarios, steps and checks that exist', () => {
    expect(suiteNames()).toEqual(['entra-gallery', 'okta-oin'])
    for (const name of suiteNames()) {
      const suite = loadSuite(name)
      expect(suite.steps.length).toBeGreaterThan(5)
      for (const step of suite.steps) expect(step.url).toMatch(/^https:\/\//)
    }
  })

  it('list suites --json gives every step with its source URL and what judges it', async () => {
    const r = await cli(['list', 'suites', '--json'])
    expect(r.code).toBe(0)
    const suites = JSON.parse(r.stdout) as { name: string; steps: { url: string; mapsTo: string }[] }[]
    expect(suites.map((s) => s.name)).toEqual(['entra-gallery', 'okta-oin'])
    for (const s of suites.flatMap((x) => x.steps)) expect(s.mapsTo.length).toBeGreaterThan(5)
  })

  it('a typo in a suite is an error that points into the file', () => {
    const text = 'name: x\ntitle: X\ndescription: X\nprofile: okta\nsteps:\n  - id: a.b\n    part: P\n    title: T\n    quote: Q\n    url: https://example.com\n    evidence:\n      - { idp: okta, scenario: craete }\n'
    expect(() => parseSuite(text, 'x.yaml', builtinScenarios())).toThrow(/x\.yaml:12:\d+: .*unknown scenario "craete" \(did you mean "create"\?\)/)
  })
})

describe('judging', () => {
  const suite = { name: 's', title: 'S', description: '', profile: 'okta', file: 's.yaml' }
  const step = { part: 'P', quote: 'Q', url: 'https://example.com' }
  const result = (over: Partial<Result>): Result => ({ id: 'create.lookup.status', title: 't', source: { scenario: 'create', note: '' }, level: 'MUST', status: 'pass', scenario: 'create', step: 'lookup', idp: 'okta', message: 'ok', ...over })
  const ctx = { scenarios: new Set(['create']), auth: 'bearer' }

  it('a step whose underlying checks were all skipped is not judged, and a suite of such steps is empty, never a pass', () => {
    const s = { ...suite, steps: [{ ...step, id: 'a.one', title: 'one', evidence: [{ idp: 'okta', scenario: 'create', step: 'lookup' }] }, { ...step, id: 'a.two', title: 'two', offline: 'UI only' }] }
    const section = judgeSuite(s, [result({ status: 'skip', reason: 'the IdP never does this' })], ctx)
    expect(section.steps.map((x) => x.status)).toEqual(['skip', 'not-checkable'])
    expect(section.steps[0].reason).toMatch(/^not judged: every result of okta: create\/lookup was skipped \(the IdP never does this\)/)
    expect(section.verdict).toBe('empty')
  })

  it('traffic not built yet is "not yet exercised"; a failure next to it still fails the step', () => {
    const pending = { idp: 'okta', scenario: 'okta-push-now', pending: true }
    const s = { ...suite, steps: [{ ...step, id: 'a.one', title: 'one', evidence: [pending, { idp: 'okta', scenario: 'create', step: 'lookup' }] }] }
    expect(judgeSuite(s, [result({})], ctx).steps[0]).toMatchObject({ status: 'skip', reason: expect.stringMatching(/^not yet exercised: scenario "okta-push-now"/) })
    expect(judgeSuite(s, [result({ status: 'fail', message: '404' })], ctx).steps[0]).toMatchObject({ status: 'fail' })
  })

  it('a named check that never ran leaves the step not judged, even when the rest of the step passed', () => {
    const s = { ...suite, steps: [{ ...step, id: 'a.one', title: 'one', evidence: [{ idp: 'okta', scenario: 'create', step: 'lookup', checks: ['create.lookup.status', 'create.lookup.body'] }] }] }
    expect(judgeSuite(s, [result({})], ctx).steps[0]).toMatchObject({ status: 'skip', reason: expect.stringMatching(/create\.lookup\.body .* produced no result/) })
  })
})

describe('run --suite against the built-in server', () => {
  it('okta-oin: exit 0, every step cites its source, every step scim-check can check passes', async () => {
    const r = await suiteRun(['--builtin', '--suite', 'okta-oin'])
    expect(r.code, r.stderr).toBe(0)
    const ajv = new Ajv({ allErrors: true, strict: false })
    expect(ajv.validate(schema, r.report), ajv.errorsText()).toBe(true)
    const suite = r.report!.suite
    expect(suite.profile).toBe('okta')
    for (const s of suite.steps) {
      expect(s.url).toMatch(/^https:\/\/(developer|help)\.okta\.com\//)
      expect(s.quote.length).toBeGreaterThan(10)
      expect(['pass', 'skip', 'not-checkable']).toContain(s.status)
    }
    for (const s of suite.steps.filter((x) => x.part === 'SPEC test' || x.id.startsWith('crud.') && x.id !== 'crud.okta-org-setup')) expect(s.status, s.id).toBe('pass')
    for (const s of suite.steps.filter((x) => x.id.startsWith('plan.') && x.status !== 'not-checkable')) expect(s.status, s.id).toBe('pass')
    expect(r.step('crud.okta-org-setup').status).toBe('not-checkable')
    // Never a full pass while steps are open, and the terminal says so.
    expect(suite.verdict).toBe('incomplete')
    // The SPEC test's RFC requests were judged under generic, Okta's own traffic under okta, and nothing else ran.
    expect(new Set(r.report!.results.map((x) => x.idp))).toEqual(new Set(['okta', 'generic']))
    expect(r.report!.results.some((x) => x.scenario === 'rfc-patch' || x.scenario === 'token-rotation')).toBe(false)
    // The AIW step ran its own setting, and only that setting's results stand for it.
    expect(r.step('plan.aiw-group-push').evidence.length).toBeGreaterThan(0)
    expect(new Set(r.report!.results.filter((x) => x.idp === 'okta').map((x) => x.setting))).toEqual(new Set(['app=oin, groupPush=true, patchUsers=false', 'app=aiw, groupPush=true, patchUsers=false']))
  })

  it('okta-oin: a step needing a setting is judged on that setting alone (a server refusing PUT fails AIW group push, not OIN group push)', async () => {
    const r = await suiteRun(['--builtin', '--suite', 'okta-oin', '--fault', 'put-unsupported'])
    expect(r.code).toBe(1)
    expect(r.step('plan.aiw-group-push')).toMatchObject({ status: 'fail', reason: expect.stringMatching(/idp\.okta\.group-put/) })
    expect(r.step('plan.push-group').status).toBe('pass')
  })

  it('entra-gallery: exit 0, each step cites learn.microsoft.com, and the paced load judges the rate step', async () => {
    const r = await suiteRun(['--builtin', '--suite', 'entra-gallery'], SHORT)
    expect(r.code, r.stderr).toBe(0)
    for (const s of r.report!.suite.steps) expect(s.url).toMatch(/^https:\/\/learn\.microsoft\.com\/entra\//)
    for (const id of ['scim.user-endpoint', 'scim.delete', 'scim.no-match-empty', 'scim.schema-discovery']) expect(r.step(id).status, id).toBe('pass')
    expect(r.step('scim.rate')).toMatchObject({ status: 'pass', reason: expect.stringMatching(/requests\/s for .* s, no 429, 5xx or timeout.*shortened to 2 s by SCIM_CHECK_SUITE_RATE_SECONDS; the program asks for 60 s/) })
    expect(r.step('scim.client-credentials')).toMatchObject({ status: 'skip', reason: expect.stringMatching(/--auth oauth-client-credentials/) })
  })

  it('entra-gallery: a no-match filter answered 404 fails the zero-results step (and the run)', async () => {
    const r = await suiteRun(['--builtin', '--suite', 'entra-gallery', '--fault', 'filter-no-match-404'], SHORT)
    expect(r.code).toBe(1)
    const step = r.step('scim.no-match-empty')
    expect(step.status).toBe('fail')
    expect(step.reason).toMatch(/404/)
    expect(step.evidence.find((e) => e.status === 'fail')).toBeDefined()
    expect(r.report!.suite.verdict).toBe('fail')
    // The delete and discovery requirements do not depend on filters and still pass.
    expect(r.step('scim.schema-discovery').status).toBe('pass')
  })

  it('never green on nothing: a suite run that judged no step is one line and exit 2', async () => {
    const r = await cli(['run', '--builtin', '--suite', 'okta-oin', '--skip-checks', '*'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe('scim-check: nothing was judged for suite okta-oin: every step was skipped or is not checkable offline')
    expect(r.stdout).toBe('')
  })

  it('an unknown suite name is one line and exit 2', async () => {
    const r = await cli(['run', '--builtin', '--suite', 'okta-oim'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/unknown --suite "okta-oim" \(did you mean "okta-oin"\?\); valid: entra-gallery, okta-oin/)
  })

  it('--suite with --idp or --scenario is one line and exit 2', async () => {
    const r = await cli(['run', '--builtin', '--suite', 'okta-oin', '--idp', 'entra'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--suite chooses its own scenarios and profiles/)
  })
})

describe('the rate step loads only a target the user allows', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer({ token: 'suite-token-123', quiet: true })
  })
  afterAll(async () => {
    await server.close()
  })

  it('without --allow-load: skipped with the reason, never passed; with it: judged', async () => {
    const env = { ...SHORT, SCIM_TOKEN: 'suite-token-123' }
    const without = await suiteRun(['--url', server.url, '--suite', 'entra-gallery'], env)
    expect(without.code, without.stderr).toBe(0)
    expect(without.step('scim.rate')).toMatchObject({ status: 'skip', reason: expect.stringMatching(/^not run: needs --allow-load/) })
    const allowed = await suiteRun(['--url', server.url, '--suite', 'entra-gallery', '--allow-load'], env)
    expect(allowed.code, allowed.stderr).toBe(0)
    expect(allowed.step('scim.rate').status).toBe('pass')
  })
})

describe('every reporter maps the verdicts to the suite steps', () => {
  it('pretty, markdown, html and junit show each step with its status and source; a failed step names its failing result', async () => {
    const { runSuite } = await import('../../src/suites/run.js')
    const { config } = await import('../helpers/run.js')
    const { loadReporter } = await import('../../src/report/index.js')
    process.env.SCIM_CHECK_SUITE_RATE_SECONDS = '1'
    const report = await runSuite(config({ builtinFaults: ['filter-no-match-404'] }), 'entra-gallery').finally(() => delete process.env.SCIM_CHECK_SUITE_RATE_SECONDS)
    const step = report.suite!.steps.find((s) => s.id === 'scim.no-match-empty')!
    expect(step.status).toBe('fail')
    for (const name of ['pretty', 'markdown', 'html', 'junit']) {
      const text = (await loadReporter(name)).render(report, { color: false })
      expect(text, name).toContain('scim.no-match-empty')
      expect(text, name).toContain('app-gallery-user-provisioning-requirements')
      expect(text, name).toMatch(/idp\.test-connection|create\.lookup\.status/)
      expect(text, name).toMatch(/not checkable offline/)
    }
    const junit = (await loadReporter('junit')).render(report, { color: false })
    expect(junit).toMatch(/<testsuite name="suite:entra-gallery\/scim\.no-match-empty" tests="1" failures="1"/)
    expect(junit).toMatch(/<testsuite name="suite:entra-gallery\/isv\.review" tests="1" failures="0" errors="0" skipped="1"/)
  })
})
