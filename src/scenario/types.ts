import type { ActionName } from '../idp/types.js'
import type { Level } from '../result/types.js'

/** Features a scenario can require; read from /ServiceProviderConfig (and probes for groups/enterprise). */
export const FEATURES = ['patch', 'bulk', 'filter', 'sort', 'etag', 'changePassword', 'groups', 'enterprise', 'rotation'] as const
export type Feature = (typeof FEATURES)[number]
/** A feature, or what the target model must declare: `attribute:User.nickName`, `extension:enterprise`, `extension:custom`. */
export type Requirement = Feature | `attribute:${string}` | `extension:${string}`

/** A value to match: a literal, `absent`, `present`, or a nested partial object/array. */
export type Matcher = unknown

export interface Expectation {
  status?: number | number[]
  /** Header name → expected value (substring match, case-insensitive name) or 'absent' / 'present'. */
  headers?: Record<string, string>
  /** Partial match on the parsed body; 'absent' and 'present' are special values. */
  body?: Matcher
  /** Attribute this expectation to a registered check (its id, title, level and source are used). */
  check?: string
  /** Overrides when no check is named. */
  id?: string
  title?: string
  level?: Level
}

export interface CheckRef {
  id: string
  with?: Record<string, unknown>
}

export interface Step {
  name: string
  /** Where the step sits in its file, for error messages. */
  line?: number
  action?: ActionName
  request?: {
    method: string
    path: string
    query?: Record<string, string | number | boolean>
    headers?: Record<string, string>
    body?: unknown
    auth?: 'none' | 'invalid' | 'current' | 'previous'
  }
  with?: Record<string, unknown>
  /** Credentials for every request an action sends (raw requests use request.auth). */
  auth?: 'none' | 'invalid' | 'current' | 'previous'
  save?: string
  expect?: Expectation | Expectation[]
  /** Registered checks judged on this step's exchange. */
  checks?: CheckRef[]
  /** Skip the step (with this reason) unless the condition holds, e.g. `rotation`. */
  requires?: Requirement[]
  /** Template expression; the step runs only when it is truthy. */
  when?: string
  /**
   * Run the step once per item: a count, or a template naming a count or a list. Each repetition sees `repeat.index`
   * (from 1), `repeat.item` and `repeat.count`; `save` holds the list of the repetitions' values.
   */
  repeat?: number | string
}

export interface Scenario {
  name: string
  title: string
  description?: string
  /** Which profiles run it: omitted = all; e.g. ['generic'] for RFC probes no IdP sends. */
  idps?: string[]
  requires?: Requirement[]
  /** Default source for expectations that name no check. */
  source?: string
  level?: Level
  /** Left out of a run that names no scenario (heavy ones such as group-scale); --scenario <name> runs it. */
  optIn?: boolean
  /** Writes data (false for read-only scenarios, which --read-only keeps). */
  writes?: boolean
  steps: Step[]
  file: string
}
