import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import {
  ownership,
  applied,
  at,
  attributeIn as attributeDef,
  cannot,
  describeWrite,
  detailOf,
  endpointOf,
  isFinding,
  json,
  notImplemented,
  key,
  list,
  notFullResource,
  fullState,
  isObject,
  ok2xx,
  projected,
  readBack,
  resourcePath,
  refusal,
  refused,
  refusedHere,
  requestLine,
  same,
  sentBody,
  show,
  skipped as skip,
  stepExchange,
  values,
  type Json,
  type Precondition,
} from './verify.js'
import { pathnameOf, requestUrl, type Exchange } from '../http/exchange.js'

/**
 * RFC 7644 §3.5.2, modifying with PATCH. Each write in scenarios/rfc/patch.yaml is read back with a GET, so a PATCH
 * answered 204 (which the RFC allows) is judged exactly like one answered 200. Entries the RFCs leave open (§4 of the
 * catalogue) only ever pass or report info.
 */

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'

type Spec = Omit<CheckDef, 'area' | 'source'> & { section: string }

const patch = ({ section, ...rest }: Spec): CheckDef => {
  const m = /^(7643|7644) (.+)$/.exec(section)
  return defineCheck({ ...rest, area: 'patch', source: rfc(m ? Number(m[1]) : 7644, m ? m[2] : section) })
}

const missing = (what: string, want: unknown, got: unknown): Finding => ({ ok: false, message: `${what}: reads back ${show(got)}`, expected: show(want), actual: show(got) })

/** One value of `attr` (complex multi-valued) whose `value` is v. */
const withValue = (r: Json, attr: string, v: unknown) => list(r, attr).filter((e) => same(key(e, 'value'), v))
const ofType = (r: Json, attr: string, t: string) => list(r, attr).filter((e) => same(key(e, 'type'), t))
const primaries = (r: Json, attr: string) => list(r, attr).filter((e) => key(e, 'primary') === true)

/** For an add: every email the read before showed must stay (the `keep` list of the scenario, widened to all of them). */
const keepAll = (before: Json | undefined, keep: unknown): unknown => (before ? values(before, 'emails') : keep)

/**
 * Emails the write should not have touched (`keep`) that the read before it showed, and that must still be there.
 * An email the read before did not show is not judged: an earlier step lost it, and that is its own finding.
 */
function kept(r: Json, before: Json | undefined, keep: unknown, what: string): Finding | undefined {
  if (!before) return undefined
  const want = (Array.isArray(keep) ? keep : keep === undefined ? [] : [keep]).map(String).filter((v) => withValue(before, 'emails', v).length > 0)
  const lost = want.filter((v) => withValue(r, 'emails', v).length === 0)
  return lost.length ? { ok: false, message: `${what} also removed ${lost.join(', ')}`, expected: `emails still holding ${want.join(', ')}`, actual: show(values(r, 'emails')) } : undefined
}

/** Preconditions on the read before the write (applied's `pre`). */
const hasWorkEmail: Precondition = (b) => (ofType(b, 'emails', 'work').length ? undefined : `no emails[type eq "work"] (emails: ${show(values(b, 'emails'))})`)
const hasEmail =
  (arg: string): Precondition =>
  (b, a) =>
    withValue(b, 'emails', a[arg]).length ? undefined : `no email ${show(a[arg])} (emails: ${show(values(b, 'emails'))})`

const emailsGate = (ctx: Parameters<NonNullable<CheckDef['judge']>>[1]): Finding | undefined => {
  const d = attributeDef(ctx, 'urn:ietf:params:scim:schemas:core:2.0:User', 'emails')
  return d === null ? skip("the server's /Schemas does not declare User.emails") : undefined
}

/** applied(), behind the `attr:emails` gate. */
function emailsApplied(expect: Parameters<typeof applied>[0], pre?: Precondition): NonNullable<CheckDef['judge']> {
  const judge = applied(expect, { pre })
  return (x, ctx) => emailsGate(ctx) ?? judge(x, ctx)
}


/** A write the RFC leaves open, recorded: pass for the reading every IdP works with, info for the others. */
function recorded(message: string, reason: string): Finding {
  return { ok: 'info', message, reason }
}

// ---- patch.untouched-preserved: what a PATCH did not name must survive it ----

/** Never judged as "untouched": identity and server-maintained attributes, and User.groups (changed through Groups). */
const MAINTAINED = new Set(['schemas', 'id', 'meta', 'groups'])
/** References another resource's DELETE may clear without any write on this one. */
const REFERENCES = new Set(['members', 'manager'])

const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0)

/** Lower-cased names of what a PATCH's operations name: `emails`, `urn:…:enterprise:2.0:user` (whole extension) or `urn:…:user:manager`. */
function named(write: Exchange): Set<string> {
  const out = new Set<string>()
  const mark = (p: string) => {
    const lower = p.trim().toLowerCase()
    if (!lower.startsWith('urn:')) return void out.add(lower.split(/[.[]/)[0])
    // `urn:…:2.0:User:manager.value`: the attribute follows the last colon before any filter (the URN holds dots).
    const base = lower.split('[')[0]
    const cut = base.lastIndexOf(':')
    const urn = base.slice(0, cut)
    const attr = base.slice(cut + 1).split('.')[0]
    out.add(`${urn}:${attr}`)
    if (/:schemas:core:2\.0:(user|group)$/.test(urn)) out.add(attr)
  }
  const ops = key(sentBody(write), 'Operations')
  for (const o of Array.isArray(ops) ? ops : []) {
    const path = key(o, 'path')
    if (typeof path === 'string' && path) mark(path)
    else if (isObject(key(o, 'value'))) for (const k of Object.keys(key(o, 'value') as Json)) mark(k)
  }
  return out
}

interface Span {
  /** The resource as last seen in full before the PATCHes. */
  before: Json
  patches: Exchange[]
  /** A DELETE of some resource happened meanwhile (references to it may be cleared). */
  deletes: boolean
}

/**
 * The PATCHes between the last full representation of x's resource and x (a full read, or a PATCH's own full
 * response), or undefined when there are none or something else changed the resource unseen (a PUT, a DELETE of it,
 * /Bulk or /Me writes, a write without a response).
 */
function patchSpan(x: Exchange, ctx: CheckContext): Span | undefined {
  const path = resourcePath(x)
  if (!path) return undefined
  const id = decodeURIComponent(path.split('/').pop()!)
  const patches: Exchange[] = x.request.method === 'PATCH' ? [x] : []
  let deletes = false
  let i = ctx.history.lastIndexOf(x)
  if (i < 0) i = ctx.history.length
  for (let j = i - 1; j >= 0; j--) {
    const h = ctx.history[j]
    const m = h.request.method.toUpperCase()
    if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') {
      if (resourcePath(h) !== path) continue
      const full = fullState(h)
      if (full) return patches.length ? { before: full, patches, deletes } : undefined
      continue
    }
    const own = resourcePath(h) === path
    if (m === 'POST' && ok2xx(h) && json(h)?.id === id) {
      const full = fullState(h)
      return full && patches.length ? { before: full, patches, deletes } : undefined
    }
    if (m === 'DELETE' && ok2xx(h)) {
      if (own) return undefined
      deletes = true
      continue
    }
    if (!own) {
      // /Bulk and /Me writes may reach this resource by another route, unseen.
      if (/\/(Bulk|Me)(\/|$)/i.test(pathnameOf(h))) return undefined
      continue
    }
    if (!h.response) return undefined
    if (!ok2xx(h)) continue
    if (m !== 'PATCH') return undefined
    const full = fullState(h)
    if (full) return patches.length ? { before: full, patches, deletes } : undefined
    patches.push(h)
  }
  return undefined
}


/** Attributes the read before showed with a value, that no PATCH named, and that are now empty or gone. */
function dropped(before: Json, after: Json, names: Set<string>, span: Span, ctx: CheckContext, schema: string): string[] {
  const out: string[] = []
  // Server-maintained attributes, and those returned only on request, may come and go between representations.
  const readOnly = (attr: string) => {
    const def = attributeDef(ctx, schema, attr)
    return def?.mutability === 'readOnly' || def?.returned === 'request' || def?.returned === 'never'
  }
  for (const [k, v] of Object.entries(before)) {
    const lower = k.toLowerCase()
    if (MAINTAINED.has(lower) || empty(v) || names.has(lower)) continue
    if (lower.startsWith('urn:') && isObject(v)) {
      const now = key(after, k)
      for (const [sub, sv] of Object.entries(v)) {
        const full = `${lower}:${sub.toLowerCase()}`
        if (empty(sv) || names.has(full) || (span.deletes && REFERENCES.has(sub.toLowerCase()))) continue
        if (empty(key(now, sub))) out.push(`${k}:${sub}`)
      }
      continue
    }
    if ((span.deletes && REFERENCES.has(lower)) || readOnly(k)) continue
    if (empty(key(after, k))) out.push(k)
  }
  return out
}

export const checks: CheckDef[] = [
  patch({
    id: 'patch.untouched-preserved',
    title: 'A PATCH leaves the attributes it does not name as they were',
    level: 'MUST',
    section: '7644 §3.5.2, §3.9',
    requirement:
      'HTTP PATCH is an OPTIONAL server function that enables clients to update one or more attributes of a SCIM resource using a sequence of operations to "add", "remove", or "replace" values. (RFC 7644 §3.5.2) attributes: A multi-valued list of strings indicating the names of resource attributes to return in the response, overriding the set of attributes that would be returned by default. (RFC 7644 §3.9)',
    ambient(x, ctx) {
      // PUT is left out on purpose: §3.5.1 lets a server clear readWrite attributes a PUT omits.
      if (x.request.method !== 'GET' && x.request.method !== 'PATCH') return
      const after = fullState(x)
      if (!after) return
      const span = patchSpan(x, ctx)
      if (!span) return
      const names = new Set<string>()
      for (const p of span.patches) for (const n of named(p)) names.add(n)
      const schema = endpointOf(x) === 'Groups' ? GROUP : USER
      const lost = dropped(span.before, after, names, span, ctx, schema)
      const writes = [...span.patches].reverse()
      if (!lost.length) return { ok: true, message: `${writes.length === 1 ? describeWrite(writes[0]) : `${writes.length} PATCHes`} left every attribute they did not name in place` }
      // The PATCH that asked for a reduced response is the likeliest culprit: name it, not the read that saw the loss.
      const blame = writes.find(projected) ?? writes[0]
      const steps = writes.map((w) => w.step).filter(Boolean)
      return {
        ok: false,
        message: `${describeWrite(blame)}${projected(blame) ? ` (with ${requestUrl(blame)?.search})` : ''} emptied ${lost.join(', ')}, which ${writes.length === 1 ? 'it did not name' : `none of the ${writes.length} PATCHes${steps.length ? ` (steps ${steps.join(', ')})` : ''} named`}`,
        expected: `${lost.join(', ')} as before: ${show(Object.fromEntries(lost.map((l) => [l, at(span.before, l)])))}`,
        actual: show(Object.fromEntries(lost.map((l) => [l, at(after, l)]))),
        exchange: blame,
        ...ownership(after, ctx),
      }
    },
  }),

  patch({
    id: 'patch.supported',
    title: 'PATCH is supported',
    level: 'SHOULD',
    section: '7644 §3.5.2',
    requirement: 'Implementers SHOULD support HTTP PATCH [RFC5789] to enable partial resource modifications (RFC 7644 §3.5); a server that advertises patch.supported must honour it.',
    breaks: ['okta', 'entra', 'onelogin', 'jumpcloud'],
    judge(x, ctx) {
      if (!x.response) return cannot(`${requestLine(x)} got no response`)
      const s = x.response.status
      if (s >= 200 && s < 300) return { ok: true, message: `PATCH answered ${s}` }
      const advertised = ctx.discovery.spc?.patch?.supported === true
      if (s === 405 || s === 501) return { ok: false, level: advertised ? 'MUST' : 'SHOULD', message: `PATCH answered ${s}${advertised ? ' although ServiceProviderConfig advertises patch.supported = true' : ''}${detailOf(x)}`, expected: '2xx', actual: String(s) }
      return { ok: false, level: advertised ? 'MUST' : 'SHOULD', message: `a minimal valid PATCH answered ${s}${detailOf(x)}`, expected: '2xx', actual: String(s) }
    },
  }),

  patch({
    id: 'patch.response',
    title: 'A PATCH answers 200 with the entire resource, or 204 without a body',
    level: 'MUST',
    section: '7644 §3.5.2',
    requirement:
      'On successful completion, the server either MUST return a 200 OK response code and the entire resource within the response body, subject to the "attributes" query parameter, or MAY return HTTP status code 204 (No Content).',
    breaks: ['okta', 'entra'],
    ambient(x) {
      if (x.request.method !== 'PATCH' || !x.response) return
      const endpoint = endpointOf(x)
      if (!endpoint) return
      const s = x.response.status
      if (s === 204) {
        return x.response.body.trim() === '' ? { ok: true, message: 'PATCH answered 204 without a body' } : { ok: false, message: `PATCH 204 carried a body (${x.response.body.length} bytes)`, expected: 'no body', actual: x.response.body.slice(0, 80) }
      }
      if (s !== 200 || projected(x)) return
      const why = notFullResource(json(x), endpoint)
      if (why) return { ok: false, message: `PATCH 200 body is not the full resource: ${why}`, expected: 'the entire resource, or 204 without a body', actual: x.response.body.slice(0, 120) || '(empty body)' }
      return { ok: true, message: 'PATCH answered 200 with the entire resource' }
    },
  }),

  patch({
    id: 'patch.attributes-200',
    title: 'PATCH with attributes= answers 200 with the requested attributes',
    level: 'MUST',
    section: '7644 §3.5.2',
    requirement: 'The server MUST return a 200 OK if the "attributes" parameter is specified in the request.',
    judge(x, ctx) {
      if (!x.response) return cannot(`${requestLine(x)} got no response`)
      const s = x.response.status
      const absent = notImplemented(x, 'PATCH with attributes=')
      if (absent) return absent
      if (s !== 200) return { ok: false, message: `PATCH with attributes= answered ${s}${detailOf(x)}`, expected: '200 with the requested attributes', actual: String(s) }
      const body = json(x)
      if (!body || body.id === undefined) return { ok: false, message: 'PATCH with attributes= answered 200 without the resource', expected: 'id and userName', actual: x.response.body.slice(0, 120) || '(empty body)' }
      // Attributes the server declares returned: always come back whatever was asked (catalogue §4 #25).
      const always = (name: string) => attributeDef(ctx, 'urn:ietf:params:scim:schemas:core:2.0:User', name)?.returned === 'always'
      const extra = ['emails', 'name', 'title', 'displayName'].filter((a) => key(body, a) !== undefined && !always(a))
      if (key(body, 'userName') === undefined) return { ok: false, message: 'PATCH with attributes=userName answered 200 without userName', expected: 'userName', actual: show(Object.keys(body)) }
      if (extra.length) return { ok: false, message: `PATCH with attributes=userName returned unrequested ${extra.join(', ')}`, expected: 'id, userName (and schemas, meta)', actual: show(Object.keys(body)) }
      return { ok: true, message: 'PATCH with attributes= answered 200 with the requested attributes' }
    },
  }),

  // ---- replace ----
  patch({
    id: 'patch.replace-path',
    title: 'replace with a path',
    level: 'MUST',
    section: '7644 §3.5.2.3',
    requirement: 'If the target location is a single-value attribute, the attributes value is replaced.',
    breaks: ['entra'],
    judge: applied((r, a) => (same(at(r, 'name.familyName'), a.familyName) ? undefined : missing('replace name.familyName not applied', a.familyName, at(r, 'name.familyName')))),
  }),
  patch({
    id: 'patch.replace-no-path',
    title: 'replace without a path',
    level: 'MUST',
    section: '7644 §3.5.2.3',
    requirement: 'If the "path" parameter is omitted, the target is assumed to be the resource itself. In this case, the "value" attribute SHALL contain a list of one or more attributes that are to be replaced.',
    breaks: ['okta'],
    judge: applied((r, a) => (key(r, 'active') === a.active ? undefined : missing(`Pathless replace not applied (active ${a.active})`, a.active, key(r, 'active')))),
  }),
  patch({
    id: 'patch.replace-no-path-multi',
    title: 'replace without a path, several attributes',
    level: 'MUST',
    section: '7644 §3.5.2.3',
    requirement: 'In this case, the "value" attribute SHALL contain a list of one or more attributes that are to be replaced.',
    breaks: ['entra'],
    judge: applied((r, a) => {
      const wrong = ['displayName', 'nickName'].filter((n) => !same(key(r, n), a[n]))
      return wrong.length ? { ok: false, message: `Pathless multi-attribute replace partially applied: ${wrong.join(', ')} not replaced`, expected: show({ displayName: a.displayName, nickName: a.nickName }), actual: show({ displayName: key(r, 'displayName'), nickName: key(r, 'nickName') }) } : undefined
    }),
  }),
  patch({
    id: 'patch.replace-missing-adds',
    title: 'replace of an unassigned attribute adds it',
    level: 'MUST',
    section: '7644 §3.5.2.3',
    requirement: 'If the target location path specifies an attribute that does not exist, the service provider SHALL treat the operation as an "add".',
    judge: applied((r, a) => (same(key(r, 'title'), a.title) ? undefined : missing('replace on an unassigned attribute not treated as add', a.title, key(r, 'title')))),
  }),
  patch({
    id: 'patch.replace-complex-partial',
    title: 'replace of a complex attribute keeps unnamed sub-attributes',
    level: 'MUST',
    section: '7644 §3.5.2.3',
    requirement: 'If the target location specifies a complex attribute, a set of sub-attributes SHALL be specified in the "value" parameter, which replaces any existing values or adds where an attribute did not previously exist. Sub-attributes that are not specified in the "value" parameter are left unchanged.',
    judge: applied((r, a, _ctx, _w, before) => {
      if (!same(at(r, 'name.givenName'), a.givenName)) return missing('replace name {givenName} not applied', a.givenName, at(r, 'name.givenName'))
      // The sub-attribute left out must keep the value the read before the write showed (none known: not judged).
      const was = before ? at(before, 'name.familyName') : undefined
      if (was !== undefined && !same(at(r, 'name.familyName'), was)) return { ok: false, message: `Complex replace dropped unspecified sub-attributes: name.familyName is ${show(at(r, 'name.familyName'))}`, expected: show(was), actual: show(at(r, 'name.familyName')) }
      return undefined
    }),
  }),
  patch({
    id: 'patch.replace-multi-all',
    title: 'replace of a multi-valued attribute without a filter replaces all values',
    level: 'MUST',
    section: '7644 §3.5.2.3',
    requirement: 'If the target location is a multi-valued attribute and no filter is specified, the attribute and all values are replaced.',
    judge: emailsApplied((r, a) => {
      const got = values(r, 'emails')
      return got.length === 1 && same(got[0], a.email) ? undefined : { ok: false, message: `Multi-valued replace without filter merged instead of replacing: emails are ${show(got)}`, expected: show([a.email]), actual: show(got) }
    }),
  }),
  patch({
    id: 'patch.replace-valuepath',
    title: 'replace with a value filter replaces the matching values',
    level: 'MUST',
    section: '7644 §3.5.2.3',
    requirement: 'If the target location is a multi-valued attribute and a value selection ("valuePath") filter is specified that matches one or more values of the multi-valued attribute, then all matching record values SHALL be replaced.',
    judge: emailsApplied((r, a, _ctx, _w, before) => {
      const work = ofType(r, 'emails', 'work')
      if (work.length !== 1 || !same(key(work[0], 'value'), a.email)) return { ok: false, message: `Value-path replace wrong: work emails are ${show(work)}`, expected: `one work email ${show(a.email)}`, actual: show(work) }
      return kept(r, before, a.keep, 'Value-path replace of the work email')
    }, hasWorkEmail),
  }),
  patch({
    id: 'patch.replace-valuepath-subattr',
    title: 'replace of a sub-attribute through a value filter',
    level: 'MUST',
    section: '7644 §3.5.2.3, Figure 7',
    requirement: 'If the target location is a complex multi-valued attribute with a value selection filter ("valuePath") and a specific sub-attribute (e.g., "addresses[type eq "work"].streetAddress"), the matching sub-attribute of all matching records is replaced.',
    breaks: ['entra'],
    judge: emailsApplied((r, a, _ctx, _w, before) => {
      const work = ofType(r, 'emails', 'work')
      if (work.length !== 1 || !same(key(work[0], 'value'), a.email)) return { ok: false, message: `Value-path sub-attribute replace wrong: work emails are ${show(work)}`, expected: `one work email ${show(a.email)}`, actual: show(work) }
      // The other sub-attributes keep what the read before showed (`primary` given in `with:` is only a cross-check).
      const was = before ? key(ofType(before, 'emails', 'work')[0], 'primary') : undefined
      if (before && key(work[0], 'primary') !== was) return { ok: false, message: `Value-path sub-attribute replace changed other sub-attributes: primary is ${show(key(work[0], 'primary'))}`, expected: show(was), actual: show(key(work[0], 'primary')) }
      return kept(r, before, a.keep, 'Value-path replace of emails[type eq "work"].value')
    }, hasWorkEmail),
  }),
  patch({
    id: 'patch.replace-valuepath-nomatch',
    title: 'replace with a value filter that matches nothing is refused with noTarget',
    level: 'MUST',
    section: '7644 §3.5.2.3',
    requirement: 'If the target location is a multi-valued attribute for which a value selection filter ("valuePath") has been supplied and no record match was made, the service provider SHALL indicate failure by returning HTTP status code 400 and a "scimType" error code of "noTarget".',
    judge: refused({ status: [400], scimType: 'noTarget' }, 'Unmatched value filter accepted', (r, a) =>
      withValue(r, 'emails', a.email).length ? { ok: false, message: `the unmatched replace still stored ${show(a.email)}`, expected: 'emails unchanged', actual: show(values(r, 'emails')) } : undefined,
    ),
  }),

  // ---- add ----
  patch({
    id: 'patch.add-single',
    title: 'add on a single-valued attribute sets, then replaces it',
    level: 'MUST',
    section: '7644 §3.5.2.1',
    requirement: 'If the target location specifies an attribute that does not exist (has no value), the attribute is added with the new value. If the target location specifies a single-valued attribute, the existing value is replaced.',
    breaks: ['entra'],
    judge: applied((r, a) => (same(key(r, 'nickName'), a.nickName) ? undefined : missing('add on a single-valued attribute wrong', a.nickName, key(r, 'nickName')))),
  }),
  patch({
    id: 'patch.add-no-path',
    title: 'add without a path adds the attributes of the value',
    level: 'MUST',
    section: '7644 §3.5.2.1',
    requirement: 'If omitted, the target location is assumed to be the resource itself. The "value" parameter contains a set of attributes to be added to the resource.',
    judge: emailsApplied((r, a, _ctx, _w, before) => {
      if (!withValue(r, 'emails', a.email).length) return { ok: false, message: `Pathless add wrong: email ${show(a.email)} not appended`, expected: `emails holding ${show(a.email)}`, actual: show(values(r, 'emails')) }
      if (!same(key(r, 'nickName'), a.nickName)) return missing('Pathless add wrong: nickName not set', a.nickName, key(r, 'nickName'))
      return kept(r, before, keepAll(before, a.keep), 'Pathless add')
    }),
  }),
  patch({
    id: 'patch.add-multi-appends',
    title: 'add to a multi-valued attribute appends',
    level: 'MUST',
    section: '7644 §3.5.2.1',
    requirement: 'If the target location specifies a multi-valued attribute, a new value is added to the attribute.',
    judge: emailsApplied((r, a, _ctx, _w, before) => {
      if (!withValue(r, 'emails', a.email).length) return { ok: false, message: `add to emails not applied: ${show(a.email)} missing`, expected: `emails holding ${show(a.email)}`, actual: show(values(r, 'emails')) }
      const lost = kept(r, before, keepAll(before, a.keep), 'add')
      return lost ? { ...lost, message: `add to a multi-valued attribute replaced existing values (${lost.message})` } : undefined
    }),
  }),
  patch({
    id: 'patch.add-existing-noop',
    title: 'Re-adding a value already present changes nothing',
    level: 'SHOULD',
    section: '7644 §3.5.2.1',
    requirement: 'If the target location already contains the value specified, no changes SHOULD be made to the resource, and a success response SHOULD be returned. Unless other operations change the resource, this operation SHALL NOT change the modify timestamp of the resource.',
    judge(x, ctx) {
      const gate = emailsGate(ctx)
      if (gate) return gate
      const rb = readBack(x, ctx)
      if (isFinding(rb)) return rb
      const s = rb.write.response!.status
      const absent = notImplemented(rb.write, describeWrite(rb.write))
      if (absent) return absent
      if (s < 200 || s >= 300) return { ok: false, message: `Re-adding an existing value failed (${s})${detailOf(rb.write)}`, expected: '2xx', actual: String(s), exchange: rb.write }
      if (!rb.resource) return cannot(`reading the resource back answered ${x.response?.status}`)
      const out: Finding[] = []
      const n = withValue(rb.resource, 'emails', ctx.args.email).length
      out.push(n === 1 ? { ok: true, message: 'the existing value is listed once' } : { ok: false, message: `Re-adding an existing value duplicated it (${n} copies)`, expected: '1', actual: String(n) })
      const before = (rb.before ?? json(stepExchange(ctx, String(ctx.args.before ?? ''))))?.meta?.lastModified
      const now = rb.resource.meta?.lastModified
      if (typeof before !== 'string' || typeof now !== 'string') out.push(skip('meta.lastModified is not available before and after, so the timestamp rule cannot be judged'))
      else if (Date.parse(before) !== Date.parse(now)) out.push({ ok: false, level: 'MUST', message: `Re-adding an existing value bumped lastModified from ${before} to ${now}`, expected: before, actual: now })
      else out.push({ ok: true, message: 'meta.lastModified unchanged' })
      return out
    },
  }),

  // ---- remove ----
  patch({
    id: 'patch.remove-single',
    title: 'remove of a single-valued attribute',
    level: 'MUST',
    section: '7644 §3.5.2.2',
    requirement: 'If the target location is a single-value attribute, the attribute and its associated value is removed, and the attribute SHALL be considered unassigned.',
    judge: applied((r, a) => {
      const v = at(r, String(a.attr ?? 'title'))
      return v === undefined || v === null ? undefined : { ok: false, message: `remove ${a.attr ?? 'title'} not applied: still ${show(v)}`, expected: '(absent)', actual: show(v) }
    }),
  }),
  patch({
    id: 'patch.remove-no-path',
    title: 'remove without a path is refused with noTarget',
    level: 'MUST',
    section: '7644 §3.5.2.2',
    requirement: 'If "path" is unspecified, the operation fails with HTTP status code 400 and a "scimType" error code of "noTarget".',
    judge: refusedHere({ status: [400], scimType: 'noTarget' }, 'remove without path accepted'),
  }),
  patch({
    id: 'patch.remove-valuepath',
    title: 'remove with a value filter removes only the matching values',
    level: 'MUST',
    section: '7644 §3.5.2.2',
    requirement: 'If the target location is a complex multi-valued attribute and a complex filter is specified based on the attribute\'s sub-attributes, the matching records are removed.',
    judge: emailsApplied((r, a, _ctx, _w, before) => {
      const left = withValue(r, 'emails', a.removed).length
      if (left) return { ok: false, message: `Filtered remove left the matching value ${show(a.removed)}`, expected: `emails without ${show(a.removed)}`, actual: show(values(r, 'emails')) }
      // Every email the read before showed that the filter does not match must stay.
      const removedType = before ? key(withValue(before, 'emails', a.removed)[0], 'type') : undefined
      const others = before ? list(before, 'emails').filter((e) => !same(key(e, 'type'), removedType)).map((e) => key(e, 'value')) : a.keep
      const lost = kept(r, before, others, 'Filtered remove')
      return lost ? { ...lost, message: `Filtered remove removed more than the matching values (${lost.message})` } : undefined
    }, hasEmail('removed')),
  }),
  patch({
    id: 'patch.remove-multi-all',
    title: 'remove of a multi-valued attribute without a filter removes all values',
    level: 'MUST',
    section: '7644 §3.5.2.2',
    requirement: 'If the target location is a multi-valued attribute and no filter is specified, the attribute and all values are removed, and the attribute SHALL be considered unassigned.',
    judge: emailsApplied((r) => (list(r, 'emails').length ? { ok: false, message: `Unfiltered remove left values: ${show(values(r, 'emails'))}`, expected: 'no emails', actual: show(values(r, 'emails')) } : undefined)),
  }),
  patch({
    id: 'patch.remove-required',
    title: 'remove of a required attribute is refused with mutability',
    level: 'MUST',
    section: '7644 §3.5.2.2',
    requirement: 'If an attribute is removed or becomes unassigned and is defined as a required attribute or a read-only attribute, the server SHALL return an HTTP response status code and a JSON detail error response as defined in Section 3.12, with a "scimType" error code of "mutability".',
    judge: refused({ status: [400], scimType: 'mutability' }, 'Required attribute removed', (r, a, before) => {
      const was = before ? key(before, 'userName') : a.userName
      return same(key(r, 'userName'), was) ? undefined : { ok: false, message: `Required attribute removed: userName reads back ${show(key(r, 'userName'))}`, expected: show(was), actual: show(key(r, 'userName')) }
    }),
  }),

  // ---- mutability ----
  patch({
    id: 'patch.readonly',
    title: 'PATCH of a readOnly attribute is refused with mutability',
    level: 'MUST',
    section: '7644 §3.5.2',
    requirement: 'A client MUST NOT modify an attribute that has mutability "readOnly" or "immutable" ... An operation that is not compatible with an attribute\'s mutability or schema SHALL return the appropriate HTTP response status code and a JSON detail error response as defined in Section 3.12.',
    judge(x, ctx) {
      const attr = String(ctx.args.attr ?? 'id')
      if (attr === 'id' && x.response?.status === 404) {
        const write = stepExchange(ctx, String(ctx.args.after ?? ''))
        return [...(write ? refusal(write, { status: [400], scimType: 'mutability' }, write ? describeWrite(write) : 'PATCH', 'readOnly attribute modified by PATCH') : []), { ok: false, message: 'readOnly attribute modified by PATCH: the resource no longer answers at its id', expected: '200', actual: '404' }]
      }
      return refused({ status: [400], scimType: 'mutability' }, 'readOnly attribute modified by PATCH', (r, a) => {
        const now = at(r, attr)
        if (attr === 'id') return undefined
        return same(now, a.value) || (typeof now === 'string' && Date.parse(now) === Date.parse(String(a.value))) ? { ok: false, message: `readOnly attribute modified by PATCH: ${attr} is now ${show(now)}`, expected: `the server's own ${attr}`, actual: show(now) } : undefined
      })(x, ctx)
    },
  }),
  patch({
    id: 'patch.readonly-same-value',
    title: 'A pathless replace that repeats the unchanged id',
    level: 'MAY',
    section: '7644 §3.5.2',
    requirement: 'PUT ignores readOnly values (§3.5.1) while PATCH must refuse operations incompatible with mutability (§3.5.2); whether an unchanged id inside a pathless replace value is such an operation is not settled (catalogue §4 #13). Okta\'s group rename sends it.',
    breaks: ['okta'],
    judge(x, ctx) {
      const rb = readBack(x, ctx)
      if (isFinding(rb)) return rb
      const s = rb.write.response!.status
      if (s >= 400) return recorded(`the pathless replace carrying the unchanged id was rejected (${s})${detailOf(rb.write)}`, 'Rejecting an unchanged id in a replace value breaks Okta group rename')
      if (!rb.resource) return cannot(`reading the group back answered ${x.response?.status}`)
      if (!same(key(rb.resource, 'displayName'), ctx.args.displayName)) return recorded(`the replace was accepted (${s}) but the group was not renamed: displayName is ${show(key(rb.resource, 'displayName'))}`, 'Okta renames groups this way; the rename did not take effect')
      return { ok: true, message: 'accepted, the unchanged id ignored and the group renamed' }
    },
  }),
  patch({
    id: 'patch.immutable',
    title: 'PATCH of an immutable value is refused with mutability',
    level: 'MUST',
    section: '7644 §3.5.2',
    requirement: 'A client MUST NOT modify an attribute that has mutability "readOnly" or "immutable". However, a client MAY "add" a value to an "immutable" attribute if the attribute had no previous value. An operation that is not compatible with an attribute\'s mutability or schema SHALL return the appropriate HTTP response status code.',
    judge(x, ctx) {
      const attr = String(ctx.args.attr ?? 'members.value')
      const def = attributeDef(ctx, String(ctx.args.schema ?? GROUP), attr)
      if (def === undefined) return skip("the server's /Schemas is not available, so no attribute is known to be immutable")
      if (def?.mutability !== 'immutable') return skip(`${attr} is ${def ? `declared ${def.mutability}` : 'not declared'} on this server, so there is no immutable value to probe`)
      return refused({ status: [400], scimType: 'mutability' }, 'Immutable attribute modified by PATCH', (r, a, before) => {
        if (a.member === undefined) {
          // A top-level immutable attribute: its value must be the one the read before the write showed.
          const now = at(r, `${a.schema}:${attr}`)
          const was = before ? at(before, `${a.schema}:${attr}`) : a.was
          return same(now, was) ? undefined : { ok: false, message: `Immutable attribute modified by PATCH: ${attr} is now ${show(now)}`, expected: show(was), actual: show(now) }
        }
        if (before && !values(before, 'members').includes(String(a.member))) return skip(`the read before the write shows no member ${a.member}, so there was no immutable value to change`)
        const now = values(r, 'members')
        return now.includes(String(a.member)) ? undefined : { ok: false, message: `Immutable attribute modified by PATCH: member ${a.member} is gone`, expected: `members holding ${a.member}`, actual: show(now) }
      })(x, ctx)
    },
  }),

  // ---- atomicity and order ----
  patch({
    id: 'patch.atomic',
    title: 'A failing PATCH leaves no partial change',
    level: 'MUST',
    section: '7644 §3.5.2',
    requirement: 'A PATCH request, regardless of the number of operations, SHALL be treated as atomic. If a single operation encounters an error condition, the original SCIM resource MUST be restored, and a failure status SHALL be returned.',
    judge: refused({ status: [400] }, 'PATCH with a failing operation accepted', (r, a) =>
      same(key(r, 'nickName'), a.attempted) ? { ok: false, message: `Failed PATCH left partial changes: nickName is ${show(a.attempted)}`, expected: 'nickName unchanged', actual: show(key(r, 'nickName')) } : undefined,
    ),
  }),
  patch({
    id: 'patch.sequential',
    title: 'Operations apply in order',
    level: 'MUST',
    section: '7644 §3.5.2',
    requirement: 'Operations are applied sequentially in the order they appear in the array. Each operation in the sequence is applied to the target resource; the resulting resource becomes the target of the next operation.',
    judge: applied((r, a) => (same(key(r, 'nickName'), a.nickName) ? undefined : missing('Operations not applied in order', a.nickName, key(r, 'nickName')))),
  }),
  patch({
    id: 'patch.primary-exclusive',
    title: 'Setting primary on one value clears it on the others',
    level: 'MUST',
    section: '7644 §3.5.2',
    requirement: 'For multi-valued attributes, a PATCH operation that sets a value\'s "primary" sub-attribute to "true" SHALL cause the server to automatically set "primary" to "false" for any other values in the array.',
    judge: emailsApplied((r, a) => {
      const p = primaries(r, 'emails')
      if (p.length > 1) return { ok: false, message: `Two primary values after PATCH: ${show(p.map((e) => key(e, 'value')))}`, expected: `only ${show(a.email)} primary`, actual: show(p) }
      if (p.length === 0 || !same(key(p[0], 'value'), a.email)) return { ok: false, message: `primary not moved to ${show(a.email)}`, expected: `${show(a.email)} primary`, actual: show(p.map((e) => key(e, 'value'))) }
      return undefined
    }, hasEmail('email')),
  }),
  patch({
    id: 'patch.extension-path',
    title: 'add through a URN-qualified extension path',
    level: 'MUST',
    section: '7644 §3.5.2',
    requirement: 'The "path" attribute ... attrPath = [URI ":"] ATTRNAME *1subAttr (RFC 7644 §3.5.2, Figure 1); a value added to an extension attribute is held under its schema URN, and the resource\'s "schemas" lists that URN (RFC 7643 §3).',
    breaks: ['entra'],
    judge: applied((r, a) => {
      const v = at(r, `${ENTERPRISE}:employeeNumber`)
      if (!same(v, a.employeeNumber)) return { ok: false, message: `Extension attribute via URN path not applied: employeeNumber is ${show(v)}`, expected: show(a.employeeNumber), actual: show(v) }
      const schemas = Array.isArray(r.schemas) ? r.schemas.map(String) : []
      if (!schemas.some((s) => s.toLowerCase() === ENTERPRISE.toLowerCase())) return { ok: false, message: 'Extension attribute stored but schemas not extended with the enterprise URN', expected: `schemas with ${ENTERPRISE}`, actual: show(schemas) }
      return undefined
    }),
  }),

  // ---- malformed requests ----
  patch({
    id: 'patch.invalid-path',
    title: 'A malformed path is refused with invalidPath',
    level: 'MUST',
    section: '7644 §3.12',
    requirement: 'invalidPath: The "path" attribute was invalid or malformed (RFC 7644 §3.12 Table 9): 400, with scimType "invalidPath".',
    judge: refusedHere({ status: [400], scimType: 'invalidPath' }, 'Malformed path accepted'),
  }),
  patch({
    id: 'patch.unknown-attr-path',
    title: 'A path naming an undeclared attribute',
    level: 'MAY',
    section: '7644 §3.12',
    requirement: 'Table 9 offers invalidPath and noTarget for a path the server cannot use; RFC 7644 does not say which applies to an attribute the schema does not declare (catalogue §4).',
    judge(x, ctx) {
      const rb = readBack(x, ctx)
      if (isFinding(rb)) return rb
      const s = rb.write.response!.status
      const stored = rb.resource && key(rb.resource, 'scimcheckNoSuchAttr') !== undefined
      if (s === 400) return { ok: true, message: `an undeclared attribute path answered 400${rb.write.response ? ` (${String(json(rb.write)?.scimType ?? 'no scimType')})` : ''}` }
      if (stored) return recorded(`a PATCH of an undeclared attribute answered ${s} and the value was stored`, 'recorded: the value is an undeclared attribute (schemas.covers-resources judges the representation)')
      if (s >= 500) return recorded(`a PATCH of an undeclared attribute answered ${s}`, 'recorded: errors.no-5xx reports the server error')
      return recorded(`a PATCH of an undeclared attribute answered ${s} and was ignored`, 'recorded: 400 invalidPath or noTarget is what clients expect')
    },
  }),
  patch({
    id: 'patch.invalid-op',
    title: 'An unknown op is refused',
    level: 'MUST',
    section: '7644 §3.5.2',
    requirement: 'Each PATCH operation object MUST have exactly one "op" member, whose value indicates the operation to perform and MAY be one of "add", "remove", or "replace".',
    judge: refusedHere({ status: [400] }, 'Unknown op accepted'),
  }),
  patch({
    id: 'patch.empty-operations',
    title: 'An empty Operations list is refused',
    level: 'SHOULD',
    section: '7644 §3.5.2',
    requirement: 'The body of an HTTP PATCH request MUST contain the attribute "Operations", whose value is an array of one or more PATCH operations.',
    judge: refusedHere({ status: [400] }, 'Empty Operations accepted'),
  }),
  patch({
    id: 'patch.not-found',
    title: 'PATCH of an unknown id answers 404',
    level: 'MUST',
    section: '7644 §3.12',
    requirement: '404 NOT FOUND: Specified resource (e.g., User) or endpoint does not exist (RFC 7644 §3.12 Table 8).',
    judge: refusedHere({ status: [404] }, 'PATCH on an unknown id succeeded'),
  }),

  // ---- IdP shapes the RFC leaves open ----
  patch({
    id: 'patch.op-case',
    title: 'Capitalised op names (Add, Replace, Remove)',
    level: 'MAY',
    section: '7644 §3.5.2',
    requirement: 'The RFC gives "add", "remove" and "replace" in lower case and does not say whether op values compare case-insensitively (catalogue §4 #11); Entra\'s default mode sends "Add", "Replace" and "Remove".',
    breaks: ['entra'],
    judge(x, ctx) {
      const rb = readBack(x, ctx)
      if (isFinding(rb)) return rb
      const s = rb.write.response!.status
      if (s >= 400) return recorded(`capitalised ops were rejected (${s})${detailOf(rb.write)}`, 'Capitalised op rejected: Entra default mode sends Add/Replace/Remove')
      if (!rb.resource) return cannot(`reading the resource back answered ${x.response?.status}`)
      const a = ctx.args
      const wrong = [['nickName', a.nickName], ['title', a.title]].filter(([n, v]) => !same(key(rb.resource, String(n)), v)).map(([n]) => n)
      if (a.removed && key(rb.resource, String(a.removed)) !== undefined) wrong.push(String(a.removed))
      if (wrong.length) return recorded(`capitalised ops answered ${s} but ${wrong.join(', ')} did not change`, 'Capitalised ops accepted but not applied: Entra default mode sends Add/Replace/Remove')
      return { ok: true, message: 'capitalised ops are accepted and applied' }
    },
  }),
  patch({
    id: 'patch.string-boolean',
    title: 'A boolean written as the string "False"',
    level: 'MAY',
    section: '7643 §2.3.2',
    requirement: 'A boolean has no case sensitivity or uniqueness and is the literal true or false (RFC 7643 §2.3.2); Entra\'s default mode sends "False" (catalogue §4 #11).',
    breaks: ['entra'],
    judge(x, ctx) {
      const rb = readBack(x, ctx)
      if (isFinding(rb)) return rb
      const s = rb.write.response!.status
      if (s >= 400) return recorded(`"active": "False" was rejected (${s})${detailOf(rb.write)}`, 'String boolean rejected: Entra default mode sends "False"')
      if (!rb.resource) return cannot(`reading the resource back answered ${x.response?.status}`)
      const v = key(rb.resource, 'active')
      if (v === false) return { ok: true, message: '"False" was treated as false' }
      return recorded(`"active": "False" answered ${s} and active reads back ${show(v)}`, 'the string boolean was not stored as the boolean false')
    },
  }),
  patch({
    id: 'patch.pathless-dotted',
    title: 'Dotted attribute names inside a pathless replace value',
    level: 'MAY',
    section: '7644 §3.5.2.3',
    requirement: 'The pathless replace value holds attributes; a dotted path such as "name.givenName" is not an attribute name, yet Entra\'s compliant mode sends it (catalogue §4 #12).',
    breaks: ['entra'],
    judge(x, ctx) {
      const rb = readBack(x, ctx)
      if (isFinding(rb)) return rb
      const s = rb.write.response!.status
      if (s >= 400) return recorded(`a pathless replace with the key "name.givenName" was rejected (${s})${detailOf(rb.write)}`, 'Dotted keys in a pathless value not applied: Entra sends them')
      if (!rb.resource) return cannot(`reading the resource back answered ${x.response?.status}`)
      if (same(at(rb.resource, 'name.givenName'), ctx.args.givenName)) return { ok: true, message: 'the dotted key was applied to name.givenName' }
      return recorded(`a pathless replace with the key "name.givenName" answered ${s} but name.givenName is ${show(at(rb.resource, 'name.givenName'))}`, 'Dotted keys in a pathless value not applied: Entra sends them')
    },
  }),

  // ---- groups ----
  patch({
    id: 'patch.group-add-member',
    title: 'add of members',
    level: 'MUST',
    section: '7644 §3.5.2.1',
    requirement: 'If the target location specifies a multi-valued attribute, a new value is added to the attribute.',
    breaks: ['okta', 'entra', 'onelogin', 'jumpcloud'],
    judge: applied((r, a, _ctx, write, before) => {
      const got = values(r, 'members')
      // The members the read before showed plus those the PATCH adds; `members` in with: only when nothing was read.
      const want = before ? [...new Set([...values(before, 'members'), ...addedMembers(write)])] : (a.members as unknown[]).map(String)
      const lost = want.filter((m) => !got.includes(m))
      return lost.length ? { ok: false, message: `Member add not applied: ${lost.join(', ')} missing`, expected: show(want), actual: show(got) } : undefined
    }),
  }),
  patch({
    id: 'patch.group-add-duplicate',
    title: 'Re-adding a member succeeds and lists it once',
    level: 'SHOULD',
    section: '7644 §3.5.2.1',
    requirement: 'If the target location already contains the value specified, no changes SHOULD be made to the resource, and a success response SHOULD be returned.',
    judge(x, ctx) {
      const rb = readBack(x, ctx)
      if (isFinding(rb)) return rb
      const s = rb.write.response!.status
      const absent = notImplemented(rb.write, describeWrite(rb.write))
      if (absent) return absent
      if (s < 200 || s >= 300) return { ok: false, message: `Re-adding a member failed (${s})${detailOf(rb.write)}`, expected: '2xx', actual: String(s), exchange: rb.write }
      if (!rb.resource) return cannot(`reading the group back answered ${x.response?.status}`)
      const n = values(rb.resource, 'members').filter((v) => v === String(ctx.args.member)).length
      return n === 1 ? { ok: true, message: 'the member is listed once' } : { ok: false, message: `Re-adding a member duplicated it (${n} entries)`, expected: '1', actual: String(n) }
    },
  }),
  patch({
    id: 'patch.group-remove-filter',
    title: 'remove members[value eq "…"] removes that member only',
    level: 'MUST',
    section: '7644 §3.5.2.2',
    requirement: 'If the target location is a multi-valued attribute and a complex filter is specified comparing a "value", the values matched by the filter are removed.',
    breaks: ['okta', 'entra'],
    judge: applied((r, a, _ctx, write, before) => {
      if (!before) return exactMembers(r, a.members, 'Filtered member remove wrong')
      // The members the read before showed, less the one the filter names.
      const gone = filteredMember(write)
      return exactMembers(r, values(before, 'members').filter((m) => m !== gone), 'Filtered member remove wrong')
    }),
  }),
  patch({
    id: 'patch.group-remove-nonmember',
    title: 'remove of a member that is not there',
    level: 'MAY',
    section: '7644 §3.5.2.2',
    requirement: 'The §3.5.2.2 group example says removing a non-member succeeds without change, while Table 9 defines noTarget for a path filter that matches nothing (catalogue §4 #10). Both are recorded.',
    judge(x, ctx) {
      const rb = readBack(x, ctx)
      if (isFinding(rb)) return rb
      const s = rb.write.response!.status
      const t = json(rb.write)?.scimType
      if (s >= 200 && s < 300) return { ok: true, message: `removing a non-member answered ${s}` }
      if (s === 400 && t === 'noTarget') return { ok: true, message: 'removing a non-member answered 400 noTarget' }
      return recorded(`removing a non-member answered ${s}${t ? ` ${t}` : ''}${detailOf(rb.write)}`, 'recorded: neither 2xx nor 400 noTarget')
    },
  }),
  patch({
    id: 'patch.group-remove-with-value',
    title: 'remove path "members" with a value list',
    level: 'MAY',
    section: '7644 §3.5.2.2',
    requirement: 'Read literally, remove on a multi-valued attribute without a filter deletes all values and "value" is no selector; Entra (default mode) and JumpCloud send it to mean "remove these members" (catalogue §4 #9).',
    breaks: ['entra', 'jumpcloud'],
    judge(x, ctx) {
      const rb = readBack(x, ctx)
      if (isFinding(rb)) return rb
      const s = rb.write.response!.status
      if (s >= 400) return recorded(`remove members with a value list answered ${s}${detailOf(rb.write)}`, 'Server\'s reading differs from Entra/JumpCloud ("remove the listed members"): the request was refused')
      if (!rb.resource) return cannot(`reading the group back answered ${x.response?.status}`)
      const got = values(rb.resource, 'members')
      const listed = String(ctx.args.removed)
      const others = (ctx.args.others as unknown[]).map(String).filter((o) => !rb.before || values(rb.before, 'members').includes(o))
      if (!got.includes(listed) && others.every((o) => got.includes(o))) return { ok: true, message: 'only the listed member was removed (the reading Entra and JumpCloud rely on)' }
      if (got.length === 0) return recorded('remove members with a value list removed every member (the literal RFC reading)', 'Server\'s reading differs from Entra/JumpCloud ("remove the listed members"): their removals empty the group')
      return recorded(`remove members with a value list left ${show(got)}`, 'Server\'s reading differs from Entra/JumpCloud ("remove the listed members")')
    },
  }),
  patch({
    id: 'patch.group-replace-members',
    title: 'replace of members',
    level: 'MUST',
    section: '7644 §3.5.2.3',
    requirement: 'If the target location is a multi-valued attribute and no filter is specified, the attribute and all values are replaced.',
    breaks: ['okta'],
    judge: applied((r, a) => exactMembers(r, a.members, 'Member replace wrong')),
  }),
  patch({
    id: 'patch.group-remove-all',
    title: 'remove of members without a filter empties the group',
    level: 'MUST',
    section: '7644 §3.5.2.2',
    requirement: 'If the target location is a multi-valued attribute and no filter is specified, the attribute and all values are removed, and the attribute SHALL be considered unassigned.',
    judge: applied((r) => {
      const got = values(r, 'members')
      return got.length ? { ok: false, message: `Remove all members wrong: ${show(got)} remain`, expected: 'no members', actual: show(got) } : undefined
    }),
  }),
  patch({
    id: 'patch.group-rename',
    title: 'replace of displayName renames the group',
    level: 'MUST',
    section: '7644 §3.5.2.3',
    requirement: 'If the target location is a single-value attribute, the attributes value is replaced.',
    breaks: ['okta', 'entra'],
    judge: applied((r, a) => (same(key(r, 'displayName'), a.displayName) ? undefined : missing('Group rename not applied', a.displayName, key(r, 'displayName')))),
  }),
  patch({
    id: 'patch.group-unknown-member',
    title: 'Adding an unknown member id',
    level: 'MAY',
    section: '7643 §2.3.7',
    requirement: 'A service provider MAY enforce referential integrity for references (RFC 7643 §2.3.7); whether the whole PATCH fails or the valid members are applied is undefined (catalogue §4 #26).',
    breaks: ['okta'],
    judge(x, ctx) {
      const rb = readBack(x, ctx)
      if (isFinding(rb)) return rb
      const s = rb.write.response!.status
      const got = rb.resource ? values(rb.resource, 'members') : undefined
      const known = String(ctx.args.known)
      const unknown = String(ctx.args.unknown)
      if (s >= 400) return recorded(`the PATCH naming an unknown member answered ${s}${got && !got.includes(known) ? ' and added no one' : ''}`, 'recorded: the whole PATCH was refused; Okta does not retry a failed group PATCH')
      if (!got) return cannot(`reading the group back answered ${x.response?.status}`)
      if (got.includes(unknown)) return recorded(`the unknown member id was accepted and listed (${s})`, 'recorded: no referential integrity')
      return recorded(`the valid member was ${got.includes(known) ? '' : 'not '}added and the unknown id dropped (${s})`, 'recorded: partial apply')
    },
  }),
]

/** Member ids a PATCH adds (`add` on path members). */
function addedMembers(write: Exchange): string[] {
  const ops = key(sentBody(write), 'Operations')
  return (Array.isArray(ops) ? ops : []).flatMap((o: Json) => {
    if (String(key(o, 'op')).toLowerCase() !== 'add' || String(key(o, 'path') ?? '').toLowerCase() !== 'members') return []
    const v = key(o, 'value')
    return (Array.isArray(v) ? v : [v]).map((m) => key(m, 'value')).filter((m) => m !== undefined).map(String)
  })
}

/** The member id named by a `members[value eq "…"]` path. */
function filteredMember(write: Exchange): string | undefined {
  const ops = key(sentBody(write), 'Operations')
  for (const o of Array.isArray(ops) ? ops : []) {
    const m = /^members\[\s*value\s+eq\s+"([^"]*)"\s*\]$/i.exec(String(key(o, 'path') ?? ''))
    if (m) return m[1]
  }
  return undefined
}

function exactMembers(r: Json, want: unknown, what: string): Finding | undefined {
  const expected = (Array.isArray(want) ? want : [want]).map(String)
  const got = values(r, 'members')
  const exact = got.length === expected.length && expected.every((m) => got.includes(m))
  return exact ? undefined : { ok: false, message: `${what}: members are ${show(got)}`, expected: show(expected), actual: show(got) }
}
