import type { Exchange } from '../http/exchange.js'
import type { Result, Status } from '../result/types.js'
import type { BaselineOutcome } from '../result/baseline.js'
import type { ReportDiff } from '../result/diff.js'
import type { SuiteSection } from '../suites/types.js'

export interface Summary {
  total: number
  passed: number
  failed: number
  warned: number
  skipped: number
  info: number
  errors: number
  /** Of the skipped, results blocked by a root cause (they carry `cause`); never failures. */
  blocked: number
  /** Distinct root causes (by result id) that blocked at least one other result. */
  rootCauses: number
}

/**
 * scenario × IdP: the worst status seen in that cell ('skip' when nothing ran). Columns are profile runs: a profile,
 * or under settings each of its settings ("okta (app=aiw, groupPush=true)", as RunReport.settings lists them).
 */
export interface Matrix {
  scenarios: string[]
  idps: string[]
  cells: Record<string, Record<string, Status>>
  /** Under settings: how many results of each status a cell holds (cells where nothing ran are absent). */
  counts?: Record<string, Record<string, Partial<Record<Status, number>>>>
}

/** One profile played under one of its settings (`--idp okta:all`): the matrix column `label` stands for it. */
export interface SettingRun {
  /** "okta (app=aiw, groupPush=true)": the matrix column, the compliance key, and what findings name. */
  label: string
  idp: string
  /** "app=aiw, groupPush=true": Result.setting of its results. */
  setting: string
  /** The option values of the setting, as the profile received them. */
  options: Record<string, unknown>
}

/** Per RFC section and level: what passed, failed and was skipped; plus the overall verdict. */
export interface Compliance {
  sections: { section: string; level: string; passed: number; failed: number; warned: number; skipped: number }[]
  mustCompliant: boolean
  /** Per IdP: does every IdP expectation and every check that breaks it pass? */
  idps: Record<string, { compatible: boolean; failures: number }>
}

export interface Leftover {
  type: 'User' | 'Group'
  id: string
  name?: string
  /** What was done instead of deleting (deactivated) and why the delete failed. */
  state: 'deactivated' | 'left'
  reason: string
}

/** Everything a reporter needs; reporters are pure renderers of this. */
export interface RunReport {
  tool: { name: string; version: string }
  target: { url: string; builtin: boolean }
  /** The profiles run, comma-joined in `idp` for the documented JSON shape. */
  idp: string
  idps: string[]
  /** Present when a profile ran under settings: every profile run in order (plain runs have setting ""). */
  settings?: SettingRun[]
  runId: string
  startedAt: string
  durationMs: number
  failOn: 'must' | 'should' | 'never'
  summary: Summary
  results: Result[]
  matrix: Matrix
  compliance: Compliance
  leftovers: Leftover[]
  /** Set when the run was interrupted or aborted; reports then say they are partial. */
  incomplete?: string
  /** Set first when most requests were rejected (e.g. 401 everywhere), so nobody reads a vacuous green. */
  warnings: string[]
  /** What the baseline file accepted, and its stale and expired entries (strict: stale entries fail the run). */
  baseline?: BaselineOutcome & { strict: boolean }
  /** With --compare: the findings fixed, new and changed since the earlier report. */
  comparison?: ReportDiff & { file: string }
  /** With --suite: every step of the review program, with the verdicts that stand for it. */
  suite?: SuiteSection
  exchanges: Exchange[]
}
