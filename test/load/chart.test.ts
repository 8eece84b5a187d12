import { afterEach, describe, expect, it } from 'vitest'
import { niceMax, timelineChart } from '../../src/load/chart.js'
import { load } from '../../src/load/load.js'
import { renderHtml } from '../../src/report/html/index.js'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { config } from '../helpers/run.js'

let server: RunningServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** The elements of one series group of the chart: its attributes, its polyline's points and its dots' tooltips. */
function series(svg: string, name: string) {
  const group = new RegExp(`<g class="series" data-series="${name}" data-points="(\\d+)">([\\s\\S]*?)</g>`).exec(svg)
  expect(group, `series ${name}`).not.toBeNull()
  const line = /<polyline[^>]* points="([^"]*)"/.exec(group![2])
  return {
    declared: Number(group![1]),
    line: line ? line[1].split(' ').map((p) => p.split(',').map(Number)) : [],
    dots: [...group![2].matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>([^<]*)<\/title>/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), tip: m[3] })),
  }
}

describe('the load chart in the HTML report', () => {
  it('draws a paced Entra sync on the built-in server second by second: requests, errors and p95, with labelled axes', async () => {
    server = await startServer({ port: 0, quiet: true })
    const cfg = config({ url: server.url, token: server.token, builtin: false, timeoutMs: 10_000 })
    // 20 requests per second for about three seconds: a timeline of several seconds to draw.
    const report = await load({ ...cfg, idps: ['entra'] }, { users: 30, groups: 0, offboard: 0, rate: 20 })
    const timeline = report.load.timeline
    expect(timeline.length).toBeGreaterThanOrEqual(3)
    // Every IdP request of the load is in the timeline once.
    expect(timeline.reduce((a, p) => a + p.requests, 0)).toBe(report.load.attempts)

    const html = renderHtml(report)
    const svg = /<svg class="load-chart"[\s\S]*?<\/svg>/.exec(html)?.[0]
    expect(svg).toBeDefined()
    expect(html).toContain('<h2 id="load-title">Load: entra initial sync</h2>')
    expect(svg).toContain(`data-seconds="${timeline.length}"`)

    const span = timeline[timeline.length - 1].t - timeline[0].t
    for (const label of ['requests/s', 'errors/s', 'p95 latency (ms)', 'p95 ms', 'seconds since the load started', '>0 s<', `>${span} s<`]) expect(svg).toContain(label)

    const throughput = series(svg!, 'throughput')
    expect(throughput.declared).toBe(timeline.length)
    expect(throughput.line).toHaveLength(timeline.length)
    expect(throughput.dots).toHaveLength(timeline.length)
    // Left to right in time; the busiest second is the highest dot (SVG y grows downwards).
    expect(throughput.dots.map((d) => d.x)).toEqual([...throughput.dots.map((d) => d.x)].sort((a, b) => a - b))
    const busiest = timeline.reduce((m, p, i) => (p.requests > timeline[m].requests ? i : m), 0)
    expect(Math.min(...throughput.dots.map((d) => d.y))).toBe(throughput.dots[busiest].y)
    expect(throughput.dots[0].tip).toBe(`0 s: ${timeline[0].requests} requests, ${timeline[0].errors} errors, p95 ${timeline[0].p95} ms`)
    // The axis tops out at a round number at or above the busiest second.
    expect(svg).toContain(`data-unit="requests/s" data-max="${niceMax(timeline[busiest].requests)}"`)

    const errors = series(svg!, 'errors')
    expect(errors.dots).toHaveLength(timeline.length)
    expect(report.load.errors).toEqual({})
    // No errors: every error dot sits on the zero line, below every throughput dot.
    expect(new Set(errors.dots.map((d) => d.y)).size).toBe(1)

    const p95 = series(svg!, 'p95')
    expect(p95.dots).toHaveLength(timeline.filter((p) => p.p95 !== undefined).length)
    expect(p95.dots.length).toBeGreaterThanOrEqual(3)
  }, 60_000)

  it('says so instead of drawing an empty chart, and rounds axes to 1, 2 or 5 times a power of ten', () => {
    expect(timelineChart([])).toContain('nothing to chart')
    expect([0, 3, 10, 11, 24, 180, 999].map(niceMax)).toEqual([1, 5, 10, 20, 50, 200, 1000])
  })
})
