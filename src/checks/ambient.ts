import type { CheckContext, Finding } from './define.js'
import { pathOf, type Exchange } from '../http/exchange.js'
import { isObject } from '../rfc/normalize.js'
import { URN } from '../rfc/urns.js'

/**
 * Helpers shared by the checks of the transport, auth, errors, discovery and resource areas. The ambient checks
 * that used to live here moved to their catalogue areas (media.ts, errors.ts), ids unchanged.
 */

export { isObject }

export { pathOf }

export function pathnameOf(x: Exchange): string {
  try {
    return new URL(x.request.url).pathname
  } catch {
    return x.request.url
  }
}

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

export function json(x: Exchange): Record<string, unknown> | undefined {
  return isObject(x.response?.json) ? (x.response!.json as Record<string, unknown>) : undefined
}

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

export function excerpt(x: Exchange, max = 200): string {
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
    const url = new URL(x.request.url)
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
export function ownership(resource: Record<string, unknown>, ctx: CheckContext): Pick<Finding, 'preExisting'> {
  const id = resource.id
  return typeof id === 'string' && !ctx.ownIds.has(id) ? { preExisting: true } : {}
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\./.test(h)
}
