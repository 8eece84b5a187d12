import type { Result } from '../result/types.js'
import { getProfile } from '../idp/registry.js'
import { settingLabel } from '../idp/settings.js'
import type { LoadSection } from '../load/load.js'
import type { Selector, Suite, SuiteEvidence, SuiteSection, SuiteStatus, SuiteStep, SuiteStepResult } from './types.js'

/**
 * Pure: a suite and a run's results in, the suite section out. Every step's verdict follows from the results that
 * stand for it (never from the step's intention): a failed result fails it, results that were all skipped leave it
 * not judged, traffic not built yet leaves it "not yet exercised", and nothing is ever a pass on nothing.
 */

export interface JudgeContext {
  /** Scenario names this build has; a pending selector naming another is not yet exercised. */
  scenarios: ReadonlySet<string>
  /** Scenarios the suite names but did not run, with the reason (e.g. --read-only). */
  notRun?: ReadonlyMap<string, string>
  /** How the run authenticated ('bearer' when not said). */
  auth: string
  /** The paced load's outcome for a `load` step, or why it did not run. */
  load?: { section: LoadSection; results: Result[]; seconds: number; note?: string } | { skipped: string }
}

type Verdict = { status: 'pass' | 'warn' | 'fail' | 'skip'; reason?: string; pending?: boolean }

const JUDGED = new Set(['pass', 'fail', 'warn'])
const EVIDENCE_CAP = 40

export function judgeSuite(suite: Suite, results: readonly Result[], ctx: JudgeContext): SuiteSection {
  const steps = suite.steps.map((step) => judgeStep(step, results, ctx))
  const counts: SuiteSection['counts'] = { pass: 0, fail: 0, warn: 0, skip: 0, 'not-checkable': 0 }
  for (const s of steps) counts[s.status]++
  const judged = counts.pass + counts.fail + counts.warn
  const requiredOpen = steps.some((s) => s.level === 'required' && (s.status === 'skip' || s.status === 'not-checkable'))
  const verdict: SuiteSection['verdict'] = counts.fail ? 'fail' : judged === 0 ? 'empty' : requiredOpen || counts.skip ? 'incomplete' : 'pass'
  return { name: suite.name, title: suite.title, profile: suite.profile, verdict, counts, steps }
}

function judgeStep(step: SuiteStep, results: readonly Result[], ctx: JudgeContext): SuiteStepResult {
  const level = step.level ?? 'required'
  const base = { id: step.id, part: step.part, title: step.title, quote: step.quote, url: step.url, level, note: step.note, mapsTo: mapsTo(step) }
  if (step.offline) return { ...base, status: 'not-checkable', reason: `not checkable offline: ${step.offline}`, evidence: [] }
  if (step.load) return { ...base, ...judgeLoad(step.load, ctx.load) }
  if (step.auth && ctx.auth !== step.auth) {
    return { ...base, status: 'skip', reason: `not judged: the run authenticated with ${ctx.auth}; run with --auth ${step.auth} to judge this step`, evidence: [] }
  }
  const alternatives = step.anyOf ?? [step.evidence ?? []]
  const judged = alternatives.map((alt) => judgeAll(alt, results, ctx))
  const best = judged.find((v) => v.verdict.status === 'pass') ?? judged.find((v) => v.verdict.status === 'warn')
  // With alternatives, one that holds is enough; otherwise a failing one explains the step, else the first reason.
  const chosen = best ?? judged.find((v) => v.verdict.status === 'fail') ?? judged[0]
  let { status, reason } = chosen.verdict
  if (status === 'fail' && level === 'recommended') {
    status = 'warn'
    reason = `recommended, not required: ${reason}`
  }
  return { ...base, status, reason, evidence: cap(judged.flatMap((j) => j.evidence)) }
}

/** Every selector must hold: a failure anywhere fails it; anything not judged leaves it not judged. */
function judgeAll(selectors: Selector[], results: readonly Result[], ctx: JudgeContext): { verdict: Verdict; evidence: SuiteEvidence[] } {
  const evidence: SuiteEvidence[] = []
  const verdicts = selectors.map((sel) => {
    if (sel.pending && !ctx.scenarios.has(sel.scenario)) {
      return { status: 'skip', pending: true, reason: `not yet exercised: scenario "${sel.scenario}" under ${sel.idp}${sel.setting ? ` (${sel.setting})` : ''} is not in this build` } as Verdict
    }
    const why = ctx.notRun?.get(sel.scenario)
    if (why) return { status: 'skip', reason: why } as Verdict
    const mine = results.filter((r) => matches(r, sel))
    evidence.push(...mine.map(evidenceOf))
    return verdictOf(mine, sel)
  })
  const fail = verdicts.find((v) => v.status === 'fail')
  if (fail) return { verdict: fail, evidence }
  const open = verdicts.find((v) => v.pending) ?? verdicts.find((v) => v.status === 'skip')
  if (open) return { verdict: open, evidence }
  return { verdict: verdicts.find((v) => v.status === 'warn') ?? { status: 'pass' }, evidence }
}

function verdictOf(mine: Result[], sel: Selector): Verdict {
  const where = `${sel.idp}: ${sel.scenario}${sel.step ? `/${sel.step}` : ''}`
  if (mine.length === 0) return { status: 'skip', reason: `not judged: ${where} produced no result` }
  const bad = mine.find((r) => r.status === 'fail' || r.status === 'error')
  if (bad) return { status: 'fail', reason: `${bad.id} (${where}): ${bad.message}` }
  // An expected id that never appeared is not judged, even when the step's other results passed.
  const missing = sel.checks?.find((id) => !mine.some((r) => r.id === id && JUDGED.has(r.status)))
  if (missing) {
    const skipped = mine.find((r) => r.id === missing)
    return { status: 'skip', reason: `not judged: ${missing} (${where}) ${skipped ? `was skipped: ${skipped.reason ?? skipped.message}` : 'produced no result'}` }
  }
  if (!mine.some((r) => JUDGED.has(r.status))) {
    const skipped = mine.find((r) => r.reason) ?? mine[0]
    return { status: 'skip', reason: `not judged: every result of ${where} was skipped (${skipped.reason ?? skipped.message})` }
  }
  const warn = mine.find((r) => r.status === 'warn')
  return warn ? { status: 'warn', reason: `${warn.id} (${where}): ${warn.message}` } : { status: 'pass' }
}

/**
 * Does a run's setting ("app=aiw, groupPush=true, …", or none for the profile's defaults) hold the options a selector
 * asks for? A selector without a setting takes only the default run (labelled with the defaults when the suite also
 * runs another setting of the profile), so an AIW run never stands in for an OIN step.
 */
export function holdsSetting(idp: string, setting: string | undefined, want: string | undefined): boolean {
  if (!want) return setting === undefined || setting === settingLabel(getProfile(idp), {})
  if (!setting) return false
  const have = new Set(setting.split(',').map((p) => p.trim()))
  return want.split(',').every((p) => have.has(p.trim()))
}

function matches(r: Result, sel: Selector): boolean {
  if (r.idp !== sel.idp || r.scenario !== sel.scenario || !holdsSetting(r.idp, r.setting, sel.setting)) return false
  if (sel.step !== undefined && r.step !== sel.step) return false
  return !sel.checks || sel.checks.includes(r.id)
}

function evidenceOf(r: Result): SuiteEvidence {
  return { id: r.id, idp: r.idp, scenario: r.scenario, step: r.step, status: r.status, message: r.message }
}

/** Failures first, then the rest, so a capped list still shows why a step failed. */
function cap(list: SuiteEvidence[]): SuiteEvidence[] {
  const rank = (e: SuiteEvidence) => (e.status === 'fail' || e.status === 'error' ? 0 : e.status === 'warn' ? 1 : 2)
  return [...list].sort((a, b) => rank(a) - rank(b)).slice(0, EVIDENCE_CAP)
}

/**
 * The paced load: the endpoint kept up when, over the whole send phase, it took at least 95% of the rate (the pacer
 * never sends faster than the rate), for the whole duration, with no throttling, server error or timeout, and the
 * end state read back as sent.
 */
function judgeLoad(want: { rate: number; seconds: number }, outcome: JudgeContext['load']): Pick<SuiteStepResult, 'status' | 'reason' | 'evidence'> {
  if (!outcome) return { status: 'skip', reason: 'not run', evidence: [] }
  if ('skipped' in outcome) return { status: 'skip', reason: outcome.skipped, evidence: [] }
  const { section, results } = outcome
  const need = outcome.seconds
  const noted = (text: string) => (outcome.note ? `${text} (${outcome.note})` : text)
  const evidence = cap(results.map(evidenceOf))
  const sendMs = section.phases.filter((p) => p.name !== 'verify').reduce((a, p) => a + p.ms, 0)
  const seconds = Math.round(sendMs / 100) / 10
  const errors = Object.entries(section.errors)
  const lost = results.find((r) => r.status === 'fail' || r.status === 'error')
  if (errors.length) return { status: 'fail', reason: noted(`${errors.map(([k, n]) => `${n}× ${k}`).join(', ')} during ${seconds} s at ${section.plan.rate} requests/s`), evidence }
  if (lost) return { status: 'fail', reason: `${lost.id}: ${lost.message}`, evidence }
  if (section.throughput < want.rate * 0.95) return { status: 'fail', reason: `the endpoint took ${section.throughput} requests/s, below ${want.rate} (p95 latency kept the pacer from sending faster)`, evidence }
  if (sendMs < need * 1000 * 0.95) return { status: 'skip', reason: noted(`not judged: the load lasted ${seconds} s, less than ${need} s`), evidence }
  return { status: 'pass', reason: noted(`${section.throughput} requests/s for ${seconds} s, no 429, 5xx or timeout, end state as sent`), evidence }
}

/** What a step maps to, in words: for the reports and the README's generated table. */
export function mapsTo(step: SuiteStep): string {
  if (step.offline) return `not checkable offline: ${step.offline}`
  if (step.load) return `scim-check load: the profile's lookups and creates paced at ${step.load.rate} requests/s for ${step.load.seconds} s (needs --allow-load, or --builtin)`
  const sel = (s: Selector) => `${s.idp} ${s.scenario}${s.step ? `/${s.step}` : ''}${s.checks ? ` [${s.checks.join(', ')}]` : ''}${s.pending ? ' (not yet exercised)' : ''}`
  const all = (list: Selector[]) => list.map(sel).join('; ')
  const text = step.anyOf ? step.anyOf.map((alt) => `(${all(alt)})`).join(' or ') : all(step.evidence ?? [])
  return step.auth ? `${text}, when run with --auth ${step.auth}` : text
}

export type { SuiteStatus }
