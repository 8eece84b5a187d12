import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import { queryParam, type Exchange } from '../http/exchange.js'
import type { Level } from '../result/types.js'
import {
  declaresCore as declares,
  excerpt,
  fixtures,
  info,
  labelsOf,
  listView,
  scimTypeOf,
  skip,
  status,
  stepExchange,
  unjudgeable,
  scimTypeFinding,
} from './verify.js'

/**
 * RFC 7644 §3.4.2.2 filtering, judged on the probes of scenarios/rfc/filter.yaml. Every assertion is about the
 * run's own fixtures being present or absent (catalogue §1.2); queries whose result is not bounded by a run value
 * are isolated with `and userName sw "<run prefix>…"`.
 */

/** The filter a request sent, decoded, for messages. */
export function filterOf(x: Exchange): string {
  const inQuery = queryParam(x, 'filter')
  if (inQuery !== undefined) return inQuery
  try {
    const body = JSON.parse(x.request.body ?? '')
    if (typeof body?.filter === 'string') return body.filter
  } catch {
    /* no body */
  }
  return '(none)'
}

const DECLINE_REASON = 'RFC 7644 §3.4.2.2 and Table 9 let a server decline a filter operator or attribute it does not support with 400 invalidFilter'

export interface Membership {
  /** What a 400 means: the feature is optional (info) or its refusal is itself the defect (fail). */
  declined?: 'info' | 'fail'
  /** Level of a wrong result when it differs from the check's (complex-valuepath: MAY to decline, MUST to be right). */
  wrongLevel?: Level
  /** An ambiguous entry records a wrong result instead of failing it. */
  wrongIsInfo?: string
  /** Extra words for the 400 message (e.g. who breaks). */
  declinedNote?: string
}

/**
 * The common judge: `with: {present, absent, total, control, controlId, boundary}`.
 * - present / absent: fixtures ({label: id}) that must / must not be in the result;
 * - total: exact totalResults, only when the filter pins the result to run values;
 * - control + controlId: for absence-only probes, the step whose result must hold controlId, proving the
 *   filter machinery works (otherwise an empty answer would pass vacuously);
 * - boundary: the literal is a fixture's own timestamp, so a miss may be a precision artefact;
 * - isolated: the run prefix the query is restricted to (`… and userName sw "<prefix>"`): every resource
 *   returned must carry it, so a filter ignored outright is caught even when the fixtures are all present.
 */
export function judgeMembership(x: Exchange, ctx: CheckContext, m: Membership = {}): Finding {
  const u = unjudgeable(x)
  if (u) return u
  const f = `filter \`${filterOf(x)}\``
  const s = status(x)!
  if (s === 400) {
    const t = scimTypeOf(x)
    const msg = `${f} declined (400${t ? ` ${t}` : ''})${m.declinedNote ? `: ${m.declinedNote}` : ''}`
    if ((m.declined ?? 'info') === 'info') return info(`not supported: ${msg}`, DECLINE_REASON)
    return { ok: false, message: msg, expected: '200 ListResponse', actual: excerpt(x) }
  }
  const present = fixtures(ctx.args.present)
  const absent = fixtures(ctx.args.absent)
  // An absence-only probe answered 404 did exclude the fixture; the status itself is filter.no-match's finding.
  if (s === 404 && !Object.keys(present).length && Object.keys(absent).length) {
    return { ok: true, message: `${f}: ${Object.keys(absent).join(', ')} absent (answered 404 instead of an empty ListResponse; see filter.no-match)` }
  }
  if (s !== 200) return { ok: false, message: `${f} answered ${s}, expected 200 with a ListResponse`, expected: '200', actual: excerpt(x) }
  const view = listView(x)
  if (!view) return { ok: false, message: `${f} answered 200 without a ListResponse`, expected: 'a ListResponse', actual: excerpt(x) }

  const all = { ...present, ...absent }
  if (!Object.keys(present).length && ctx.args.control === undefined) {
    return { ok: 'error', message: 'an absence-only probe needs a control step (with: {control, controlId}) or it would pass on an empty answer', reason: 'scenario error' }
  }
  if (ctx.args.control !== undefined) {
    const c = stepExchange(ctx, ctx.args.control)
    const cid = String(ctx.args.controlId ?? '')
    const cv = c && status(c) === 200 ? listView(c) : undefined
    if (!cv || !cv.ids.includes(cid)) return skip(`the control query (step ${String(ctx.args.control)}) did not find the fixture either, so an absence here proves nothing`)
  }

  const wrong = (message: string, expected: string, actual: string): Finding => {
    if (m.wrongIsInfo) return info(message, m.wrongIsInfo)
    return { ok: false, message, expected, actual, ...(m.wrongLevel ? { level: m.wrongLevel } : {}) }
  }
  const returned = view.ids
  const unexpected = Object.entries(absent).filter(([, id]) => returned.includes(id)).map(([k]) => k)
  const missing = Object.entries(present).filter(([, id]) => !returned.includes(id)).map(([k]) => k)
  const got = labelsOf(all, returned.filter((id) => Object.values(all).includes(id))) || 'none of the fixtures'
  if (unexpected.length) {
    const ignored = Object.keys(absent).length > 0 && unexpected.length === Object.keys(absent).length && !missing.length
    return wrong(
      ignored && Object.keys(absent).length > 1 ? `Filter appears ignored: ${f} returned ${unexpected.join(', ')} as well (${view.total ?? returned.length} resources)` : `${f} returned ${unexpected.join(', ')}, which it must exclude`,
      `only ${Object.keys(present).join(', ') || 'no fixture'}`,
      `${got} (${returned.length} resources)`,
    )
  }
  const prefix = typeof ctx.args.isolated === 'string' ? ctx.args.isolated.toLowerCase() : undefined
  if (prefix !== undefined) {
    const stray = view.resources.filter((r) => typeof r.userName === 'string' && !r.userName.toLowerCase().startsWith(prefix))
    if (stray.length) {
      return wrong(`${f} returned ${stray.length} resource(s) whose userName does not start with "${prefix}" (e.g. ${JSON.stringify(stray[0].userName)}): the filter looks ignored`, `only userNames starting with "${prefix}"`, `${returned.length} resources`)
    }
  }
  const total = ctx.args.total
  if (typeof total === 'number' && view.total !== undefined && view.total !== total) {
    // The filter pins the result to run values, so a larger total cannot be other tenant data: the filter was not applied.
    const ignored = view.total > total + Object.keys(absent).length
    return wrong(
      ignored ? `Filter appears ignored: ${f} matched ${view.total} resources, expected ${total}` : `${f} reported totalResults ${JSON.stringify(view.body.totalResults)}, expected ${total}`,
      String(total),
      JSON.stringify(view.body.totalResults),
    )
  }
  if (missing.length) {
    if (view.partial) return skip(`${f} missed ${missing.join(', ')} on the first page, but the result spans ${view.total} resources`)
    if (ctx.args.boundary && /T\d\d:\d\d:\d\d(Z|[+-]|$)/.test(filterOf(x))) {
      return info(`${f} missed ${missing.join(', ')} at the exact boundary`, 'the boundary is the fixture\'s own timestamp rendered to the second; a server that stores finer precision can miss it without being wrong')
    }
    return wrong(`${f} missed ${missing.join(', ')}`, `${Object.keys(present).join(', ')} present`, `${got} (${returned.length} resources)`)
  }
  if (Object.keys(absent).length && view.partial) return skip(`${f}: the result spans ${view.total} resources, so absences on the first page prove nothing`)
  const parts = [Object.keys(present).length ? `${Object.keys(present).join(', ')} present` : '', Object.keys(absent).length ? `${Object.keys(absent).join(', ')} absent` : ''].filter(Boolean)
  return { ok: true, message: `${f}: ${parts.join('; ')}` }
}

/**
 * 400 with scimType invalidFilter: the status at the check's level, another scimType a warning (scimTypeFinding).
 * `_scimTypeLevel` is no longer read: callers outside this file still pass it.
 */
export function judgeInvalidFilter(x: Exchange, what: string, _scimTypeLevel?: Level): Finding[] {
  const u = unjudgeable(x)
  if (u) return [u]
  const s = status(x)!
  const f = `filter \`${filterOf(x)}\``
  if (s !== 400) return [{ ok: false, message: `${what} ${f} answered ${s}, expected 400 invalidFilter`, expected: '400', actual: excerpt(x) }]
  return [{ ok: true, message: `${what} ${f} answered 400` }, scimTypeFinding(x, 'invalidFilter', `${what} ${f}`)]
}

interface Spec {
  id: string
  title: string
  level: Level
  section: string
  requirement: string
  breaks?: string[]
  membership?: Membership
  /** The server's schema must declare this User attribute (catalogue `attr:<name>` gate). */
  attr?: string
}

const SECTION = '§3.4.2.2'

function membershipCheck(s: Spec): CheckDef {
  return defineCheck({
    id: s.id,
    title: s.title,
    area: 'filter',
    level: s.level,
    source: rfc(7644, s.section),
    requirement: s.requirement,
    ...(s.breaks ? { breaks: s.breaks } : {}),
    judge(x, ctx) {
      if (s.attr && declares(ctx, 'User', s.attr) === false) return skip(`the server's User schema does not declare ${s.attr}`)
      return judgeMembership(x, ctx, s.membership)
    },
  })
}

const OPERATOR = (op: string, meaning: string): Pick<Spec, 'requirement' | 'section'> => ({
  section: `${SECTION}, Table 3`,
  requirement: `"${op}": ${meaning}`,
})

export const checks: CheckDef[] = [
  membershipCheck({
    id: 'filter.eq-userName',
    title: 'userName eq finds exactly that user',
    level: 'MUST',
    section: SECTION,
    requirement: '"eq" equal: the attribute and operator values must be identical for a match; userName is unique, so the result is that one user.',
    breaks: ['okta', 'entra', 'onelogin'],
    membership: { declined: 'fail', declinedNote: 'filtering is advertised, and Okta, Entra and OneLogin look users up with userName eq before creating them' },
  }),
  defineCheck({
    id: 'filter.no-match',
    title: 'A filter matching nothing answers 200 with totalResults 0',
    area: 'filter',
    level: 'MUST',
    source: rfc(7644, '§3.4.2'),
    requirement: 'A query that does not return any matches SHALL return success (HTTP status code 200) with "totalResults" set to a value of 0.',
    breaks: ['okta', 'entra'],
    judge(x) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      const f = `filter \`${filterOf(x)}\``
      if (s === 404) return { ok: false, message: `No-match ${f} answered 404 (Okta tolerates 404, Entra does not)`, expected: '200 with totalResults 0', actual: excerpt(x) }
      if (s !== 200) return { ok: false, message: `No-match ${f} answered ${s}`, expected: '200 with totalResults 0', actual: excerpt(x) }
      const v = listView(x)
      if (!v) return { ok: false, message: `No-match ${f} answered 200 without a ListResponse`, expected: 'a ListResponse', actual: excerpt(x) }
      if (v.body.totalResults !== 0) return { ok: false, message: `No-match ${f} reported totalResults ${JSON.stringify(v.body.totalResults)}`, expected: '0', actual: JSON.stringify(v.body.totalResults) }
      return { ok: true, message: 'no-match filter answered 200 with totalResults 0' }
    },
  }),
  defineCheck({
    id: 'filter.not-ignored',
    title: 'A filter is applied, not ignored',
    area: 'filter',
    level: 'MUST',
    source: rfc(7644, SECTION),
    requirement: 'The filter parameter requests a subset of resources; a server that accepts a filter returns only the resources that match it.',
    breaks: ['okta', 'entra', 'onelogin'],
    judge(x, ctx) {
      if (status(x) === 400) return skip('the filter was declined (filter.eq-userName reports it), so whether it is applied cannot be judged')
      return judgeMembership(x, ctx, { declined: 'fail' })
    },
  }),
  membershipCheck({
    id: 'filter.userName-case',
    title: 'userName eq matches regardless of case',
    level: 'MUST',
    section: `${SECTION}; RFC 7643 §4.1.1, §7`,
    requirement: 'userName is caseExact false, so "eq" compares it case-insensitively.',
    breaks: ['okta'],
    membership: { declined: 'fail' },
  }),
  membershipCheck({
    id: 'filter.externalId',
    title: 'externalId eq finds that user',
    level: 'MUST',
    section: SECTION,
    requirement: '"eq" equal: the attribute and operator values must be identical for a match.',
    breaks: ['entra'],
    membership: { declinedNote: 'Entra looks users up by externalId' },
  }),
  membershipCheck({
    id: 'filter.externalId-case',
    title: 'externalId eq is case-exact',
    level: 'MUST',
    section: `${SECTION}; RFC 7643 §3.1`,
    requirement: 'externalId has "caseExact" as "true", so a value differing in case does not match.',
  }),
  defineCheck({
    id: 'filter.group-displayName',
    title: 'Groups: displayName eq finds that group',
    area: 'filter',
    level: 'MUST',
    source: rfc(7644, SECTION),
    requirement: '"eq" equal: the attribute and operator values must be identical for a match.',
    breaks: ['entra'],
    judge: (x, ctx) => judgeMembership(x, ctx, { declinedNote: 'Entra looks groups up by displayName' }),
  }),
  defineCheck({
    id: 'filter.group-member',
    title: 'Groups: members.value eq finds the groups holding a user',
    area: 'filter',
    level: 'MUST',
    source: rfc(7644, SECTION),
    requirement: 'If the specified attribute in a filter expression is a multi-valued attribute, the filter matches if any of the values of the specified attribute match the specified criterion.',
    breaks: ['entra'],
    judge: (x, ctx) => judgeMembership(x, ctx),
  }),
  membershipCheck({
    id: 'filter.name-case',
    title: 'Attribute names and operators in filters are case-insensitive',
    level: 'MUST',
    section: SECTION,
    requirement: 'Attribute names and attribute operators used in filters are case insensitive.',
    membership: { declined: 'fail' },
  }),
  membershipCheck({ id: 'filter.op-ne', title: 'ne excludes the value', level: 'MUST', ...OPERATOR('ne', 'not equal. The attribute and operator values are not identical.') }),
  membershipCheck({ id: 'filter.op-co', title: 'co matches a substring', level: 'MUST', ...OPERATOR('co', 'contains. The entire operator value must be a substring of the attribute value for a match.') }),
  membershipCheck({ id: 'filter.op-sw', title: 'sw matches a prefix', level: 'MUST', ...OPERATOR('sw', 'starts with. The entire operator value must be a substring of the attribute value, starting at the beginning of the attribute value.') }),
  membershipCheck({ id: 'filter.op-sw-identical', title: 'sw with the whole value matches', level: 'MUST', ...OPERATOR('sw', 'This criterion is satisfied if the two strings are identical.') }),
  membershipCheck({ id: 'filter.op-ew', title: 'ew matches a suffix', level: 'MUST', ...OPERATOR('ew', 'ends with. The entire operator value must be a substring of the attribute value, matching at the end of the attribute value. This criterion is satisfied if the two strings are identical.') }),
  membershipCheck({ id: 'filter.op-pr', title: 'pr matches a present value', level: 'MUST', ...OPERATOR('pr', 'present (has value). If the attribute has a non-empty value, or if it contains a non-empty node for complex attributes, there is a match.') }),
  membershipCheck({ id: 'filter.op-gt', title: 'gt compares dateTimes chronologically', level: 'MUST', ...OPERATOR('gt', 'greater than. For DateTime types, it is a chronological comparison.') }),
  membershipCheck({ id: 'filter.op-ge', title: 'ge on a dateTime includes the boundary', level: 'MUST', ...OPERATOR('ge', 'greater than or equal to. If the attribute value is greater than or equal to the operator value, there is a match.') }),
  membershipCheck({ id: 'filter.op-lt', title: 'lt compares dateTimes chronologically', level: 'MUST', ...OPERATOR('lt', 'less than. For DateTime types, it is a chronological comparison.') }),
  membershipCheck({ id: 'filter.op-le', title: 'le on a dateTime includes the boundary', level: 'MUST', ...OPERATOR('le', 'less than or equal to. If the attribute value is less than or equal to the operator value, there is a match.') }),
  membershipCheck({ id: 'filter.op-string-order', title: 'gt on a string is lexicographic', level: 'MUST', ...OPERATOR('gt', 'For string attribute types, this is a lexicographical comparison (case-insensitive unless the attribute is caseExact).') }),
  defineCheck({
    id: 'filter.op-boolean-order',
    title: 'An ordering operator on a boolean is refused with 400 invalidFilter',
    area: 'filter',
    level: 'MUST',
    source: rfc(7644, `${SECTION}, Table 3`),
    requirement: 'Boolean and Binary attributes SHALL cause a failed response (HTTP status code 400) with "scimType" of "invalidFilter".',
    judge: (x) => judgeInvalidFilter(x, 'Ordering operator on a boolean:'),
  }),
  membershipCheck({ id: 'filter.and', title: 'and requires both expressions', level: 'MUST', section: `${SECTION}, Table 4`, requirement: '"and": The filter is only a match if both expressions evaluate to true.', breaks: ['entra'] }),
  membershipCheck({ id: 'filter.or', title: 'or matches either expression', level: 'MUST', section: `${SECTION}, Table 4`, requirement: '"or": The filter is a match if either expression evaluates to true.' }),
  membershipCheck({ id: 'filter.not', title: 'not inverts an expression', level: 'MUST', section: `${SECTION}, Table 4, Figure 1`, requirement: '"not": The filter is a match if the expression evaluates to false.' }),
  membershipCheck({
    id: 'filter.precedence',
    title: 'and binds tighter than or; parentheses group',
    level: 'MUST',
    section: SECTION,
    requirement: 'Filters MUST be evaluated using the following order of operations, in order of precedence: grouping operators; logical operators, where "not" takes precedence over "and", which takes precedence over "or"; attribute operators.',
  }),
  membershipCheck({
    id: 'filter.multivalued-any',
    title: 'A multi-valued attribute matches when any value matches',
    level: 'MUST',
    section: SECTION,
    requirement: 'If the specified attribute in a filter expression is a multi-valued attribute, the filter matches if any of the values of the specified attribute match the specified criterion.',
    attr: 'emails',
  }),
  membershipCheck({ id: 'filter.subattr', title: 'A sub-attribute filter (name.familyName) matches', level: 'MUST', section: `${SECTION}, §3.10`, requirement: 'Filters on complex attributes name a sub-attribute in standard attribute notation, e.g. name.familyName.' }),
  membershipCheck({
    id: 'filter.complex-valuepath',
    title: 'A bracketed value filter matches within one value (optional feature)',
    level: 'MAY',
    section: `${SECTION}, Table 5`,
    requirement: 'Service providers MAY support complex filters where expressions MUST be applied to the same value of a parent attribute specified immediately before the left square bracket ("[").',
    attr: 'emails',
    membership: { wrongLevel: 'MUST' },
  }),
  membershipCheck({
    id: 'filter.valuepath-subattr',
    title: 'emails[type eq "work"].value eq … (Entra\'s form, recorded)',
    level: 'MAY',
    section: `${SECTION}, Figure 1`,
    requirement: 'The filter grammar (Figure 1) has no sub-attribute after "]"; Entra nevertheless matches users with emails[type eq "work"].value eq "…" (catalogue §4 #8).',
    breaks: ['entra'],
    attr: 'emails',
    membership: { declinedNote: 'Entra\'s email-matching query form is rejected', wrongIsInfo: 'the form is outside the RFC filter grammar, so its result is recorded, not judged' },
  }),
  membershipCheck({
    id: 'filter.urn-qualified',
    title: 'A URN-qualified attribute name is understood',
    level: 'MUST',
    section: `${SECTION}, §3.10`,
    requirement: 'attrPath = [URI ":"] ATTRNAME *1subAttr (Figure 1): attributes are identified by prefixing the attribute name with its schema URN separated by a colon, e.g. "urn:ietf:params:scim:schemas:core:2.0:User:userName".',
    membership: { declined: 'fail', declinedNote: 'URN-qualified attribute not understood' },
  }),
  membershipCheck({
    id: 'filter.extension-attr',
    title: 'An enterprise extension attribute can be filtered by its URN path',
    level: 'MUST',
    section: `${SECTION}, §3.10`,
    requirement: 'Extension attributes are addressed with their schema URI prefix, e.g. urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber.',
  }),
  membershipCheck({
    id: 'filter.by-schema',
    title: 'schemas eq "<extension URN>" (recorded)',
    level: 'MAY',
    section: SECTION,
    requirement: 'Filtering on the "schemas" attribute is not required; the result is recorded.',
  }),
  defineCheck({
    id: 'filter.quoted-value',
    title: 'An escaped JSON string literal is parsed',
    area: 'filter',
    level: 'MUST',
    source: rfc(7644, SECTION),
    requirement: 'compValue = false / null / true / number / string, with the rules of the JSON ABNF (Figure 1): a string value is a JSON string, quotes and backslashes escaped as JSON escapes them.',
    judge(x, ctx) {
      if (status(x) === 400) {
        const plain = stepExchange(ctx, ctx.args.plain)
        if (plain && status(plain) === 400) return info(`not supported: filter \`${filterOf(x)}\` declined, as was the same attribute with a plain value`, DECLINE_REASON)
        return { ok: false, message: `Quoted/escaped literal not parsed: filter \`${filterOf(x)}\` answered 400${scimTypeOf(x) ? ` ${scimTypeOf(x)}` : ''}`, expected: '200 with the fixture', actual: excerpt(x) }
      }
      return judgeMembership(x, ctx)
    },
  }),
  defineCheck({
    id: 'filter.url-decoding',
    title: 'A filter encoded with %20 (and with +) is decoded',
    area: 'filter',
    level: 'MUST',
    source: rfc(7644, '§1.2; RFC 3986'),
    requirement: 'Clients percent-encode the filter; a server decodes %20 (FAIL) and, as form encoding does, + (WARN; OneLogin sends it).',
    breaks: ['onelogin'],
    judge(x, ctx) {
      const form = String(ctx.args.form ?? '%20')
      const level: Level = form === '+' ? 'SHOULD' : 'MUST'
      const f = judgeMembership(x, ctx, { declined: 'fail' })
      if (f.ok === false) return { ...f, message: `Filter encoded with ${form} not decoded: ${f.message}`, level }
      return f
    },
  }),
  defineCheck({
    id: 'filter.invalid-operator',
    title: 'An unknown operator is refused with 400 invalidFilter',
    area: 'filter',
    level: 'MUST',
    source: rfc(7644, `${SECTION}, §3.12 Table 9`),
    requirement: 'invalidFilter: The specified filter syntax was invalid (does not comply with Figure 1), or the specified attribute and filter comparison combination is not supported (400).',
    judge: (x) => judgeInvalidFilter(x, 'Unknown operator:'),
  }),
  defineCheck({
    id: 'filter.invalid-syntax',
    title: 'A malformed filter is refused with 400 invalidFilter',
    area: 'filter',
    level: 'MUST',
    source: rfc(7644, '§3.12 Table 9'),
    requirement: 'invalidFilter: The specified filter syntax was invalid (does not comply with Figure 1) (400).',
    judge: (x) => judgeInvalidFilter(x, 'Malformed filter:'),
  }),
  defineCheck({
    id: 'filter.unknown-attribute',
    title: 'Filter on an unknown attribute (recorded)',
    area: 'filter',
    level: 'MAY',
    source: rfc(7644, '§3.4.2.1, Table 9'),
    requirement: 'Only the multi-type root query is specified (an unknown attribute has no value); on one endpoint servers answer 400 invalidFilter or an empty result (catalogue §4 #7).',
    judge(x) {
      const u = unjudgeable(x)
      if (u) return u
      const s = status(x)!
      const f = `filter \`${filterOf(x)}\``
      if (s === 400) return { ok: true, message: `${f} answered 400${scimTypeOf(x) ? ` ${scimTypeOf(x)}` : ''}` }
      const v = s === 200 ? listView(x) : undefined
      if (v && v.resources.length === 0 && (v.total === 0 || v.total === undefined)) return { ok: true, message: `${f} answered 200 with no resources` }
      if (v) return info(`Filter on an unknown attribute returned resources (${v.total ?? v.resources.length}): it looks ignored`, 'the catalogue records this entry (§4 #7) and never fails it')
      return info(`${f} answered ${s}`, 'the catalogue records this entry (§4 #7) and never fails it')
    },
  }),
  membershipCheck({ id: 'filter.pr-empty', title: 'pr does not match an unassigned attribute', level: 'MUST', ...OPERATOR('pr', 'If the attribute has a non-empty value, or if it contains a non-empty node for complex attributes, there is a match.') }),
]
