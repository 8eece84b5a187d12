import type { ActionContext, ActionResult } from './types.js'
import type { RequestSpec } from '../http/exchange.js'

export interface Member {
  value: string
  display?: string
}

/** Scenarios give members as ids or {value, display}; profiles decide what goes on the wire. */
export function memberList(members: unknown): Member[] {
  if (members === undefined || members === null) return []
  const list = Array.isArray(members) ? members : [members]
  return list.map((m) => (typeof m === 'string' ? { value: m } : { value: String((m as Member).value), display: (m as Member).display }))
}

export interface ImportValue {
  totalResults: number[]
  ids: string[]
  pages: number
  /** Set when the walk stopped at the page cap instead of at the end. */
  capped?: boolean
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
    start += resources.length
    if (resources.length === 0 || !(start <= total)) break
    if (value.pages >= maxPages) {
      value.capped = true
      break
    }
  }
  return { exchange: last, value }
}
