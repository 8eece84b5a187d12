/**
 * json: the RunReport as a stable, documented document for machines (dashboards, diffing two runs).
 *
 * Mapping: every field of the RunReport except `exchanges`, in this order:
 *   tool, target, idp, idps, settings (only when a profile ran under settings), runId, startedAt, durationMs, failOn,
 *   summary, results, matrix, compliance, suite (only with --suite), leftovers, incomplete (only when the run was cut
 *   short), warnings.
 * The suite section lists every step of the review program in its order: the program's words and URL, what
 * scim-check judges it on (`mapsTo`), its status (pass, fail, warn, skip, not-checkable) with the reason, and the
 * underlying results (id, scenario, step, profile, status, message) as evidence.
 * Results are copied as they are, keys in the order Result declares them (message, expected, actual and
 * evidence were redacted by the runner). The transcript of exchanges is its own feature (`--transcript`),
 * never part of this report.
 * The shape is described by `report.schema.json` (JSON Schema draft-07) shipped next to this file;
 * a change to it is a format change and goes in the CHANGELOG.
 */
import type { Reporter } from './index.js'
import type { RunReport } from '../runner/report.js'
import type { Result } from '../result/types.js'

export type JsonReport = Omit<RunReport, 'exchanges'>

/** Result fields in the order Result declares them; fields added later follow, so nothing is lost. */
const RESULT_KEYS: (keyof Result)[] = [
  'id', 'title', 'source', 'level', 'status', 'scenario', 'step', 'idp', 'setting', 'message',
  'expected', 'actual', 'exchange', 'reason', 'evidence', 'preExisting', 'requirement', 'cause', 'ambient',
]

function orderedResult(r: Result): Result {
  const out: Record<string, unknown> = {}
  for (const key of RESULT_KEYS) if (r[key] !== undefined) out[key] = r[key]
  for (const [key, value] of Object.entries(r)) if (!(key in out) && value !== undefined) out[key] = value
  return out as unknown as Result
}

/** The documented document, key order included (so diffs of two runs line up). */
export function toJsonReport(report: RunReport): JsonReport {
  const out: JsonReport = {
    tool: report.tool,
    target: report.target,
    idp: report.idp,
    idps: report.idps,
    ...(report.settings ? { settings: report.settings } : {}),
    runId: report.runId,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    failOn: report.failOn,
    summary: {
      passed: report.summary.passed,
      failed: report.summary.failed,
      skipped: report.summary.skipped,
      warned: report.summary.warned,
      info: report.summary.info,
      errors: report.summary.errors,
      total: report.summary.total,
      blocked: report.summary.blocked,
      rootCauses: report.summary.rootCauses,
    },
    results: report.results.map(orderedResult),
    matrix: report.matrix,
    compliance: report.compliance,
    ...(report.suite ? { suite: report.suite } : {}),
    leftovers: report.leftovers,
    warnings: report.warnings,
  }
  if (report.baseline) out.baseline = report.baseline
  if (report.comparison) out.comparison = report.comparison
  if (report.incomplete === undefined) return out
  const { warnings, ...rest } = out
  return { ...rest, incomplete: report.incomplete, warnings }
}

export const reporter: Reporter = {
  name: 'json',
  description: 'Machine-readable report (results, matrix, compliance), described by report.schema.json',
  defaultFile: 'scim-check-report.json',
  render: (report) => `${JSON.stringify(toJsonReport(report), null, 2)}\n`,
}
