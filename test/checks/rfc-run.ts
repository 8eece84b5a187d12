import { resolve } from 'node:path'
import { allChecks } from '../../src/checks/registry.js'
import type { RunConfig } from '../../src/config/types.js'
import { run } from '../../src/runner/run.js'
import type { RunReport } from '../../src/runner/report.js'
import { loadScenario } from '../../src/scenario/loader.js'
import { config } from '../helpers/run.js'

/** Run several scenario files (an area's read-only and write halves) in one run against the built-in server. */
export function runFiles(files: string[], over: Partial<RunConfig> = {}): Promise<RunReport> {
  const known = new Set(allChecks().map((c) => c.id))
  return run(config(over), { scenarios: files.map((f) => loadScenario(resolve(f), { knownChecks: known })) })
}

/** `id:status` of every failure and warning, once each, sorted. */
export function failing(r: RunReport, label: (x: RunReport['results'][number]) => string = (x) => `${x.id}:${x.status}`): string[] {
  return [...new Set(r.results.filter((x) => x.status === 'fail' || x.status === 'warn').map(label))].sort()
}
