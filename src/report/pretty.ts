/**
 * pretty: the terminal report a person reads after `scim-check run`.
 *
 * By default (what a person reads): the warnings and a header line; the scenario × IdP matrix, one row per scenario
 * (under settings, `--idp okta:all`, one table per profile: a column per setting, headed by its option values, each
 * cell the worst status and how many results had it);
 * the findings (fail, warn, error), each root cause once with its evidence and what it blocked; a recap of counts,
 * verdicts and the exit decision; leftovers. With `verbose`, the full listing below instead.
 *
 * Verbose mapping, top to bottom:
 *   report.warnings, report.incomplete  → first, before anything else (a 401-everywhere run must not read green)
 *   tool, target, idps, runId, duration → one header line
 *   results                             → grouped by IdP (report.idps order), then scenario (matrix order);
 *                                         one line each: status symbol, id, title, [step]
 *     fail / warn / error               → plus message, requirement source and level, the requirement
 *                                         sentence, expected vs actual,
 *                                         reason, the redacted request/response excerpt and a one-line
 *                                         reproduction (from result.evidence, else excerpted from the exchange;
 *                                         printed once per exchange, later verdicts on it point back)
 *     skip / info                       → plus their reason on the same line
 *     blocked (result.cause)            → not listed on their own: "↳ N checks blocked: id [step], …" under
 *                                         the root cause they point at (one line each when verbose)
 *     pass                              → plus its message when verbose ("37 responses checked")
 *     passing ambient checks            → one count per scenario unless verbose
 *   summary                             → table of counts per status, then "N root causes, M checks blocked"
 *   matrix                              → scenario × IdP table, only when more than one IdP ran; under settings
 *                                         (--idp okta:all) the setting matrix instead, as by default
 *   compliance                          → "Compliant at MUST level: yes/no", compatibility per IdP
 *                                         (and the per-section table when verbose)
 *   failOn                              → whether the run fails at that level
 *   leftovers                           → in red, with ids, so they can be deleted by hand
 *   suite (with --suite)                → before the recap: the program's steps by part, one line each (symbol,
 *                                         id, title, verdict), then the reason and the program's URL; a failed
 *                                         step also its failing evidence; verbose adds what it maps to and every
 *                                         underlying result. Suite symbols: ✓ ✗ ! as above, - not judged,
 *                                         ○ not checkable offline.
 * Symbols: ✓ pass (green), ✗ fail (red), ! warn (yellow), i info (blue), - skip (grey), ? error (magenta).
 * With `color: false` (NO_COLOR, not a TTY) the output holds no ANSI code at all; text that came from the
 * target is passed through `printable`, so a hostile response cannot write escape codes to the terminal.
 */
import { Chalk, type ChalkInstance } from 'chalk'
import Table from './table.js'
import { blockedLine, causalityLine, cellsOf, comparisonLine, countCell, profilesLine, rootCausesOf, settingTables, SETTING_LEGEND, type Reporter, type RenderOptions } from './index.js'
import type { RunReport } from '../runner/report.js'
import { formatSource, runLabel, type Result, type Status } from '../result/types.js'
import { worst } from '../result/verdict.js'
import { exitCodeOf } from '../result/summary.js'
import { evidenceFor, oneLine, printable } from './excerpt.js'
import { partsOf, SUITE_LABELS, SUITE_SYMBOLS, suiteVerdictLine } from './suite.js'
import type { SuiteStatus } from '../suites/types.js'

export const SYMBOLS: Record<Status, string> = { pass: '✓', fail: '✗', warn: '!', info: 'i', skip: '-', error: '?' }

const COLORS: Record<Status, 'green' | 'red' | 'yellow' | 'blue' | 'gray' | 'magenta'> = {
  pass: 'green',
  fail: 'red',
  warn: 'yellow',
  info: 'blue',
  skip: 'gray',
  error: 'magenta',
}

const DETAILED: ReadonlySet<Status> = new Set(['fail', 'warn', 'error'])

interface Paint {
  c: ChalkInstance
  symbol(s: Status): string
}

function paint(color: boolean): Paint {
  // The caller decided about colour (TTY, NO_COLOR); when it says yes, at least basic colours are used.
  const c = new Chalk({ level: color ? 1 : 0 })
  return { c, symbol: (s) => c[COLORS[s]](SYMBOLS[s]) }
}

function indent(text: string, by: number): string {
  const pad = ' '.repeat(by)
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n')
}

function resultLine(r: Result, p: Paint, verbose: boolean): string {
  const { c } = p
  let line = `${p.symbol(r.status)} ${c.bold(oneLine(r.id))}  ${oneLine(r.title)}`
  if (r.step) line += c.dim(`  [${oneLine(r.step)}]`)
  if (r.preExisting) line += c.yellow('  (pre-existing data)')
  if ((r.status === 'skip' || r.status === 'info') && (r.reason || r.message)) line += c.dim(` — ${oneLine(r.reason ?? r.message)}`)
  if (r.status === 'pass' && verbose && r.message && r.message !== r.title) line += c.dim(` — ${oneLine(r.message)}`)
  return line
}

/** Evidence already printed, by exchange: the second verdict on one exchange points back instead of repeating it. */
type Shown = Map<string, string>

function details(r: Result, report: RunReport, p: Paint, shown: Shown): string[] {
  const { c } = p
  const out: string[] = []
  if (r.message && r.message !== r.title) out.push(oneLine(r.message))
  out.push(c.dim(`${oneLine(formatSource(r.source))} · ${r.level}`))
  if (r.requirement) out.push(`${c.dim('requires:')} ${oneLine(r.requirement)}`)
  if (r.expected !== undefined) out.push(`${c.green('expected:')} ${printable(r.expected)}`)
  if (r.actual !== undefined) out.push(`${c.red('actual:  ')} ${printable(r.actual)}`)
  if (r.reason) out.push(`${c.dim('reason:  ')} ${oneLine(r.reason)}`)
  const ev = evidenceFor(r, report.exchanges)
  const key = r.exchange !== undefined ? `#${r.exchange}` : ev && `${ev.request}\u0000${ev.response ?? ''}`
  const first = key ? shown.get(key) : undefined
  if (ev && first) {
    out.push(c.dim(`request, response and reproduction: as for ${oneLine(first)} above`))
  } else if (ev) {
    if (key) shown.set(key, r.id)
    out.push(c.dim('request:'), indent(printable(ev.request), 2))
    if (ev.response) out.push(c.dim('response:'), indent(printable(ev.response), 2))
    if (ev.reproduce) out.push(`${c.dim('reproduce:')} ${oneLine(ev.reproduce)}`)
  }
  return out
}

function renderResults(report: RunReport, opts: RenderOptions, p: Paint): string[] {
  const { c } = p
  const lines: string[] = []
  let idp: string | undefined
  const shown: Shown = new Map()
  const causes = rootCausesOf(report.results)
  for (const cell of cellsOf(report)) {
    if (cell.idp !== idp) {
      idp = cell.idp
      lines.push('', c.bold.underline(oneLine(idp)))
    }
    const group = cell.results
    lines.push(`  ${p.symbol(worst(group.map((r) => r.status)))} ${c.bold(oneLine(cell.scenario))}`)
    let collapsed = 0
    for (const r of group) {
      if (r.status === 'pass' && r.ambient && !opts.verbose) {
        collapsed++
        continue
      }
      if (causes.grouped(r)) continue
      lines.push(`    ${resultLine(r, p, !!opts.verbose)}`)
      if (DETAILED.has(r.status)) lines.push(...details(r, report, p, shown).map((d) => indent(d, 8)))
      const blocked = causes.blockedBy(r)
      if (blocked.length === 0) continue
      // The root cause once, what it blocked beneath it: one line, or each on its own when verbose.
      if (opts.verbose) {
        lines.push(c.dim(`        ↳ ${blocked.length} check${blocked.length === 1 ? '' : 's'} blocked:`))
        for (const b of blocked) lines.push(`          ${p.symbol('skip')} ${oneLine(b.id)}${b.step ? c.dim(`  [${oneLine(b.step)}]`) : ''}`)
      } else lines.push(c.dim(`        ↳ ${oneLine(blockedLine(blocked))}`))
    }
    if (collapsed > 0) lines.push(c.dim(`    ${p.symbol('pass')} ${collapsed} ambient check${collapsed === 1 ? '' : 's'} passed`))
  }
  if (report.results.length === 0) lines.push('', 'No results: nothing was judged.')
  return lines
}

function table(head: string[], rows: string[][], c: ChalkInstance): string {
  // cli-table3 colours heads and borders itself unless told not to; colour is decided here alone.
  const t = new Table({ head: head.map((h) => c.bold(h)), style: { head: [], border: [] } })
  t.push(...rows)
  return t.toString()
}

function renderSummary(report: RunReport, opts: RenderOptions, p: Paint): string[] {
  const { c } = p
  const s = report.summary
  const lines = ['', c.bold('Summary')]
  lines.push(
    table(
      ['Passed', 'Failed', 'Warnings', 'Info', 'Skipped', 'Errors', 'Total'],
      [[c.green(s.passed), c.red(s.failed), c.yellow(s.warned), c.blue(s.info), c.gray(s.skipped), c.magenta(s.errors), String(s.total)]],
      c,
    ),
  )
  const causality = causalityLine(s)
  if (causality) lines.push(causality)
  if (settingTables(report)) lines.push(...renderSettingMatrix(report, p))
  else if (report.matrix.idps.length > 1) {
    const { scenarios, idps, cells } = report.matrix
    lines.push('', c.bold('Compatibility matrix (scenario × IdP)'))
    lines.push(table(['Scenario', ...idps.map((idp) => oneLine(idp))], scenarios.map((sc) => [oneLine(sc), ...idps.map((idp) => p.symbol(cells[sc]?.[idp] ?? 'skip'))]), c))
  }
  const { compliance } = report
  if (opts.verbose && compliance.sections.length > 0) {
    lines.push('', c.bold('Compliance by section'))
    lines.push(
      table(
        ['Section', 'Level', 'Passed', 'Failed', 'Warnings', 'Skipped'],
        compliance.sections.map((row) => [oneLine(row.section), row.level, String(row.passed), String(row.failed), String(row.warned), String(row.skipped)]),
        c,
      ),
    )
  }
  lines.push('')
  lines.push(`Compliant at MUST level: ${compliance.mustCompliant ? c.green('yes') : c.red('no')}`)
  for (const idp of new Set([...report.idps, ...Object.keys(compliance.idps)])) {
    const v = compliance.idps[idp]
    if (!v) continue
    const why = v.failures > 0 ? ` (${v.failures} failure${v.failures === 1 ? '' : 's'})` : v.compatible ? '' : ' (nothing passed)'
    lines.push(`Compatible with ${oneLine(idp)}: ${v.compatible ? c.green('yes') : c.red('no')}${why}`)
  }
  const failing = exitCodeOf(report) === 1 || report.suite?.verdict === 'fail'
  lines.push(
    failing
      ? c.red(`Run fails at --fail-on ${report.failOn}.`)
      : `Run passes at --fail-on ${report.failOn}${report.failOn === 'never' ? ' (failures never fail the run)' : ''}.`,
  )
  return lines
}

function renderLeftovers(report: RunReport, p: Paint): string[] {
  if (report.leftovers.length === 0) return []
  const { c } = p
  const lines = ['', c.red.bold(`Leftovers: ${report.leftovers.length} resource${report.leftovers.length === 1 ? '' : 's'} the run could not delete (remove by id):`)]
  for (const l of report.leftovers) {
    const name = l.name ? ` ${oneLine(l.name)}` : ''
    lines.push(c.red(`  ${l.type} ${oneLine(l.id)}${name}: ${l.state} — ${oneLine(l.reason)}`))
  }
  return lines
}

function renderPreamble(report: RunReport, p: Paint): string[] {
  const { c } = p
  const lines: string[] = []
  for (const w of report.warnings) lines.push(c.yellow.bold(`! ${oneLine(w)}`))
  if (report.incomplete) lines.push(c.red.bold(`! Run incomplete: ${oneLine(report.incomplete)}. This report is partial.`))
  if (lines.length > 0) lines.push('')
  const target = `${oneLine(report.target.url)}${report.target.builtin ? ' (built-in server)' : ''}`
  const seconds = (report.durationMs / 1000).toFixed(1)
  lines.push(
    `${c.bold(`${report.tool.name} ${report.tool.version}`)} · ${target} · ${oneLine(profilesLine(report))} · run ${oneLine(report.runId)} · ${seconds}s`,
  )
  return lines
}

/**
 * IdP × setting × scenario, one table per profile: a column per setting (its option values one per line, so four
 * Okta settings fit a terminal), a row per scenario, "✗ 2/63" in a cell. A profile without options to vary (generic
 * under all:all) is one column headed "(no settings)".
 */
function renderSettingMatrix(report: RunReport, p: Paint): string[] {
  const { c } = p
  const lines: string[] = []
  for (const t of settingTables(report) ?? []) {
    const plain = t.columns.every((col) => !col.setting)
    lines.push('', c.bold(plain ? `${oneLine(t.idp)}: no settings to vary` : `${oneLine(t.idp)}: scenario × setting`))
    const head = ['Scenario', ...t.columns.map((col) => (col.setting ? col.setting.split(', ').map(oneLine).join('\n') : '(no settings)'))]
    const tbl = new Table({ head: head.map((h) => c.bold(h)), style: { head: [], border: [], compact: true } })
    tbl.push(
      ...t.scenarios.map((sc) => [
        oneLine(sc),
        ...t.columns.map((col) => {
          const cell = countCell(report, sc, col.label)
          return cell ? `${p.symbol(cell.status)} ${cell.count}` : c.dim('·')
        }),
      ]),
    )
    lines.push(tbl.toString())
  }
  lines.push(c.dim(`${SETTING_LEGEND}; · did not run`))
  return lines
}

/** scenario × IdP, one row per scenario: the verdict of each cell at a glance (compact: no rules between rows). */
function renderMatrix(report: RunReport, p: Paint): string[] {
  const { c } = p
  const { scenarios, idps, cells } = report.matrix
  if (scenarios.length === 0 || report.results.length === 0) return ['', 'No results: nothing was judged.']
  if (settingTables(report)) return renderSettingMatrix(report, p)
  const t = new Table({ head: ['Scenario', ...idps.map((idp) => oneLine(idp))].map((h) => c.bold(h)), style: { head: [], border: [], compact: true } })
  t.push(...scenarios.map((sc) => [oneLine(sc), ...idps.map((idp) => p.symbol(cells[sc]?.[idp] ?? 'skip'))]))
  return ['', t.toString()]
}

/** Only what needs a person: each fail, warn and error once, grouped by root cause with what it blocked. */
function renderFindings(report: RunReport, p: Paint): string[] {
  const { c } = p
  const causes = rootCausesOf(report.results)
  const shown: Shown = new Map()
  const findings = report.results.filter((r) => DETAILED.has(r.status) && !causes.grouped(r))
  const accepted = report.results.filter((r) => r.accepted)
  const lines: string[] = []
  if (accepted.length) {
    // A baseline hides nothing: each accepted finding is named, with the reason it was accepted.
    lines.push('', c.bold(`Accepted in the baseline (${accepted.length})`))
    for (const r of accepted) lines.push(`  ${resultLine(r, p, false)}${c.dim(`  ${oneLine(runLabel(r))}/${oneLine(r.scenario)} (was ${r.accepted!.was})`)}`)
  }
  if (findings.length === 0) return lines
  lines.push('', c.bold(`Findings (${findings.length})`))
  for (const r of findings) {
    lines.push(`  ${resultLine(r, p, false)}${c.dim(`  ${oneLine(runLabel(r))}/${oneLine(r.scenario)}`)}`)
    lines.push(...details(r, report, p, shown).map((d) => indent(d, 6)))
    const blocked = causes.blockedBy(r)
    if (blocked.length) lines.push(c.dim(`      ↳ ${oneLine(blockedLine(blocked))}`))
  }
  return lines
}

const SUITE_COLORS: Record<SuiteStatus, 'green' | 'red' | 'yellow' | 'gray' | 'blue'> = { pass: 'green', fail: 'red', warn: 'yellow', skip: 'gray', 'not-checkable': 'blue' }

/** The review program's steps, each with the verdict that stands for it. */
function renderSuite(report: RunReport, opts: RenderOptions, p: Paint): string[] {
  const suite = report.suite
  if (!suite) return []
  const { c } = p
  const lines = ['', c.bold(`Suite ${oneLine(suite.name)}: ${oneLine(suite.title)} (profile ${oneLine(suite.profile)})`)]
  for (const { part, steps } of partsOf(suite)) {
    lines.push(`  ${c.bold(oneLine(part))}`)
    for (const s of steps) {
      const mark = c[SUITE_COLORS[s.status]](SUITE_SYMBOLS[s.status])
      const label = s.status === 'pass' ? '' : `  ${c[SUITE_COLORS[s.status]](SUITE_LABELS[s.status])}`
      lines.push(`    ${mark} ${oneLine(s.id)}  ${oneLine(s.title)}${s.level === 'recommended' ? c.dim(' (recommended)') : ''}${label}`)
      if (s.reason && (s.status !== 'pass' || opts.verbose)) lines.push(c.dim(`        ${oneLine(s.reason)}`))
      if (s.status === 'fail' || opts.verbose) lines.push(c.dim(`        "${oneLine(s.quote)}" ${oneLine(s.url)}`))
      if (opts.verbose) lines.push(c.dim(`        judged on: ${oneLine(s.mapsTo)}`))
      const shown = opts.verbose ? s.evidence : s.evidence.filter((e) => e.status === 'fail' || e.status === 'error').slice(0, 3)
      for (const e of shown) lines.push(`        ${p.symbol(e.status as Status)} ${oneLine(e.id)}${c.dim(`  ${oneLine(e.idp)}/${oneLine(e.scenario)}${e.step ? `/${oneLine(e.step)}` : ''}`)}${e.status === 'pass' ? '' : `  ${oneLine(e.message)}`}`)
    }
  }
  const colour = suite.verdict === 'fail' ? c.red : suite.verdict === 'pass' ? c.green : c.yellow
  lines.push(colour(oneLine(suiteVerdictLine(suite))))
  return lines
}

/** The last lines a person reads: how many root causes, what they blocked, the verdicts, and the exit decision. */
function renderRecap(report: RunReport, p: Paint): string[] {
  const { c } = p
  const s = report.summary
  const roots = rootCausesOf(report.results)
  const failures = report.results.filter((r) => (r.status === 'fail' || r.status === 'error') && !roots.grouped(r)).length
  const { compliance } = report
  const parts = [
    `${failures} failure${failures === 1 ? '' : 's'}`,
    `${s.blocked ?? 0} check${s.blocked === 1 ? '' : 's'} blocked`,
    `${s.warned} warning${s.warned === 1 ? '' : 's'}`,
    `${s.passed} passed, ${s.info} info, ${s.skipped} skipped`,
  ]
  const lines = ['', `${parts.join(', ')}; compliant at MUST: ${compliance.mustCompliant ? c.green('yes') : c.red('no')}`]
  const since = comparisonLine(report)
  if (since) {
    lines.push(oneLine(since))
    for (const r of report.comparison!.new.slice(0, 10)) lines.push(`  new: ${p.symbol(r.status)} ${oneLine(r.id)}  ${oneLine(runLabel(r))}/${oneLine(r.scenario)}`)
    for (const r of report.comparison!.fixed.slice(0, 10)) lines.push(`  fixed: ${oneLine(r.id)}  ${oneLine(runLabel(r))}/${oneLine(r.scenario)}`)
  }
  const idps = [...new Set([...report.idps, ...Object.keys(compliance.idps)])].filter((idp) => compliance.idps[idp])
  const verdicts = idps.map((idp) => {
    const v = compliance.idps[idp]
    return `${oneLine(idp)} ${v.compatible ? c.green('yes') : c.red(v.failures > 0 ? `no (${v.failures})` : 'no (nothing passed)')}`
  })
  // One setting per line: "okta (app=oin, groupPush=true) yes" stays readable where a joined line would wrap.
  if (settingTables(report)) lines.push('Compatible:', ...verdicts.map((v) => `  ${v}`))
  else lines.push(`Compatible: ${verdicts.join(' · ')}`)
  const failing = exitCodeOf(report) === 1
  lines.push(
    failing
      ? c.red(`Run fails at --fail-on ${report.failOn}.`)
      : `Run passes at --fail-on ${report.failOn}${report.failOn === 'never' ? ' (failures never fail the run)' : ''}.${s.info ? ' --verbose lists every check.' : ''}`,
  )
  return lines
}

export function renderPretty(report: RunReport, opts: RenderOptions): string {
  const p = paint(opts.color)
  // By default a screen a person reads: the matrix, the findings grouped by root cause, a recap. --verbose lists
  // every check, scenario by scenario, with the summary tables.
  const body = opts.verbose
    ? [...renderResults(report, opts, p), ...renderSummary(report, opts, p), ...renderSuite(report, opts, p)]
    : [...renderMatrix(report, p), ...renderFindings(report, p), ...renderSuite(report, opts, p), ...renderRecap(report, p)]
  const lines = [...renderPreamble(report, p), ...body, ...renderLeftovers(report, p)]
  return `${lines.join('\n')}\n`
}

export const reporter: Reporter = {
  name: 'pretty',
  description: 'Human-readable terminal report: failures explained with evidence and a curl reproduction, summary, matrix',
  render: renderPretty,
}
