/**
 * A review program's checklist (Okta's OIN submission tests, Entra's gallery requirements) as data: each step the
 * program's words and URL, and what scim-check judges it on. Files live in scenarios/suites/<name>.yaml.
 */

/** One place in a run's results: a profile, a built-in scenario, optionally a step and the result ids that judge it. */
export interface Selector {
  idp: string
  scenario: string
  step?: string
  /** Result ids (catalogue checks or the scenario's own <scenario>.<step>.status/.body); all of the step's when absent. */
  checks?: string[]
  /** Traffic another branch is adding: until a scenario of this name exists, the step says "not yet exercised". */
  pending?: boolean
  /** Profile options the step needs, written as after `--idp okta:` (e.g. "app=aiw"); the profile's defaults when absent. */
  setting?: string
}

export interface SuiteStep {
  id: string
  /** Which part of the program the step belongs to (e.g. "SPEC test", "CRUD test"). */
  part: string
  title: string
  /** The program's own words. */
  quote: string
  url: string
  /** Required steps fail the suite; recommended ones only warn. */
  level?: 'required' | 'recommended'
  /** What differs between the program's test and scim-check's evidence. */
  note?: string
  /** Every selector must hold. */
  evidence?: Selector[]
  /** Alternatives: the step holds when every selector of one alternative holds. */
  anyOf?: Selector[][]
  /** Why the step cannot be checked offline (the program's UI, the tenant, the human review). */
  offline?: string
  /** Judged on a paced load of the profile's traffic (scim-check load). */
  load?: { rate: number; seconds: number }
  /** Judged only when the run authenticates this way. */
  auth?: 'oauth-client-credentials'
}

export interface Suite {
  name: string
  title: string
  description: string
  /** The IdP profile whose traffic the suite replays. */
  profile: string
  steps: SuiteStep[]
  file: string
}

/** not-checkable: nothing a client sends can judge it; skip: checkable, but not judged in this run (with the reason). */
export type SuiteStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'not-checkable'

/** One underlying result that stands for a suite step, as evidence. */
export interface SuiteEvidence {
  id: string
  idp: string
  scenario: string
  step?: string
  status: string
  message: string
}

export interface SuiteStepResult {
  id: string
  part: string
  title: string
  quote: string
  url: string
  level: 'required' | 'recommended'
  note?: string
  status: SuiteStatus
  /** Why the step was skipped, is not checkable, or failed (one line). */
  reason?: string
  /** What the step maps to, in words (profile, scenarios, steps, checks), for the README and the reports. */
  mapsTo: string
  evidence: SuiteEvidence[]
}

/** The report's suite section: every step of the program, in its order, with its verdict. */
export interface SuiteSection {
  name: string
  title: string
  profile: string
  /** pass: every required step judged passed; fail: a required step failed; incomplete: passed, but some not judged; empty: nothing judged. */
  verdict: 'pass' | 'fail' | 'incomplete' | 'empty'
  counts: Record<SuiteStatus, number>
  steps: SuiteStepResult[]
}
