import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { UsageError } from '../errors.js'
import { LocatedError, YamlSource, type Located } from '../yaml/index.js'
import type { Result } from './types.js'

// Loaded only to write a baseline: reading one goes through YamlSource, and a run without one loads no YAML at all.
const yamlStringify = (v: unknown): string => (createRequire(import.meta.url)('yaml') as typeof import('yaml')).stringify(v)

/**
 * An expected-failures file: findings a vendor has accepted, each with a reason and an optional expiry. A matching
 * fail, warn or error is reported as `info` carrying `accepted` (so it no longer fails the run); an entry that matched
 * nothing is stale, and `--strict-baseline` fails the run for it, so the file shrinks as the endpoint gets fixed.
 */
export interface BaselineEntry {
  check: string
  idp?: string
  /**
   * Under settings (`--idp okta:all`): the options the finding is accepted under, e.g. "app=aiw" or
   * "app=aiw, groupPush=false". An entry names a subset, so it keeps matching when a profile gains an option.
   */
  setting?: string
  scenario?: string
  reason: string
  /** YYYY-MM-DD: after this day the entry no longer applies. */
  expires?: string
}

export interface BaselineOutcome {
  file: string
  accepted: number
  /** Entries that matched no finding: the endpoint may have been fixed. */
  stale: BaselineEntry[]
  /** Entries past their expiry date: their findings count again. */
  expired: BaselineEntry[]
}

export function loadBaseline(file: string): BaselineEntry[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new UsageError(`--baseline ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
  const source = YamlSource.parse(text, file, BaselineError)
  const doc = source.value as { accepted?: unknown } | null
  const list = doc && typeof doc === 'object' && Array.isArray(doc.accepted) ? doc.accepted : undefined
  if (!list) throw source.error([], 'expected `accepted:` with a list of entries (check, reason, and optionally idp, setting, scenario, expires)')
  return list.map((e, i) => {
    const at = ['accepted', i]
    if (!e || typeof e !== 'object') throw source.error(at, 'each entry is a mapping: { check: <id>, reason: <why> }')
    const o = e as Record<string, unknown>
    for (const k of Object.keys(o)) if (!['check', 'idp', 'setting', 'scenario', 'reason', 'expires'].includes(k)) throw source.error([...at, k], `unknown key \`${k}\`; an entry has check, reason, idp, setting, scenario, expires`, { where: 'key' })
    if (typeof o.check !== 'string' || !o.check) throw source.error(at, 'an entry needs `check: <check id>`')
    if (typeof o.reason !== 'string' || !o.reason.trim()) throw source.error(at, `entry for ${o.check} needs \`reason:\` (why the finding is accepted)`)
    const expires = o.expires instanceof Date ? o.expires.toISOString().slice(0, 10) : o.expires
    if (expires !== undefined && (typeof expires !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(expires))) throw source.error([...at, 'expires'], '`expires` is a date, YYYY-MM-DD')
    const entry: BaselineEntry = { check: o.check, reason: o.reason.trim() }
    if (typeof o.idp === 'string') entry.idp = o.idp
    if (o.setting !== undefined) {
      if (typeof o.setting !== 'string' || !pairsOf(o.setting)) throw source.error([...at, 'setting'], '`setting` is option=value pairs, e.g. "app=aiw, groupPush=false"')
      entry.setting = o.setting
    }
    if (typeof o.scenario === 'string') entry.scenario = o.scenario
    if (expires) entry.expires = expires as string
    return entry
  })
}

/** A broken baseline file is bad input: one line naming file, line and field, exit 2. */
class BaselineError extends LocatedError {
  override name = 'ConfigError'
  constructor(where: Located) {
    super(where)
  }
}

const open = (r: Result) => r.status === 'fail' || r.status === 'warn' || r.status === 'error'
const matches = (e: BaselineEntry, r: Result) => e.check === r.id && (!e.idp || e.idp === r.idp) && (!e.scenario || e.scenario === r.scenario) && (!e.setting || underSetting(e.setting, r.setting))

/** "app=aiw, groupPush=false" → [["app","aiw"], …], or undefined when it is not a list of pairs. */
function pairsOf(setting: string): [string, string][] | undefined {
  const pairs = setting.split(',').map((p) => p.trim()).filter(Boolean).map((p) => /^([A-Za-z0-9_]+)=(.+)$/.exec(p))
  return pairs.length && pairs.every(Boolean) ? pairs.map((m) => [m![1], m![2].trim()]) : undefined
}

/** Does a result's setting have every option=value the entry names? A result without a setting has none. */
function underSetting(entry: string, setting: string | undefined): boolean {
  if (!setting) return false
  const have = new Map(pairsOf(setting) ?? [])
  return (pairsOf(entry) ?? []).every(([k, v]) => have.get(k) === v)
}

/** Mark accepted findings (in place) and say which entries were stale or expired. */
export function applyBaseline(results: Result[], entries: BaselineEntry[], file: string, today = new Date().toISOString().slice(0, 10)): BaselineOutcome {
  const out: BaselineOutcome = { file, accepted: 0, stale: [], expired: [] }
  for (const e of entries) {
    if (e.expires && e.expires < today) {
      out.expired.push(e)
      continue
    }
    const hits = results.filter((r) => open(r) && matches(e, r))
    if (!hits.length) out.stale.push(e)
    for (const r of hits) {
      r.accepted = { reason: e.reason, was: r.status as 'fail' | 'warn' | 'error', ...(e.expires ? { expires: e.expires } : {}) }
      r.status = 'info'
      r.reason = `accepted in the baseline: ${e.reason}`
      out.accepted++
    }
  }
  return out
}

/** `scim-check baseline write`: one entry per distinct open finding of a JSON report. */
export function baselineFromReport(report: { results: Result[] }, reason: string): string {
  const seen = new Set<string>()
  const accepted: BaselineEntry[] = []
  for (const r of report.results) {
    if (!open(r)) continue
    const key = `${r.id}\u0000${r.idp}\u0000${r.setting ?? ''}\u0000${r.scenario}`
    if (seen.has(key)) continue
    seen.add(key)
    // The whole setting: a finding under one setting is accepted under that setting only.
    accepted.push({ check: r.id, idp: r.idp, ...(r.setting ? { setting: r.setting } : {}), scenario: r.scenario, reason })
  }
  return `# scim-check baseline: findings accepted for now. Give each a real reason; entries that stop matching are reported as stale.\n${yamlStringify({ accepted })}`
}

export function writeBaseline(file: string, text: string): void {
  writeFileSync(file, text)
}
