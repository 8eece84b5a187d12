import type { CheckContext, CheckDef, Finding } from './define.js'
import { pathOf, pathnameOf, projected, requestUrl, type Exchange } from '../http/exchange.js'
import type { Level } from '../result/types.js'
import { RFC_RESOURCE_TYPES, advertisedTypes, type AttributeDef, type ResourceTypeModel } from '../rfc/model.js'
import { URN } from '../rfc/urns.js'
import { getCI, isObject } from '../json.js'

/**
 * The one module of verdict helpers every check ends in (formerly judging.ts, ambient.ts and readback.ts, merged
 * without changing behaviour). Where the three disagreed the names now say which meaning is meant:
 * - `skip(message, reason)` (probe checks) and `skipped(reason)` ("skipped: …", write probes);
 * - `declaresCore(ctx, 'User' | 'Group', name)` / `coreAttribute` read a core resource type (RFC model as fallback),
 *   `declaresIn(ctx, schemaUrn, attr)` / `attributeIn` read any schema the server serves (undefined without /Schemas);
 * - `excerpt(x)` is "status body", `bodyExcerpt(x)` the body alone.
 */

export { isObject, getCI, pathOf }

export type Json = Record<string, any>

/** The response body when it is a JSON object. */
export function json(x: Exchange | undefined): Json | undefined {
  return x && isObject(x.response?.json) ? (x.response!.json as Json) : undefined
}

export function status(x: Exchange | undefined): number | undefined {
  return x?.response?.status
}

// ==== transport, media, errors, discovery and representation helpers (was ambient.ts) ====

export { pathnameOf }

/**
 * `GET /Users/{id}`: the request's route relative to the base URL with resource ids elided, so an ambient finding
 * repeated on many resources reads as one line (the runner reports one message once per scenario).
 */
export function routeLabel(x: Exchange, ctx: CheckContext): string {
  let path = pathnameOf(x)
  try {
    const basePath = new URL(ctx.baseUrl).pathname.replace(/\/+$/, '')
    if (path.startsWith(basePath)) path = path.slice(basePath.length) || '/'
  } catch {
    // keep the full path
  }
  const segs = path.split('/')
  const out = segs.map((seg, i) => (i >= 2 && /^(users|groups)$/i.test(segs[i - 1]) && !seg.startsWith('.') ? '{id}' : seg))
  return `${x.request.method} ${out.join('/')}`
}

/** `GET /Users?count=1`: how messages name a request. */
export function requestLine(x: Exchange): string {
  return `${x.request.method} ${pathOf(x)}`
}

export function contentType(x: Exchange): string {
  return x.response?.headers['content-type'] ?? ''
}

/** The media type without parameters, lower-cased: `application/scim+json`. */
export function mediaType(x: Exchange): string {
  return contentType(x).split(';')[0].trim().toLowerCase()
}

export const hasBody = (x: Exchange) => !!x.response && x.response.status !== 204 && x.response.status !== 304 && x.response.body.length > 0
export const isError = (x: Exchange) => !!x.response && x.response.status >= 400


/** The body when it is a SCIM Error message. */
export function scimError(x: Exchange): Record<string, unknown> | undefined {
  const b = json(x)
  return b && Array.isArray(b.schemas) && b.schemas.includes(URN.error) ? b : undefined
}

export interface ListResponseBody {
  schemas: unknown[]
  Resources?: unknown
  totalResults?: unknown
  [key: string]: unknown
}

export function isListResponse(v: unknown): v is ListResponseBody {
  return isObject(v) && Array.isArray(v.schemas) && v.schemas.includes(URN.listResponse)
}

export function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`
}

export function bodyExcerpt(x: Exchange, max = 200): string {
  const b = x.response?.body ?? ''
  return b.length > max ? `${b.slice(0, max)}…` : b || '(empty body)'
}

/** ` (detail: "…")` when the server explained itself, so a failure shows the server's own words. */
export function detailOf(x: Exchange): string {
  const d = json(x)?.detail
  return typeof d === 'string' && d ? ` (detail: "${d.slice(0, 160)}")` : ''
}

export function header(x: Exchange, name: string): string | undefined {
  return x.response?.headers[name.toLowerCase()]
}

/**
 * RFC 7644 §3.12 makes the keyword OPTIONAL: a response with the right status and another (or no) scimType still
 * signals the error the RFC names, so a mismatch is graded SHOULD (warn) wherever a check judges one. Every check
 * that compares a scimType ends here, so the grading lives in one place.
 */
export const SCIMTYPE_OPTIONAL = 'RFC 7644 §3.12: "scimType: A SCIM detail error keyword. See Table 9. OPTIONAL."'

export function scimTypeFinding(x: Exchange, want: string | readonly string[], what: string): Finding {
  const types = typeof want === 'string' ? [want] : [...want]
  const body = x.response?.json
  // Read even from a body without the Error schema: that is errors.schema's finding, not this one.
  const raw = isObject(body) ? body.scimType : undefined
  const got = typeof raw === 'string' ? raw : undefined
  if (got !== undefined && types.some((t) => t.toLowerCase() === got.toLowerCase())) return { ok: true, message: `scimType "${got}"`, level: 'SHOULD' }
  const shown = raw === undefined ? '(none)' : JSON.stringify(raw)
  return {
    ok: false,
    level: 'SHOULD',
    message: `${what} answered ${x.response?.status} with scimType ${shown}, expected "${types.join('" or "')}"; the status is right and ${SCIMTYPE_OPTIONAL}`,
    expected: types.join(' or '),
    actual: raw === undefined ? '(none)' : String(raw),
    exchange: x,
  }
}

/** A finding for a step whose request never got a response: the check could not judge. */
export function noResponse(x: Exchange): Finding | undefined {
  if (x.response) return undefined
  const why = x.error?.message ?? 'no response'
  return { ok: 'error', message: `${x.request.method} ${pathOf(x)} got no response: ${why}`, reason: why }
}

/** The request's header as sent (names are stored lower-case by the client). */
export function sentHeader(x: Exchange, name: string): string | undefined {
  const n = name.toLowerCase()
  for (const [k, v] of Object.entries(x.request.headers)) if (k.toLowerCase() === n) return v
  return undefined
}

export function sentJson(x: Exchange): unknown {
  if (x.request.body === undefined) return undefined
  try {
    return JSON.parse(x.request.body)
  } catch {
    return undefined
  }
}

/**
 * Routes RFC 7644 defines under the base URL: resource endpoints (from /ResourceTypes when known), discovery,
 * /Bulk, /Me and /.search. Anything else is an unknown endpoint, where a framework 404 is tolerated (WARN).
 */
export function isScimRoute(x: Exchange, ctx: CheckContext): boolean {
  let rel: string
  try {
    const base = new URL(ctx.baseUrl)
    const url = requestUrl(x)
    if (!url) return false
    if (url.origin !== base.origin) return false
    const basePath = base.pathname.replace(/\/+$/, '')
    if (!url.pathname.startsWith(basePath)) return false
    rel = url.pathname.slice(basePath.length)
  } catch {
    return false
  }
  const first = (rel.split('/').filter(Boolean)[0] ?? '').toLowerCase()
  if (!first) return false
  const known = ['serviceproviderconfig', 'serviceproviderconfigs', 'resourcetypes', 'schemas', 'bulk', 'me', '.search', 'users', 'groups']
  const endpoints = (ctx.discovery.resourceTypes ?? []).map((t) => String(t?.endpoint ?? '').split('/').filter(Boolean)[0]?.toLowerCase()).filter(Boolean)
  return known.includes(first) || endpoints.includes(first)
}

/** Findings about data this run did not create are labelled, so they can be triaged apart (catalogue §1.2). */
// Shared and frozen: findings spread them, and an import walk asks once per resource.
const PRE_EXISTING: Pick<Finding, 'preExisting'> = Object.freeze({ preExisting: true })
const OWN: Pick<Finding, 'preExisting'> = Object.freeze({})

export function ownership(resource: Record<string, unknown>, ctx: CheckContext): Pick<Finding, 'preExisting'> {
  const id = resource.id
  return typeof id === 'string' && !ctx.ownIds.has(id) ? PRE_EXISTING : OWN
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\./.test(h)
}

// ==== probe helpers: lists, fixtures, schema knowledge (was judging.ts) ====

export function bodyOf(x: Exchange): Json | undefined {
  const j = x.response?.json
  return isObject(j) ? j : undefined
}


export function scimTypeOf(x: Exchange): string | undefined {
  const t = bodyOf(x)?.scimType
  return typeof t === 'string' ? t : undefined
}

export const is2xx = (x: Exchange) => !!x.response && x.response.status >= 200 && x.response.status < 300

/** A short description of the request for messages: `GET /Users?filter=…`. */
export function req(x: Exchange): string {
  return `${x.request.method} ${decodeSafe(pathOf(x))}`
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%2B'))
  } catch {
    return s
  }
}

/** The request body the client sent, parsed. */
export function sentBody(x: Exchange): Json | undefined {
  if (!x.request.body) return undefined
  try {
    const v = JSON.parse(x.request.body)
    return isObject(v) ? v : undefined
  } catch {
    return undefined
  }
}

/** One line of what came back, for `actual`. */
export function excerpt(x: Exchange, max = 200): string {
  if (!x.response) return x.error?.message ?? '(no response)'
  const b = x.response.body
  const body = b.length > max ? `${b.slice(0, max)}…` : b || '(empty body)'
  return `${x.response.status} ${body}`
}

/**
 * The answers no check may turn into a verdict on the rule itself: no response at all, or the request refused
 * for want of credentials. They are `error` (could not judge), never a pass.
 */
export function unjudgeable(x: Exchange): Finding | undefined {
  if (!x.response) {
    const why = x.error?.message ?? 'no response'
    return { ok: 'error', message: `${req(x)} got no response (${why}); nothing to judge`, reason: why }
  }
  const s = x.response.status
  if (s === 401 || s === 403) {
    return { ok: 'error', message: `${req(x)} answered ${s}: the request was not authorised, so the rule could not be judged`, reason: `HTTP ${s}` }
  }
  return undefined
}

export function skip(message: string, reason = message): Finding {
  return { ok: 'skip', message, reason }
}

export function info(message: string, reason: string): Finding {
  return { ok: 'info', message, reason: `${message}; ${reason}` }
}

// ---- list responses ----

export interface ListView {
  body: Json
  /** `totalResults` when it is a JSON number (its type is judged by list.totalResults). */
  total?: number
  resources: Json[]
  ids: string[]
  /** Fewer resources came back than totalResults announced: absences prove nothing. */
  partial: boolean
}


export function listView(x: Exchange): ListView | undefined {
  const body = bodyOf(x)
  if (!body || (!isListResponse(body) && !('Resources' in body) && !('totalResults' in body))) return undefined
  const resources = Array.isArray(body.Resources) ? body.Resources.filter(isObject) : []
  const total = typeof body.totalResults === 'number' ? body.totalResults : typeof body.totalResults === 'string' && /^\d+$/.test(body.totalResults) ? Number(body.totalResults) : undefined
  const ids = resources.map((r) => (typeof r.id === 'string' ? r.id : String(r.id)))
  return { body, total, resources, ids, partial: total !== undefined && resources.length < total }
}

// ---- fixtures named in a step's `with:` ----

/** `{U1: "<id>", U2: "<id>"}` or a list of ids, as given in `with:`; labels make messages readable. */
export function fixtures(arg: unknown): Record<string, string> {
  if (Array.isArray(arg)) return Object.fromEntries(arg.filter((v) => v !== undefined && v !== null).map((v) => [String(v), String(v)]))
  if (isObject(arg)) return Object.fromEntries(Object.entries(arg).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]))
  return {}
}

export function labelsOf(map: Record<string, string>, ids: readonly string[]): string {
  const byId = new Map(Object.entries(map).map(([k, v]) => [v, k]))
  return ids.map((id) => byId.get(id) ?? id).join(', ')
}

// ---- earlier exchanges of the same scenario ----

/** The latest exchange sent by a named step of this scenario under this profile (all pages for `stepExchanges`). */
export function stepExchange(ctx: CheckContext, step: unknown): Exchange | undefined {
  const all = stepExchanges(ctx, step)
  return all[all.length - 1]
}

export function stepExchanges(ctx: CheckContext, step: unknown): Exchange[] {
  if (typeof step !== 'string') return []
  return ctx.history.filter((h) => h.scenario === ctx.scenario && h.idp === ctx.idp && h.setting === ctx.setting && h.step === step)
}

/** The POST that created the resource with this id, when this run sent it. */
export function creatingPost(ctx: CheckContext, id: string): Exchange | undefined {
  return ctx.history.find((h) => h.request.method === 'POST' && is2xx(h) && bodyOf(h)?.id === id)
}

// ---- schema knowledge ----

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'

/** The server's advertised resource type (from its own /Schemas) or, without discovery, the RFC's. */
export function resourceType(ctx: CheckContext, kind: 'User' | 'Group'): { type: ResourceTypeModel; advertised: boolean } {
  const uri = kind === 'User' ? USER : GROUP
  const served = advertisedTypes(ctx.discovery)?.find((t) => t.schema.id.toLowerCase() === uri.toLowerCase())
  if (served) return { type: served, advertised: true }
  return { type: RFC_RESOURCE_TYPES.find((t) => t.schema.id === uri)!, advertised: false }
}

export function coreAttribute(ctx: CheckContext, kind: 'User' | 'Group', name: string): AttributeDef | undefined {
  const lower = name.toLowerCase()
  return resourceType(ctx, kind).type.schema.attributes.find((a) => a.name.toLowerCase() === lower)
}

/**
 * Whether the server declares a core attribute (the catalogue's `attr:<name>` gate): true/false from its
 * /Schemas, undefined when it serves none (then the probe is tried and the response decides).
 */
export function declaresCore(ctx: CheckContext, kind: 'User' | 'Group', name: string): boolean | undefined {
  const { type, advertised } = resourceType(ctx, kind)
  if (!advertised) return undefined
  const lower = name.toLowerCase()
  return type.schema.attributes.some((a) => a.name.toLowerCase() === lower)
}

/** Reads a key case-insensitively (RFC 7643 §2.1: attribute names are case-insensitive). */
export function hasCI(obj: Json | undefined, key: string): boolean {
  return getCI(obj, key) !== undefined
}

// ---- feature gates the SPC decides ----

export type Gate = 'sort' | 'filter'

/** false when the SPC says the feature is unsupported; undefined when there is no usable SPC (then the probe decides). */
export function advertised(ctx: CheckContext, feature: Gate): boolean | undefined {
  const v = ctx.discovery.spc?.[feature]?.supported
  return typeof v === 'boolean' ? v : undefined
}

/** Answers that mean an endpoint or feature is not offered at all (catalogue §1.3 probe gates). */
export const ABSENT_STATUSES = new Set([404, 405, 501])

// ==== write probes judged by the read after them (was readback.ts) ====




export const ok2xx = (x: Exchange | undefined) => {
  const s = status(x)
  return s !== undefined && s >= 200 && s < 300
}


/** Attribute names are case-insensitive (RFC 7643 §2.1). */
export function key(obj: unknown, name: string): unknown {
  if (!isObject(obj)) return undefined
  if (name in obj) return obj[name]
  const lower = name.toLowerCase()
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k]
  return undefined
}

/** The value at a SCIM attribute path without filters: `title`, `name.givenName`, `urn:…:User:manager.value`. */
export function at(resource: unknown, path: string): unknown {
  const urn = /^(urn:.+):([^:.]+(?:\.[^:.]+)?)$/i.exec(path)
  let node: unknown = resource
  let rest = path
  if (urn) {
    node = key(resource, urn[1])
    rest = urn[2]
  }
  for (const part of rest.split('.')) node = key(node, part)
  return node
}

/** Strings compare case-insensitively (a server may fold the case of caseExact=false values); the rest structurally. */
export function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase()
  return JSON.stringify(a) === JSON.stringify(b)
}

export function show(v: unknown): string {
  if (v === undefined) return '(absent)'
  const s = JSON.stringify(v)
  return s.length > 160 ? `${s.slice(0, 160)}…` : s
}

/** Elements of a multi-valued attribute (absent = none). */
export function list(resource: unknown, attr: string): Json[] {
  const v = at(resource, attr)
  return Array.isArray(v) ? v.filter(isObject) : []
}

export function values(resource: unknown, attr: string): string[] {
  return list(resource, attr).map((e) => String(key(e, 'value')))
}

export const skipped = (reason: string): Finding => ({ ok: 'skip', message: `skipped: ${reason}`, reason })
export const cannot = (reason: string): Finding => ({ ok: 'error', message: `could not judge: ${reason}`, reason })

/** The outcome of a write as the read after it shows it. */
export interface ReadBack {
  write: Exchange
  /** The resource as read back; undefined when the read answered something else than 200. */
  resource?: Json
  /** The resource as it stood just before the write (stateBefore), when the run saw it. */
  before?: Json
}

// ---- the state a write started from ----

export { projected }

/** `/…/Users/{id}` with the endpoint's case folded, for requests on one resource; else undefined. */
export function resourcePath(x: Exchange): string | undefined {
  // Asked for every earlier exchange by the ambient write checks: parse each URL once.
  if (paths.has(x)) return paths.get(x)
  const m = /^(.*\/)(Users|Groups)\/([^/?#]+)\/?$/i.exec(pathnameOf(x))
  const p = m && !m[3].startsWith('.') ? `${m[1]}${m[2].toLowerCase() === 'users' ? 'Users' : 'Groups'}/${m[3]}` : undefined
  paths.set(x, p)
  return p
}
const paths = new WeakMap<Exchange, string | undefined>()

/** The entire resource an exchange shows (a 200/201 body that is the full representation), else undefined. */
export function fullState(x: Exchange): Json | undefined {
  const s = status(x)
  if ((s !== 200 && s !== 201) || projected(x)) return undefined
  const endpoint = endpointOf(x) ?? (/\/Groups\/?$/i.test(pathnameOf(x)) ? 'Groups' : /\/Users\/?$/i.test(pathnameOf(x)) ? 'Users' : undefined)
  const body = json(x)
  return endpoint && !notFullResource(body, endpoint) ? body : undefined
}

/**
 * The resource as it stood just before `write`: the latest full representation of it the run saw (a GET, a write's
 * own full response, or the creating POST), provided nothing changed it unseen since (a write answered 204 or with a
 * partial body). Write probes judge against this, never against what earlier steps were assumed to leave: an earlier
 * step may have lost data, and that is its own finding (patch.untouched-preserved), not every later probe's.
 */
export function stateBefore(ctx: CheckContext, write: Exchange): { resource: Json; x: Exchange } | undefined {
  const path = resourcePath(write)
  if (!path) return undefined
  const id = decodeId(path.split('/').pop()!)
  let i = ctx.history.lastIndexOf(write)
  if (i < 0) i = ctx.history.length
  for (let j = i - 1; j >= 0; j--) {
    const h = ctx.history[j]
    const m = h.request.method.toUpperCase()
    if (m === 'POST' && ok2xx(h) && json(h)?.id === id) {
      const full = fullState(h)
      return full ? { resource: full, x: h } : undefined
    }
    if (resourcePath(h) !== path) continue
    if (m === 'GET') {
      const full = fullState(h)
      if (full) return { resource: full, x: h }
      continue
    }
    if (m === 'HEAD' || m === 'OPTIONS') continue
    // A write on this resource: a refused one changed nothing (a PATCH is atomic); an accepted one is the new state
    // only when its response shows all of it.
    if (h.response && !ok2xx(h)) continue
    const full = h.response ? fullState(h) : undefined
    return full ? { resource: full, x: h } : undefined
  }
  return undefined
}

function decodeId(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/**
 * The write named by `ctx.args.after` and the resource read back by this step's exchange `x`. A Finding instead when
 * there is nothing to judge: the write was never sent or never answered.
 */
export function readBack(x: Exchange, ctx: CheckContext, after = ctx.args.after): ReadBack | Finding {
  const name = String(after ?? '')
  const write = name ? stepExchange(ctx, name) : x
  if (!write) return skipped(`step "${name}" sent no request`)
  if (!write.response) return cannot(`${requestLine(write)} got no response (${write.error?.message ?? 'unknown error'})`)
  const resource = x.response?.status === 200 ? json(x) : undefined
  return { write, resource, before: stateBefore(ctx, write)?.resource }
}

export const isFinding = (v: unknown): v is Finding => isObject(v) && 'ok' in v && 'message' in v

/**
 * A write that must have succeeded: undefined when it did (and the read back worked), otherwise the finding that
 * says why the effect cannot be seen. `what` names the write in messages ("PATCH replace name.familyName").
 */
export function mustHaveWorked(rb: ReadBack, x: Exchange, what: string): Finding | undefined {
  const s = rb.write.response!.status
  const absent = notImplemented(rb.write, what)
  if (absent) return absent
  if (s < 200 || s >= 300) return { ok: false, message: `${what} answered ${s}${detailOf(rb.write)}`, expected: '2xx', actual: String(s), exchange: rb.write }
  if (!rb.resource) return cannot(`reading the resource back after ${what} answered ${x.response?.status ?? x.error?.message ?? 'nothing'}`)
  return undefined
}

/**
 * A method the server does not implement at all (405, 501) says nothing about the rule a check probes: one check
 * (put.supported, patch.supported, spc.capability-consistency) reports it, the others skip instead of repeating it.
 */
export function notImplemented(write: Exchange, what: string): Finding | undefined {
  const s = write.response?.status
  if (s !== 405 && s !== 501) return undefined
  const reason = `${what} answered ${s}: the server does not implement ${write.request.method} here (${write.request.method.toLowerCase()}.supported reports it)`
  return { ok: 'skip', message: `skipped: ${reason}`, reason, exchange: write }
}

export interface Refusal {
  /** Acceptable statuses; the first is named in messages. */
  status: number[]
  /** The keyword the RFC names; a different one with the right status is a warning (scimTypeFinding). */
  scimType?: string | string[]
}

/** Findings for a write that must be refused: its status, then its scimType (each its own finding). */
export function refusal(write: Exchange, want: Refusal, what: string, broken: string): Finding[] {
  const s = write.response?.status
  if (s === undefined) return [cannot(`${requestLine(write)} got no response`)]
  const absent = want.status.includes(s) ? undefined : notImplemented(write, what)
  if (absent) return [absent]
  if (!want.status.includes(s)) {
    const accepted = s >= 200 && s < 300
    return [{ ok: false, message: accepted ? `${broken}: ${what} answered ${s}` : `${what} answered ${s}, expected ${want.status.join(' or ')}${detailOf(write)}`, expected: want.status.join(' or '), actual: String(s), exchange: write }]
  }
  const out: Finding[] = [{ ok: true, message: `${what} refused with ${s}`, exchange: write }]
  if (want.scimType) out.push(scimTypeFinding(write, want.scimType, what))
  return out
}

/** Does the server's /Schemas declare this attribute on the resource type's schema? undefined when /Schemas is unknown. */
export function declaresIn(ctx: CheckContext, schemaUrn: string, attr: string): boolean | undefined {
  const schemas = ctx.discovery.schemas
  if (!schemas) return undefined
  const s = schemas.find((x) => typeof x?.id === 'string' && x.id.toLowerCase() === schemaUrn.toLowerCase())
  if (!s) return false
  const [top, sub] = attr.split('.')
  const def = (Array.isArray(s.attributes) ? s.attributes : []).find((a: Json) => typeof a?.name === 'string' && a.name.toLowerCase() === top.toLowerCase())
  if (!def) return false
  if (!sub) return true
  return (Array.isArray(def.subAttributes) ? def.subAttributes : []).some((a: Json) => typeof a?.name === 'string' && a.name.toLowerCase() === sub.toLowerCase())
}

/** Skip finding when the server says it has no such attribute (catalogue §1.3 `attr:<name>` gate). */
export function attrGate(ctx: CheckContext, schemaUrn: string, attr: string): Finding | undefined {
  if (declaresIn(ctx, schemaUrn, attr) === false) return skipped(`the server's /Schemas does not declare ${attr} on ${schemaUrn.split(':').pop()}`)
  return undefined
}

/** Does this id end a resource URI (`…/Users/{id}`)? Relative references are allowed (RFC 7643 §2.3.7). */
export function refersTo(ref: unknown, endpoint: 'Users' | 'Groups', id: string): boolean {
  if (typeof ref !== 'string') return false
  let path = ref
  try {
    path = new URL(ref, 'http://relative.invalid/').pathname
  } catch {
    return false
  }
  const segs = path.split('/').filter(Boolean)
  const last = segs.pop()
  let decoded = last
  try {
    decoded = last === undefined ? undefined : decodeURIComponent(last)
  } catch {
    /* kept as written */
  }
  return decoded === id && segs.pop()?.toLowerCase() === endpoint.toLowerCase()
}


export function describeStatus(x: Exchange | undefined): string {
  if (!x) return 'nothing'
  return x.response ? String(x.response.status) : `no response (${x.error?.message ?? 'unknown'})`
}

const CORE = { Users: 'urn:ietf:params:scim:schemas:core:2.0:User', Groups: 'urn:ietf:params:scim:schemas:core:2.0:Group' } as const
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'

/** `Users` or `Groups` for a request on a single resource (or below one), else undefined. */
export function endpointOf(x: Exchange): 'Users' | 'Groups' | undefined {
  const m = /\/(Users|Groups)\/[^/?#]+\/?$/i.exec(pathnameOf(x))
  if (!m) return undefined
  return m[1].toLowerCase() === 'users' ? 'Users' : 'Groups'
}


/** Why a body is not the entire resource (RFC 7644 §3.5.1, §3.5.2), or undefined when it is. */
export function notFullResource(body: unknown, endpoint: 'Users' | 'Groups'): string | undefined {
  if (!isObject(body)) return 'there is no JSON resource in the body'
  const schemas = Array.isArray(body.schemas) ? body.schemas.map(String) : []
  if (schemas.includes(PATCH_OP)) return 'the body echoes the PatchOp request instead of the resource'
  if (typeof body.id !== 'string' || !body.id) return 'the body has no id'
  if (!schemas.some((s) => s.toLowerCase() === CORE[endpoint].toLowerCase())) return `schemas lacks ${CORE[endpoint]}`
  const required = endpoint === 'Users' ? 'userName' : 'displayName'
  if (key(body, required) === undefined) return `the body lacks ${required}, so it is a partial representation`
  return undefined
}

/** The server's declaration of `attr` (`name` or `name.sub`) in schema `schemaUrn`: null when undeclared, undefined without /Schemas. */
export function attributeIn(ctx: CheckContext, schemaUrn: string, attr: string): Json | null | undefined {
  const schemas = ctx.discovery.schemas
  if (!schemas) return undefined
  const s = schemas.find((d) => typeof d?.id === 'string' && d.id.toLowerCase() === schemaUrn.toLowerCase())
  const [top, sub] = attr.split('.')
  const named = (defs: unknown, name: string) => (Array.isArray(defs) ? defs : []).find((a: Json) => String(a?.name).toLowerCase() === name.toLowerCase()) as Json | undefined
  const def = named(s?.attributes, top)
  if (!def) return null
  if (!sub) return def
  return named(def.subAttributes, sub) ?? null
}

/** `PATCH replace name.familyName, remove (no path)` or `PUT /Users/…`: a write named the way a reader thinks of it. */
export function describeWrite(write: Exchange): string {
  const body = sentBody(write)
  const ops = body ? key(body, 'Operations') : undefined
  if (write.request.method === 'PATCH' && Array.isArray(ops) && ops.length) {
    return `PATCH ${ops.map((o: Json) => `${String(key(o, 'op'))} ${typeof key(o, 'path') === 'string' ? String(key(o, 'path')) : '(no path)'}`).join(', ')}`
  }
  return requestLine(write)
}

type Judge = NonNullable<CheckDef['judge']>
type Verdict = Finding | Finding[] | undefined

/**
 * A judge for the read after a write that must have worked: `expect` looks at the resource read back and returns
 * what is wrong (undefined = the write took effect).
 */
export function applied(expect: (resource: Json, args: Record<string, any>, ctx: CheckContext, write: Exchange, before: Json | undefined) => Verdict, opts: { ok?: string; pre?: Precondition } = {}): Judge {
  return (x, ctx) => {
    const rb = readBack(x, ctx)
    if (isFinding(rb)) return rb
    const what = describeWrite(rb.write)
    const unmet = rb.before && opts.pre ? opts.pre(rb.before, ctx.args) : undefined
    if (unmet) return { ...skipped(`the read before ${what} shows ${unmet}, so the write had nothing to act on`), exchange: rb.write }
    const bad = mustHaveWorked(rb, x, what)
    if (bad) return bad
    return expect(rb.resource!, ctx.args, ctx, rb.write, rb.before) ?? { ok: true, message: opts.ok ?? `${what} took effect` }
  }
}

/**
 * What a write probe needs the resource to hold before it (judged on stateBefore): undefined when it holds it,
 * otherwise what the read before the write showed instead ("no emails[type eq "work"]").
 */
export type Precondition = (before: Json, args: Record<string, any>) => string | undefined

/**
 * A judge for the read after a write that must be refused: the write's status (and scimType), then `unchanged`
 * on the resource read back (undefined = nothing of the refused write landed).
 */
export function refused(want: Refusal, broken: string, unchanged?: (resource: Json, args: Record<string, any>, before: Json | undefined) => Verdict): Judge {
  return (x, ctx) => {
    const rb = readBack(x, ctx)
    if (isFinding(rb)) return rb
    const what = describeWrite(rb.write)
    const out = refusal(rb.write, want, what, broken)
    if (!unchanged) return out
    if (!rb.resource) return [...out, cannot(`reading the resource back after ${what} answered ${describeStatus(x)}`)]
    const f = unchanged(rb.resource, ctx.args, rb.before)
    const list = f === undefined ? [{ ok: true, message: `nothing of the refused ${what} was applied` } as Finding] : Array.isArray(f) ? f : [f]
    return [...out, ...list]
  }
}

/** A judge on the write's own exchange that must be refused (no read back needed). */
export function refusedHere(want: Refusal, broken: string): Judge {
  return (x) => {
    if (!x.response) return cannot(`${requestLine(x)} got no response (${x.error?.message ?? 'unknown error'})`)
    return refusal(x, want, describeWrite(x), broken)
  }
}

/**
 * Did this scenario (this profile, this setting) send a "remove" of "members" with a value list and no filter, as
 * Entra (without aadOptscim062020) and JumpCloud do to mean "remove these members"? RFC 7644 §3.5.2.2 lets a server
 * read it as "remove all members" ("If no filter is specified, … the attribute and all values are removed").
 */
export function sentValueListRemove(ctx: CheckContext): boolean {
  return ctx.history.some((h) => h.scenario === ctx.scenario && h.idp === ctx.idp && h.setting === ctx.setting && !h.purpose && h.request.method === 'PATCH' && /"op"\s*:\s*"remove"/i.test(h.request.body ?? '') && /"path"\s*:\s*"members"\s*,\s*"value"/i.test(h.request.body ?? ''))
}

/**
 * A membership lost after such a remove is the IdP's incompatibility, not an RFC failure: graded at IdP level, so the
 * server is told what breaks that IdP without being told it broke a MUST.
 */
export function idpLevelAfterValueList(ctx: CheckContext, finding: Finding): Finding {
  return finding.ok === false && sentValueListRemove(ctx) ? { ...finding, level: 'IDP' } : finding
}
