/**
 * markdown: a compact summary and the failures, for a CI job summary ($GITHUB_STEP_SUMMARY) or a
 * pull-request comment. GitHub-flavoured Markdown that also reads well on GitLab and as plain text.
 *
 * Mapping, top to bottom:
 *   warnings, incomplete          → first, as blockquotes (a 401-everywhere run must not read green)
 *   the verdict                   → one heading: "passed" or "failed at --fail-on <level>", with the counts
 *   tool, target, idps, runId,
 *   duration                      → one line under the heading
 *   summary                       → one table row of counts per status, then "N root causes, M checks blocked"
 *   compliance                    → "Compliant at MUST level", then compatibility per IdP, on one line
 *   matrix                        → scenario × IdP table, only when more than one IdP ran; under settings
 *                                   (--idp okta:all) a scenario × setting table per profile, each cell the
 *                                   worst status and how many results had it, instead
 *   fail, error, warn results     → "Failures", in that order (run order within each): heading with symbol,
 *                                   id and title; IdP · scenario · step · requirement source · level; message;
 *                                   the requirement sentence, expected/actual/reason, and for a root cause
 *                                   the checks it blocked (result.cause points at it; they are not failures); request and response in a collapsed <details>;
 *                                   the curl reproduction. Evidence is shown once per exchange; later verdicts
 *                                   on it point back. The same check failing again is one line of where;
 *                                   past MAX_DETAILED or the MAX_CHARS budget (a PR comment's limit), one
 *                                   line each, then a count naming the full report.
 *   pass, skip, info              → counted only (this is the compact format; json and html list them)
 *   suite (with --suite)          → after the matrix: "Suite <name>", its verdict line, then one table per part of
 *                                   the program: status, step id, title (linked to the program's URL), and the
 *                                   reason or, for a failed step, its first failing result; the program's quoted
 *                                   words and what each step maps to in a collapsed <details>
 *   leftovers                     → a list with ids, so they can be deleted by hand
 * Text from the target is made printable (no control characters), HTML-escaped and Markdown-escaped, so a
 * hostile response cannot inject markup, links or images; code blocks use a fence longer than any backtick
 * run inside them. The output stays far below GitHub's 1 MiB job-summary limit.
 */
import { blockedLine, causalityLine, cellsOf, comparisonLine, countCell, profilesLine, rootCausesOf, settingTables, SETTING_LEGEND, type Reporter, type RenderOptions, type RootCauses } from './index.js'
import type { RunReport } from '../runner/report.js'
import { formatSource, runLabel, type Result, type Status } from '../result/types.js'
import { exitCodeOf } from '../result/summary.js'
import { evidenceFor, oneLine, printable } from './excerpt.js'
import { partsOf, SUITE_LABELS, suiteVerdictLine } from './suite.js'
import type { SuiteStatus } from '../suites/types.js'

export const MARKDOWN_SYMBOLS: Record<Status, string> = { pass: '✅', fail: '❌', warn: '⚠️', info: 'ℹ️', skip: '⏭️', error: '❓' }

/** Failures shown with their evidence; the rest are listed one line each, so a broken target cannot flood a PR. */
export const MAX_DETAILED = 50
/** GitHub refuses comments over 65,536 characters; the report stays under this, with room to spare. */
export const MAX_CHARS = 60_000

const FAILURE_ORDER: Status[] = ['fail', 'error', 'warn']

/** One line of target text, safe in Markdown prose and table cells. */
export function mdText(text: string): string {
  return oneLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // Enough to stop emphasis, code spans, links, images and table cells...
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    // ...and, for text that starts a line, headings, lists and thematic breaks.
    .replace(/^(\s*)([#+=-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2')
}

/** A fenced code block whose fence cannot be closed by the content. */
export function codeBlock(text: string, lang = ''): string {
  const body = printable(text)
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${lang}\n${body}\n${fence}`
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function headline(report: RunReport): string {
  const s = report.summary
  const counts = [
    s.failed && plural(s.failed, 'failure'),
    s.errors && plural(s.errors, 'error'),
    s.warned && plural(s.warned, 'warning'),
  ].filter(Boolean)
  const verdict = exitCodeOf(report) === 1 || report.suite?.verdict === 'fail' ? `${MARKDOWN_SYMBOLS.fail} failed at --fail-on ${report.failOn}` : `${MARKDOWN_SYMBOLS.pass} passed at --fail-on ${report.failOn}`
  const partial = report.incomplete ? ' (partial run)' : ''
  return `## scim-check: ${verdict}${partial}${counts.length ? ` — ${counts.join(', ')}` : ''}`
}

function preamble(report: RunReport): string[] {
  const out: string[] = []
  for (const w of report.warnings) out.push(`> **Warning:** ${mdText(w)}`, '')
  if (report.incomplete) out.push(`> **Run incomplete:** ${mdText(report.incomplete)}. This report is partial.`, '')
  return out
}

function header(report: RunReport): string {
  const target = `${mdText(report.target.url)}${report.target.builtin ? ' (built-in server)' : ''}`
  const seconds = (report.durationMs / 1000).toFixed(1)
  return `${mdText(`${report.tool.name} ${report.tool.version}`)} · ${target} · ${mdText(profilesLine(report))} · run ${mdText(report.runId)} · ${seconds}s`
}

function summaryTable(report: RunReport): string[] {
  const s = report.summary
  const causality = causalityLine(s)
  return [
    '| Passed | Failed | Warnings | Info | Skipped | Errors | Total |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${s.passed} | ${s.failed} | ${s.warned} | ${s.info} | ${s.skipped} | ${s.errors} | ${s.total} |`,
    ...(causality ? ['', mdText(causality)] : []),
  ]
}

function complianceLine(report: RunReport): string {
  const { compliance } = report
  const parts = [`**Compliant at MUST level:** ${compliance.mustCompliant ? 'yes' : 'no'}`]
  for (const idp of new Set([...report.idps, ...Object.keys(compliance.idps)])) {
    const v = compliance.idps[idp]
    if (!v) continue
    const why = v.failures > 0 ? ` (${plural(v.failures, 'failure')})` : v.compatible ? '' : ' (nothing passed)'
    parts.push(`**${mdText(idp)}:** ${v.compatible ? 'compatible' : 'not compatible'}${why}`)
  }
  return parts.join(' · ')
}

/** IdP × setting × scenario: per profile, a column per setting (option values on separate lines), a row per scenario. */
function settingMatrix(report: RunReport): string[] | undefined {
  const tables = settingTables(report)
  if (!tables) return undefined
  const out = ['### Setting matrix (IdP × setting × scenario)', '']
  for (const t of tables) {
    const head = t.columns.map((col) => (col.setting ? col.setting.split(', ').map(mdText).join('<br>') : '(no settings)'))
    out.push(
      `**${mdText(t.idp)}**`,
      '',
      `| Scenario | ${head.join(' | ')} |`,
      `| --- | ${head.map(() => ':---:').join(' | ')} |`,
      ...t.scenarios.map((sc) => `| ${mdText(sc)} | ${t.columns.map((col) => {
        const cell = countCell(report, sc, col.label)
        return cell ? `${MARKDOWN_SYMBOLS[cell.status]} ${cell.status} ${cell.count}` : '·'
      }).join(' | ')} |`),
      '',
    )
  }
  out.push(`<sub>${mdText(SETTING_LEGEND)}; · did not run</sub>`, '')
  return out
}

function matrixTable(report: RunReport): string[] {
  const bySetting = settingMatrix(report)
  if (bySetting) return bySetting
  const { scenarios, idps, cells } = report.matrix
  if (idps.length < 2 || scenarios.length === 0) return []
  return [
    '### Compatibility matrix (scenario × IdP)',
    '',
    `| Scenario | ${idps.map(mdText).join(' | ')} |`,
    `| --- | ${idps.map(() => ':---:').join(' | ')} |`,
    ...scenarios.map((sc) => `| ${mdText(sc)} | ${idps.map((idp) => statusCell(cells[sc]?.[idp] ?? 'skip')).join(' | ')} |`),
    '',
  ]
}

function statusCell(s: Status): string {
  return `${MARKDOWN_SYMBOLS[s]} ${s}`
}

function failuresOf(report: RunReport): Result[] {
  const inRunOrder = cellsOf(report).flatMap((c) => c.results)
  return FAILURE_ORDER.flatMap((status) => inRunOrder.filter((r) => r.status === status))
}

function failureBlock(r: Result, report: RunReport, shown: Map<string, string>, causes: RootCauses): string[] {
  const where = [runLabel(r), r.scenario, r.step].filter((x): x is string => !!x).map(mdText).join(' · ')
  const out = [`#### ${MARKDOWN_SYMBOLS[r.status]} \`${inlineCode(r.id)}\` ${mdText(r.title)}`, '', `${where} · ${mdText(formatSource(r.source))} · ${r.level}${r.preExisting ? ' · pre-existing data' : ''}`, '']
  if (r.message && r.message !== r.title) out.push(mdText(r.message), '')
  const facts: string[] = []
  if (r.requirement) facts.push(`- **requirement:** ${mdText(r.requirement)}`)
  if (r.expected !== undefined) facts.push(`- **expected:** ${mdText(r.expected)}`)
  if (r.actual !== undefined) facts.push(`- **actual:** ${mdText(r.actual)}`)
  if (r.reason && r.reason !== r.message) facts.push(`- **reason:** ${mdText(r.reason)}`)
  const blocked = causes.blockedBy(r)
  if (blocked.length) facts.push(`- **root cause:** ${mdText(blockedLine(blocked))}`)
  if (facts.length) out.push(...facts, '')
  const ev = evidenceFor(r, report.exchanges)
  if (!ev) return out
  const key = r.exchange !== undefined ? `#${r.exchange}` : `${ev.request}\u0000${ev.response ?? ''}`
  const first = shown.get(key)
  if (first) {
    out.push(`Request, response and reproduction: as for \`${inlineCode(first)}\` above.`, '')
    return out
  }
  shown.set(key, r.id)
  out.push('<details><summary>Request and response</summary>', '', codeBlock(ev.request, 'http'), '')
  if (ev.response) out.push(codeBlock(ev.response, 'http'), '')
  out.push('</details>', '')
  if (ev.reproduce) out.push('Reproduce:', '', codeBlock(ev.reproduce, 'sh'), '')
  return out
}

/** Inline code cannot hold a backtick portably; ids never should, so one is replaced rather than escaped. */
function inlineCode(text: string): string {
  return oneLine(text).replace(/`/g, "'")
}

const whereOf = (r: Result) => [runLabel(r), r.scenario, r.step].filter((x): x is string => !!x).map(mdText).join(' · ')

/**
 * The failures, most important first, within a character budget: the same check failing the same way under several
 * profiles or scenarios is shown once with where else it failed; blocks with evidence while the budget lasts, then
 * one line each, then a count and where the full report is.
 */
function failureSection(report: RunReport, budget: number): string[] {
  const failures = failuresOf(report)
  if (failures.length === 0) return []
  const groups = new Map<string, Result[]>()
  for (const r of failures) {
    const k = `${r.status}\u0000${r.id}`
    groups.set(k, [...(groups.get(k) ?? []), r])
  }
  const out = [`### Failures (${failures.length}${groups.size < failures.length ? `, ${groups.size} distinct checks` : ''})`, '']
  const shown = new Map<string, string>()
  const causes = rootCausesOf(report.results)
  let used = out.join('\n').length
  const lines: string[] = []
  let detailed = 0
  const rest: Result[][] = []
  for (const group of groups.values()) {
    const block = failureBlock(group[0], report, shown, causes)
    if (group.length > 1) block.push(`Also failed ${group.length - 1} more time${group.length === 2 ? '' : 's'}: ${group.slice(1, 13).map(whereOf).join('; ')}${group.length > 13 ? '; …' : ''}`, '')
    const size = block.join('\n').length + 1
    if (detailed < MAX_DETAILED && used + size < budget - 2_000) {
      lines.push(...block)
      used += size
      detailed++
    } else rest.push(group)
  }
  out.push(...lines)
  if (rest.length) {
    out.push(`${plural(rest.length, 'more failing check')}, one line each (their evidence is in the JSON or HTML report):`, '')
    used += 120
    let left = rest.length
    for (const group of rest) {
      const line = `- ${MARKDOWN_SYMBOLS[group[0].status]} \`${inlineCode(group[0].id)}\` ${mdText(group[0].title)} — ${whereOf(group[0])}${group.length > 1 ? ` (and ${group.length - 1} more)` : ''}`
      if (used + line.length + 200 > budget) break
      out.push(line)
      used += line.length + 1
      left--
    }
    if (left > 0) out.push('', `… and ${plural(left, 'more failing check')} not shown: this summary stops at ${MAX_CHARS.toLocaleString('en')} characters. The JSON or HTML report (\`--reporter json=…\`, \`--reporter html=…\`) has them all.`)
    out.push('')
  }
  return out
}

const SUITE_MD: Record<SuiteStatus, string> = { pass: '✅', fail: '❌', warn: '⚠️', skip: '⏭️', 'not-checkable': '⚪' }

/** Link text and targets come from the suite files (ours), but still escaped: a reason can quote the target's words. */
function suiteSection(report: RunReport): string[] {
  const suite = report.suite
  if (!suite) return []
  const out = [`### Suite ${mdText(suite.name)}: ${mdText(suite.title)}`, '', `**${mdText(suiteVerdictLine(suite))}**`, '']
  for (const { part, steps } of partsOf(suite)) {
    out.push(`#### ${mdText(part)}`, '', '| | step | requirement | verdict |', '|---|---|---|---|')
    for (const s of steps) {
      // Skip reasons already start with their label ("not judged: …", "not yet exercised: …"); a failure's names its result.
      const why = s.status === 'pass' || !s.reason ? SUITE_LABELS[s.status] : s.status === 'fail' || s.status === 'warn' ? `${SUITE_LABELS[s.status]}: ${mdText(s.reason)}` : mdText(s.reason)
      const title = `[${mdText(s.title)}](${encodeURI(s.url)})${s.level === 'recommended' ? ' (recommended)' : ''}`
      out.push(`| ${SUITE_MD[s.status]} | \`${inlineCode(s.id)}\` | ${title} | ${why} |`)
    }
    out.push('')
  }
  out.push('<details><summary>What each step is judged on</summary>', '')
  for (const s of suite.steps) out.push(`- \`${inlineCode(s.id)}\`: "${mdText(s.quote)}" — ${mdText(s.mapsTo)}${s.note ? ` (${mdText(s.note)})` : ''}`)
  out.push('', '</details>', '')
  return out
}

function leftoverSection(report: RunReport): string[] {
  if (report.leftovers.length === 0) return []
  const out = [`### Leftovers (${report.leftovers.length})`, '', 'Resources the run could not delete (remove them by id):', '']
  for (const l of report.leftovers) out.push(`- ${l.type} \`${inlineCode(l.id)}\`${l.name ? ` ${mdText(l.name)}` : ''}: ${l.state} — ${mdText(l.reason)}`)
  out.push('')
  return out
}

export function renderMarkdown(report: RunReport, _opts?: RenderOptions): string {
  const since = comparisonLine(report)
  const sinceLines = since ? [`**${mdText(since)}**${report.comparison!.new.length ? ` — new: ${report.comparison!.new.slice(0, 20).map((r) => `\`${inlineCode(r.id)}\``).join(', ')}` : ''}`, ''] : []
  const head = [...preamble(report), headline(report), '', header(report), '', ...summaryTable(report), '', complianceLine(report), '', ...sinceLines, ...matrixTable(report)]
  const tail = [...suiteSection(report), ...leftoverSection(report)]
  const budget = MAX_CHARS - head.join('\n').length - tail.join('\n').length
  const lines = [...head, ...failureSection(report, budget), ...tail]
  if (report.results.length === 0) lines.push('No results: nothing was judged.', '')
  while (lines.at(-1) === '') lines.pop()
  return `${lines.join('\n')}\n`
}

export const reporter: Reporter = {
  name: 'markdown',
  description: 'Compact Markdown summary and failures, for a CI job summary or a pull-request comment',
  defaultFile: 'scim-check-report.md',
  render: renderMarkdown,
}
