/**
 * `--idp okta:all` through the real CLI: every report shows the IdP × setting × scenario matrix, and a built-in
 * fault that breaks one setting only (patch-filter-path-rejected: Okta OIN apps remove a member with
 * `members[value eq "…"]`, AIW apps PUT the whole list, and without Push Groups nothing is sent) shows as one red
 * cell while the other settings stay green. A run without settings keeps its old shape.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { afterAll, describe, expect, it } from 'vitest'
import schema from '../../src/report/report.schema.json' with { type: 'json' }
import { cli } from '../helpers/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'scim-check-settings-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const at = (f: string) => join(dir, f)

const OIN_PUSH = /^okta \(app=oin, groupPush=true\b/
const AIW_PUSH = /^okta \(app=aiw, groupPush=true\b/

describe('--idp okta:all', () => {
  it('prints the setting matrix in every report; a fault that breaks OIN group pushes fails that setting only', async () => {
    const files = { json: at('r.json'), md: at('r.md'), html: at('r.html'), xml: at('r.xml') }
    const r = await cli(
      ['run', '--builtin', '--idp', 'okta:all', '--scenario', 'group-sync', '--scenario', 'create', '--fault', 'patch-filter-path-rejected',
        '--reporter', 'pretty', '--reporter', `json=${files.json}`, '--reporter', `markdown=${files.md}`, '--reporter', `html=${files.html}`, '--reporter', `junit=${files.xml}`],
      { timeoutMs: 60_000 },
    )
    // Exit semantics unchanged: a failure under any setting fails the run.
    expect(r.code, r.stderr).toBe(1)

    const doc = JSON.parse(readFileSync(files.json, 'utf8'))
    const validate = new Ajv({ allErrors: true, strict: true })
    addFormats.default(validate)
    const ok = validate.validate(schema, doc)
    expect(ok, JSON.stringify(validate.errors, null, 2)).toBe(true)
    expect(doc.idps).toEqual(['okta'])
    const labels: string[] = doc.settings.map((s: { label: string }) => s.label)
    expect(labels.length).toBeGreaterThanOrEqual(4)
    expect(doc.matrix.idps).toEqual(labels)
    const oin = labels.find((l) => OIN_PUSH.test(l))!
    const aiw = labels.find((l) => AIW_PUSH.test(l))!
    const noPush = labels.filter((l) => /groupPush=false/.test(l))
    // The cell difference the fault causes: red under OIN with Push Groups, green under AIW, nothing pushed without.
    expect(doc.matrix.cells['group-sync'][oin]).toBe('fail')
    expect(doc.matrix.cells['group-sync'][aiw]).toBe('pass')
    for (const l of noPush) expect(doc.matrix.counts['group-sync'][l].fail ?? 0).toBe(0)
    for (const l of labels) expect(doc.matrix.cells.create[l]).toBe('pass')
    expect(doc.matrix.counts['group-sync'][oin].fail).toBeGreaterThan(0)
    expect(doc.compliance.idps[oin]).toMatchObject({ compatible: false })
    expect(doc.compliance.idps[aiw]).toEqual({ compatible: true, failures: 0 })
    const failed = doc.results.filter((x: { status: string }) => x.status === 'fail')
    expect(failed.length).toBeGreaterThan(0)
    // Every OIN setting with Push Groups sends the member remove the fault refuses ("Support PATCH for User" changes only user updates).
    expect(failed.every((x: { idp: string; setting: string }) => x.idp === 'okta' && OIN_PUSH.test(`okta (${x.setting})`))).toBe(true)
    expect(failed.some((x: { setting: string }) => `okta (${x.setting})` === oin)).toBe(true)

    // pretty: one table for okta, a column per setting headed by its options, counts in the cells.
    expect(r.stdout).toContain('okta: scenario × setting')
    const rows = r.stdout.split('\n')
    const head = rows.filter((l) => l.startsWith('│ ') && !/✓|✗/.test(l)).map((l) => l.split('│').map((c) => c.trim()))
    expect(head[0].slice(1, 7)).toEqual(['Scenario', 'app=oin', 'app=oin', 'app=oin', 'app=aiw', 'app=aiw'])
    expect(head[1].slice(2, 7)).toEqual(['groupPush=true', 'groupPush=true', 'groupPush=false', 'groupPush=true', 'groupPush=false'])
    const sync = rows.find((l) => l.startsWith('│ group-sync'))!.split('│').map((c) => c.trim())
    expect(sync[2]).toMatch(/^✗ \d+\/\d+$/)
    expect(sync[5]).toMatch(/^✓ \d+$/)
    expect(r.stdout).toMatch(/Compatible:\n {2}okta \(app=oin, groupPush=true[^)]*\) no \(\d+\)\n/)
    expect(r.stdout).toMatch(/\n {2}okta \(app=aiw, groupPush=true[^)]*\) yes\n/)
    expect(r.stdout).toMatch(/✗ group-sync\.remove-member\.status .* okta \(app=oin, groupPush=true[^)]*\)\/group-sync/)

    const md = readFileSync(files.md, 'utf8')
    expect(md).toContain('### Setting matrix (IdP × setting × scenario)')
    expect(md).toMatch(/\| Scenario \| app=oin<br>groupPush=true[^|]* \| (app=oin<br>groupPush=true[^|]* \| )*app=oin<br>groupPush=false/)
    expect(md).toMatch(/\| group-sync \| ❌ fail \d+\/\d+ \| .* \| ✅ pass \d+ \|/)

    const html = readFileSync(files.html, 'utf8')
    expect(html).toContain('Setting matrix (IdP × setting × scenario)')
    expect(html).toContain('<th scope="colgroup" colspan="')
    expect(html).toContain(`data-idp="${oin.replace(/"/g, '&quot;')}"`)

    const xml = readFileSync(files.xml, 'utf8')
    expect(xml).toMatch(/<testsuite name="okta \(app=oin, groupPush=true[^"]*\)\/group-sync"[^>]*failures="[1-9]/)
    expect(xml).toMatch(/<property name="setting" value="app=aiw, groupPush=true/)
    expect(xml).toMatch(/classname="scim-check\.okta\[app=oin,groupPush=true[^\]]*\]\.group-sync"/)
  }, 90_000)

  it('a run without settings keeps its shape: no setting on results, no settings list, the plain matrix', async () => {
    const json = at('plain.json')
    const r = await cli(['run', '--builtin', '--idp', 'okta', '--scenario', 'create', '--reporter', 'pretty', '--reporter', `json=${json}`], { timeoutMs: 60_000 })
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(readFileSync(json, 'utf8'))
    expect(doc).not.toHaveProperty('settings')
    expect(doc.results.some((x: object) => 'setting' in x)).toBe(false)
    expect(doc.matrix.idps).toEqual(['okta'])
    expect(Object.keys(doc.compliance.idps)).toEqual(['okta'])
    expect(r.stdout).not.toContain('scenario × setting')
  }, 60_000)

  it('list idps names each profile\'s settings, as text and as data', async () => {
    const text = await cli(['list', 'idps'])
    expect(text.stdout).toMatch(/^settings: --idp okta:all runs \d+: app=oin, groupPush=true/m)
    const data = JSON.parse((await cli(['list', 'idps', '--json'])).stdout) as { name: string; settings: string[] }[]
    expect(data.find((p) => p.name === 'generic')!.settings).toEqual([])
    expect(data.find((p) => p.name === 'okta')!.settings).toEqual(expect.arrayContaining([expect.stringMatching(/^app=aiw, groupPush=false/)]))
  })

  it('scim-check.yaml takes settings too; its idpOptions pin an option, and a bad setting points into the file', async () => {
    const cwd = at('config')
    mkdirSync(cwd)
    writeFileSync(join(cwd, 'scim-check.yaml'), 'idp: [okta:all]\nidpOptions:\n  okta: { app: aiw }\nreporters: [json=r.json]\n')
    const r = await cli(['run', '--builtin', '--scenario', 'create'], { cwd, timeoutMs: 60_000 })
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8'))
    expect(doc.settings.length).toBeGreaterThanOrEqual(2)
    expect(doc.settings.every((s: { setting: string }) => s.setting.startsWith('app=aiw, '))).toBe(true)
    writeFileSync(join(cwd, 'scim-check.yaml'), 'idp: okta:app=aiw,bogus=1\n')
    const bad = await cli(['run', '--builtin'], { cwd })
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toMatch(/^scim-check: scim-check\.yaml:1:\d+: idp: okta:app=aiw,bogus=1: okta has no option "bogus"/)
  }, 60_000)

  it('a bad setting is one line and exit 2, before any request', async () => {
    const r = await cli(['run', '--builtin', '--idp', 'okta:bogus'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/--idp okta:bogus: okta has no option "bogus"; write okta:all/)
    expect(r.stdout).toBe('')
  })
})
