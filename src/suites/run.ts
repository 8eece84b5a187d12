import type { RunConfig } from '../config/types.js'
import { UsageError } from '../errors.js'
import type { RunReport } from '../runner/report.js'
import { run, type RunOptions } from '../runner/run.js'
import { builtinScenarios } from '../runner/scenarios.js'
import { holdsSetting, judgeSuite, type JudgeContext } from './judge.js'
import { loadSuite, selectorsOf } from './load.js'
import type { Suite } from './types.js'

/** Shortens every `load` step, for tests only: a suite's paced load lasts the program's full time otherwise. */
export const RATE_SECONDS_ENV = 'SCIM_CHECK_SUITE_RATE_SECONDS'

/**
 * `run --suite <name>`: runs exactly the scenarios the suite's steps name, each under the profile its step names,
 * then the paced load if a step asks for one and the target may be loaded, and judges every step from the results.
 */
export async function runSuite(config: RunConfig, name: string, opts: Omit<RunOptions, 'scenarios' | 'only'> = {}): Promise<RunReport> {
  const scenarios = builtinScenarios()
  const suite = loadSuite(name, undefined, scenarios)
  const plan = planOf(suite, new Set(scenarios.map((s) => s.name)))
  const idps = [...plan.keys()]
  // Under --read-only a suite still runs what reads (discovery, the connection test); its other steps say why not.
  const notRun = new Map<string, string>()
  const chosen = scenarios.filter((s) => {
    if (!idps.some((idp) => plan.get(idp)!.has(s.name))) return false
    if (config.readOnly && s.writes !== false) notRun.set(s.name, `not judged: scenario "${s.name}" writes data and --read-only sends no writes`)
    return !notRun.has(s.name)
  })
  if (chosen.length === 0) throw new UsageError(`--suite ${name} with --read-only: every scenario the suite needs writes data, so nothing would be judged`)
  const report = await run(
    { ...config, idps, scenarios: [] },
    { ...opts, scenarios: chosen, only: (idp, scenario, setting) => [...plan].some(([key, names]) => names.has(scenario) && runOf(key).idp === idp && holdsSetting(idp, setting, runOf(key).setting)) },
  )
  const ctx: JudgeContext = { scenarios: new Set(scenarios.map((s) => s.name)), auth: config.auth?.kind ?? 'bearer', notRun }
  const loadStep = suite.steps.find((s) => s.load)
  if (loadStep?.load) {
    ctx.load = await paced(config, suite, loadStep.load, report, opts.signal, opts.onProgress)
    // The report's duration covers the paced load too, which can be most of the run.
    report.durationMs = Date.now() - Date.parse(report.startedAt)
  }
  report.suite = judgeSuite(suite, report.results, ctx)
  return report
}

/** A plan key is an --idp spec: the profile, or `<profile>:<setting>` where a step needs options. */
const runOf = (key: string) => {
  const i = key.indexOf(':')
  return i < 0 ? { idp: key, setting: undefined } : { idp: key.slice(0, i), setting: key.slice(i + 1) }
}

/** --idp spec → the scenarios its steps name (the suite's own profile first, so it leads the report). */
function planOf(suite: Suite, available: ReadonlySet<string>): Map<string, Set<string>> {
  const plan = new Map<string, Set<string>>([[suite.profile, new Set()]])
  for (const step of suite.steps) {
    for (const { selector } of selectorsOf(step)) {
      if (!available.has(selector.scenario)) continue
      const key = selector.setting ? `${selector.idp}:${selector.setting}` : selector.idp
      if (!plan.has(key)) plan.set(key, new Set())
      plan.get(key)!.add(selector.scenario)
    }
  }
  for (const [idp, names] of plan) if (!names.size) plan.delete(idp)
  return plan
}

async function paced(config: RunConfig, suite: Suite, want: { rate: number; seconds: number }, report: RunReport, signal?: AbortSignal, onProgress?: RunOptions['onProgress']): Promise<JudgeContext['load']> {
  // Hundreds of writes at a sustained rate: only against a target the user said may take it. The built-in server
  // is the run's own, in-process.
  if (!config.builtin && !config.allowLoad) return { skipped: 'not run: needs --allow-load (it sends hundreds of writes at a sustained rate to your endpoint)' }
  if (config.readOnly) return { skipped: 'not run: --read-only sends no writes' }
  if (signal?.aborted || report.incomplete) return { skipped: 'not run: the run was interrupted' }
  const override = Number(process.env[RATE_SECONDS_ENV])
  const seconds = Number.isFinite(override) && override > 0 ? override : want.seconds
  // Entra sends a lookup and a create per user; enough users that the paced send lasts at least `seconds`.
  const users = Math.ceil((want.rate * seconds) / 2)
  const { load } = await import('../load/load.js')
  // A minute with no request of the run's own to show: say what is happening.
  onProgress?.({ idp: suite.profile, scenario: `paced load, ${want.rate} requests/s for ${seconds} s`, index: 1, total: 1 })
  const loaded = await load({ ...config, idps: [suite.profile], reporters: [] }, { users, rate: want.rate, groups: 1, groupSize: Math.min(users, 50) }, { signal })
  // Shortened for a test: the verdict says so, never passing as the program's full requirement.
  const note = seconds !== want.seconds ? `shortened to ${seconds} s by ${RATE_SECONDS_ENV}; the program asks for ${want.seconds} s` : undefined
  return { section: loaded.load, results: loaded.results, seconds, note }
}
