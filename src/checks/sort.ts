import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import type { Exchange } from '../http/exchange.js'
import { advertised, excerpt, fixtures, info, listView, req, skip, status, stepExchange, unjudgeable } from './verify.js'
import { modelOf } from '../target/model.js'

/**
 * RFC 7644 §3.4.2.3 sorting, judged on the probes of scenarios/rfc/sort.yaml. The fixtures S-a, S-B, S-c differ
 * in the case of their last letter, so a case-sensitive (code point) sort puts S-B first; S-c has no title. The
 * steps name them in case-insensitive ascending order (`with: {order: {S-a: id, S-B: id, S-c: id}}`), and the
 * checks look only at their relative order within the result.
 */

type Order = [string, string][]

/** The fixtures' expected orders: case-insensitive ascending as given, and the code-point order a case-sensitive sort yields. */
function ordersOf(ctx: CheckContext): { ci: string[]; cs: string[]; labels: Map<string, string> } | undefined {
  const entries: Order = Object.entries(fixtures(ctx.args.order))
  if (entries.length < 2) return undefined
  const ci = entries.map(([, id]) => id)
  const cs = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, id]) => id)
  return { ci, cs, labels: new Map(entries.map(([k, v]) => [v, k])) }
}

/**
 * Sorting is judged only where the ServiceProviderConfig says sort.supported = true: sorting is optional
 * (RFC 7644 §3.4.2.3), and a server that says false, or has no usable ServiceProviderConfig, may ignore sortBy.
 */
function notAdvertised(ctx: CheckContext): Finding | undefined {
  const f = modelOf(ctx.discovery).feature('sort')
  if (f.value === true) return undefined
  return skip(modelOf(ctx.discovery).featureReason('sort'))
}

/** Why a sort probe cannot be judged (feature not advertised, no answer), or the fixtures' order in the result. */
export function sortedFixtures(x: Exchange, ctx: CheckContext, all: string[]): { seq: string[] } | { finding: Finding } {
  const off = notAdvertised(ctx)
  if (off) return { finding: off }
  const u = unjudgeable(x)
  if (u) return { finding: u }
  const s = status(x)!
  if (s !== 200) return { finding: { ok: false, message: `${req(x)} answered ${s} although ServiceProviderConfig advertises sort`, expected: '200', actual: excerpt(x) } }
  const view = listView(x)
  if (!view) return { finding: { ok: false, message: `${req(x)} answered 200 without a ListResponse`, expected: 'a ListResponse', actual: excerpt(x) } }
  const seq = view.ids.filter((id) => all.includes(id))
  if (seq.length < all.length) return { finding: skip(`only ${seq.length} of the ${all.length} sort fixtures came back (the isolating filter is judged by filter.*), so their order cannot be judged`) }
  return { seq }
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i])
const show = (seq: string[], labels: Map<string, string>) => seq.map((id) => labels.get(id) ?? id).join(', ')

function orderCheck(x: Exchange, ctx: CheckContext, want: 'ascending' | 'descending', failure: string): Finding {
  const o = ordersOf(ctx)
  if (!o) return { ok: 'error', message: 'the step names no sort fixtures (with: {order})', reason: 'scenario error' }
  const r = sortedFixtures(x, ctx, o.ci)
  if ('finding' in r) return r.finding
  const ok = want === 'ascending' ? [o.ci, o.cs] : [[...o.ci].reverse(), [...o.cs].reverse()]
  if (ok.some((w) => same(r.seq, w))) return { ok: true, message: `${want}: ${show(r.seq, o.labels)}` }
  return { ok: false, message: `${failure}: ${show(r.seq, o.labels)}`, expected: show(ok[0], o.labels), actual: show(r.seq, o.labels) }
}

export const checks: CheckDef[] = [
  defineCheck({
    id: 'sort.ascending-default',
    title: 'sortBy without sortOrder sorts ascending',
    area: 'sort',
    level: 'MUST',
    source: rfc(7644, '§3.4.2.3'),
    requirement: 'If a value for "sortBy" is provided and no "sortOrder" is specified, "sortOrder" SHALL default to ascending.',
    judge: (x, ctx) => orderCheck(x, ctx, 'ascending', 'sortBy without sortOrder not ascending'),
  }),
  defineCheck({
    id: 'sort.descending',
    title: 'sortOrder=descending reverses the order',
    area: 'sort',
    level: 'MUST',
    source: rfc(7644, '§3.4.2.3'),
    requirement: 'sortOrder: The order in which the "sortBy" parameter is applied. Allowed values are "ascending" and "descending".',
    judge: (x, ctx) => orderCheck(x, ctx, 'descending', 'descending order wrong'),
  }),
  defineCheck({
    id: 'sort.case-insensitive',
    title: 'A caseExact=false attribute sorts case-insensitively',
    area: 'sort',
    level: 'MUST',
    source: rfc(7644, '§3.4.2.3'),
    requirement: '"sortOrder" MUST sort according to the attribute type; i.e., for case-insensitive attributes, sort the result using case-insensitive Unicode alphabetic sort order.',
    judge(x, ctx) {
      const o = ordersOf(ctx)
      if (!o) return { ok: 'error', message: 'the step names no sort fixtures (with: {order})', reason: 'scenario error' }
      const r = sortedFixtures(x, ctx, o.ci)
      if ('finding' in r) return r.finding
      if (same(r.seq, o.ci)) return { ok: true, message: `case-insensitive order: ${show(r.seq, o.labels)}` }
      if (same(r.seq, o.cs)) return { ok: false, message: `Case-insensitive attribute sorted case-sensitively: ${show(r.seq, o.labels)}`, expected: show(o.ci, o.labels), actual: show(r.seq, o.labels) }
      return skip(`the fixtures are not in ascending order at all (${show(r.seq, o.labels)}); sort.ascending-default reports it`)
    },
  }),
  defineCheck({
    id: 'sort.missing-values',
    title: 'Resources without the sort attribute sort last ascending, first descending',
    area: 'sort',
    level: 'MUST',
    source: rfc(7644, '§3.4.2.3'),
    requirement: 'sortBy: … for all attribute types, if there is no data for the specified "sortBy" value, they are sorted via the "sortOrder" parameter, i.e., they are ordered last if ascending and first if descending.',
    judge(x, ctx) {
      const o = ordersOf(ctx)
      if (!o) return { ok: 'error', message: 'the step names no sort fixtures (with: {order})', reason: 'scenario error' }
      const r = sortedFixtures(x, ctx, o.ci)
      if ('finding' in r) return r.finding
      const descending = ctx.args.descending === true
      const want = descending ? [...o.ci].reverse() : o.ci
      const missing = String(ctx.args.missing ?? '')
      const pos = r.seq.indexOf(missing)
      const wantPos = descending ? 0 : r.seq.length - 1
      const label = o.labels.get(missing) ?? missing
      if (pos !== wantPos) return { ok: false, message: `Resources without a value placed ${pos === 0 ? 'first' : pos === r.seq.length - 1 ? 'last' : `at position ${pos + 1}`} ${descending ? 'descending' : 'ascending'} (${label})`, expected: show(want, o.labels), actual: show(r.seq, o.labels) }
      if (!same(r.seq, want)) return { ok: false, message: `sortBy=${descending ? 'title&sortOrder=descending' : 'title'} did not sort the fixtures that have a value: ${show(r.seq, o.labels)}`, expected: show(want, o.labels), actual: show(r.seq, o.labels) }
      return { ok: true, message: `${label} (no value) ${descending ? 'first descending' : 'last ascending'}` }
    },
  }),
  defineCheck({
    id: 'sort.across-pages',
    title: 'Sorted pages concatenate into one sorted sequence',
    area: 'sort',
    level: 'SHOULD',
    source: rfc(7644, '§3.4.2.3, §3.4.2.4'),
    requirement: 'Sorting applies to the whole result set, and pagination returns consecutive slices of it.',
    judge(_x, ctx) {
      const off = notAdvertised(ctx)
      if (off) return off
      const o = ordersOf(ctx)
      if (!o) return { ok: 'error', message: 'the step names no sort fixtures (with: {order})', reason: 'scenario error' }
      const pages = (Array.isArray(ctx.args.pages) ? ctx.args.pages : []).map((p) => stepExchange(ctx, p)).filter((p): p is Exchange => !!p)
      if (!pages.length) return { ok: 'error', message: 'no page exchanges found (with: {pages})', reason: 'scenario error' }
      const seq: string[] = []
      for (const p of pages) {
        const u = unjudgeable(p)
        if (u) return { ...u, exchange: p }
        if (status(p) !== 200) return { ok: false, message: `sorted page ${req(p)} answered ${status(p)}`, expected: '200', actual: excerpt(p), exchange: p }
        seq.push(...(listView(p)?.ids ?? []).filter((id) => o.ci.includes(id)))
      }
      if (seq.length !== o.ci.length || new Set(seq).size !== seq.length) {
        return { ok: false, message: `Sorted pagination returned the fixtures as ${show(seq, o.labels)} over ${pages.length} pages`, expected: show(o.ci, o.labels), actual: show(seq, o.labels) }
      }
      const broken = [o.ci, o.cs].some((w) => same(seq, w)) ? -1 : seq.findIndex((id, i) => id !== o.ci[i])
      if (broken >= 0) return { ok: false, message: `Sorted pagination breaks order at page ${broken + 1}: ${show(seq, o.labels)}`, expected: show(o.ci, o.labels), actual: show(seq, o.labels) }
      return { ok: true, message: `pages concatenate in order: ${show(seq, o.labels)}` }
    },
  }),
  defineCheck({
    id: 'sort.unsupported',
    title: 'sortBy sent to a server without sorting (recorded)',
    area: 'sort',
    level: 'MAY',
    source: rfc(7644, '§3.4.2'),
    requirement: 'Unrecognised parameters SHOULD be ignored, but sortBy is a defined parameter: a server without sorting answers 200 (ignored) or 400 (catalogue §4 #24).',
    judge(x, ctx) {
      if (modelOf(ctx.discovery).feature('sort').value === true) return skip('sorting is advertised; this entry records only servers that do not advertise it')
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      const why = 'RFC 7644 leaves open whether a server without sorting ignores sortBy or refuses it'
      if (s === 200) return info(`sortBy ignored: ${req(x)} answered 200`, why)
      return info(`sortBy refused: ${req(x)} answered ${s}`, why)
    },
  }),
]
