import type { CheckDef, Finding } from '../checks/define.js'
import type { HttpClient } from '../http/client.js'
import type { Exchange } from '../http/exchange.js'
import type { Redactor } from '../http/redact.js'
import { evidenceOf } from '../report/excerpt.js'
import type { Cause, Result } from '../result/types.js'
import { statusOf } from '../result/verdict.js'

/** What a result is judged against: a catalogue check, an IdP expectation, or a scenario step's expectation. */
export type Descriptor = Pick<CheckDef, 'id' | 'title' | 'level' | 'source' | 'requirement'>

/** Where a result was produced: which profile ran which scenario, and the step in progress. */
export interface Place {
  scenario: string
  idp: string
  setting?: string
  step?: string
}

/**
 * Turns findings into results: the one place a verdict gets its status, its redaction, its requirement sentence
 * and its evidence, so every result of a run carries the same fields.
 */
export class ResultBuilder {
  constructor(
    private client: HttpClient,
    private redactor: Redactor,
  ) {}

  build(at: Place, def: Descriptor, f: Finding, x?: Exchange): Result {
    const r: Result = {
      id: def.id,
      title: def.title,
      source: def.source,
      level: f.level ?? def.level,
      status: statusOf(f, def.level),
      scenario: at.scenario,
      idp: at.idp,
      ...(at.setting ? { setting: at.setting } : {}),
      message: this.redactor.text(f.message),
    }
    const stepName = x?.step ?? at.step
    if (stepName) r.step = stepName
    if (f.expected !== undefined) r.expected = this.redactor.text(f.expected)
    if (f.actual !== undefined) r.actual = this.redactor.text(f.actual)
    if (f.reason) r.reason = this.redactor.text(f.reason)
    else if (r.status === 'skip' || r.status === 'info' || r.status === 'error') r.reason = r.message
    if (f.preExisting) r.preExisting = true
    if (x) {
      r.exchange = x.index
      this.client.pin(x.index)
      if (r.status !== 'pass') r.evidence = evidenceOf(x)
    }
    r.requirement = this.redactor.text(def.requirement)
    return r
  }
}

/** The cause a result stands for: itself, or (when it was blocked in turn) whatever blocked it. */
export function causeOf(r: Result): Cause {
  if (r.cause) return r.cause
  const c: Cause = { id: r.id, scenario: r.scenario }
  if (r.step !== undefined) c.step = r.step
  if (r.exchange !== undefined) c.exchange = r.exchange
  return c
}

export function blockedMessage(cause: Cause): string {
  return `blocked by ${cause.id}${cause.step ? ` at ${cause.step}` : ''}`
}

/**
 * A verdict that another result explains: it is not judged on its own terms, so it becomes a skip that names its
 * root cause. What it would have said is kept in `reason`, for whoever wants to see the symptom too.
 */
/**
 * A verdict on state an action should have made that the IdP never performs (the profile skipped it): even a pass
 * would judge nothing that happened, so it is a skip naming the step that did not happen.
 */
export function notPerformed(r: Result, cause: Cause): Result {
  const { evidence: _evidence, ...rest } = r
  const message = `not judged: it depends on ${cause.step ?? 'an earlier step'}, which this IdP does not perform (${cause.id})`
  return { ...rest, status: 'skip', message, reason: `${message}; on its own: ${r.message}`, cause }
}

export function blocked(r: Result, cause: Cause): Result {
  if (r.status === 'pass') return r
  const { evidence: _evidence, ...rest } = r
  const message = blockedMessage(cause)
  const own = r.status === 'skip' ? r.reason ?? r.message : r.message
  return { ...rest, status: 'skip', message, reason: `${message}; on its own: ${own}`, cause }
}
