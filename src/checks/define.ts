import type { Exchange } from '../http/exchange.js'
import type { Level, Source } from '../result/types.js'
import type { TargetModel } from '../target/model.js'

/**
 * What a check says about one exchange. `ok: false` means the rule was broken; whether that shows as
 * fail, warn or info follows from the check's level and is decided in one place (result/verdict.ts).
 */
export interface Finding {
  ok: boolean | 'skip' | 'info' | 'error'
  message: string
  expected?: string
  actual?: string
  /** Required when ok is skip, info or error. */
  reason?: string
  /** The exchange the finding is about, when it is not the one the check was given. */
  exchange?: Exchange
  preExisting?: boolean
  /**
   * The level of this finding when an entry combines levels (catalogue §1.1: "400 is implied (fail), the
   * scimType value is implied (warn)"); defaults to the check's level.
   */
  level?: Level
}

/**
 * Discovery documents as the target served them, read once per run (undefined when unavailable), and the target
 * model built from them (what is declared, what is unknown, and where each fact came from). Read the model with
 * `modelOf(ctx.discovery)` (src/target/model.ts), which also covers contexts given raw documents only.
 */
export interface Discovery {
  spc?: Record<string, any>
  resourceTypes?: Record<string, any>[]
  schemas?: Record<string, any>[]
  model?: TargetModel
}

export interface CheckContext {
  idp: string
  scenario: string
  /** The profile's setting under `--idp okta:all`: a scenario's exchanges are those of its idp, setting and name. */
  setting?: string
  step?: string
  /** Saved values and generated unique values, as scenarios see them. */
  vars: Record<string, unknown>
  /** Parameters given to the check by the scenario step (`check: {id, with: {...}}`). */
  args: Record<string, unknown>
  discovery: Discovery
  /** Every exchange of the run so far, oldest first. */
  history: readonly Exchange[]
  /** Ids of resources this run created, so findings on other data can be labelled pre-existing (asked, never copied). */
  ownIds: Pick<ReadonlySet<string>, 'has'>
  baseUrl: string
}

export type Judge = (x: Exchange, ctx: CheckContext) => Finding | Finding[] | undefined | void

export interface CheckDef {
  /** Stable 'area.name'; the RFC section is a field, never the id. */
  id: string
  title: string
  area: string
  level: Level
  source: Source
  /** The requirement sentence, as the RFC or IdP documentation states it. */
  requirement: string
  /**
   * The `with:` arguments the check takes when a scenario names it; the loader refuses any other key. Undeclared
   * (and without a row in checks/args.ts): any key is accepted.
   */
  args?: readonly string[]
  /** IdPs known to break when this check fails (okta, entra, onelogin, jumpcloud, ping). */
  breaks?: string[]
  /** Run on every exchange of every scenario and profile. */
  ambient?: Judge
  /** Run on a step's exchange when the scenario names the check. */
  judge?: Judge
}

export function defineCheck(def: CheckDef): CheckDef {
  return def
}

export const rfc = (rfcNo: 7643 | 7644 | number, section: string): Source => ({ rfc: rfcNo, section })
