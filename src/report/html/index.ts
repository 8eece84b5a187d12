/**
 * html: one self-contained file (inline CSS and script, no network: its Content-Security-Policy forbids every
 * fetch) to open from a CI artifact or attach to a ticket.
 *
 * Mapping, top to bottom:
 *   tool, target, idps, runId, startedAt, duration → title and one header line
 *   warnings, incomplete                            → banners before anything else
 *   exit decision, compliance                       → the verdict box: passes or fails at --fail-on, counts,
 *                                                     "N root causes, M checks blocked",
 *                                                     "compliant at MUST level", compatibility per IdP
 *   summary                                         → one tile per status
 *   leftovers                                       → a table with ids, so they can be deleted by hand
 *   suite (with --suite)                            → after the tiles: the suite's verdict line, then one table
 *                                                     per part of the review program: status, step id, title
 *                                                     linked to the program's URL, the program's quoted words,
 *                                                     what the step is judged on, the reason, and its
 *                                                     underlying results (failures first) in a <details>
 *   results                                         → what matters first: grouped by IdP, then scenario (like
 *                                                     pretty), filtered to failures, warnings and errors by
 *                                                     default; one row each with status, id, title, step;
 *                                                     fail / warn / error add the message, the requirement
 *                                                     source (linked to its RFC section on rfc-editor.org) and
 *                                                     level, expected vs actual, the requirement sentence and,
 *                                                     for a root cause, the checks it blocked (they stay listed
 *                                                     as skips that name it), reason, the redacted request and
 *                                                     response and the curl reproduction; skip and info add
 *                                                     their reason
 *   filters                                         → status checkboxes, an IdP select and a text search over
 *                                                     the results; without a script every row shows
 *   matrix                                          → the compliance matrix, scenario × IdP (always, even for
 *                                                     one IdP); a cell links to its results and picks its IdP.
 *                                                     Under settings (--idp okta:all) a column per setting,
 *                                                     grouped under its profile, and each cell also says how
 *                                                     many results had the worst status
 *   compliance.sections                             → the RFC-section summary table (failing rows marked)
 * Rendering is pure: the same report gives the same bytes (no clock, no randomness), which the screenshot
 * test relies on. Text from the target goes through `printable` and is HTML-escaped, never inserted as markup.
 */
import { blockedLine, causalityLine, cellsOf, comparisonLine, countCell, profilesLine, rootCausesOf, settingTables, SETTING_LEGEND, type Reporter, type RenderOptions, type RootCauses } from '../index.js'
import type { RunReport } from '../../runner/report.js'
import { formatSource, runLabel, type Result, type Status } from '../../result/types.js'
import { exitCodeOf } from '../../result/summary.js'
import { worst } from '../../result/verdict.js'
import { evidenceFor, printable } from '../excerpt.js'
import { SCRIPT, STYLE } from './assets.js'
import { partsOf, SUITE_LABELS, SUITE_SYMBOLS, suiteVerdictLine } from '../suite.js'
import type { SuiteStatus } from '../../suites/types.js'
import { renderLoadHtml } from '../../load/render.js'
import type { LoadSection } from '../../load/load.js'

export const HTML_SYMBOLS: Record<Status, string> = { pass: '✓', fail: '✗', warn: '!', info: 'i', skip: '-', error: '?' }

const STATUS_ORDER: Status[] = ['fail', 'error', 'warn', 'info', 'skip', 'pass']
const DETAILED: ReadonlySet<Status> = new Set(['fail', 'warn', 'error'])

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

/** Text from anywhere (the target included) as HTML element content; quotes stay as typed, so a curl line reads as one. */
export function esc(text: string): string {
  return printable(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Text as a double-quoted attribute value. */
export function attr(text: string): string {
  return esc(text.replace(/\r?\n/g, '\\n')).replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/** `esc` for one-line fields: a newline shows as `\n`. */
function esc1(text: string): string {
  return esc(text.replace(/\r?\n/g, '\\n'))
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function badge(s: Status): string {
  return `<span class="sym st-${s}" title="${s}">${HTML_SYMBOLS[s]}</span>`
}

function head(report: RunReport): string {
  const title = `scim-check report: ${report.target.url}`
  return `<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${attr(`${report.tool.name} ${report.tool.version}`)}">
<title>${esc1(title)}</title>
<style>${STYLE}</style>
</head>`
}

function header(report: RunReport): string {
  const target = `${esc1(report.target.url)}${report.target.builtin ? ' (built-in server)' : ''}`
  const seconds = (report.durationMs / 1000).toFixed(1)
  return `<header>
<h1>scim-check report</h1>
<p class="meta">${target} · ${esc1(profilesLine(report))} · run ${esc1(report.runId)} · started ${esc1(report.startedAt)} · ${seconds}s · ${esc1(`${report.tool.name} ${report.tool.version}`)}</p>
</header>`
}

function banners(report: RunReport): string {
  const out = report.warnings.map((w) => `<div class="banner" role="alert"><strong>Warning:</strong> ${esc1(w)}</div>`)
  if (report.incomplete) out.push(`<div class="banner incomplete" role="alert"><strong>Run incomplete:</strong> ${esc1(report.incomplete)}. This report is partial.</div>`)
  return out.join('\n')
}

function verdict(report: RunReport): string {
  const failing = exitCodeOf(report) === 1 || report.suite?.verdict === 'fail'
  const s = report.summary
  const counts = [s.failed && plural(s.failed, 'failure'), s.errors && plural(s.errors, 'error'), s.warned && plural(s.warned, 'warning')].filter(Boolean).join(', ')
  const items = [`<li>Compliant at MUST level: <strong>${report.compliance.mustCompliant ? 'yes' : 'no'}</strong></li>`]
  for (const idp of new Set([...report.idps, ...Object.keys(report.compliance.idps)])) {
    const v = report.compliance.idps[idp]
    if (!v) continue
    const why = v.failures > 0 ? ` (${plural(v.failures, 'failure')})` : v.compatible ? '' : ' (nothing passed)'
    items.push(`<li>Compatible with ${esc1(idp)}: <strong>${v.compatible ? 'yes' : 'no'}</strong>${why}</li>`)
  }
  const line = failing ? `Run fails at --fail-on ${report.failOn}` : `Run passes at --fail-on ${report.failOn}${report.failOn === 'never' ? ' (failures never fail the run)' : ''}`
  const causality = causalityLine(s)
  if (causality) items.push(`<li>${esc1(causality)}</li>`)
  const since = comparisonLine(report)
  if (since) {
    const list = (rs: Result[]) => rs.slice(0, 30).map((r) => `<code>${esc1(r.id)}</code> ${esc1(`${runLabel(r)}/${r.scenario}`)}`).join(', ')
    items.push(`<li id="comparison">${esc1(since)}${report.comparison!.new.length ? `<br>new: ${list(report.comparison!.new)}` : ''}${report.comparison!.fixed.length ? `<br>fixed: ${list(report.comparison!.fixed)}` : ''}</li>`)
  }
  return `<section class="verdict ${failing ? 'failing' : 'passing'}" id="verdict">
<strong>${line}</strong>${counts ? ` — ${counts}` : ''}
<ul>${items.join('')}</ul>
</section>`
}

function tiles(report: RunReport): string {
  const s = report.summary
  const rows: [string, number, Status | ''][] = [
    ['Failed', s.failed, 'fail'],
    ['Errors', s.errors, 'error'],
    ['Warnings', s.warned, 'warn'],
    ['Info', s.info, 'info'],
    ['Skipped', s.skipped, 'skip'],
    ['Passed', s.passed, 'pass'],
    ['Total', s.total, ''],
  ]
  return `<div class="tiles" id="summary">${rows.map(([label, n, st]) => `<div class="tile${st ? ` st-${st}` : ''}"><b>${n}</b>${label}</div>`).join('')}</div>`
}

interface CellRef {
  id: string
  idp: string
  scenario: string
}

function matrix(report: RunReport, refs: CellRef[]): string {
  const { scenarios, idps, cells } = report.matrix
  if (scenarios.length === 0 || idps.length === 0) return '<h2 id="matrix-title">Compliance matrix (scenario × IdP)</h2><p class="muted">No scenario ran.</p>'
  const tables = settingTables(report)
  const th = idps.map((idp) => `<th scope="col" data-col-idp="${attr(idp)}">${esc1(idp)}</th>`).join('')
  // Under settings: the profile over its settings (one header cell spanning them), each setting's options below.
  const head = tables
    ? `<tr><th scope="col" rowspan="2">Scenario</th>${tables.map((t) => `<th scope="colgroup" colspan="${t.columns.length}">${esc1(t.idp)}</th>`).join('')}</tr>
<tr>${tables.flatMap((t) => t.columns.map((col) => `<th scope="col" data-col-idp="${attr(col.label)}">${col.setting ? col.setting.split(', ').map(esc1).join('<br>') : '(no settings)'}</th>`)).join('')}</tr>`
    : `<tr><th scope="col">Scenario</th>${th}</tr>`
  const columns = tables ? tables.flatMap((t) => t.columns.map((c) => c.label)) : idps
  const rows = scenarios.map((sc) => {
    const tds = columns.map((idp) => {
      const s = cells[sc]?.[idp] ?? 'skip'
      const ref = refs.find((r) => r.idp === idp && r.scenario === sc)
      const n = tables ? countCell(report, sc, idp) : undefined
      const label = `${HTML_SYMBOLS[s]} ${s}${n ? ` ${n.count}` : ''}`
      const inner = ref ? `<a href="#${ref.id}" data-pick-idp="${attr(idp)}">${label}</a>` : `<span title="nothing ran">${label}</span>`
      return `<td class="st st-${s}" data-col-idp="${attr(idp)}">${inner}</td>`
    })
    return `<tr><th scope="row">${esc1(sc)}</th>${tds.join('')}</tr>`
  })
  const title = tables ? 'Setting matrix (IdP × setting × scenario)' : 'Compliance matrix (scenario × IdP)'
  return `<h2 id="matrix-title">${title}</h2>
<table class="matrix" id="matrix" aria-labelledby="matrix-title"><thead>${head}</thead>
<tbody>${rows.join('\n')}</tbody></table>${tables ? `\n<p class="muted">${esc1(SETTING_LEGEND)}.</p>` : ''}`
}

function sections(report: RunReport): string {
  const rows = report.compliance.sections
  if (rows.length === 0) return ''
  const body = rows
    .map((r) => {
      const failing = r.failed > 0
      return `<tr${failing ? ' class="failing"' : ''}><td>${esc1(r.section)}</td><td>${esc1(r.level)}</td><td class="num">${r.passed}</td><td class="num${failing ? ' st-fail' : ''}">${r.failed}</td><td class="num${r.warned ? ' st-warn' : ''}">${r.warned}</td><td class="num">${r.skipped}</td></tr>`
    })
    .join('\n')
  return `<h2 id="sections-title">Compliance by RFC section</h2>
<table class="sections" id="sections" aria-labelledby="sections-title"><thead><tr><th>Section</th><th>Level</th><th>Passed</th><th>Failed</th><th>Warnings</th><th>Skipped</th></tr></thead>
<tbody>${body}</tbody></table>`
}

function filters(report: RunReport): string {
  const counts = new Map<Status, number>()
  for (const r of report.results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1)
  const anyProblem = report.results.some((r) => DETAILED.has(r.status))
  const boxes = STATUS_ORDER.map((s) => {
    const checked = !anyProblem || DETAILED.has(s) ? ' checked' : ''
    return `<label><input type="checkbox" name="status" value="${s}"${checked}> <span class="st-${s}">${HTML_SYMBOLS[s]}</span> ${s} (${counts.get(s) ?? 0})</label>`
  }).join('\n')
  // Profile runs, as the matrix columns: under settings, one entry per setting.
  const idps = [...new Set([...(report.matrix.idps.length ? report.matrix.idps : report.idps), ...report.results.map(runLabel)])]
  const options = [`<option value="">all IdPs</option>`, ...idps.map((idp) => `<option value="${attr(idp)}">${esc1(idp)}</option>`)].join('')
  // Hidden until the script runs: without it, every row shows and there is nothing to filter with.
  return `<form id="filters" hidden aria-label="Filter results">
<strong>Show</strong>
${boxes}
<label>IdP <select name="idp">${options}</select></label>
<label>Search <input type="search" name="q" placeholder="check id, message, path…"></label>
<span id="shown" class="muted" aria-live="polite"></span>
</form>`
}

function resultItem(r: Result, report: RunReport, n: number, causes: RootCauses): string {
  let line = `${badge(r.status)}<span class="id">${esc1(r.id)}</span><span class="title">${esc1(r.title)}</span>`
  if (r.step) line += `<span class="step">[${esc1(r.step)}]</span>`
  if (r.preExisting) line += '<span class="st-warn">(pre-existing data)</span>'
  if ((r.status === 'skip' || r.status === 'info') && (r.reason || r.message)) line += `<span class="why">— ${esc1(r.reason ?? r.message)}</span>`
  if (r.status === 'pass' && r.message && r.message !== r.title) line += `<span class="why">— ${esc1(r.message)}</span>`
  const blocked = causes.blockedBy(r)
  const details = DETAILED.has(r.status) ? detailsOf(r, report, blocked) : ''
  return `<li class="result" id="r${n}" data-status="${r.status}" data-idp="${attr(runLabel(r))}"><div class="line">${line}</div>${details}</li>`
}

function detailsOf(r: Result, report: RunReport, blocked: readonly Result[]): string {
  const out: string[] = []
  if (r.message && r.message !== r.title) out.push(`<p>${esc1(r.message)}</p>`)
  const source = 'idp' in r.source
    ? `${esc1(`${r.source.idp}: ${r.source.behaviour}`)} (<a href="${safeUrl(r.source.url)}" rel="noreferrer noopener">source</a>)`
    : 'rfc' in r.source
      ? `<a href="${safeUrl(rfcLink(r.source.rfc, r.source.section))}" rel="noreferrer noopener">${esc1(formatSource(r.source))}</a>`
      : esc1(formatSource(r.source))
  out.push(`<p class="muted">${source} · ${r.level}</p>`)
  const facts: string[] = []
  if (r.requirement) facts.push(`<dt>requirement</dt><dd>${esc(r.requirement)}</dd>`)
  if (blocked.length) facts.push(`<dt>root cause of</dt><dd>${esc(blockedLine(blocked))}</dd>`)
  if (r.expected !== undefined) facts.push(`<dt>expected</dt><dd>${esc(r.expected)}</dd>`)
  if (r.actual !== undefined) facts.push(`<dt>actual</dt><dd>${esc(r.actual)}</dd>`)
  if (r.reason && r.reason !== r.message) facts.push(`<dt>reason</dt><dd>${esc(r.reason)}</dd>`)
  if (facts.length) out.push(`<dl>${facts.join('')}</dl>`)
  const ev = evidenceFor(r, report.exchanges)
  if (ev) {
    out.push(`<div class="evidence"><div><h4>Request</h4>${pre(ev.request)}</div>${ev.response ? `<div><h4>Response</h4>${pre(ev.response)}</div>` : ''}</div>`)
    // The excerpt cuts long bodies; the whole body (redacted when it was captured) is one click away.
    const x = r.exchange === undefined ? undefined : report.exchanges.find((e) => e.index === r.exchange)
    const body = x?.response?.body
    if (body && !(ev.response ?? '').includes(body)) out.push(`<details class="full"><summary>Whole response body (${body.length} characters)</summary>${pre(body)}</details>`)
    if (ev.reproduce) out.push(`<div class="repro"><h4 class="muted">Reproduce <button type="button" class="copy" data-copy hidden>copy</button></h4>${pre(ev.reproduce)}</div>`)
  }
  return `<div class="details">${out.join('')}</div>`
}

/** The RFC section on rfc-editor.org: "§3.5.2.1, Table 9" links to section-3.5.2.1. */
function rfcLink(rfcNo: number, section: string): string {
  const n = /(\d+(?:\.\d+)*)/.exec(section)?.[1]
  return `https://www.rfc-editor.org/rfc/rfc${rfcNo}${n ? `#section-${n}` : ''}`
}

/**
 * Preformatted text on lines of its own: the parser drops the newline after <pre> and a browser draws none for the
 * one before </pre>, so what shows is exactly the text, and the source stays line-greppable.
 */
function pre(text: string): string {
  return `<pre>\n${esc(text)}\n</pre>`
}

/** Only http(s) links are kept; anything else (javascript:, data:) becomes an inert fragment. */
function safeUrl(url: string): string {
  return /^https?:\/\//i.test(url) ? attr(url) : '#'
}

function results(report: RunReport, refs: CellRef[]): string {
  if (report.results.length === 0) return '<h2>Results</h2><p>No results: nothing was judged.</p>'
  let n = 0
  const causes = rootCausesOf(report.results)
  const groups = cellsOf(report).map((cell, i) => {
    const ref: CellRef = { id: `cell${i}`, idp: cell.idp, scenario: cell.scenario }
    refs.push(ref)
    const items = cell.results.map((r) => resultItem(r, report, n++, causes)).join('\n')
    return `<section class="cell" id="${ref.id}" data-idp="${attr(cell.idp)}"><header>${badge(worst(cell.results.map((r) => r.status)))}<h3>${esc1(cell.scenario)}</h3><span class="muted">${esc1(cell.idp)}</span></header>
<ol>
${items}
</ol></section>`
  })
  return `<h2 id="results-title">Results</h2>
${filters(report)}
${groups.join('\n')}`
}

/** Suite statuses reuse the result colours: not judged as skip, not checkable offline as info. */
const SUITE_CLASS: Record<SuiteStatus, Status> = { pass: 'pass', fail: 'fail', warn: 'warn', skip: 'skip', 'not-checkable': 'info' }

function suite(report: RunReport): string {
  const s = report.suite
  if (!s) return ''
  const tables = partsOf(s).map(({ part, steps }) => {
    const rows = steps.map((st) => {
      const cls = SUITE_CLASS[st.status]
      const evidence = st.evidence.length
        ? `<details><summary>${plural(st.evidence.length, 'underlying result')}</summary><ul>${st.evidence.map((e) => `<li>${badge(e.status as Status)} <code>${esc1(e.id)}</code> <span class="muted">${esc1(`${e.idp}/${e.scenario}${e.step ? `/${e.step}` : ''}`)}</span> ${e.status === 'pass' ? '' : esc1(e.message)}</li>`).join('')}</ul></details>`
        : ''
      return `<tr><td class="st-${cls}"><span class="sym st-${cls}" title="${attr(SUITE_LABELS[st.status])}">${SUITE_SYMBOLS[st.status]}</span> ${esc1(SUITE_LABELS[st.status])}</td><td class="id">${esc1(st.id)}</td><td><a href="${safeUrl(st.url)}">${esc1(st.title)}</a>${st.level === 'recommended' ? ' <span class="muted">(recommended)</span>' : ''}<br><q>${esc1(st.quote)}</q></td><td>${st.reason ? `${esc1(st.reason)}<br>` : ''}<span class="muted">judged on: ${esc1(st.mapsTo)}</span>${st.note ? `<br><span class="muted">${esc1(st.note)}</span>` : ''}${evidence}</td></tr>`
    })
    return `<h3>${esc1(part)}</h3>
<table class="suite"><thead><tr><th>Verdict</th><th>Step</th><th>Requirement</th><th>Why</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`
  })
  const cls = s.verdict === 'fail' ? 'st-fail' : s.verdict === 'pass' ? '' : 'st-warn'
  return `<h2 id="suite-title">Suite ${esc1(s.name)}: ${esc1(s.title)}</h2>
<p id="suite-verdict" class="${cls}"><strong>${esc1(suiteVerdictLine(s))}</strong></p>
${tables.join('\n')}`
}

function leftovers(report: RunReport): string {
  if (report.leftovers.length === 0) return ''
  const rows = report.leftovers.map((l) => `<tr><td>${l.type}</td><td class="id">${esc1(l.id)}</td><td>${esc1(l.name ?? '')}</td><td>${l.state}</td><td>${esc1(l.reason)}</td></tr>`).join('\n')
  return `<h2 id="leftovers-title" class="st-fail">Leftovers: ${plural(report.leftovers.length, 'resource')} the run could not delete</h2>
<table id="leftovers"><thead><tr><th>Type</th><th>Id</th><th>Name</th><th>State</th><th>Why</th></tr></thead><tbody>${rows}</tbody></table>`
}

/** `scim-check load` hands its report (a run report with a `load` section) to the same reporters. */
function loadOf(report: RunReport): string {
  const section = (report as RunReport & { load?: LoadSection }).load
  return section ? renderLoadHtml(section) : ''
}

export function renderHtml(report: RunReport, _opts?: RenderOptions): string {
  // What matters leads: the verdict, then the results (filtered to the problems by default), then the matrix and
  // the RFC sections. Results are rendered first so the matrix can link to the cells they produced.
  const refs: CellRef[] = []
  const resultsHtml = results(report, refs)
  return `<!doctype html>
<html lang="en">
${head(report)}
<body>
<main>
${header(report)}
${banners(report)}
${verdict(report)}
${tiles(report)}
${suite(report)}
${loadOf(report)}
${leftovers(report)}
${resultsHtml}
${matrix(report, refs)}
${sections(report)}
<footer>Generated by ${esc1(`${report.tool.name} ${report.tool.version}`)}. This file is self-contained and loads nothing from the network. Secrets were redacted when the exchanges were captured; credentials appear as $SCIM_TOKEN.</footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`
}

export const reporter: Reporter = {
  name: 'html',
  description: 'Self-contained HTML report: compliance matrix, RFC-section summary, every failure with its request and response, filters',
  defaultFile: 'scim-check-report.html',
  render: renderHtml,
}
