import type { Exchange, RequestSpec } from '../http/exchange.js'
import type { Finding } from '../checks/define.js'
import type { Source } from '../result/types.js'

/** IdP-level actions a scenario can ask for; each profile says how its IdP does them on the wire. */
export const ACTIONS = [
  'testConnection',
  'importSchema',
  'createUser',
  'getUser',
  'findUser',
  'listUsers',
  'updateUser',
  'deactivateUser',
  'reactivateUser',
  'deleteUser',
  'createGroup',
  'getGroup',
  'findGroup',
  'listGroups',
  'addMembers',
  'removeMembers',
  'pushGroup',
  'renameGroup',
  'deleteGroup',
  'rotateToken',
] as const
export type ActionName = (typeof ACTIONS)[number]

export interface ActionContext {
  idp: string
  /** Sends one request with the profile's headers and the run's auth; every call is captured. */
  send(req: RequestSpec): Promise<Exchange>
  /** Profile options chosen by the user (e.g. { aadOptscim062020: true }). */
  options: Record<string, unknown>
  /** Attribute mapping in effect: IdP attribute → SCIM path. */
  mapping: Record<string, string>
  /** The custom schema extension in effect (scim-check.yaml `customExtension`, or the reference server's). */
  custom: { urn: string; attributes: Record<string, unknown> }
  /** Report an IdP expectation judged inside the action (level IDP). */
  expectation(id: string, finding: Finding): void
  /**
   * What the profile remembers across the steps of one run (the users it rendered, the groups it pushed), owned by
   * the run: profiles keep no module-level state, so two runs in one process never share values.
   */
  state: Map<string, unknown>
  /** May the profile send diagnostic minimal pairs (off with --no-diagnose, and always under --read-only)? */
  diagnose: boolean
}

export interface ActionResult {
  /** The exchange a step's `expect` is judged against (e.g. the PUT of Okta's GET-then-PUT). */
  exchange: Exchange
  /** What `save:` stores: by default the parsed response body. */
  value?: unknown
}

/** `args` are the step's `with:` values after templating. */
export type ActionImpl = (ctx: ActionContext, args: Record<string, any>) => Promise<ActionResult>

export interface ProfileOption {
  name: string
  description: string
  default: string | boolean
  /** Allowed values for enumerated options. */
  values?: string[]
  /** Why a given value cannot work (checked before the first request), or undefined when it can. */
  validate?: (value: string) => string | undefined
  /**
   * An older spelling of another option's value (`aadOptscim062020: true` is `patchFlag: aadOptscim062020`): true is
   * rewritten to that option before settings are expanded, so a setting's label says what really runs.
   */
  alias?: { option: string; value: string }
}

/** One row of `scim-check list idps`: what the IdP does, and where that fact comes from. */
export interface Behaviour {
  topic: string
  does: string
  source: string
  /** D documented by the vendor, S seen in real traffic, I inferred. */
  confidence: 'D' | 'S' | 'I'
}

export interface IdpExpectation {
  id: string
  title: string
  source: Extract<Source, { idp: string }>
}

export interface IdpProfile {
  name: string
  title: string
  description: string
  options: ProfileOption[]
  /**
   * The combinations `--idp <name>:all` runs, when not every combination of the enumerated options is a real
   * setting (one makes another meaningless, or two send the same traffic). Each names some options; the others keep
   * their default. Absent: every combination (the cross product of each option's values).
   */
  settings?: Record<string, string | boolean>[]
  behaviours: Behaviour[]
  /** Headers this IdP sends on every request (User-Agent, Accept, ...). */
  headers(options: Record<string, unknown>): Record<string, string>
  actions: Partial<Record<ActionName, ActionImpl>>
  /** Default attribute mapping (IdP attribute → SCIM path); scim-check.yaml can override entries. */
  mapping?: Record<string, string>
  /** Actions this IdP never performs, with the reason shown when a step is skipped. */
  never?: Partial<Record<ActionName, string>>
  /** The IdP expectations (level IDP) this profile can report. */
  expectations?: IdpExpectation[]
  /**
   * How long the IdP waits for a response before it gives up (ms): the deadline of this profile's requests unless the
   * user set --timeout. Undefined: the run's default.
   */
  deadlineMs?: number
}
