import { timelineChart } from './chart.js'
import type { LoadSection } from './load.js'
import { dur } from './simulate.js'

/**
 * The load section as text, appended after the results by `scim-check load` for the pretty and markdown
 * reporters (the JSON reporter gets the section itself under `load`).
 */
export function renderLoad(s: LoadSection, format: 'pretty' | 'markdown'): string {
  const md = format === 'markdown'
  const out: string[] = []
  const h = (t: string) => out.push('', md ? `## ${t}` : t, ...(md ? [''] : [`${'─'.repeat(t.length)}`]))
  h(`Load: ${s.idp} initial sync`)
  const p = s.plan
  out.push(`${p.users} users, ${p.groups} groups of up to ${p.groupSize} (members added ${p.memberBatch} per PATCH), offboarding ${Math.round(p.users * p.offboard)}; concurrency ${p.concurrency}, rate ${p.rate ? `${p.rate} requests/s` : 'unlimited'} (${p.rateSource})`)
  out.push(`${s.requests} IdP requests (${s.attempts} attempts incl. resends) in ${fmtMs(s.phases.filter((x) => x.name !== 'verify').reduce((a, x) => a + x.ms, 0))}: ${s.throughput} requests/s; ${s.harnessRequests} read-backs; total ${fmtMs(s.durationMs)}`)
  h('Phases')
  table(out, md, ['phase', 'requests', 'time', 'note'], s.phases.map((x) => [x.name, String(x.requests), fmtMs(x.ms), x.note ?? '']))
  h('Latency (ms)')
  table(out, md, ['operation', 'count', 'p50', 'p95', 'p99', 'max'], Object.entries(s.latency).map(([op, l]) => [op, String(l.count), String(l.p50), String(l.p95), String(l.p99), String(l.max)]))
  h('Errors')
  const errs = Object.entries(s.errors)
  if (errs.length) table(out, md, ['class', 'count'], errs.map(([k, n]) => [k, String(n)]))
  else out.push('none')
  h(`End state: ${s.verdict.ok ? 'as sent' : 'NOT as sent'}`)
  for (const l of s.verdict.lines) out.push(`${md ? '- ' : '  '}${l}`)
  h('What the IdP would do (virtual clock)')
  for (const sim of s.simulations) {
    out.push(`${md ? '- **' : '  '}${sim.verdict}${md ? '**' : ''}`)
    for (const a of sim.arithmetic) out.push(`${md ? '  - ' : '      '}${a}`)
    out.push(`${md ? '  - ' : '      '}source: ${sim.source}`)
  }
  out.push('', `cleanup: ${fmtMs(s.cleanup.ms)}${s.cleanup.left ? `, ${s.cleanup.left} left behind (see leftovers)` : ', nothing left behind'}`)
  return out.join('\n') + '\n'
}

const escHtml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** The load section of the HTML report: the figures of renderLoad, and the timeline as a chart (chart.ts). */
export function renderLoadHtml(s: LoadSection): string {
  const p = s.plan
  const sent = s.phases.filter((x) => x.name !== 'verify').reduce((a, x) => a + x.ms, 0)
  const rows = (cells: string[][]) => cells.map((r) => `<tr>${r.map((c) => `<td>${escHtml(c)}</td>`).join('')}</tr>`).join('')
  const errs = Object.entries(s.errors)
  return `<section id="load">
<h2 id="load-title">Load: ${escHtml(s.idp)} initial sync</h2>
<p>${p.users} users, ${p.groups} groups, concurrency ${p.concurrency}, rate ${p.rate ? `${p.rate} requests/s` : 'unlimited'}: ${s.requests} IdP requests in ${escHtml(fmtMs(sent))}, <b>${s.throughput} requests/s</b>; ${errs.length ? `${errs.reduce((a, [, n]) => a + n, 0)} errors` : 'no errors'}; end state ${s.verdict.ok ? 'as sent' : '<b class="st-fail">NOT as sent</b>'}.</p>
<figure>${timelineChart(s.timeline)}</figure>
<table id="load-latency"><thead><tr><th>Operation</th><th>Count</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr></thead><tbody>${rows(Object.entries(s.latency).map(([op, l]) => [op, String(l.count), String(l.p50), String(l.p95), String(l.p99), String(l.max)]))}</tbody></table>
${errs.length ? `<table id="load-errors"><thead><tr><th>Error class</th><th>Count</th></tr></thead><tbody>${rows(errs.map(([k, n]) => [k, String(n)]))}</tbody></table>` : ''}
<ul>${s.verdict.lines.map((l) => `<li>${escHtml(l)}</li>`).join('')}</ul>
${s.simulations.map((sim) => `<p><b>${escHtml(sim.verdict)}</b></p><ul>${sim.arithmetic.map((a) => `<li>${escHtml(a)}</li>`).join('')}</ul>`).join('\n')}
</section>`
}

function table(out: string[], md: boolean, head: string[], rows: string[][]): void {
  if (md) {
    out.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`))
    return
  }
  const w = head.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)))
  const line = (r: string[]) => '  ' + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ').trimEnd()
  out.push(line(head), ...rows.map(line))
}

function fmtMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : dur(ms / 1000)
}
