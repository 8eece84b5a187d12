import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import type { Exchange } from '../http/exchange.js'
import { extras } from './attrs.js'
import { judgeInvalidFilter, judgeMembership } from './filter.js'
import { echoJudge } from './list.js'
import { sortedFixtures } from './sort.js'
import {
  ABSENT_STATUSES,
  bodyOf,
  excerpt,
  fixtures,
  hasCI,
  info,
  isListResponse,
  labelsOf,
  listView,
  req,
  skip,
  status,
  stepExchange,
  unjudgeable,
} from './verify.js'

/**
 * RFC 7644 §3.4.3: queries with POST {endpoint}/.search. The endpoint is optional, so every check first asks
 * whether it exists (catalogue §1.3 probe gate `search`): 404, 405 or 501 means it does not, and the check skips.
 */

function notOffered(x: Exchange | undefined): Finding | undefined {
  if (!x) return undefined
  const s = status(x)
  if (s !== undefined && ABSENT_STATUSES.has(s)) return skip(`${req(x)} answered ${s}: the server does not offer /.search`)
  return undefined
}

function gate(x: Exchange): Finding | undefined {
  return unjudgeable(x) ?? notOffered(x)
}

/** A 200 ListResponse from .search, or why not. */
function searchList(x: Exchange): Finding | undefined {
  const g = gate(x)
  if (g) return g
  const s = status(x)!
  if (s !== 200 || !isListResponse(bodyOf(x))) return { ok: false, message: `.search returned ${s} without a ListResponse`, expected: '200 ListResponse', actual: excerpt(x) }
  return undefined
}

const SEARCH_REQUEST = 'SearchRequest (RFC 7644 §3.4.3)'

export const checks: CheckDef[] = [
  defineCheck({
    id: 'search.users',
    title: 'POST /Users/.search answers like the equivalent GET',
    area: 'search',
    level: 'MUST',
    source: rfc(7644, '§3.4.3'),
    requirement: 'Clients MAY execute queries without passing parameters on the URL by using the HTTP POST verb combined with the "/.search" path extension; the body MAY include any of the parameters defined in Section 3.4.2.',
    judge(x, ctx) {
      const g = gate(x)
      if (g) return g
      const f = judgeMembership(x, ctx, { declined: 'fail' })
      if (f.ok !== true) return f.ok === false ? { ...f, message: `.search returned a different result: ${f.message}` } : f
      const get = stepExchange(ctx, ctx.args.get)
      const getIds = get && status(get) === 200 ? listView(get)?.ids : undefined
      const ids = listView(x)?.ids ?? []
      if (getIds && (getIds.length !== ids.length || getIds.some((id) => !ids.includes(id)))) {
        return { ok: false, message: `.search returned ${ids.length} resources, the equivalent GET ${getIds.length}`, expected: getIds.join(', '), actual: ids.join(', ') }
      }
      return { ok: true, message: `.search returned the same result as the equivalent GET (${ids.length})` }
    },
  }),
  defineCheck({
    id: 'search.attributes',
    title: '.search honours attributes',
    area: 'search',
    level: 'MUST',
    source: rfc(7644, '§3.4.3'),
    requirement: `attributes: A multi-valued list of strings indicating the names of resource attributes to return in the response (${SEARCH_REQUEST}).`,
    judge(x, ctx) {
      const l = searchList(x)
      if (l) return l
      const items = listView(x)!.resources
      if (!items.length) return skip('the search came back empty, so there is nothing to judge')
      const bad = items.find((r) => extras(r, ['userName'], ctx, 'User').length || !hasCI(r, 'id'))
      if (bad) return { ok: false, message: `.search ignored attributes: a resource still carries ${extras(bad, ['userName'], ctx, 'User').join(', ') || '(no id)'}`, expected: 'id, userName (schemas, meta tolerated)', actual: Object.keys(bad).join(', ') }
      return { ok: true, message: `all ${items.length} resources reduced to id and userName` }
    },
  }),
  defineCheck({
    id: 'search.excluded',
    title: '.search honours excludedAttributes',
    area: 'search',
    level: 'MUST',
    source: rfc(7644, '§3.4.3'),
    requirement: `excludedAttributes: A multi-valued list of strings indicating the names of resource attributes to be removed from the default set of attributes to return (${SEARCH_REQUEST}).`,
    judge(x, ctx) {
      const l = searchList(x)
      if (l) return l
      const want = String(ctx.args.resource ?? '')
      const r = listView(x)!.resources.find((e) => e.id === want)
      if (!r) return skip('the fixture was not in the search result (search.users judges the filter)')
      if (hasCI(r, 'emails')) return { ok: false, message: '.search ignored excludedAttributes: emails still returned', expected: 'no emails', actual: Object.keys(r).join(', ') }
      if (!hasCI(r, 'userName')) return { ok: false, message: '.search excludedAttributes=emails also removed userName', expected: 'userName present', actual: Object.keys(r).join(', ') }
      return { ok: true, message: 'emails removed from the search result' }
    },
  }),
  defineCheck({
    id: 'search.paging',
    title: '.search pages with startIndex and count',
    area: 'search',
    level: 'MUST',
    source: rfc(7644, '§3.4.3, §3.4.2.4'),
    requirement: `startIndex and count in a ${SEARCH_REQUEST} page the result as on GET: startIndex is the 1-based index of the first result.`,
    judge(x, ctx) {
      const g = gate(x) ?? notOffered(stepExchange(ctx, ctx.args.probe))
      if (g) return g
      const out = echoJudge(x, ctx, '.search startIndex 2')
      const list = Array.isArray(out) ? out : [out]
      return list.map((f) => (f.ok === false ? { ...f, message: `.search paging wrong: ${f.message}` } : f))
    },
  }),
  defineCheck({
    id: 'search.sort',
    title: '.search honours sortBy and sortOrder',
    area: 'search',
    level: 'MUST',
    source: rfc(7644, '§3.4.3'),
    requirement: `sortBy and sortOrder in a ${SEARCH_REQUEST} sort the result as on GET (RFC 7644 §3.4.2.3).`,
    judge(x, ctx) {
      const g = gate(x)
      if (g) return g
      const order = fixtures(ctx.args.order)
      const ids = Object.values(order)
      const r = sortedFixtures(x, ctx, ids)
      if ('finding' in r) return r.finding
      if (r.seq.join() === ids.join()) return { ok: true, message: `.search sorted: ${labelsOf(order, r.seq)}` }
      return { ok: false, message: `.search sorting wrong: ${labelsOf(order, r.seq)}`, expected: labelsOf(order, ids), actual: labelsOf(order, r.seq) }
    },
  }),
  defineCheck({
    id: 'search.no-side-effect',
    title: 'POST …/.search never creates a resource',
    area: 'search',
    level: 'MUST',
    source: rfc(7644, '§3.4.3'),
    requirement: 'The inclusion of "/.search" on the end of a valid SCIM endpoint SHALL be used to indicate that the HTTP POST verb is intended to be a query operation.',
    judge(x, ctx) {
      const ghost = String(ctx.args.ghost ?? '').toLowerCase()
      if (x.request.method === 'GET') return lookupForGhost(x, ctx, ghost)
      const g = gate(x)
      if (g) return g
      const s = status(x)!
      const b = bodyOf(x)
      if (s === 201 || (b && !isListResponse(b) && typeof b.id === 'string' && String(b.userName ?? '').toLowerCase() === ghost)) {
        return { ok: false, message: `POST ${req(x).replace(/^POST /, '')} created a resource (${s})`, expected: 'a query result, nothing created', actual: excerpt(x) }
      }
      return { ok: true, message: `.search answered ${s} without creating anything` }
    },
  }),
  defineCheck({
    id: 'search.invalid-filter',
    title: 'An invalid filter in .search is refused with 400 invalidFilter',
    area: 'search',
    level: 'MUST',
    source: rfc(7644, '§3.12 Table 9'),
    requirement: 'invalidFilter: The specified filter syntax was invalid (does not comply with Figure 1) (400).',
    judge(x) {
      const g = gate(x)
      if (g) return g
      return judgeInvalidFilter(x, 'Invalid filter in .search:', 'MUST')
    },
  }),
  defineCheck({
    id: 'search.root',
    title: 'POST /.search at the root (recorded)',
    area: 'search',
    level: 'MAY',
    source: rfc(7644, '§3.4.3'),
    requirement: 'A query with POST /.search at the server root searches every resource type; servers MAY offer it.',
    judge(x, ctx) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      if (ABSENT_STATUSES.has(s)) return info(`root /.search not offered (${s})`, 'RFC 7644 §3.4.3 makes the root search optional')
      if (s !== 200) return info(`root /.search answered ${s}`, 'RFC 7644 §3.4.3 makes the root search optional')
      return judgeMembership(x, ctx, { wrongIsInfo: 'the root search is optional; its result is recorded' })
    },
  }),
]

/** The follow-up lookup: the control fixture is found (so the query works) and nothing carries the ghost's userName. */
function lookupForGhost(x: Exchange, ctx: CheckContext, ghost: string): Finding {
  const u = unjudgeable(x) ?? notOffered(stepExchange(ctx, ctx.args.search))
  if (u) return u
  const v = status(x) === 200 ? listView(x) : undefined
  if (!v) return skip(`the lookup ${req(x)} answered ${status(x)}, so whether .search created a resource cannot be told`)
  const control = String(ctx.args.control ?? '')
  if (control && !v.ids.includes(control)) return skip('the lookup did not find the control fixture either, so its empty answer proves nothing')
  const made = v.resources.find((r) => String(r.userName ?? '').toLowerCase() === ghost)
  if (made) return { ok: false, message: `POST …/.search created a resource: ${String(made.userName)} (id ${String(made.id)}) now exists`, expected: 'no such user', actual: `id ${String(made.id)}` }
  return { ok: true, message: 'no resource was created by the .search request' }
}
