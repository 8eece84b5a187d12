/** The one verdict type every check, expectation and IdP behaviour produces. */
export type Status = 'pass' | 'fail' | 'warn' | 'info' | 'skip' | 'error'

/** MUST/SHOULD/MAY come from the RFC keyword; IDP marks an identity provider's expectation. */
export type Level = 'MUST' | 'SHOULD' | 'MAY' | 'IDP'

export type Source =
  | { rfc: number; section: string }
  | { idp: string; behaviour: string; url: string }
  | { scenario: string; note: string }

export interface Result {
  /** Stable 'area.name' id, never reused for a different requirement. */
  id: string
  title: string
  source: Source
  level: Level
  status: Status
  scenario: string
  step?: string
  idp: string
  /**
   * The profile's setting when the run played it under several (`--idp okta:all`): "app=aiw, groupPush=false".
   * Absent for a profile named plainly, so results of runs without settings keep their keys.
   */
  setting?: string
  /** One line, already redacted. */
  message: string
  expected?: string
  actual?: string
  /** Index into the run's exchanges (the transcript). */
  exchange?: number
  /** Required for skip, info and error. */
  reason?: string
  /** Redacted request and response excerpts of the exchange that produced the verdict. */
  evidence?: { request: string; response?: string; reproduce?: string }
  /** Findings about resources the run did not create are labelled so they can be triaged apart. */
  preExisting?: boolean
  /** The requirement sentence the verdict is judged against (the RFC's or the IdP documentation's words). */
  requirement?: string
  /**
   * Set when this result did not judge the target on its own terms because an earlier result explains it: a step
   * blocked by a rejected request, or an expectation whose failure another check on the same exchange names.
   */
  cause?: Cause
  /** A finding the baseline file accepts: reported as info, with what it would have been and why it is accepted. */
  accepted?: { reason: string; was: 'fail' | 'warn' | 'error'; expires?: string }
  /** Set by the runner on results of ambient checks (judged on every exchange), so reporters can collapse their passes. */
  ambient?: boolean
}

/** The root-cause result a blocked or explained result points at. */
export interface Cause {
  /** The id of the result that is the root cause (e.g. idp.onelogin.legacy-urns). */
  id: string
  /** The step (and scenario) where the root cause was found. */
  step?: string
  scenario?: string
  /** The exchange of the root cause, when there is one. */
  exchange?: number
}

export function formatSource(s: Source): string {
  if ('rfc' in s) return `RFC ${s.rfc} ${s.section}`
  if ('idp' in s) return `${s.idp}: ${s.behaviour} (${s.url})`
  return `scenario ${s.scenario}: ${s.note}`
}

/**
 * The name of one profile run, as matrices, compatibility lines and findings show it: "okta", or with a setting
 * "okta (app=aiw, groupPush=false)". Results and exchanges both carry idp and setting.
 */
export function runLabel(x: { idp: string; setting?: string }): string {
  return x.setting ? `${x.idp} (${x.setting})` : x.idp
}
