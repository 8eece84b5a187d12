import type { RunConfig } from '../../src/config/types.js'
import { DEFAULTS } from '../../src/config/types.js'
import { run } from '../../src/runner/run.js'
import type { RunReport } from '../../src/runner/report.js'

/** A RunConfig for tests: the built-in server unless a url is given, generous timeouts, no reporters. */
export function config(over: Partial<RunConfig> = {}): RunConfig {
  return {
    builtin: !over.url,
    idps: ['generic'],
    idpOptions: {},
    scenarios: [],
    reporters: [],
    failOn: 'must',
    timeoutMs: 5000,
    insecure: false,
    mapping: {},
    redact: [],
    readOnly: false,
    maxBodyBytes: DEFAULTS.maxBodyBytes,
    maxJsonDepth: DEFAULTS.maxJsonDepth,
    maxPages: DEFAULTS.maxPages,
    progress: false,
    ...over,
  }
}

export function runBuiltin(over: Partial<RunConfig> = {}): Promise<RunReport> {
  return run(config(over))
}

/** Results that are not green: what a test on a correct server expects to be empty. */
export function problems(report: RunReport) {
  return report.results.filter((r) => r.status === 'fail' || r.status === 'warn' || r.status === 'error').map((r) => `${r.idp}/${r.scenario}/${r.step ?? ''} ${r.id} [${r.status}] ${r.message}`)
}
