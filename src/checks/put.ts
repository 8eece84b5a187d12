import { defineCheck, rfc, type CheckDef, type Finding } from './define.js'
import {
  at,
  attributeIn as attributeDef,
  cannot,
  detailOf,
  isFinding,
  json,
  key,
  mustHaveWorked,
  notFullResource,
  readBack,
  refusal,
  requestLine,
  resourcePath,
  same,
  sentBody,
  show,
  skipped as skip,
  stateBefore,
  stepExchange,
  values,
  type Json,
} from './verify.js'
import { pathnameOf, type Exchange } from '../http/exchange.js'
import type { CheckContext } from './define.js'

/**
 * RFC 7644 §3.5.1, replacing a resource with PUT. The scenario (scenarios/rfc/put.yaml) creates its own users,
 * replaces them, and reads each one back; a step that reads back names the PUT it follows with `with: {after}`.
 */

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const S351 = rfc(7644, '§3.5.1')

const put = (id: string, title: string, level: CheckDef['level'], section: string, requirement: string, judge: CheckDef['judge'], breaks?: string[]): CheckDef =>
  defineCheck({ id, title, area: 'put', level, source: rfc(section.startsWith('7643') ? 7643 : 7644, section.replace(/^764[34] /, '')), requirement, judge, ...(breaks ? { breaks } : {}) })

/** The created resource as the step `step` saw it (its 201 body), for values the scenario cannot template safely. */
function created(ctx: CheckContext, step: unknown): Json | undefined {
  const x = typeof step === 'string' ? stepExchange(ctx, step) : undefined
  return x ? json(x) : undefined
}

/** The latest PUT this run sent to the resource `x` reads, before `x`. */
function lastPut(ctx: CheckContext, x: Exchange): Exchange | undefined {
  const path = resourcePath(x)
  const i = ctx.history.lastIndexOf(x)
  for (let j = (i < 0 ? ctx.history.length : i) - 1; j >= 0; j--) {
    const h = ctx.history[j]
    if (h.request.method === 'PUT' && resourcePath(h) === path) return h
  }
  return undefined
}

function noBody(x: Exchange): Finding | undefined {
  if (!x.response) return cannot(`${requestLine(x)} got no response`)
  return undefined
}

export const checks: CheckDef[] = [
  put('put.supported', 'PUT replaces a resource', 'MUST', '7644 §3.5', 'Implementers MUST support HTTP PUT as specified in Section 4.3 of [RFC7231].', (x) => {
    const none = noBody(x)
    if (none) return none
    const s = x.response!.status
    if (s === 200) return { ok: true, message: `${requestLine(x)} answered 200` }
    return { ok: false, message: `PUT answered ${s}${detailOf(x)}`, expected: '200', actual: String(s) }
  }, ['okta', 'onelogin']),

  put('put.returns-resource', 'A successful PUT returns the entire updated resource', 'MUST', '7644 §3.5.1', 'Unless otherwise specified, a successful PUT operation returns a 200 OK response code and the entire resource within the response body.', (x, ctx) => {
    const none = noBody(x)
    if (none) return none
    if (x.response!.status !== 200) return skip(`the PUT answered ${x.response!.status}; put.supported reports it`)
    const body = json(x)
    const why = notFullResource(body, 'Users')
    if (why) return { ok: false, message: `PUT response body missing or partial: ${why}`, expected: 'the entire updated User', actual: show(body ?? x.response!.body.slice(0, 120)) }
    const want = ctx.args.givenName
    if (want !== undefined && !same(at(body, 'name.givenName'), want)) {
      return { ok: false, message: `PUT response does not show the new name.givenName: got ${show(at(body, 'name.givenName'))}`, expected: show(want), actual: show(at(body, 'name.givenName')) }
    }
    return { ok: true, message: 'the PUT response is the entire updated resource' }
  }, ['okta']),

  put('put.applies', 'PUT values are applied', 'MUST', '7644 §3.5.1', 'readWrite, writeOnly: Any values provided SHALL replace the existing attribute values.', (x, ctx) => {
    const rb = readBack(x, ctx)
    if (isFinding(rb)) return rb
    const bad = mustHaveWorked(rb, x, 'PUT')
    if (bad) return bad
    const got = at(rb.resource, 'name.givenName')
    return same(got, ctx.args.givenName)
      ? { ok: true, message: 'the replaced name.givenName reads back' }
      : { ok: false, message: `PUT value not applied: name.givenName reads back ${show(got)}`, expected: show(ctx.args.givenName), actual: show(got) }
  }, ['okta', 'onelogin']),

  put('put.id-unchanged', 'PUT keeps id and meta.created', 'MUST', '7643 §3.1', 'id ... MUST be a stable, non-reassignable identifier that does not change when the same resource is returned in subsequent requests (RFC 7643 §3.1); meta.created is "The "DateTime" that the resource was added to the service provider."', (x, ctx) => {
    const none = noBody(x)
    if (none) return none
    // meta.created as the read just before the PUT showed it; the creating step's body when the run saw no read.
    const write = x.request.method === 'PUT' ? x : lastPut(ctx, x)
    const before = (write ? stateBefore(ctx, write)?.resource : undefined) ?? created(ctx, ctx.args.created)
    const path = decodeURIComponent(pathnameOf(x).split('/').pop() ?? '')
    if (x.request.method === 'GET') {
      // The read after a PUT: the resource must still live at its id.
      if (x.response!.status === 404) return { ok: false, message: `PUT changed id: ${requestLine(x)} answers 404 after the PUT`, expected: `the resource at ${path}`, actual: '404' }
      if (x.response!.status !== 200) return cannot(`reading the resource back answered ${x.response!.status}`)
    } else if (x.response!.status !== 200) return skip(`the PUT answered ${x.response!.status}`)
    const body = json(x)
    if (!body) return cannot('the response has no JSON body')
    if (body.id !== path) return { ok: false, message: `PUT changed id from ${path} to ${show(body.id)}`, expected: path, actual: show(body.id) }
    const was = before?.meta?.created
    const now = body.meta?.created
    if (typeof was === 'string' && typeof now === 'string' && Date.parse(was) !== Date.parse(now)) {
      return { ok: false, message: `PUT changed meta.created from ${was} to ${now}`, expected: was, actual: now }
    }
    return { ok: true, message: typeof was === 'string' && typeof now === 'string' ? 'id and meta.created unchanged' : 'id unchanged (meta.created not available to compare)' }
  }),

  put('put.readonly-ignored', 'readOnly attributes in a PUT body are ignored', 'MUST', '7644 §3.5.1', 'readOnly: Any values provided SHALL be ignored.', (x, ctx) => {
    const rb = readBack(x, ctx)
    if (isFinding(rb)) return rb
    const s = rb.write.response!.status
    if (s >= 400) return { ok: false, message: `readOnly attribute in PUT rejected (${s})${detailOf(rb.write)}`, expected: '200, the readOnly values ignored', actual: String(s), exchange: rb.write }
    const bad = mustHaveWorked(rb, x, 'PUT')
    if (bad) return bad
    if (ctx.args.group !== undefined) {
      // Okta's PUT carries "groups": []; a server that applied it would drop the user from its groups.
      const group = String(ctx.args.group)
      const groups = key(rb.resource, 'groups')
      if (groups === undefined) return skip('the server does not return User.groups, so a dropped membership cannot be seen')
      if (rb.before && !values(rb.before, 'groups').includes(group)) return skip(`the read before the PUT does not list group ${group} in User.groups, so there was no membership to keep`)
      return values(rb.resource, 'groups').includes(group) ? { ok: true, message: '"groups": [] in the PUT was ignored: the membership stays' } : { ok: false, message: `readOnly attribute in PUT applied: "groups": [] removed the user from group ${group}`, expected: `groups containing ${group}`, actual: show(groups) }
    }
    const meta = key(rb.resource, 'meta') as Json | undefined
    const bogus: Json = (key(sentBody(rb.write), 'meta') as Json | undefined) ?? {}
    const applied: string[] = []
    if (meta && bogus.created !== undefined && same(meta.created, bogus.created)) applied.push(`meta.created="${bogus.created}"`)
    if (meta && bogus.resourceType !== undefined && same(meta.resourceType, bogus.resourceType)) applied.push(`meta.resourceType="${bogus.resourceType}"`)
    if (applied.length) return { ok: false, message: `readOnly attribute in PUT applied: ${applied.join(', ')}`, expected: 'server-maintained meta', actual: show(meta) }
    return { ok: true, message: 'the PUT succeeded and the readOnly values were ignored' }
  }, ['okta']),

  put('put.id-mismatch', 'PUT body id that differs from the URL', 'MAY', '7644 §3.5.1', 'RFC 7644 does not say what a PUT whose body id differs from the path means; ignoring the body id and answering 400 are both accepted (catalogue §4 #15).', (x, ctx) => {
    const rb = readBack(x, ctx)
    if (isFinding(rb)) return rb
    const s = rb.write.response!.status
    const path = decodeURIComponent(pathnameOf(x).split('/').pop() ?? '')
    if (x.response?.status === 404 || (rb.resource && rb.resource.id !== path)) {
      // An id change breaks a MUST; put.id-unchanged reports it on this same step.
      return { ok: 'info', message: `the PUT with a different body id moved the resource away from ${path}`, reason: 'see put.id-unchanged' }
    }
    if (s >= 200 && s < 300) return { ok: true, message: `answered ${s} and ignored the body id` }
    if (s === 400) return { ok: true, message: 'answered 400 for a body id that differs from the path' }
    return { ok: 'info', message: `a PUT whose body id differs from the path answered ${s}${detailOf(rb.write)}`, reason: 'recorded: the RFC does not specify this case' }
  }),

  put('put.not-create', 'PUT never creates a resource', 'MUST', '7644 §3.5.1', 'Because SCIM resource identifiers are assigned by the service provider, HTTP PUT MUST NOT be used to create new resources.', (x, ctx) => {
    const rb = readBack(x, ctx)
    if (isFinding(rb)) return rb
    const s = rb.write.response!.status
    if (s >= 200 && s < 300) return { ok: false, message: `PUT to an unknown id created a resource (${s})`, expected: '404', actual: String(s), exchange: rb.write }
    if (s !== 404) return { ok: false, message: `PUT to an unknown id answered ${s}${detailOf(rb.write)}`, expected: '404', actual: String(s), exchange: rb.write }
    // The lookup by the PUT body's userName must find nothing.
    const found = x.response?.status === 200 ? (json(x)?.Resources as unknown[] | undefined) : undefined
    if (Array.isArray(found) && found.length > 0) return { ok: false, message: `PUT to an unknown id answered 404 but a user with its userName now exists`, expected: 'no such user', actual: `${found.length} found` }
    return { ok: true, message: `PUT to an unknown id answered 404${Array.isArray(found) ? ' and created nothing' : ''}` }
  }),

  put('put.required-missing', 'PUT without a required attribute is refused', 'SHOULD', '7644 §3.5.1', 'If an attribute is "required", clients MUST specify the attribute in the PUT request; a request missing a required value is answered 400 with scimType "invalidValue" (RFC 7644 §3.12 Table 9).', (x) => {
    const none = noBody(x)
    if (none) return none
    return refusal(x, { status: [400], scimType: 'invalidValue' }, 'PUT without userName', 'PUT without a required attribute accepted')
  }),

  put('put.immutable', 'PUT does not change an immutable attribute', 'SHOULD', '7644 §3.5.1', 'immutable: If one or more values are already set for the attribute, the input value(s) MUST match, or HTTP status code 400 SHOULD be returned with a "scimType" error code of "mutability".', (x, ctx) => {
    const attr = String(ctx.args.attr ?? '')
    const schema = String(ctx.args.schema ?? USER)
    if (!attr) return skip(immutableReason(ctx, schema))
    const def = attributeDef(ctx, schema, attr)
    if (def === undefined) return skip(`the server's /Schemas is not available, so no attribute is known to be immutable`)
    if (def?.mutability !== 'immutable') return skip(`the server declares no writable immutable attribute scim-check probes (${attr} is ${def ? def.mutability : 'not declared'})`)
    const none = noBody(x)
    if (none) return none
    if (ctx.args.same) {
      const s = x.response!.status
      return s === 200 ? { ok: true, message: `PUT repeating the value of immutable ${attr} answered 200` } : { ok: false, message: `PUT repeating the existing value of immutable ${attr} answered ${s}${detailOf(x)}`, expected: '200', actual: String(s) }
    }
    return refusal(x, { status: [400], scimType: 'mutability' }, `PUT changing immutable ${attr}`, 'Immutable attribute changed by PUT')
  }),

  put('put.uniqueness', 'PUT cannot take another resource\'s userName', 'MUST', '7644 §3.12', 'uniqueness: One or more of the attribute values are already in use or are reserved (RFC 7644 §3.12 Table 9, applicable to POST, PUT and PATCH).', (x, ctx) => {
    const rb = readBack(x, ctx)
    if (isFinding(rb)) return rb
    const s = rb.write.response!.status
    const taken = ctx.args.userName
    const out: Finding[] = []
    if (s >= 200 && s < 300) out.push({ ok: false, message: `PUT created a duplicate userName (${s})`, expected: '409 uniqueness', actual: String(s), exchange: rb.write })
    else if (s === 409) out.push(...refusal(rb.write, { status: [409], scimType: 'uniqueness' }, 'PUT with a taken userName', 'PUT created a duplicate userName'))
    else if (s === 400) {
      // RFC 7643 §7 allows 400; 409 is what §3.3 gives for conflicts (catalogue §4 #3).
      out.push({ ok: false, level: 'SHOULD', message: 'PUT with a taken userName answered 400; 409 with scimType "uniqueness" is expected', expected: '409', actual: '400', exchange: rb.write })
    } else out.push({ ok: false, message: `PUT with a taken userName answered ${s}${detailOf(rb.write)}`, expected: '409', actual: String(s), exchange: rb.write })
    if (!rb.resource) out.push(cannot(`reading the resource back answered ${x.response?.status ?? 'nothing'}`))
    else if (same(rb.resource.userName, taken)) out.push({ ok: false, message: `the resource now carries the taken userName ${show(taken)}`, expected: 'its own userName', actual: show(rb.resource.userName) })
    else out.push({ ok: true, message: 'the resource kept its own userName' })
    return out
  }),

  put('put.omitted-attr', 'What PUT does with an omitted attribute', 'MAY', '7644 §3.5.1', 'Attributes whose mutability is "readWrite" that are omitted from the request body MAY be assumed to be not asserted by the client. The service provider MAY assume that any existing values are to be cleared, or the service provider MAY assign a default value to the final resource representation.', (x, ctx) => {
    const rb = readBack(x, ctx)
    if (isFinding(rb)) return rb
    const bad = mustHaveWorked(rb, x, 'PUT')
    if (bad) return bad
    const attr = String(ctx.args.attr ?? 'title')
    const now = at(rb.resource, attr)
    if (now === undefined || now === null) return { ok: 'info', message: `PUT without ${attr} cleared it`, reason: `recorded: this server clears what a PUT omits, so clients that PUT whole objects (Okta, OneLogin) must resend every value they want kept` }
    return { ok: 'info', message: `PUT without ${attr} kept ${show(now)}`, reason: 'recorded: omitted attributes are kept or defaulted' }
  }, ['okta', 'onelogin']),

  put('put.deactivate', 'PUT sets active false and true', 'MUST', '7643 §4.1.1', 'active: A Boolean value indicating the user\'s administrative status; a PUT carrying it replaces it (RFC 7644 §3.5.1).', (x, ctx) => {
    const rb = readBack(x, ctx)
    if (isFinding(rb)) return rb
    const bad = mustHaveWorked(rb, x, 'PUT')
    if (bad) return bad
    const want = ctx.args.active === true || ctx.args.active === 'true'
    const got = key(rb.resource, 'active')
    if (got === want) return { ok: true, message: `active reads back ${want}` }
    return { ok: false, message: `active not updated by PUT: sent ${want}, reads back ${show(got)}`, expected: String(want), actual: show(got) }
  }, ['okta']),

  put('put.group-members', 'PUT replaces a group\'s members', 'MUST', '7644 §3.5.1', 'readWrite: Any values provided SHALL replace the existing attribute values: a PUT with members [U2] leaves exactly U2.', (x, ctx) => {
    const rb = readBack(x, ctx)
    if (isFinding(rb)) return rb
    const bad = mustHaveWorked(rb, x, 'PUT /Groups')
    if (bad) return bad
    const want = (Array.isArray(ctx.args.members) ? ctx.args.members : [ctx.args.members]).map(String)
    const got = values(rb.resource, 'members')
    const exact = got.length === want.length && want.every((id) => got.includes(id))
    return exact
      ? { ok: true, message: 'members are exactly the ones the PUT sent' }
      : { ok: false, message: `PUT members not applied: members are ${show(got)}`, expected: show(want), actual: show(got) }
  }, ['okta']),
]

/** Why put.immutable cannot judge without a named attribute: the PUT it needs depends on the server's own schema. */
function immutableReason(ctx: CheckContext, schema: string): string {
  const s = ctx.discovery.schemas?.find((d) => String(d?.id).toLowerCase() === schema.toLowerCase())
  if (!s) return 'the server\'s /Schemas is not available, so no attribute is known to be immutable'
  const names = (Array.isArray(s.attributes) ? s.attributes : []).filter((a: Json) => a?.mutability === 'immutable').map((a: Json) => String(a.name))
  if (!names.length) return `the server declares no top-level immutable attribute on ${String(s.name ?? schema)}`
  return `the server declares ${names.join(', ')} immutable; the built-in scenario has no value to write for ${names.length > 1 ? 'them' : 'it'} (pass one with a custom scenario: put.immutable with {attr})`
}
