import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import { requestUrl, type Exchange } from '../http/exchange.js'
import type { ImportValue } from '../idp/common.js'

/**
 * Judges an import the way the IdP walked it (the profile's listUsers/listGroups): every resource this scenario
 * created is there exactly once, no id shows up twice across pages, and the totals the pages report agree.
 * Only the run's own ids are required to be present, so other tenant data can never cause a false alarm.
 */

function walkOf(args: Record<string, unknown>): ImportValue | undefined {
  const w = args.walk as ImportValue | undefined
  return w && Array.isArray(w.ids) && Array.isArray(w.totalResults) ? w : undefined
}

/**
 * The ids to look for: `ids:` when the scenario names them, else every user this scenario created under this profile
 * and still owns (so a scenario never has to template ids that a failed create did not produce).
 */
function expectedIds(ctx: CheckContext, x: Exchange): string[] {
  const ids = ctx.args.ids
  if (Array.isArray(ids)) return ids.filter((v): v is string => typeof v === 'string' && v !== '')
  const resource = /\/Groups$/.test(pathname(x)) ? 'Groups' : 'Users'
  const out: string[] = []
  for (const h of ctx.history) {
    if (h.scenario !== ctx.scenario || h.idp !== ctx.idp || h.setting !== ctx.setting || h.request.method !== 'POST' || h.response?.status !== 201) continue
    if (!pathname(h).endsWith(`/${resource}`)) continue
    const id = (h.response.json as { id?: unknown } | undefined)?.id
    if (typeof id === 'string' && ctx.ownIds.has(id) && !out.includes(id)) out.push(id)
  }
  return out
}

function pathname(x: Exchange): string {
  return requestUrl(x)?.pathname.replace(/\/+$/, '') ?? ''
}

export const checks: CheckDef[] = [
  defineCheck({
    id: 'import.walk-complete',
    title: 'An import walk returns every resource exactly once',
    area: 'import',
    level: 'MUST',
    source: rfc(7644, '§3.4.2.4'),
    requirement:
      'Paging by startIndex and count returns each resource of the result set once: a client that walks every page, the way an IdP imports, must see every resource and no resource twice.',
    breaks: ['okta', 'onelogin', 'jumpcloud'],
    judge(x, ctx): Finding {
      const walk = walkOf(ctx.args)
      const want = expectedIds(ctx, x)
      if (!walk) return { ok: 'error', message: 'the import step produced no page walk to judge', reason: 'no walk value (was `walk:` given the saved listUsers result?)' }
      if (!want.length) return { ok: 'error', message: 'this scenario created no resource to look for in the import', reason: 'nothing of this run to look for' }
      if (walk.pages === 0 || walk.totalResults.length === 0) return { ok: 'error', message: `the import got no readable page (last answer: ${x.response?.status ?? 'none'})`, reason: 'no page could be read' }
      const seen = new Map<string, number>()
      for (const id of walk.ids) seen.set(id, (seen.get(id) ?? 0) + 1)
      const missing = want.filter((id) => !seen.has(id))
      // Read in place, in the same order: spreading the counts would make 100,000 pairs at the walk's peak of memory.
      const repeated: string[] = []
      for (const [id, n] of seen) if (n > 1) repeated.push(id)
      const where = `${walk.pages} page${walk.pages === 1 ? '' : 's'}, ${walk.ids.length} resources`
      if (walk.capped) return { ok: 'error', message: `the walk stopped at the page cap after ${where}; totalResults kept saying more remain`, reason: 'page cap reached' }
      if (missing.length || repeated.length) {
        const parts = []
        if (missing.length) parts.push(`missing ${missing.length} of this run's ${want.length} resources (${missing.slice(0, 5).join(', ')})`)
        if (repeated.length) parts.push(`repeated across pages: ${repeated.slice(0, 5).join(', ')}`)
        const finding: Finding = { ok: false, message: `import walk over ${where}: ${parts.join('; ')}`, expected: `each of ${want.length} run ids exactly once, no id twice`, actual: parts.join('; ') }
        // The walk is only as good as what is known of the IdP's paging: a guessed walk that comes up short proves nothing.
        return walk.inferred ? { ...finding, ok: 'info', message: `${finding.message} (${walk.inferred})`, reason: `inferred ${ctx.idp} paging: recorded, not failed` } : finding
      }
      return { ok: true, message: `all ${want.length} run resources found exactly once over ${where}` }
    },
  }),
  defineCheck({
    id: 'import.totals-consistent',
    title: 'totalResults agrees across pages and with what the walk found',
    area: 'import',
    level: 'SHOULD',
    source: rfc(7644, '§3.4.2.4'),
    requirement:
      'totalResults is the number of results the query matched; a client paging through an unchanged result set sees the same total on every page, and as many distinct resources as that total.',
    breaks: ['okta'],
    judge(x, ctx): Finding {
      const walk = walkOf(ctx.args)
      if (!walk || walk.totalResults.length === 0) return { ok: 'error', message: 'the import step produced no page walk to judge', reason: 'no walk value' }
      if (walk.capped) return { ok: 'skip', message: 'skipped: the walk stopped at the page cap', reason: 'page cap reached' }
      const totals = [...new Set(walk.totalResults)]
      if (totals.some((t) => !Number.isInteger(t))) return { ok: false, message: `totalResults is not an integer on every page (${walk.totalResults.map(String).join(', ')})`, expected: 'an integer on every page', actual: walk.totalResults.map(String).join(', ') }
      // Other clients may add or remove users in a live tenant while we walk: a drift is a warning, not proof.
      if (totals.length > 1) return { ok: false, message: `totalResults changed while paging: ${walk.totalResults.join(' → ')}`, expected: 'the same total on every page', actual: walk.totalResults.join(', ') }
      const distinct = new Set(walk.ids).size
      if (distinct !== totals[0]) {
        const finding: Finding = { ok: false, message: `totalResults says ${totals[0]} but walking every page found ${distinct} distinct resources`, expected: String(totals[0]), actual: String(distinct) }
        return walk.inferred ? { ...finding, ok: 'info', message: `${finding.message} (${walk.inferred})`, reason: `inferred ${ctx.idp} paging: recorded, not failed` } : finding
      }
      return { ok: true, message: `totalResults ${totals[0]} on every page; ${distinct} distinct resources walked` }
    },
  }),
]
