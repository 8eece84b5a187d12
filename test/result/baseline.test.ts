/**
 * Living with known failures, through the real CLI: a baseline makes a failing run pass with each accepted finding
 * shown, an entry that stops matching is stale (and fails with --strict-baseline), and `diff` names what was fixed.
 * `--checks`/`--skip-checks` choose what runs and refuse a pattern that selects nothing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cli } from '../helpers/cli.js'
import { runBuiltin } from '../helpers/run.js'

const dir = mkdtempSync(join(tmpdir(), 'scim-check-baseline-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const at = (f: string) => join(dir, f)

describe('baselines', () => {
  it('accepts known findings, reports stale entries, and diffs two reports', async () => {
    const red = await cli(['run', '--builtin', '--fault', 'no-409', '--scenario', 'create', '--reporter', 'pretty', '--reporter', `json=${at('before.json')}`])
    expect(red.code).toBe(1)
    const written = await cli(['baseline', 'write', at('before.json'), '--output', at('baseline.yaml'), '--reason', 'duplicates tolerated until the unique index ships'])
    expect(written.code).toBe(0)
    expect(readFileSync(at('baseline.yaml'), 'utf8')).toContain('check: create.duplicate.status')

    const accepted = await cli(['run', '--builtin', '--fault', 'no-409', '--scenario', 'create', '--baseline', at('baseline.yaml')])
    expect(accepted.code).toBe(0)
    expect(accepted.stdout).toMatch(/create\.duplicate\.status.*accepted in the baseline: duplicates tolerated/)
    // Accepted for the build, still not compliant.
    expect(accepted.stdout).toContain('compliant at MUST: no')

    const fixed = await cli(['run', '--builtin', '--scenario', 'create', '--baseline', at('baseline.yaml'), '--reporter', 'pretty', '--reporter', `json=${at('after.json')}`])
    expect(fixed.code).toBe(0)
    expect(fixed.stdout).toMatch(/baseline entry create\.duplicate\.status \(generic\/create\) is stale/)
    const strict = await cli(['run', '--builtin', '--scenario', 'create', '--baseline', at('baseline.yaml'), '--strict-baseline'])
    expect(strict.code).toBe(1)

    const diff = await cli(['diff', at('before.json'), at('after.json')])
    expect(diff.code).toBe(0)
    expect(diff.stdout).toMatch(/^Fixed \(1\)\n {2}fail {2}create\.duplicate\.status/m)
    expect(diff.stdout).toContain('New (0)')
    const back = await cli(['diff', at('after.json'), at('before.json')])
    expect(back.code).toBe(1)
  }, 90_000)

  it('an expired entry no longer accepts; a broken file names its line', async () => {
    writeFileSync(at('old.yaml'), 'accepted:\n  - check: create.duplicate.status\n    reason: was fine\n    expires: 2020-01-01\n')
    const r = await cli(['run', '--builtin', '--fault', 'no-409', '--scenario', 'create', '--baseline', at('old.yaml')])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/baseline entry create\.duplicate\.status expired on 2020-01-01/)
    writeFileSync(at('bad.yaml'), 'accepted:\n  - check: create.duplicate.status\n')
    const bad = await cli(['run', '--builtin', '--baseline', at('bad.yaml')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/bad\.yaml:2:\d+.*needs `reason:`/)
  }, 60_000)
})

describe('--checks and --skip-checks', () => {
  it('keeps only the selected checks, by area, glob or RFC section', async () => {
    const byArea = await runBuiltin({ scenarios: ['create'], checks: ['create'] })
    expect(byArea.results.length).toBeGreaterThan(0)
    expect(byArea.results.every((r) => r.id.startsWith('create.'))).toBe(true)
    const bySection = await runBuiltin({ scenarios: ['create'], checks: ['7644§3.3'] })
    expect(bySection.results.length).toBeGreaterThan(0)
    expect(bySection.results.every((r) => 'rfc' in r.source && r.source.rfc === 7644 && /^§?3\.3\b/.test(r.source.section))).toBe(true)
    const skipped = await runBuiltin({ scenarios: ['create'], skipChecks: ['media.*', 'resource'] })
    expect(skipped.results.some((r) => r.id.startsWith('media.') || r.id.startsWith('resource.'))).toBe(false)
    expect(skipped.results.length).toBeGreaterThan(0)
  })

  it('refuses a pattern that selects nothing, before any request', async () => {
    const r = await cli(['run', '--url', 'http://127.0.0.1:9/scim/v2', '--token', 'x', '--checks', 'pach.*'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--checks "pach\.\*" matches no check/)
  })
})

describe('--compare', () => {
  it('says what was fixed and what is new since an earlier JSON report, in every reporter, and the JSON stays schema-valid', async () => {
    const before = at('cmp-before.json')
    expect((await cli(['run', '--builtin', '--fault', 'no-409', '--scenario', 'create', '--reporter', `json=${before}`])).code).toBe(1)
    const after = await cli(['run', '--builtin', '--fault', 'no-409', '--scenario', 'create', '--baseline', at('baseline.yaml'), '--compare', before, '--reporter', 'pretty', '--reporter', `json=${at('cmp-after.json')}`, '--reporter', `html=${at('cmp.html')}`, '--reporter', `markdown=${at('cmp.md')}`])
    expect(after.stdout).toMatch(/Since .*cmp-before\.json: 1 fixed, 0 new, 0 changed/)
    expect(readFileSync(at('cmp.md'), 'utf8')).toMatch(/\*\*Since .*cmp-before\.json: 1 fixed, 0 new, 0 changed\*\*/)
    expect(readFileSync(at('cmp.html'), 'utf8')).toContain('id="comparison"')
    const doc = JSON.parse(readFileSync(at('cmp-after.json'), 'utf8'))
    expect(doc.comparison.fixed.map((r: { id: string }) => r.id)).toEqual(['create.duplicate.status'])
    expect(doc.baseline.accepted).toBe(1)
    const { default: Ajv } = await import('ajv')
    const { default: addFormats } = await import('ajv-formats')
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    const schema = JSON.parse(readFileSync(new URL('../../src/report/report.schema.json', import.meta.url), 'utf8'))
    expect(ajv.validate(schema, doc), ajv.errorsText()).toBe(true)
    const missing = await cli(['run', '--url', 'http://127.0.0.1:9/scim/v2', '--token', 'x', '--compare', at('nope.json')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/nope\.json: not a readable JSON report/)
  }, 90_000)
})
