import type { ActionContext, ActionResult, IdpExpectation } from './types.js'
import type { RequestSpec } from '../http/exchange.js'

/** A per-run value of a profile, made on first use and kept in the run's context. */
export function runState<T>(ctx: ActionContext, key: string, make: () => T): T {
  if (!ctx.state.has(key)) ctx.state.set(key, make())
  return ctx.state.get(key) as T
}

export interface Member {
  value: string
  display?: string
}

/**
 * Scenarios give members as ids, {value, display}, or the saved resources themselves (a list a repeated createUser
 * saved: id, with displayName or userName as display); profiles decide what goes on the wire.
 */
export function memberList(members: unknown): Member[] {
  if (members === undefined || members === null) return []
  const list = Array.isArray(members) ? members : [members]
  return list.map((m) => {
    if (typeof m === 'string') return { value: m }
    const o = m as Member & { id?: unknown; displayName?: unknown; userName?: unknown }
    if (o.value === undefined && typeof o.id === 'string') return { value: o.id, display: String(o.displayName ?? o.userName ?? o.id) }
    return { value: String(o.value), display: o.display }
  })
}

export interface ImportValue {
  totalResults: number[]
  ids: string[]
  pages: number
  /** Set when the walk stopped at the page cap instead of at the end. */
  capped?: boolean
  /** Set when the IdP does not document how it pages (the walk is scim-check's guess): a short walk is information, not a failure. */
  inferred?: string
}

/**
 * Walk a list endpoint page by page the way an IdP imports: startIndex += count while totalResults says more
 * remain. Bounded by the run's page cap, so a server whose totalResults never runs out cannot hold the run.
 */
export async function pageThrough(
  ctx: ActionContext,
  path: string,
  count: number,
  query: (startIndex: number, count: number) => Pick<RequestSpec, 'query' | 'rawQuery'>,
  /**
   * How the next startIndex is found: `received` adds the number of resources the page held (what a careful client
   * does); `count` adds the page size asked for, as Okta does, so a server that caps pages below it loses users.
   */
  advance: 'received' | 'count' = 'received',
): Promise<ActionResult> {
  const maxPages = Number(ctx.options.maxPages ?? 1000)
  const value: ImportValue = { totalResults: [], ids: [], pages: 0 }
  let start = 1
  let last
  for (;;) {
    last = await ctx.send({ method: 'GET', path, ...query(start, count) })
    value.pages++
    const json = last.response?.json as { totalResults?: unknown; Resources?: unknown } | undefined
    if (!last.response || last.response.status !== 200 || !json) break
    const total = typeof json.totalResults === 'number' ? json.totalResults : Number.NaN
    value.totalResults.push(total)
    const resources = Array.isArray(json.Resources) ? json.Resources : []
    for (const r of resources) value.ids.push(String((r as { id?: unknown })?.id))
    start += advance === 'count' ? count : resources.length
    if (resources.length === 0 || !(start <= total)) break
    if (value.pages >= maxPages) {
      value.capped = true
      break
    }
  }
  return { exchange: last, value }
}

/**
 * For an action the IdP does not perform under the chosen options (Okta with Group Push off): nothing is sent, and
 * the step shows as skipped with the reason. The runner judges no expectation when an action returns no exchange.
 */
export function notSent(ctx: ActionContext, id: string, reason: string): ActionResult {
  ctx.expectation(id, { ok: 'skip', message: `skipped: ${reason}`, reason })
  return { exchange: undefined as unknown as ActionResult['exchange'] }
}

/** What `save:` stores after a DELETE, so later steps can run only when the delete was really sent (`when:`). */
export function deleted(x: ActionResult['exchange'], id: unknown): ActionResult {
  return { exchange: x, value: { id, status: x.response?.status ?? null } }
}

/** The first resource of a ListResponse, or undefined. */
export function firstResource(json: unknown): Record<string, any> | undefined {
  const r = (json as { Resources?: unknown[] } | undefined)?.Resources
  return Array.isArray(r) && r[0] && typeof r[0] === 'object' ? (r[0] as Record<string, any>) : undefined
}

/** A 2xx answer (the IdP accepted it); undefined status counts as not accepted. */
export function accepted(x: ActionResult['exchange']): boolean {
  const s = x.response?.status
  return s !== undefined && s >= 200 && s < 300
}

/** "the server answered 400 (detail: …)" for expectation messages. */
export function answer(x: ActionResult['exchange']): string {
  if (!x.response) return `no answer came (${x.error?.message ?? 'no response'})`
  const d = (x.response.json as { detail?: unknown } | undefined)?.detail
  return `the server answered ${x.response.status}${typeof d === 'string' && d ? ` (detail: "${d.slice(0, 160)}")` : ''}`
}

/** A profile's IdP-expectation factory: ids `idp.<profile>.<name>`, each with the behaviour and its source URL. */
export function expectationFactory<K extends string>(idp: string, sources: Record<K, string>) {
  return (id: string, title: string, behaviour: string, key: K): IdpExpectation => ({ id: `idp.${idp}.${id}`, title, source: { idp, behaviour, url: sources[key] } })
}
