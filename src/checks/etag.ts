import { defineCheck, rfc, type CheckDef, type Finding } from './define.js'
import type { Exchange } from '../http/exchange.js'
import {
  at,
  cannot,
  describeWrite,
  detailOf,
  isFinding,
  isObject,
  json,
  key,
  readBack,
  refusal,
  requestLine,
  same,
  sentHeader,
  show,
  skipped as skip,
  stepExchange,
  type Json,
} from './verify.js'

/**
 * RFC 7644 §3.14 and RFC 7232: resource versions as ETags. scenarios/rfc/etag.yaml runs only when the server
 * advertises etag.supported; the tags it sends back are exactly the ones it received (catalogue §4 #16).
 */

/** entity-tag = [ weak ] opaque-tag; weak = %x57.2F ("W/", case-sensitive); opaque-tag = DQUOTE *etagc DQUOTE (RFC 7232 §2.3). */
const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7E\x80-\xFF]*"$/

const etag = (id: string, title: string, level: CheckDef['level'], section: string, requirement: string, rest: Pick<CheckDef, 'judge' | 'ambient'>): CheckDef => {
  const m = /^(\d{4}) (.+)$/.exec(section)!
  return defineCheck({ id, title, area: 'etag', level, source: rfc(Number(m[1]), m[2]), requirement, ...rest })
}

const tagOf = (x: Exchange | undefined) => x?.response?.headers['etag']
const versionOf = (x: Exchange | undefined) => {
  const v = json(x)?.meta?.version
  return typeof v === 'string' ? v : undefined
}

const answered = (x: Exchange): Finding | undefined => (x.response ? undefined : cannot(`${requestLine(x)} got no response (${x.error?.message ?? 'unknown error'})`))

/** meta.version values of every resource in a body (single resource or ListResponse). */
function versionsIn(body: Json | undefined): string[] {
  if (!body) return []
  const resources = Array.isArray(body.Resources) ? body.Resources : [body]
  return resources.filter(isObject).map((r) => (r as Json).meta?.version).filter((v): v is string => typeof v === 'string')
}

export const checks: CheckDef[] = [
  etag('etag.header', 'A resource read carries an ETag header', 'MUST', '7644 §3.14', 'When supported, SCIM ETags MUST be specified as an HTTP header and SHOULD be specified within the "version" attribute contained in the resource\'s "meta" attribute.', {
    judge(x) {
      const none = answered(x)
      if (none) return none
      if (x.response!.status !== 200) return cannot(`reading the resource answered ${x.response!.status}`)
      const t = tagOf(x)
      if (t === undefined) return { ok: false, message: 'No ETag header although etag.supported', expected: 'ETag: W/"…" or "…"', actual: '(absent)' }
      return ENTITY_TAG.test(t.trim()) ? { ok: true, message: `ETag ${t}` } : { ok: false, message: `ETag header ${show(t)} is not a valid entity-tag`, expected: 'W/"…" or "…" (RFC 7232 §2.3)', actual: t }
    },
  }),

  etag('etag.meta-version', 'meta.version carries the version', 'SHOULD', '7644 §3.14', 'When supported, SCIM ETags ... SHOULD be specified within the "version" attribute contained in the resource\'s "meta" attribute.', {
    judge(x) {
      const none = answered(x)
      if (none) return none
      if (x.response!.status !== 200) return cannot(`reading the resource answered ${x.response!.status}`)
      const v = versionOf(x)
      return v !== undefined ? { ok: true, message: `meta.version ${v}` } : { ok: false, message: 'meta.version missing', expected: 'meta.version', actual: show(json(x)?.meta) }
    },
  }),

  etag('etag.version-match', 'meta.version equals the ETag header', 'MUST', '7643 §3.1', 'version: The version of the resource being returned. This value must be the same as the entity-tag (ETag) HTTP response header (see Sections 2.1 and 2.3 of [RFC7232]).', {
    judge(x) {
      const none = answered(x)
      if (none) return none
      const t = tagOf(x)
      const v = versionOf(x)
      if (t === undefined || v === undefined) return skip(`${t === undefined ? 'the ETag header' : 'meta.version'} is missing (etag.header / etag.meta-version report it)`)
      return t.trim() === v ? { ok: true, message: 'meta.version equals the ETag header' } : { ok: false, message: `meta.version ${v} ≠ ETag ${t}`, expected: t, actual: v }
    },
  }),

  etag('etag.weak-prefix', 'Weak entity-tags are written W/', 'MUST', '7643 §3.1', 'version: ... weak entity-tags are prefixed with "W/", which is case-sensitive (RFC 7232 §2.3: weak = %x57.2F).', {
    ambient(x) {
      if (!x.response) return
      const found = [tagOf(x), ...versionsIn(json(x))].filter((t): t is string => typeof t === 'string')
      if (!found.length) return
      const bad = found.find((t) => /^w\//.test(t.trim()))
      return bad ? { ok: false, message: `Weak entity-tag written as ${bad}`, expected: 'W/"…"', actual: bad } : { ok: true, message: 'entity-tags well formed' }
    },
  }),

  etag('etag.on-write', 'Writes answer with an ETag', 'SHOULD', '7644 §3.5.1', 'The examples of RFC 7644 §3.3 and §3.5.1 answer every successful create and replace with an ETag header carrying the new version.', {
    judge(x) {
      const none = answered(x)
      if (none) return none
      const s = x.response!.status
      if (s < 200 || s >= 300) return skip(`the ${x.request.method} answered ${s}`)
      return tagOf(x) !== undefined ? { ok: true, message: `${x.request.method} answered with ETag ${tagOf(x)}` } : { ok: false, message: `${x.request.method} response lacks ETag`, expected: 'ETag header', actual: '(absent)' }
    },
  }),

  etag('etag.changes', 'A modification changes the ETag', 'MUST', '7644 §3.14', 'ETags ... ensure that clients do not inadvertently overwrite each other\'s changes: each modification of a resource yields a new version (RFC 7232 §2.3: an entity-tag differs whenever the representation changes).', {
    judge(x, ctx) {
      const none = answered(x)
      if (none) return none
      const before = tagOf(stepExchange(ctx, String(ctx.args.before ?? '')))
      const now = tagOf(x)
      if (before === undefined || now === undefined) return skip('an ETag is missing before or after the change (etag.header reports it)')
      const write = stepExchange(ctx, String(ctx.args.after ?? ''))
      if (write && !(write.response && write.response.status < 300)) return cannot(`the modification ${write ? describeWrite(write) : ''} did not succeed (${write?.response?.status ?? 'no response'})`)
      return before !== now ? { ok: true, message: `ETag moved from ${before} to ${now}` } : { ok: false, message: `ETag unchanged after modification (${now})`, expected: `not ${before}`, actual: now }
    },
  }),

  etag('etag.if-none-match-304', 'If-None-Match with the current tag answers 304', 'MUST', '7232 §3.2', 'An origin server MUST NOT perform the requested method if the condition evaluates to false; instead, the origin server MUST respond with either a) the 304 (Not Modified) status code if the request method is GET or HEAD or b) the 412 (Precondition Failed) status code for all other request methods (RFC 7232 §3.2).', {
    judge(x) {
      const none = answered(x)
      if (none) return none
      const s = x.response!.status
      if (s !== 304) return { ok: false, message: `If-None-Match with the current tag answered ${s}`, expected: '304', actual: String(s) }
      return x.response!.body.trim() === '' ? { ok: true, message: 'answered 304 without a body' } : { ok: false, message: '304 carried a body', expected: 'no body', actual: x.response!.body.slice(0, 80) }
    },
  }),

  etag('etag.if-none-match-200', 'If-None-Match with a stale tag answers 200', 'MUST', '7232 §3.2', 'If the field-value is a list of entity-tags, the condition is false if one of the listed tags match the entity-tag of the selected representation (RFC 7232 §3.2): with a stale tag the condition is true and the GET is served.', {
    judge(x) {
      const none = answered(x)
      if (none) return none
      const s = x.response!.status
      if (s !== 200) return { ok: false, message: `Stale If-None-Match answered ${s}${detailOf(x)}`, expected: '200 with the resource', actual: String(s) }
      return json(x)?.id !== undefined ? { ok: true, message: 'answered 200 with the resource' } : { ok: false, message: 'Stale If-None-Match answered 200 without the resource', expected: 'the resource', actual: x.response!.body.slice(0, 80) || '(empty body)' }
    },
  }),

  etag('etag.if-match-stale', 'If-Match with a stale tag is refused with 412', 'MUST', '7232 §3.1', 'An origin server MUST NOT perform the requested method if a received If-Match condition evaluates to false; instead, the origin server MUST respond with either: a) the 412 (Precondition Failed) status code or b) one of the 2xx (Successful) status codes if the origin server has verified that a state change is being requested and the final state is already reflected in the current state of the target resource (RFC 7232 §3.1).', {
    judge(x, ctx) {
      const rb = readBack(x, ctx)
      if (isFinding(rb)) return rb
      const s = rb.write.response!.status
      const what = `${describeWrite(rb.write)} with a stale If-Match`
      const out: Finding[] =
        s === 409
          ? [{ ok: false, level: 'SHOULD', message: `${what} answered 409; RFC 7232 gives 412 Precondition Failed (catalogue §4 #16)`, expected: '412', actual: '409', exchange: rb.write }]
          : refusal(rb.write, { status: [412] }, what, 'Stale If-Match not refused')
      const { path, value } = (ctx.args.attempted ?? {}) as { path?: string; value?: unknown }
      if (rb.write.request.method === 'DELETE') {
        out.push(x.response?.status === 200 ? { ok: true, message: 'the resource still exists after the refused DELETE' } : { ok: false, message: `the resource is gone after a DELETE with a stale If-Match (${x.response?.status})`, expected: '200', actual: String(x.response?.status) })
      } else if (!rb.resource) out.push(cannot(`reading the resource back answered ${x.response?.status ?? 'nothing'}`))
      else if (path && same(at(rb.resource, path), value)) out.push({ ok: false, message: `the write with a stale If-Match was applied: ${path} is ${show(value)}`, expected: `${path} unchanged`, actual: show(value) })
      else out.push({ ok: true, message: 'the resource is unchanged' })
      return out
    },
  }),

  etag('etag.if-match-current', 'If-Match with the current tag succeeds', 'MUST', '7644 §3.14', 'The client MAY supply an If-Match header for PUT and PATCH operations to ensure that the requested operation succeeds only if the supplied ETag matches the latest service provider resource.', {
    judge(x) {
      const none = answered(x)
      if (none) return none
      const s = x.response!.status
      if (s >= 200 && s < 300) return { ok: true, message: `${describeWrite(x)} with the current If-Match answered ${s}` }
      const sent = sentHeader(x, 'if-match') ?? ''
      if (s === 412 && /^\s*W\//.test(sent)) {
        // RFC 7232 §3.1 compares If-Match strongly, so a weak tag never matches; RFC 7644 §3.14 shows weak tags in If-Match (catalogue §4 #16).
        return { ok: 'info', message: `the current weak tag ${sent} in If-Match answered 412`, reason: 'recorded: the server applies RFC 7232\'s strong comparison to If-Match, under which a weak entity-tag never matches; SCIM clients send the weak tags they receive' }
      }
      return { ok: false, message: `Current If-Match refused (${s})${detailOf(x)}`, expected: '2xx', actual: String(s) }
    },
  }),

  etag('etag.list-version', 'Listed resources carry meta.version', 'SHOULD', '7644 §3.14', 'When supported, SCIM ETags ... SHOULD be specified within the "version" attribute contained in the resource\'s "meta" attribute.', {
    judge(x) {
      const none = answered(x)
      if (none) return none
      if (x.response!.status !== 200) return cannot(`the query answered ${x.response!.status}`)
      const resources = (json(x)?.Resources ?? []) as unknown[]
      if (!Array.isArray(resources) || resources.length === 0) return cannot('the query returned no resources to look at')
      const lacking = resources.filter((r) => typeof key(key(r, 'meta'), 'version') !== 'string').length
      return lacking ? { ok: false, message: `Listed resources lack meta.version (${lacking} of ${resources.length})`, expected: 'meta.version on each', actual: `${lacking} without` } : { ok: true, message: `all ${resources.length} listed resources carry meta.version` }
    },
  }),
]
