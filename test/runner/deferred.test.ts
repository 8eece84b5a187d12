import { describe, expect, it } from 'vitest'
import type { RunConfig } from '../../src/config/types.js'
import type { RunReport } from '../../src/runner/report.js'
import { run } from '../../src/runner/run.js'
import { config } from '../helpers/run.js'

// A step's checks are judged while the next step's first request is on the wire (ScenarioRunner.defer). Judged that
// way or inline, a run must say exactly the same: the same results, in the same order, with the same causes.

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

/** What differs between any two runs of one configuration: run ids, server ids, ports, times (and so the slowest request), and how many pages a timed filter saw. */
function comparable(report: RunReport): unknown[] {
  const ids = new Map<string, string>()
  const text = (t: string) =>
    t
      .replace(/slowest (\d+) ms \(.*\)$/, 'slowest $1 ms')
      .split(report.runId)
      .join('RUN')
      .replace(UUID, (u) => ids.get(u) ?? (ids.set(u, `<id${ids.size}>`), `<id${ids.size - 1}>`))
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
      .replace(/\b\d+ ms\b/g, '<n> ms')
      .replace(/127\.0\.0\.1:\d+/g, '<host>')
      .replace(/^\d+ responses? checked$/, '<n> responses checked')
  const walk = (v: unknown): unknown => (typeof v === 'string' ? text(v) : Array.isArray(v) ? v.map(walk) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v)
  return report.results.map(({ evidence: _evidence, ...r }) => walk(r))
}

async function both(over: Partial<RunConfig>): Promise<[unknown[], unknown[]]> {
  const inline = await run(config(over), { inlineJudging: true })
  const deferred = await run(config(over))
  return [comparable(inline), comparable(deferred)]
}

describe('judging a step while the next request is on the wire', () => {
  const cases: [string, Partial<RunConfig>][] = [
    ['every profile and scenario on a correct server', { idps: ['all'] }],
    // Rejected writes: root causes, blocked expectations, IdP expectations and ambient failures on the same exchanges.
    ['every profile against a server that refuses string booleans', { idps: ['all'], builtinFaults: ['no-string-booleans'] }],
    ['every profile against a server that refuses legacy URNs', { idps: ['all'], builtinFaults: ['legacy-urns-rejected'] }],
    // Repeated steps: each repetition's results are told apart by where they begin.
    ['a repeated step, folded per repetition', { idps: ['generic', 'okta'], scenarios: ['group-scale'], groupSize: 12 }],
  ]
  for (const [what, over] of cases) {
    it(`changes no result and no order: ${what}`, async () => {
      const [inline, deferred] = await both(over)
      expect(inline.length).toBeGreaterThan(10)
      expect(deferred).toEqual(inline)
    }, 120_000)
  }
})
