import type { LoadSection } from './load.js'

/**
 * The load's timeline as an inline SVG for the HTML report: requests and errors per second in the upper panel, the
 * p95 latency of each second in the lower one, over the seconds since the load started. Hand-written SVG, no chart
 * library: the report is one self-contained file that loads nothing, and two polylines do not need one.
 */

type Point = LoadSection['timeline'][number]

const W = 720
const LEFT = 64
const RIGHT = 16
const PANEL = 130
const TOP = 28
const GAP = 52
const BOTTOM = 40
const H = TOP + PANEL + GAP + PANEL + BOTTOM
const PLOT_W = W - LEFT - RIGHT

const COLORS = { throughput: '#2563eb', errors: '#dc2626', p95: '#7c3aed', axis: '#6b7280', grid: '#e5e7eb' }

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1))

/** A round upper bound for an axis (1, 2 or 5 times a power of ten), so tick labels read as plain numbers. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1
  const p = 10 ** Math.floor(Math.log10(max))
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p
  return 10 * p
}

interface Series {
  name: keyof typeof COLORS
  label: string
  points: { t: number; v: number; tip: string }[]
}

export function timelineChart(timeline: readonly Point[]): string {
  if (!timeline.length) return '<p class="muted">No request was timed: nothing to chart.</p>'
  const t0 = timeline[0].t
  const span = timeline[timeline.length - 1].t - t0
  // One second alone is drawn in the middle rather than on the axis.
  const x = (t: number) => LEFT + (span ? ((t - t0) / span) * PLOT_W : PLOT_W / 2)
  const tip = (p: Point) => `${p.t - t0} s: ${p.requests} requests, ${p.errors} errors${p.p95 === undefined ? '' : `, p95 ${num(p.p95)} ms`}`
  const upper: Series[] = [
    { name: 'throughput', label: 'requests/s', points: timeline.map((p) => ({ t: p.t, v: p.requests, tip: tip(p) })) },
    { name: 'errors', label: 'errors/s', points: timeline.map((p) => ({ t: p.t, v: p.errors, tip: tip(p) })) },
  ]
  const lower: Series[] = [{ name: 'p95', label: 'p95 latency (ms)', points: timeline.filter((p) => p.p95 !== undefined).map((p) => ({ t: p.t, v: p.p95!, tip: tip(p) })) }]
  const xTicks = [...new Set([t0, t0 + Math.round(span / 2), t0 + span])]
  const out: string[] = [
    `<svg class="load-chart" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="11" data-seconds="${timeline.length}">`,
    `<title>Requests and errors per second, and p95 latency per second, over ${span + 1} s of load</title>`,
    panel(upper, TOP, 'Throughput and errors per second', 'requests/s', x, xTicks, t0),
    panel(lower, TOP + PANEL + GAP, 'Latency: p95 of each second', 'p95 ms', x, xTicks, t0),
    `<text class="axis-title" x="${LEFT + PLOT_W / 2}" y="${H - 6}" text-anchor="middle" fill="${COLORS.axis}">seconds since the load started</text>`,
    '</svg>',
  ]
  return out.join('\n')
}

function panel(series: Series[], top: number, title: string, unit: string, x: (t: number) => number, xTicks: number[], t0: number): string {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.v))))
  const y = (v: number) => top + PANEL - (v / max) * PANEL
  const parts: string[] = [`<g class="panel" data-unit="${esc(unit)}" data-max="${max}">`, `<text class="panel-title" x="${LEFT}" y="${top - 10}" font-weight="600">${esc(title)}</text>`]
  // Y axis: 0, half and the (rounded) maximum, with grid lines.
  for (const v of [0, max / 2, max]) {
    parts.push(`<line x1="${LEFT}" x2="${LEFT + PLOT_W}" y1="${y(v)}" y2="${y(v)}" stroke="${v ? COLORS.grid : COLORS.axis}"/>`)
    parts.push(`<text class="y-tick" x="${LEFT - 6}" y="${y(v) + 4}" text-anchor="end" fill="${COLORS.axis}">${num(v)}</text>`)
  }
  parts.push(`<text class="axis-title" transform="translate(14 ${top + PANEL / 2}) rotate(-90)" text-anchor="middle" fill="${COLORS.axis}">${esc(unit)}</text>`)
  for (const t of xTicks) parts.push(`<text class="x-tick" x="${x(t)}" y="${top + PANEL + 14}" text-anchor="middle" fill="${COLORS.axis}">${t - t0} s</text>`)
  // Legend, then each series as a line with a dot (and a tooltip) per second.
  let lx = LEFT + PLOT_W
  for (const s of [...series].reverse()) {
    const w = 18 + s.label.length * 6
    lx -= w
    parts.push(`<g class="legend"><rect x="${lx}" y="${top - 18}" width="10" height="10" fill="${COLORS[s.name]}"/><text x="${lx + 14}" y="${top - 9}">${esc(s.label)}</text></g>`)
  }
  for (const s of series) {
    const coords = s.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)
    parts.push(`<g class="series" data-series="${s.name}" data-points="${s.points.length}">`)
    if (coords.length > 1) parts.push(`<polyline fill="none" stroke="${COLORS[s.name]}" stroke-width="2" points="${coords.join(' ')}"/>`)
    for (const [i, p] of s.points.entries()) {
      const [cx, cy] = coords[i].split(',')
      parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${COLORS[s.name]}"><title>${esc(p.tip)}</title></circle>`)
    }
    parts.push('</g>')
  }
  parts.push('</g>')
  return parts.join('\n')
}
