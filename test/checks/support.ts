import type { CheckContext, CheckDef, Finding } from '../../src/checks/define.js'
import type { Exchange } from '../../src/http/exchange.js'
import type { Status } from '../../src/result/types.js'
import { statusOf } from '../../src/result/verdict.js'
import { resolve } from 'node:path'
import { allChecks } from '../../src/checks/registry.js'
import type { RunConfig } from '../../src/config/types.js'
import { run } from '../../src/runner/run.js'
import type { RunReport } from '../../src/runner/report.js'
import { loadScenario } from '../../src/scenario/loader.js'
import { context, exchange } from '../helpers/exchange.js'
import { config } from '../helpers/run.js'

/** Judging one check on crafted exchanges, the way the runner does: findings become statuses through verdict.ts. */

export { context, exchange }

export function finder(defs: CheckDef[]) {
  return (id: string): CheckDef => {
    const d = defs.find((c) => c.id === id)
    if (!d) throw new Error(`no check ${id}`)
    return d
  }
}

export function findings(def: CheckDef, x: Exchange, ctx: Partial<CheckContext> = {}): Finding[] {
  const fn = def.judge ?? def.ambient
  if (!fn) throw new Error(`${def.id} has no judge`)
  const out = fn(x, context(ctx))
  return out === undefined ? [] : Array.isArray(out) ? out : [out]
}

export function statuses(def: CheckDef, x: Exchange, ctx: Partial<CheckContext> = {}): Status[] {
  return findings(def, x, ctx).map((f) => {
    if ((f.ok === 'skip' || f.ok === 'info' || f.ok === 'error') && !f.reason) throw new Error(`${def.id}: a ${f.ok} finding without a reason`)
    return statusOf(f, def.level)
  })
}

/** The worst status, for tests that only care whether a check fired. */
export function verdict(def: CheckDef, x: Exchange, ctx: Partial<CheckContext> = {}): Status {
  const s = statuses(def, x, ctx)
  for (const w of ['fail', 'error', 'warn', 'info', 'skip', 'pass'] as const) if (s.includes(w)) return w
  return 'skip'
}

/** An exchange sent by a named step of the scenario the context runs in. */
export function stepX(step: string, p: Parameters<typeof exchange>[0]): Exchange {
  return { ...exchange(p), step }
}

const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'

export function listBody(resources: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  return { schemas: [LIST], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources, ...extra }
}

export function errorBody(status: number, scimType?: string) {
  return { schemas: [ERROR], status: String(status), detail: 'crafted', ...(scimType ? { scimType } : {}) }
}

/**
 * Run one scenario file against the built-in server. The file is loaded on its own, so a scenario elsewhere in
 * scenarios/ that is being written at the same time cannot break these tests.
 */
export async function runScenario(file: string, over: Partial<RunConfig> = {}): Promise<RunReport> {
  const scenario = loadScenario(resolve(file), { knownChecks: new Set(allChecks().map((c) => c.id)) })
  return run(config(over), { scenarios: [scenario] })
}
