import { readFileSync } from 'node:fs'
import { UsageError } from '../errors.js'
import { runLabel, type Result } from './types.js'

/** A JSON report written by `--reporter json=<file>`, or a one-line error naming the file. */
export function loadReport(file: string): { results: Result[] } {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new UsageError(`${file}: not a readable JSON report (${(err as Error).message.split('\n')[0]}); write one with --reporter json=<file>`)
  }
  if (!json || typeof json !== 'object' || !Array.isArray((json as { results?: unknown }).results)) throw new UsageError(`${file}: not a scim-check JSON report (no "results" list); write one with --reporter json=<file>`)
  return json as { results: Result[] }
}

/** What changed between two runs: findings fixed, findings new, and findings whose status or message moved. */
export interface ReportDiff {
  fixed: Result[]
  new: Result[]
  changed: { before: Result; after: Result }[]
}

const open = (r: Result) => r.status === 'fail' || r.status === 'warn' || r.status === 'error'
/**
 * A finding is the same finding across runs when check, profile, scenario and step agree (ids of resources differ),
 * and the setting too under `--idp okta:all`; results of runs without settings have none, so their keys are as before.
 */
const keyOf = (r: Result) => [r.id, r.idp, r.scenario, r.step ?? '', r.setting ?? ''].join('\u0000')

export function diffReports(before: { results: Result[] }, after: { results: Result[] }): ReportDiff {
  const index = (rs: Result[]) => {
    const m = new Map<string, Result>()
    for (const r of rs) if (open(r) && !m.has(keyOf(r))) m.set(keyOf(r), r)
    return m
  }
  const a = index(before.results)
  const b = index(after.results)
  const out: ReportDiff = { fixed: [], new: [], changed: [] }
  for (const [k, r] of a) if (!b.has(k)) out.fixed.push(r)
  for (const [k, r] of b) {
    const was = a.get(k)
    if (!was) out.new.push(r)
    else if (was.status !== r.status || was.message !== r.message) out.changed.push({ before: was, after: r })
  }
  return out
}

export function renderDiff(d: ReportDiff): string {
  const line = (r: Result) => `  ${r.status.padEnd(5)} ${r.id}  ${runLabel(r)}/${r.scenario}${r.step ? `/${r.step}` : ''}: ${r.message}`
  const out: string[] = []
  out.push(`Fixed (${d.fixed.length})`, ...d.fixed.map(line))
  out.push(`New (${d.new.length})`, ...d.new.map(line))
  out.push(`Changed (${d.changed.length})`, ...d.changed.flatMap((c) => [line(c.before), `   → ${c.after.status} ${c.after.message}`]))
  out.push(d.new.length ? `${d.new.length} new finding${d.new.length === 1 ? '' : 's'} since the earlier run.` : 'No new findings since the earlier run.')
  return `${out.join('\n')}\n`
}
