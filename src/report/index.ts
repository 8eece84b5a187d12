/**
 * The reporter registry. A reporter is a pure function of the RunReport: report in, string out; the CLI
 * decides where the string goes (stdout or `defaultFile`/`--reporter name=file`). Entries are imported
 * lazily so a run that prints only `pretty` never loads the others: a new format is a new file here plus
 * one line in REPORTERS.
 */
import { UsageError } from '../errors.js'
import type { RunReport } from '../runner/report.js'
import { runLabel, type Result, type Status } from '../result/types.js'

export interface RenderOptions {
  /** false for NO_COLOR and non-TTY output: no ANSI codes at all. */
  color: boolean
  /** Show passing ambient checks one by one and the per-section compliance table. */
  verbose?: boolean
}

export interface Reporter {
  name: string
  description: string
  /** Where the output goes when the user names the reporter without a file; stdout when absent. */
  defaultFile?: string
  render(report: RunReport, opts: RenderOptions): string
}

export const REPORTERS: Record<string, () => Promise<Reporter>> = {
  pretty: () => import('./pretty.js').then((m) => m.reporter),
  json: () => import('./json.js').then((m) => m.reporter),
  junit: () => import('./junit.js').then((m) => m.reporter),
  markdown: () => import('./markdown.js').then((m) => m.reporter),
  html: () => import('./html/index.js').then((m) => m.reporter),
}

export const REPORTER_NAMES: string[] = Object.keys(REPORTERS)

export async function loadReporter(name: string): Promise<Reporter> {
  if (!Object.hasOwn(REPORTERS, name)) {
    const hint = closest(name, REPORTER_NAMES)
    const suggestion = hint ? ` (did you mean "${hint}"?)` : ''
    throw new UsageError(`unknown reporter ${JSON.stringify(name)}${suggestion}: choose one of ${REPORTER_NAMES.join(', ')}`)
  }
  return REPORTERS[name]()
}

/** One scenario × IdP cell's results, in run order. */
export interface Cell {
  /** The profile run: "okta", or under settings "okta (app=aiw, groupPush=true)" (runLabel). */
  idp: string
  scenario: string
  results: Result[]
}

/**
 * Results grouped the way every human-facing reporter shows them: by IdP (run order), then scenario
 * (matrix order); names the declared lists miss come after, and empty cells are left out.
 */
export function cellsOf(report: Pick<RunReport, 'idps' | 'matrix' | 'results'>): Cell[] {
  const cells: Cell[] = []
  // The matrix columns are the profile runs (one per setting under --idp okta:all); report.idps the profiles.
  for (const idp of ordered(report.matrix.idps.length ? report.matrix.idps : report.idps, report.results.map(runLabel))) {
    const mine = report.results.filter((r) => runLabel(r) === idp)
    for (const scenario of ordered(report.matrix.scenarios, mine.map((r) => r.scenario))) {
      const results = mine.filter((r) => r.scenario === scenario)
      if (results.length > 0) cells.push({ idp, scenario, results })
    }
  }
  return cells
}

function ordered(declared: readonly string[], seen: Iterable<string>): string[] {
  const out = new Set(declared)
  for (const name of seen) out.add(name)
  return [...out]
}

/** The registered name within two edits of what was typed, for the "did you mean" hint. */
function closest(typed: string, names: string[]): string | undefined {
  let best: { name: string; d: number } | undefined
  for (const name of names) {
    const d = distance(typed.toLowerCase(), name)
    if (d <= 2 && (!best || d < best.d)) best = { name, d }
  }
  return best?.name
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = row
  }
  return prev[b.length]
}

/**
 * One root cause, shown once: blocked results (they carry `cause`) under the result they point at. A blocked result
 * whose root is not in the report (filtered out, say) stays `loose` and is shown where it is, as a skip.
 */
export interface RootCauses {
  /** Results blocked by this one, in run order (empty for most). */
  blockedBy(root: Result): Result[]
  /** True for a blocked result shown under its root instead of on its own. */
  grouped(r: Result): boolean
}

const rootCauses = new WeakMap<readonly Result[], { length: number; causes: RootCauses }>()

/** Several reporters and sections ask about the same results: they are grouped once (again if the list grew). */
export function rootCausesOf(results: readonly Result[]): RootCauses {
  let found = rootCauses.get(results)
  if (!found || found.length !== results.length) rootCauses.set(results, (found = { length: results.length, causes: groupRootCauses(results) }))
  return found.causes
}

function groupRootCauses(results: readonly Result[]): RootCauses {
  const key = (idp: string, scenario: string | undefined, id: string, step: string | undefined, exchange: number | undefined) => `${idp}\u0000${scenario ?? ''}\u0000${id}\u0000${step ?? ''}\u0000${exchange ?? ''}`
  const roots = new Map<string, Result>()
  for (const r of results) {
    if (r.cause) continue
    const k = key(runLabel(r), r.scenario, r.id, r.step, r.exchange)
    if (!roots.has(k)) roots.set(k, r)
  }
  const under = new Map<Result, Result[]>()
  const grouped = new Set<Result>()
  for (const r of results) {
    if (!r.cause) continue
    const root = roots.get(key(runLabel(r), r.cause.scenario ?? r.scenario, r.cause.id, r.cause.step, r.cause.exchange))
    if (!root) continue
    const list = under.get(root)
    if (list) list.push(r)
    else under.set(root, [r])
    grouped.add(r)
  }
  return { blockedBy: (root) => under.get(root) ?? [], grouped: (r) => grouped.has(r) }
}

/** "2 checks blocked: a [step], b [step]" — the names, capped so one broken create cannot flood a report. */
export function blockedLine(blocked: readonly Result[], max = 8): string {
  const names = blocked.slice(0, max).map((b) => (b.step ? `${b.id} [${b.step}]` : b.id))
  const more = blocked.length > max ? `, and ${blocked.length - max} more` : ''
  return `${blocked.length} check${blocked.length === 1 ? '' : 's'} blocked: ${names.join(', ')}${more}`
}

/** "1 root cause, 7 checks blocked", or nothing when no result was blocked. */
export function causalityLine(summary: { blocked?: number; rootCauses?: number }): string | undefined {
  if (!summary.blocked) return undefined
  const roots = summary.rootCauses ?? 0
  return `${roots} root cause${roots === 1 ? '' : 's'}, ${summary.blocked} check${summary.blocked === 1 ? '' : 's'} blocked (skipped, never counted as failures)`
}

/** "Since earlier.json: 2 fixed, 1 new, 0 changed", or nothing without --compare. */
export function comparisonLine(report: Pick<RunReport, 'comparison'>): string | undefined {
  const c = report.comparison
  if (!c) return undefined
  return `Since ${c.file}: ${c.fixed.length} fixed, ${c.new.length} new, ${c.changed.length} changed`
}

/** One profile's part of the setting matrix: its settings as columns, the scenarios it ran as rows. */
export interface SettingTable {
  idp: string
  /** Matrix column (runLabel) and the setting it stands for ("" for a profile run without settings). */
  columns: { label: string; setting: string }[]
  scenarios: string[]
}

/**
 * The setting matrix (IdP × setting × scenario), one table per profile in run order, or undefined when no profile
 * ran under settings (the plain scenario × IdP matrix is shown then). Per profile, because settings multiply
 * columns: `--idp all:all` as one table would be wider than any terminal.
 */
export function settingTables(report: Pick<RunReport, 'settings' | 'matrix'>): SettingTable[] | undefined {
  if (!report.settings?.some((s) => s.setting)) return undefined
  const tables: SettingTable[] = []
  for (const run of report.settings) {
    let t = tables.find((x) => x.idp === run.idp)
    if (!t) tables.push((t = { idp: run.idp, columns: [], scenarios: [] }))
    t.columns.push({ label: run.label, setting: run.setting })
  }
  const counts = report.matrix.counts ?? {}
  for (const t of tables) t.scenarios = report.matrix.scenarios.filter((sc) => t.columns.some((c) => counts[sc]?.[c.label]))
  return tables.filter((t) => t.scenarios.length > 0)
}

/**
 * A setting-matrix cell: the worst status, and how many results had it of all the cell's results ("2/63"), or just
 * the number when every result had it ("63"). Undefined where the scenario did not run under that column.
 */
export function countCell(report: Pick<RunReport, 'matrix'>, scenario: string, column: string): { status: Status; count: string } | undefined {
  const n = report.matrix.counts?.[scenario]?.[column]
  if (!n) return undefined
  const status = report.matrix.cells[scenario]?.[column] ?? 'skip'
  const total = Object.values(n).reduce((a, b) => a + (b ?? 0), 0)
  const have = n[status] ?? 0
  return { status, count: have === total ? String(total) : `${have}/${total}` }
}

/** The header's profile list: "okta, entra", or under settings "okta (4 settings), entra". */
export function profilesLine(report: Pick<RunReport, 'idps' | 'settings'>): string {
  return report.idps
    .map((idp) => {
      const n = report.settings?.filter((s) => s.idp === idp && s.setting).length ?? 0
      return n ? `${idp} (${n} setting${n === 1 ? '' : 's'})` : idp
    })
    .join(', ')
}

/** What a setting-matrix cell says, for the legend under each rendering. */
export const SETTING_LEGEND = 'each cell: the worst status, then how many results had it of all results in the cell (one number when all did)'
