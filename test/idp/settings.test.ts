/**
 * Settings (`--idp okta:all`): which profile runs a `--idp` list stands for, derived from each option's values (never
 * from a list of profiles here), how they are labelled, and how baselines and --compare key the results they produce.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { expandRuns, resolveAliases, settingLabel } from '../../src/idp/settings.js'
import { PROFILES } from '../../src/idp/registry.js'
import type { IdpProfile, ProfileOption } from '../../src/idp/types.js'
import { applyBaseline, baselineFromReport } from '../../src/result/baseline.js'
import { diffReports } from '../../src/result/diff.js'
import { runLabel, type Result } from '../../src/result/types.js'
import { UsageError } from '../../src/errors.js'

/** What `:all` should vary for a profile, computed from its options as documented: values, or true/false. */
function expectedCount(p: IdpProfile, pinned: string[] = []): number {
  return p.options
    .filter((o) => !pinned.includes(o.name))
    .reduce((n, o: ProfileOption) => n * (o.values?.length ?? (typeof o.default === 'boolean' ? 2 : 1)), 1)
}

const usage = (spec: string[], pinned = {}) => {
  try {
    expandRuns(spec, pinned)
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError)
    const msg = (err as Error).message
    expect(msg).not.toContain('\n')
    return msg
  }
  throw new Error(`expandRuns(${JSON.stringify(spec)}) did not fail`)
}

describe('expanding --idp into profile runs', () => {
  const saved = PROFILES.okta.settings
  // These tests derive :all from the options alone; Okta's own documented combinations are tested on their own below.
  beforeEach(() => {
    PROFILES.okta.settings = undefined
  })
  afterEach(() => {
    PROFILES.okta.settings = saved
  })

  it("okta:all runs Okta's documented settings: OIN and AIW with and without Push Groups, and OIN with 'Support PATCH for User'", () => {
    PROFILES.okta.settings = saved
    const runs = expandRuns(['okta:all'])
    expect(runs.map((r) => [r.options.app, r.options.groupPush, r.options.patchUsers])).toEqual(expect.arrayContaining([['aiw', false, false], ['oin', true, true]]))
    expect(runs).toHaveLength(5)
    expect(runs.some((r) => r.options.app === 'aiw' && r.options.patchUsers === true)).toBe(false)
  })

  it('a plain name is one run with no setting, so results of runs without settings keep their keys', () => {
    expect(expandRuns(['okta'])).toEqual([{ idp: 'okta', options: {} }])
    expect(expandRuns(['all']).map((r) => r.idp)).toEqual(Object.keys(PROFILES))
    expect(expandRuns(['all']).every((r) => r.setting === undefined)).toBe(true)
  })

  it('okta:all is the cross product of every enumerated option, defaults first, in the profile\'s order', () => {
    const runs = expandRuns(['okta:all'])
    expect(runs).toHaveLength(expectedCount(PROFILES.okta))
    // The first run is the default setting; every label names every enumerated option.
    expect(runs[0].setting).toBe(settingLabel(PROFILES.okta, {}))
    expect(runs[0].setting).toMatch(/^app=oin, groupPush=true/)
    for (const r of runs) expect(r.setting).toBe(settingLabel(PROFILES.okta, r.options))
    expect(new Set(runs.map(runLabel)).size).toBe(runs.length)
    expect(runs.map(runLabel)).toContain(`okta (${settingLabel(PROFILES.okta, { app: 'aiw', groupPush: false })})`)
  })

  it('every profile: :all derives its settings from the options alone (free strings stay at their default)', () => {
    for (const p of Object.values(PROFILES)) {
      const runs = expandRuns([`${p.name}:all`])
      expect(runs.length, p.name).toBe(expectedCount(p, p.options.filter((o) => !o.values && typeof o.default !== 'boolean').map((o) => o.name)))
      for (const r of runs) for (const o of p.options.filter((x) => !x.values && typeof x.default !== 'boolean')) expect(r.options[o.name], `${p.name}.${o.name}`).toBeUndefined()
    }
    expect(expandRuns(['all:all'])).toHaveLength(Object.values(PROFILES).reduce((n, p) => n + expandRuns([`${p.name}:all`]).length, 0))
  })

  it('booleans are what the profiles read (true/false), and booleans without values are settings too', () => {
    const runs = expandRuns(['jumpcloud:all'])
    expect(runs.map((r) => r.options.groupManagement)).toEqual(expect.arrayContaining([true, false]))
    expect(expandRuns(['okta:all']).map((r) => r.options.groupPush)).toEqual(expect.arrayContaining([true, false]))
  })

  it('one setting, several options, one option varied, and options pinned by --idp-option', () => {
    const one = expandRuns(['okta:app=aiw,groupPush=false'])
    expect(one).toHaveLength(1)
    expect(one[0].options).toMatchObject({ app: 'aiw', groupPush: false })
    expect(one[0].setting).toMatch(/^app=aiw, groupPush=false/)
    // The comma continues the setting only while the piece is option=value.
    expect(expandRuns(['okta:app=aiw,entra']).map(runLabel)).toEqual([`okta (${settingLabel(PROFILES.okta, { app: 'aiw' })})`, 'entra'])
    expect(expandRuns(['okta:app=all']).map((r) => r.options.app)).toEqual(['oin', 'aiw'])
    const pinned = expandRuns(['okta:all'], { okta: { app: 'aiw' } })
    expect(pinned).toHaveLength(expectedCount(PROFILES.okta, ['app']))
    expect(pinned.every((r) => r.options.app === 'aiw' && r.setting!.startsWith('app=aiw'))).toBe(true)
  })

  it('no setting runs twice, and a profile named with settings anywhere is labelled everywhere', () => {
    const runs = expandRuns(['okta,okta:all,okta:app=oin'])
    expect(runs).toHaveLength(expectedCount(PROFILES.okta))
    expect(runs.every((r) => r.setting)).toBe(true)
  })

  it('a profile can limit :all to its documented combinations; the options a combination leaves out keep their default', () => {
    PROFILES.okta.settings = [{ app: 'oin' }, { app: 'aiw', groupPush: false }]
    const runs = expandRuns(['okta:all'])
    expect(runs.map((r) => [r.options.app, r.options.groupPush])).toEqual([['oin', true], ['aiw', false]])
    // One setting named outright is still allowed: the list says what :all means, not what may be asked for.
    expect(expandRuns(['okta:app=aiw,groupPush=true'])).toHaveLength(1)
    expect(expandRuns(['okta:app=all']).map((r) => r.options.app)).toEqual(['oin'])
    expect(expandRuns(['okta:app=all,groupPush=false']).map((r) => r.options.app)).toEqual(['aiw'])
    PROFILES.okta.settings = [{ app: 'aiw' }]
    expect(usage(['okta:app=all,groupPush=false'])).toMatch(/none of okta's documented settings has groupPush=false/)
  })

  it("an option's older spelling is the option it stands for: entra.aadOptscim062020=true pins patchFlag, and a conflict is one line", () => {
    const runs = expandRuns(['entra:all'], resolveAliases({ entra: { aadOptscim062020: true } }))
    expect(runs.length).toBeGreaterThan(1)
    expect(runs.every((r) => r.options.patchFlag === 'aadOptscim062020' && r.setting!.startsWith('patchFlag=aadOptscim062020'))).toBe(true)
    expect(resolveAliases({ entra: { aadOptscim062020: 'false', matchingAttribute: 'emails' } })).toEqual({ entra: { matchingAttribute: 'emails' } })
    expect(() => resolveAliases({ entra: { aadOptscim062020: true, patchFlag: 'AzureAdScimPatch2017' } })).toThrow(/^entra\.aadOptscim062020=true means entra\.patchFlag=aadOptscim062020, but entra\.patchFlag is also given as AzureAdScimPatch2017; choose one$/)
  })

  it('bad specs are one line naming what was wrong', () => {
    expect(usage(['okta:bogus'])).toMatch(/^--idp okta:bogus: okta has no option "bogus"; write okta:all for every setting, or okta:<option>=<value> with option one of app, groupPush/)
    expect(usage(['okta:app'])).toMatch(/^--idp okta:app: give app a value, e\.g\. okta:app=oin/)
    expect(usage(['okta:app=xyz'])).toBe('--idp okta:app=xyz: okta.app must be one of oin, aiw, or all (got "xyz")')
    expect(usage(['okta:app=aiw,bogus=1'])).toMatch(/^--idp okta:app=aiw,bogus=1: okta has no option "bogus"; valid: app, groupPush/)
    expect(usage(['groupPush=false'])).toMatch(/an option needs its profile first/)
    expect(usage(['all:app=aiw'])).toMatch(/all takes only :all/)
    expect(usage(['ping:filterExpression=x'])).toMatch(/takes any text, so it is not a setting; give it with --idp-option ping\.filterExpression=/)
    expect(usage(['okta:app=oin'], { okta: { app: 'aiw' } })).toMatch(/okta\.app is also given as aiw/)
    expect(usage(['nope:all'])).toMatch(/unknown --idp "nope"/)
    expect(usage(['okta:'])).toMatch(/nothing after the colon; write okta:all/)
    // A profile with nothing to vary still has what its spec names checked.
    expect(usage(['generic:foo=bar'])).toMatch(/generic has no option "foo"; valid: \(none\)/)
    expect(expandRuns(['generic:all'])).toEqual([{ idp: 'generic', options: {} }])
  })
})

describe('results under settings: baselines and --compare', () => {
  const finding = (over: Partial<Result>): Result => ({ id: 'group-sync.remove-member.status', title: 't', source: { rfc: 7644, section: '3.5.2' }, level: 'MUST', status: 'fail', scenario: 'group-sync', idp: 'okta', message: 'm', ...over })

  it('a baseline entry\'s setting is a subset of option=value pairs; without one it accepts every setting', () => {
    const rs = [finding({ setting: 'app=oin, groupPush=true' }), finding({ setting: 'app=aiw, groupPush=true' }), finding({})]
    const out = applyBaseline(rs, [{ check: rs[0].id, idp: 'okta', setting: 'app=oin', reason: 'known' }], 'b.yaml')
    expect(out.accepted).toBe(1)
    expect(rs.map((r) => r.status)).toEqual(['info', 'fail', 'fail'])
    const all = [finding({ setting: 'app=oin, groupPush=true' }), finding({})]
    expect(applyBaseline(all, [{ check: all[0].id, idp: 'okta', reason: 'known' }], 'b.yaml').accepted).toBe(2)
  })

  it('baseline write keeps each finding\'s whole setting, and writes none for runs without settings', () => {
    const text = baselineFromReport({ results: [finding({ setting: 'app=aiw, groupPush=true' }), finding({ setting: 'app=aiw, groupPush=true', step: 'other' }), finding({ idp: 'entra' })] }, 'known')
    expect(text).toContain('setting: app=aiw, groupPush=true')
    expect(text.match(/check: /g)).toHaveLength(2)
    expect(text.match(/setting: /g)).toHaveLength(1)
  })

  it('--compare tells settings apart, and runs without settings compare as before', () => {
    const before = { results: [finding({ setting: 'app=oin, groupPush=true' })] }
    const after = { results: [finding({ setting: 'app=aiw, groupPush=true' })] }
    const d = diffReports(before, after)
    expect([d.fixed.length, d.new.length]).toEqual([1, 1])
    const plain = diffReports({ results: [finding({})] }, { results: [finding({ message: 'other' })] })
    expect([plain.fixed.length, plain.new.length, plain.changed.length]).toEqual([0, 0, 1])
  })
})
