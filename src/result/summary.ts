import type { Compliance, Matrix, RunReport, Summary } from '../runner/report.js'
import { runLabel, type Result, type Status } from './types.js'
import { breaksRun, worst } from './verdict.js'

/**
 * Counts per status, plus the causality view: a blocked result is a skip that another result explains, so it never
 * counts as a failure; the root causes are counted once each, however many results they block.
 */
export function summarize(results: readonly Result[]): Summary {
  const s: Summary = { total: results.length, passed: 0, failed: 0, warned: 0, skipped: 0, info: 0, errors: 0, blocked: 0, rootCauses: 0 }
  const roots = new Set<string>()
  // A root cause is a finding (fail, warn, error, info); a skip named as the cause (an action the IdP never
  // performs) explains what was not judged, but is no defect to count.
  const findings = new Set(results.filter((r) => r.status !== 'pass' && r.status !== 'skip').map((r) => r.id))
  for (const r of results) {
    if (r.cause && r.status === 'skip' && findings.has(r.cause.id)) {
      s.blocked++
      roots.add(r.cause.id)
    }
    if (r.status === 'pass') s.passed++
    else if (r.status === 'fail') s.failed++
    else if (r.status === 'warn') s.warned++
    else if (r.status === 'skip') s.skipped++
    else if (r.status === 'info') s.info++
    else s.errors++
  }
  s.rootCauses = roots.size
  return s
}

/**
 * Scenario × profile run: `idps` are the columns, one per profile, or one per setting under `--idp okta:all`
 * ("okta (app=aiw, groupPush=true)", see runLabel). With `withCounts` (the runner asks under settings), `counts`
 * says how many results of each status a cell holds; without, the matrix is as it always was.
 */
export function buildMatrix(results: readonly Result[], scenarios: string[], idps: string[], withCounts = false): Matrix {
  const cells: Matrix['cells'] = {}
  const counts: NonNullable<Matrix['counts']> = {}
  for (const sc of scenarios) {
    cells[sc] = {}
    counts[sc] = {}
    for (const idp of idps) cells[sc][idp] = 'skip'
  }
  const seen = new Map<string, Result['status'][]>()
  for (const r of results) {
    const key = `${r.scenario}\u0000${runLabel(r)}`
    const list = seen.get(key) ?? []
    list.push(r.status)
    seen.set(key, list)
  }
  for (const [key, statuses] of seen) {
    const [sc, idp] = key.split('\u0000')
    if (!cells[sc] || !(idp in cells[sc])) continue
    cells[sc][idp] = worst(statuses)
    const n: Partial<Record<Status, number>> = {}
    for (const st of statuses) n[st] = (n[st] ?? 0) + 1
    counts[sc][idp] = n
  }
  return withCounts ? { scenarios, idps, cells, counts } : { scenarios, idps, cells }
}

function sectionOf(r: Result): string {
  const s = r.source
  if ('rfc' in s) return `RFC ${s.rfc} ${s.section.split(/[,;]/)[0].trim()}`
  if ('idp' in s) return `${s.idp} behaviour`
  return 'scenario expectations'
}

/**
 * Per RFC section and level, plus the verdicts people ask for first. `breaksIdp` tells whether a failed
 * check is known to break an IdP (the catalogue's Breaks column), so an RFC SHOULD can still block Okta.
 */
export function buildCompliance(
  results: readonly Result[],
  idps: string[],
  breaksIdp: (checkId: string, idp: string) => boolean = () => false,
): Compliance {
  const rows = new Map<string, Compliance['sections'][number]>()
  const byRun = new Map<string, Result[]>()
  for (const r of results) {
    const section = sectionOf(r)
    const key = `${section}\u0000${r.level}`
    let row = rows.get(key)
    if (!row) {
      row = { section, level: r.level, passed: 0, failed: 0, warned: 0, skipped: 0 }
      rows.set(key, row)
    }
    const label = runLabel(r)
    const mine = byRun.get(label)
    if (mine) mine.push(r)
    else byRun.set(label, [r])
    if (r.status === 'pass') row.passed++
    else if (r.status === 'fail' || r.status === 'error') row.failed++
    else if (r.status === 'warn') row.warned++
    else if (r.status === 'skip') row.skipped++
  }
  const judgedMust = results.filter((r) => r.level === 'MUST' && 'rfc' in r.source)
  // A baseline accepts a finding for the build; the endpoint is still not compliant because of it.
  const mustCompliant = judgedMust.some((r) => r.status === 'pass') && !judgedMust.some((r) => r.status === 'fail' || r.status === 'error' || r.accepted?.was === 'fail' || r.accepted?.was === 'error')
  const perIdp: Compliance['idps'] = {}
  // Per profile run: a profile under settings is judged setting by setting ("okta (app=aiw, groupPush=true)").
  for (const idp of idps) {
    const mine = byRun.get(idp) ?? []
    const failures = mine.filter(
      (r) => r.status === 'error' || (r.status === 'fail' || r.status === 'warn') && (r.level !== 'SHOULD' || breaksIdp(r.id, r.idp)),
    ).length
    perIdp[idp] = { compatible: failures === 0 && mine.some((r) => r.status === 'pass'), failures }
  }
  const sections = [...rows.values()].sort((a, b) => naturalCompare(a.section, b.section) || naturalCompare(a.level, b.level))
  return { sections, mustCompliant, idps: perIdp }
}

/**
 * "RFC 7644 §3.10" after "RFC 7644 §3.9": runs of digits compare as numbers, the rest without regard to case, with
 * spaces and symbols before letters ("§4" before "Table 6"). It orders these labels as a numeric collator does,
 * without ICU's collator, whose first use costs a run about 6 ms.
 */
export function naturalCompare(a: string, b: string): number {
  const ca = a.toLowerCase().match(/\d+|\D+/g) ?? []
  const cb = b.toLowerCase().match(/\d+|\D+/g) ?? []
  for (let i = 0; i < ca.length && i < cb.length; i++) {
    const x = ca[i]
    const y = cb[i]
    if (x === y) continue
    const digits = /^\d/.test(x) && /^\d/.test(y)
    if (digits && Number(x) !== Number(y)) return Number(x) - Number(y)
    if (!digits) return textCompare(x, y)
  }
  return ca.length - cb.length
}

function textCompare(x: string, y: string): number {
  for (let i = 0; i < x.length && i < y.length; i++) {
    const p = x.charCodeAt(i)
    const q = y.charCodeAt(i)
    if (p === q) continue
    const lp = isAlphanumeric(p)
    if (lp !== isAlphanumeric(q)) return lp ? 1 : -1
    return p - q
  }
  return x.length - y.length
}

const isAlphanumeric = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 122)

const JUDGED = new Set(['pass', 'fail', 'warn'])

/**
 * Never green on nothing: a profile the user named that judged nothing (every result skipped, informational or
 * not judged) makes the run unusable, whatever the other profiles found. Under `--idp all` no profile was named
 * on its own, so only a run that judged nothing at all counts. The one line says which, and the most common reason.
 */
export function nothingJudged(report: Pick<RunReport, 'results' | 'idps'>, opts: { each: boolean } = { each: true }): string | undefined {
  const judged = (idp: string) => report.results.some((r) => r.idp === idp && JUDGED.has(r.status))
  if (!opts.each && report.idps.some(judged)) return undefined
  const empty = report.idps.filter((idp) => !judged(idp))
  if (empty.length === 0) return undefined
  const reasons = new Map<string, number>()
  for (const r of report.results) {
    if (!empty.includes(r.idp) || !r.reason) continue
    reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1)
  }
  const common = [...reasons].sort((a, b) => b[1] - a[1])[0]?.[0]
  const which = empty.length === report.idps.length ? 'the run' : `profile ${empty.join(', ')}`
  const why = common ? ` (most often: ${common})` : report.results.some((r) => empty.includes(r.idp)) ? '' : ' (no step produced a result)'
  return `nothing was judged for ${which}: no check passed, failed or warned${why}`
}

/** 0 = nothing breaks the run at --fail-on, 1 = failures. (2, for unusable input or target, is decided before a report exists.) */
export function exitCodeOf(report: Pick<RunReport, 'results' | 'failOn' | 'incomplete' | 'baseline'>): 0 | 1 {
  if (report.baseline?.strict && report.baseline.stale.length && report.failOn !== 'never') return 1
  return report.results.some((r) => breaksRun(r.status, report.failOn)) ? 1 : 0
}
