import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import { queryParam, type Exchange } from '../http/exchange.js'
import { URN } from '../rfc/urns.js'
import {
  bodyOf,
  excerpt,
  fixtures,
  info,
  isListResponse,
  labelsOf,
  listView,
  req,
  skip,
  status,
  stepExchange,
  stepExchanges,
  unjudgeable,
  type ListView,
} from './verify.js'

/** RFC 7644 §3.4.2 and §3.4.2.4: list responses and pagination. Judged on the probes of scenarios/rfc/list.yaml. */


/** A 200 ListResponse, or the finding that says why this exchange cannot be one. */
function list200(x: Exchange, what = req(x)): { view: ListView } | { finding: Finding } {
  const u = unjudgeable(x)
  if (u) return { finding: u }
  const s = status(x)!
  if (s !== 200) return { finding: { ok: false, message: `${what} answered ${s}, expected 200 with a ListResponse`, expected: '200 ListResponse', actual: excerpt(x) } }
  const view = listView(x)
  if (!view) return { finding: { ok: false, message: `${what} answered 200 without a ListResponse`, expected: 'a ListResponse', actual: excerpt(x) } }
  return { view }
}

const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v)

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `${typeof v} ${JSON.stringify(v)}`
}

/** Findings for a page that should hold no resources (count=0, count<0, past the end). */
function emptyPage(x: Exchange, ctx: CheckContext, what: string): Finding[] {
  const r = list200(x, what)
  if ('finding' in r) return [r.finding]
  const out: Finding[] = []
  const n = r.view.resources.length
  const ref = stepExchange(ctx, ctx.args.reference)
  const refTotal = ref ? listView(ref)?.total : undefined
  if (n === 0 && (refTotal ?? r.view.total) === 0) return [skip(`${what}: the collection is empty, so an empty page proves nothing`)]
  out.push(n === 0 ? { ok: true, message: `${what} returned no resources` } : { ok: false, message: `${what} returned ${n} resources`, expected: 'no resources', actual: `${n} resources` })
  if (refTotal !== undefined && r.view.total !== undefined && r.view.total !== refTotal) {
    out.push({ ok: false, message: `${what} reported totalResults ${r.view.total}, but the same query without paging reported ${refTotal}`, expected: String(refTotal), actual: String(r.view.total) })
  }
  return out
}

/** Ids of the first resources of a list exchange, or undefined when it is not a usable page. */
function pageIds(x: Exchange | undefined): string[] | undefined {
  if (!x || status(x) !== 200) return undefined
  return listView(x)?.ids
}

export interface Walk {
  ids: string[]
  totals: number[]
  /** The walk reached the end of the list (and was not cut short by the page cap or an error). */
  complete: boolean
  pages: number
}

/** Everything a paged walk (one step, several exchanges) returned. */
export function walkOf(pages: readonly Exchange[]): Walk {
  const ids: string[] = []
  const totals: number[] = []
  let complete = false
  for (const p of pages) {
    const v = status(p) === 200 ? listView(p) : undefined
    if (!v) {
      complete = false
      break
    }
    ids.push(...v.ids)
    if (v.total !== undefined) totals.push(v.total)
    complete = v.resources.length === 0 || (v.total !== undefined && ids.length >= v.total)
  }
  return { ids, totals, complete, pages: pages.length }
}

function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>()
  const dup = new Set<string>()
  for (const id of ids) (seen.has(id) ? dup : seen).add(id)
  return [...dup]
}

/** The reference page before and after the probes must agree; otherwise order is not repeatable and nothing compares. */
function stableReference(ctx: CheckContext, x: Exchange): { ids: string[] } | { finding: Finding } {
  const before = pageIds(stepExchange(ctx, ctx.args.before))
  const after = pageIds(x)
  if (!before || !after) return { finding: skip(`the reference page ${before ? 'after' : 'before'} the probes is not a usable ListResponse (${status(x)})`) }
  if (before.join() !== after.join()) {
    return { finding: skip('the same page requested before and after the probes came back in a different order; RFC 7644 §3.4.2.4 lets clients not assume repeatable results, so elements cannot be compared') }
  }
  if (!after.length) return { finding: skip('the collection is empty, so there is nothing to page through') }
  return { ids: after }
}

export const checks: CheckDef[] = [
  defineCheck({
    id: 'list.envelope',
    title: 'GET /Users answers a ListResponse',
    area: 'list',
    level: 'MUST',
    source: rfc(7644, '§3.4.2'),
    requirement: 'Responses MUST be identified using the following URI: "urn:ietf:params:scim:api:messages:2.0:ListResponse".',
    breaks: ['okta', 'entra', 'jumpcloud'],
    judge(x) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      const b = bodyOf(x)
      if (s !== 200 || !b) return { ok: false, message: `${req(x)} is not a ListResponse (${s})`, expected: '200 ListResponse', actual: excerpt(x) }
      const schemas = b.schemas
      if (Array.isArray(schemas) && schemas.length === 1 && schemas[0] === URN.listResponse) return { ok: true, message: 'ListResponse' }
      return { ok: false, message: `${req(x)} is not a ListResponse: schemas is ${JSON.stringify(schemas)}`, expected: JSON.stringify([URN.listResponse]), actual: JSON.stringify(schemas) }
    },
  }),
  defineCheck({
    id: 'list.totalResults',
    title: 'totalResults is a non-negative JSON integer',
    area: 'list',
    level: 'MUST',
    source: rfc(7644, '§3.4.2, Table 7'),
    requirement: 'totalResults: The total number of results returned by the list or query operation. REQUIRED.',
    breaks: ['okta'],
    judge(x) {
      const r = list200(x)
      if ('finding' in r) return r.finding
      const t = r.view.body.totalResults
      if (isInt(t) && t >= 0) return { ok: true, message: `totalResults ${t}` }
      return { ok: false, message: `totalResults ${t === undefined ? 'missing' : `is ${typeName(t)}, not a non-negative integer`}`, expected: 'a non-negative JSON integer', actual: t === undefined ? '(absent)' : JSON.stringify(t) }
    },
  }),
  defineCheck({
    id: 'list.resources',
    title: 'Resources is present when totalResults is non-zero',
    area: 'list',
    level: 'MUST',
    source: rfc(7644, '§3.4.2'),
    requirement: 'Resources: A multi-valued list of complex objects containing the requested resources. This MAY be a subset of the full set of resources if pagination (Section 3.4.2.4) is requested. REQUIRED if "totalResults" is non-zero.',
    breaks: ['okta', 'entra'],
    judge(x) {
      const r = list200(x)
      if ('finding' in r) return r.finding
      const { body, total } = r.view
      if (queryParam(x, 'count') !== undefined && Number(queryParam(x, 'count')) <= 0) return skip('count=0 asks for no resources (catalogue §4 #5)')
      if (!total) return skip(`totalResults is ${JSON.stringify(body.totalResults)}, so Resources is not required`)
      if (Array.isArray(body.Resources)) return { ok: true, message: `Resources holds ${body.Resources.length} resources` }
      return { ok: false, message: `totalResults ${total} but no Resources`, expected: 'a Resources array', actual: body.Resources === undefined ? '(absent)' : JSON.stringify(body.Resources) }
    },
  }),
  defineCheck({
    id: 'list.items-consistent',
    title: 'itemsPerPage and totalResults agree with Resources',
    area: 'list',
    level: 'MUST',
    source: rfc(7644, 'Table 7'),
    requirement: 'itemsPerPage: the number of query results returned in a query response page; Resources never holds more than totalResults.',
    ambient(x) {
      if (status(x) !== 200 || !isListResponse(bodyOf(x))) return
      const b = bodyOf(x)!
      if (!Array.isArray(b.Resources)) return
      const n = b.Resources.length
      if (isInt(b.itemsPerPage) && b.itemsPerPage !== n) return { ok: false, message: `${req(x)}: itemsPerPage ${b.itemsPerPage} but ${n} resources`, expected: String(n), actual: String(b.itemsPerPage) }
      if (isInt(b.totalResults) && n > b.totalResults) return { ok: false, message: `${req(x)}: ${n} resources but totalResults ${b.totalResults}`, expected: `at most ${b.totalResults}`, actual: String(n) }
      return { ok: true, message: 'itemsPerPage and totalResults consistent' }
    },
  }),
  defineCheck({
    id: 'list.contains-fixture',
    title: 'Walking GET /Users finds U1 exactly once',
    area: 'list',
    level: 'MUST',
    source: rfc(7644, '§3.4.2'),
    requirement: 'A list request on a resource endpoint returns the resources of that type; a full walk of the pages contains each resource once.',
    breaks: ['okta'],
    judge(x, ctx) {
      const want = fixtures(ctx.args.fixtures)
      const pages = stepExchanges(ctx, ctx.step)
      const first = pages[0] ?? x
      const u = unjudgeable(first)
      if (u) return u
      const walk = walkOf(pages.length ? pages : [x])
      const out: Finding[] = []
      for (const [label, id] of Object.entries(want)) {
        const n = walk.ids.filter((i) => i === id).length
        if (n === 1) out.push({ ok: true, message: `${label} appears once in ${walk.pages} page(s)` })
        else if (n > 1) out.push({ ok: false, message: `${label} duplicated in the user list (${n} times)`, expected: 'once', actual: `${n} times` })
        else if (!walk.complete) out.push(skip(`${label} not seen, but the walk stopped before the end of the list (${walk.ids.length} resources in ${walk.pages} pages)`))
        else out.push({ ok: false, message: `${label} missing from the user list (${walk.ids.length} resources walked)`, expected: `${label} (${id})`, actual: 'absent' })
      }
      return out.length ? out : { ok: 'error', message: 'the step names no fixture to look for (with: {fixtures})', reason: 'scenario error' }
    },
  }),
  defineCheck({
    id: 'list.groups',
    title: 'GET /Groups answers a ListResponse',
    area: 'list',
    level: 'MUST',
    source: rfc(7644, '§3.4.2'),
    requirement: 'Responses MUST be identified using the following URI: "urn:ietf:params:scim:api:messages:2.0:ListResponse".',
    breaks: ['okta', 'entra'],
    judge(x) {
      const r = list200(x, 'GET /Groups')
      if ('finding' in r) return r.finding
      if (!isListResponse(r.view.body)) return { ok: false, message: 'GET /Groups is not a ListResponse', expected: `schemas [${URN.listResponse}]`, actual: excerpt(x) }
      return { ok: true, message: 'GET /Groups answered a ListResponse' }
    },
  }),
  defineCheck({
    id: 'list.root',
    title: 'Query at the service provider root (recorded)',
    area: 'list',
    level: 'MAY',
    source: rfc(7644, '§3.4.2.1'),
    requirement: 'A query against a server root indicates that all resources within the server SHALL be included, subject to filtering; servers MAY support it.',
    judge(x) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      if (s === 200 && isListResponse(bodyOf(x))) return { ok: true, message: 'root query answered a ListResponse' }
      if (s >= 400 && s < 500) return info(`root query not supported (${s})`, 'RFC 7644 §3.4.2.1 makes queries at the root optional')
      return { ok: false, message: `root query answered ${s} without a ListResponse`, actual: excerpt(x) }
    },
  }),
  defineCheck({
    id: 'page.fields',
    title: 'A partial page carries startIndex and itemsPerPage as integers',
    area: 'page',
    level: 'MUST',
    source: rfc(7644, '§3.4.2'),
    requirement: 'startIndex / itemsPerPage: REQUIRED when partial results are returned due to pagination.',
    breaks: ['okta'],
    judge(x) {
      const r = list200(x)
      if ('finding' in r) return r.finding
      const { body, total, resources } = r.view
      if (total === undefined || resources.length >= total) return skip(`the page is not partial (${resources.length} of ${JSON.stringify(body.totalResults)}), so startIndex and itemsPerPage are not required`)
      const bad: string[] = []
      for (const f of ['startIndex', 'itemsPerPage']) {
        const v = body[f]
        if (v === undefined) bad.push(`lacks ${f}`)
        else if (!isInt(v)) bad.push(`${f} is ${typeName(v)}`)
      }
      if (bad.length) return { ok: false, message: `Paged response ${bad.join(', ')}`, expected: 'startIndex and itemsPerPage as JSON integers', actual: JSON.stringify({ startIndex: body.startIndex, itemsPerPage: body.itemsPerPage }) }
      return { ok: true, message: `startIndex ${body.startIndex}, itemsPerPage ${body.itemsPerPage}` }
    },
  }),
  defineCheck({
    id: 'page.count-limit',
    title: 'count=1 returns at most one resource',
    area: 'page',
    level: 'MUST',
    source: rfc(7644, 'Table 6'),
    requirement: 'When specified, the service provider MUST NOT return more results than specified, although it MAY return fewer results.',
    breaks: ['okta', 'entra'],
    judge(x) {
      const r = list200(x)
      if ('finding' in r) return r.finding
      const count = Number(queryParam(x, 'count'))
      const n = r.view.resources.length
      if (!Number.isFinite(count)) return { ok: 'error', message: 'the probe sent no count', reason: 'scenario error' }
      if (n <= count && (r.view.total ?? 0) <= count) return skip(`the collection holds ${JSON.stringify(r.view.body.totalResults)} resources, so count=${count} cannot be exceeded`)
      if (n <= count) return { ok: true, message: `count=${count} returned ${n}` }
      return { ok: false, message: `count=${count} returned ${n} resources`, expected: `at most ${count}`, actual: String(n) }
    },
  }),
  defineCheck({
    id: 'page.count-zero',
    title: 'count=0 returns no resources but the total',
    area: 'page',
    level: 'MUST',
    source: rfc(7644, 'Table 6'),
    requirement: 'A value of "0" indicates that no resource results are to be returned except for "totalResults".',
    judge(x, ctx) {
      return emptyPage(x, ctx, 'count=0')
    },
  }),
  defineCheck({
    id: 'page.count-negative',
    title: 'A negative count is treated as 0',
    area: 'page',
    level: 'MUST',
    source: rfc(7644, 'Table 6'),
    requirement: 'A negative value SHALL be interpreted as "0".',
    judge(x, ctx) {
      return emptyPage(x, ctx, `count=${queryParam(x, 'count') ?? '-1'}`)
    },
  }),
  defineCheck({
    id: 'page.startIndex-default',
    title: 'Without startIndex, the reported startIndex is 1',
    area: 'page',
    level: 'SHOULD',
    source: rfc(7644, 'Table 6'),
    requirement: 'startIndex: The 1-based index of the first query result. OPTIONAL. Default is 1.',
    judge(x) {
      const r = list200(x)
      if ('finding' in r) return r.finding
      const v = r.view.body.startIndex
      if (v === undefined) return skip('no startIndex reported (it is only required on partial pages)')
      if (v === 1) return { ok: true, message: 'startIndex 1' }
      return { ok: false, message: `Default startIndex reported as ${JSON.stringify(v)}`, expected: '1', actual: JSON.stringify(v) }
    },
  }),
  defineCheck({
    id: 'page.startIndex-low',
    title: 'startIndex below 1 is treated as 1',
    area: 'page',
    level: 'MUST',
    source: rfc(7644, 'Table 6'),
    requirement: 'startIndex: The 1-based index of the first query result. A value less than 1 SHALL be interpreted as 1.',
    judge(x, ctx) {
      const ref = stableReference(ctx, x)
      if ('finding' in ref) return ref.finding
      const probes = Array.isArray(ctx.args.probes) ? ctx.args.probes : []
      const out: Finding[] = []
      for (const step of probes) {
        const p = stepExchange(ctx, step)
        if (!p) continue
        const v = queryParam(p, 'startIndex') ?? '?'
        const r = list200(p, `startIndex=${v}`)
        if ('finding' in r) {
          out.push({ ...r.finding, message: r.finding.ok === false ? `startIndex ${v} not treated as 1 (${status(p)})` : r.finding.message, exchange: p })
          continue
        }
        const first = r.view.ids[0]
        const reported = r.view.body.startIndex
        if (first !== ref.ids[0]) out.push({ ok: false, message: `startIndex ${v} not treated as 1: first element ${first ?? '(none)'}, startIndex=1 gives ${ref.ids[0] ?? '(none)'}`, expected: ref.ids[0] ?? '(none)', actual: first ?? '(none)', exchange: p })
        else if (reported !== undefined && reported !== 1) out.push({ ok: false, message: `startIndex ${v} reported as startIndex ${JSON.stringify(reported)}, expected 1`, expected: '1', actual: JSON.stringify(reported), exchange: p })
        else out.push({ ok: true, message: `startIndex ${v} treated as 1`, exchange: p })
      }
      return out.length ? out : { ok: 'error', message: 'no probe exchanges found (with: {probes})', reason: 'scenario error' }
    },
  }),
  defineCheck({
    id: 'page.startIndex-echo',
    title: 'startIndex=2 returns the second element and reports startIndex 2',
    area: 'page',
    level: 'MUST',
    source: rfc(7644, 'Table 7'),
    requirement: 'startIndex: The 1-based index of the first result in the current set of query results.',
    breaks: ['okta', 'entra'],
    judge(x, ctx) {
      return echoJudge(x, ctx, 'startIndex 2')
    },
  }),
  defineCheck({
    id: 'page.beyond-end',
    title: 'A page past the end is empty and keeps totalResults',
    area: 'page',
    level: 'MUST',
    source: rfc(7644, '§3.4.2.4'),
    requirement: 'startIndex beyond the results returns a 200 ListResponse with no resources; totalResults still gives the total.',
    judge(x, ctx) {
      const start = Number(queryParam(x, 'startIndex'))
      const v = status(x) === 200 ? listView(x) : undefined
      if (v?.total !== undefined && Number.isFinite(start) && v.total >= start) return skip(`the collection holds ${v.total} resources, more than the probe's startIndex ${start}`)
      return emptyPage(x, ctx, `Past-the-end page (startIndex=${queryParam(x, 'startIndex')})`)
    },
  }),
  defineCheck({
    id: 'page.walk',
    title: 'A paged walk has no duplicates, misses no fixture, and keeps totalResults',
    area: 'page',
    level: 'SHOULD',
    source: rfc(7644, '§3.4.2.4'),
    requirement: 'Paging with startIndex and count returns consecutive slices of one result set (the RFC lets clients cope with inconsistency: SHOULD-level).',
    breaks: ['okta', 'entra'],
    judge(x, ctx) {
      const pages = stepExchanges(ctx, ctx.step)
      const u = unjudgeable(pages[0] ?? x)
      if (u) return u
      const walk = walkOf(pages.length ? pages : [x])
      const count = queryParam(pages[0] ?? x, 'count') ?? '?'
      const out: Finding[] = []
      const dup = duplicates(walk.ids)
      const want = fixtures(ctx.args.fixtures)
      const missing = walk.complete ? Object.entries(want).filter(([, id]) => !walk.ids.includes(id)).map(([k]) => k) : []
      if (dup.length) out.push({ ok: false, message: `Pagination walk (count=${count}): duplicates ${labelsOf(want, dup.slice(0, 5))}${dup.length > 5 ? ` and ${dup.length - 5} more` : ''}`, expected: 'no id twice', actual: `${dup.length} duplicated ids` })
      if (missing.length) out.push({ ok: false, message: `Pagination walk (count=${count}): missing ${missing.join(', ')}`, expected: 'every fixture', actual: `missing ${missing.join(', ')}` })
      const totals = new Set(walk.totals)
      if (totals.size > 1) out.push({ ok: false, message: `Pagination walk (count=${count}): totalResults changed between pages (${[...totals].join(', ')})`, expected: 'a constant totalResults', actual: [...totals].join(', ') })
      if (out.length) return out
      if (!walk.complete) return skip(`the walk (count=${count}) stopped before the end of the list after ${walk.pages} pages; no duplicates in what was read`)
      return { ok: true, message: `walk with count=${count}: ${walk.ids.length} resources in ${walk.pages} pages, no duplicates, every fixture present` }
    },
  }),
  defineCheck({
    id: 'page.maxResults',
    title: 'No page holds more than the advertised filter.maxResults',
    area: 'page',
    level: 'SHOULD',
    source: rfc(7643, '§5'),
    requirement: 'maxResults: An integer value specifying the maximum number of resources returned in a response. REQUIRED.',
    judge(x, ctx) {
      const max = ctx.discovery.spc?.filter?.maxResults
      if (!isInt(max)) return skip('ServiceProviderConfig advertises no integer filter.maxResults')
      const r = list200(x)
      if ('finding' in r) return r.finding
      const n = r.view.resources.length
      if (n > max) return { ok: false, message: `${n} resources exceed advertised maxResults ${max}`, expected: `at most ${max}`, actual: String(n) }
      const count = Number(queryParam(x, 'count'))
      if (r.view.total === undefined || r.view.total <= max || !(count > max)) return skip(`cannot exceed maxResults ${max} here: the collection holds ${JSON.stringify(r.view.body.totalResults)} resources and the probe asked for ${queryParam(x, 'count') ?? 'all'}`)
      return { ok: true, message: `${n} resources, within maxResults ${max}` }
    },
  }),
]

/** page.startIndex-echo and search.paging: the probe's single element is the 2nd of the stable reference page. */
export function echoJudge(x: Exchange, ctx: CheckContext, what: string): Finding | Finding[] {
  const ref = stableReference(ctx, x)
  if ('finding' in ref) return ref.finding
  const p = stepExchange(ctx, ctx.args.probe)
  if (!p) return { ok: 'error', message: 'no probe exchange found (with: {probe})', reason: 'scenario error' }
  const u = unjudgeable(p)
  if (u) return { ...u, exchange: p }
  const r = list200(p, what)
  if ('finding' in r) return { ...r.finding, exchange: p }
  if (ref.ids.length < 2) return skip('fewer than two resources to page through')
  const out: Finding[] = []
  const got = r.view.ids[0]
  out.push(got === ref.ids[1]
    ? { ok: true, message: `${what} returned the 2nd element`, exchange: p }
    : { ok: false, message: `${what} returned ${got ?? 'nothing'}, expected ${ref.ids[1]} (the 2nd element of startIndex=1&count=2)`, expected: ref.ids[1], actual: got ?? '(none)', exchange: p })
  const reported = r.view.body.startIndex
  if (reported !== undefined && reported !== 2) out.push({ ok: false, message: `${what} reported startIndex ${JSON.stringify(reported)}, expected 2`, expected: '2', actual: JSON.stringify(reported), exchange: p })
  return out
}
