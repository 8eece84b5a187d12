import { defineCheck, rfc, type CheckDef, type Finding } from './define.js'
import type { Exchange } from '../http/exchange.js'
import { cannot, detailOf, isObject, json, key, requestLine, sentBody, show, skipped as skip, stepExchange, values, type Json } from './verify.js'

/**
 * RFC 7644 §3.7, Bulk. scenarios/rfc/bulk.yaml runs only when ServiceProviderConfig advertises bulk.supported.
 * Operation results are found by bulkId, never by position: the RFC does not promise the order of results.
 */

const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse'
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'

const bulk = (id: string, title: string, level: CheckDef['level'], section: string, requirement: string, judge: CheckDef['judge']): CheckDef =>
  defineCheck({ id, title, area: 'bulk', level, source: rfc(7644, section), requirement, judge })

type Ctx = Parameters<NonNullable<CheckDef['judge']>>[1]

/** The operation results of a BulkResponse. */
function results(x: Exchange | undefined): Json[] {
  const ops = json(x)?.Operations
  return Array.isArray(ops) ? (ops.filter(isObject) as Json[]) : []
}

const byBulkId = (x: Exchange | undefined, bulkId: unknown) => results(x).find((r) => key(r, 'bulkId') === bulkId)

/** The status code of a result: "201" or {"code": "201"} (both appear in RFC 7644's examples, catalogue §4 #4). */
function codeOf(r: Json | undefined): number | undefined {
  const s = key(r, 'status')
  const raw = isObject(s) ? key(s, 'code') : s
  const n = typeof raw === 'string' && /^\d{3}$/.test(raw.trim()) ? Number(raw) : undefined
  return n
}

const ok2xx = (r: Json | undefined) => {
  const c = codeOf(r)
  return c !== undefined && c >= 200 && c < 300
}

/** The id a result's location points at. */
function idOf(r: Json | undefined): string | undefined {
  const loc = key(r, 'location')
  if (typeof loc !== 'string') return undefined
  try {
    const seg = new URL(loc, 'http://relative.invalid/').pathname.split('/').filter(Boolean).pop()
    return seg === undefined ? undefined : decodeURIComponent(seg)
  } catch {
    return undefined
  }
}

/** The BulkResponse a step is judged on: this exchange, or the one named by `with: {after}`. */
function bulkExchange(x: Exchange, ctx: Ctx): Exchange | Finding {
  const name = ctx.args.after
  const b = name === undefined ? x : stepExchange(ctx, String(name))
  if (!b) return skip(`step "${String(name)}" sent no bulk request`)
  if (!b.response) return cannot(`${requestLine(b)} got no response`)
  if (b.response.status !== 200) return cannot(`the bulk request answered ${b.response.status} (bulk.post reports it)`)
  return b
}

const isFinding = (v: Exchange | Finding): v is Finding => 'ok' in v

/** Whether the resource `x` read back holds the member created under `bulkId` in the bulk response `b`. */
function memberResolved(x: Exchange, b: Exchange, bulkId: string, what: string): Finding {
  const user = idOf(byBulkId(b, bulkId))
  if (!user) return cannot(`the result for bulkId ${bulkId} has no location, so the created user is unknown`)
  if (x.response?.status !== 200) return cannot(`reading the group back answered ${x.response?.status ?? x.error?.message}`)
  const members = values(json(x), 'members')
  if (members.includes(user)) return { ok: true, message: `the group's member is the user created as ${bulkId}` }
  return { ok: false, message: `${what}: the group's members are ${show(members)}, not the new user ${user}`, expected: user, actual: show(members) }
}

export const checks: CheckDef[] = [
  bulk('bulk.post', 'POST /Bulk answers 200 with a BulkResponse', 'MUST', '§3.7', 'If a bulk job is processed successfully, HTTP response code 200 OK MUST be returned; otherwise, an appropriate HTTP error code MUST be returned. Bulk responses are identified using the URI "urn:ietf:params:scim:api:messages:2.0:BulkResponse".', (x) => {
    if (!x.response) return cannot(`${requestLine(x)} got no response`)
    const s = x.response.status
    if (s !== 200) return { ok: false, message: `Bulk answered ${s}${detailOf(x)}`, expected: '200 BulkResponse', actual: String(s) }
    const schemas = json(x)?.schemas
    return Array.isArray(schemas) && schemas.includes(BULK_RESPONSE) ? { ok: true, message: 'Bulk answered 200 with a BulkResponse' } : { ok: false, message: 'Bulk answered 200 without the BulkResponse schema', expected: `schemas [${BULK_RESPONSE}]`, actual: show(schemas) }
  }),

  bulk('bulk.op-fields', 'Each bulk result carries method, bulkId, location and status', 'MUST', '§3.7.3', 'method: The HTTP method of the current operation. REQUIRED. bulkId: The transient identifier of a newly created resource ... REQUIRED for POST. location: The resource endpoint URL. REQUIRED in a response, except in the event of a POST failure. status: The HTTP response status code for the requested operation. REQUIRED.', (x, ctx) => {
    const b = bulkExchange(x, ctx)
    if (isFinding(b)) return b
    const r = byBulkId(b, ctx.args.bulkId)
    if (!r) return { ok: false, message: `Bulk result lacks bulkId ${show(ctx.args.bulkId)}`, expected: `a result with bulkId ${ctx.args.bulkId}`, actual: show(results(b)) }
    const lacking = ['method', 'location', 'status'].filter((f) => key(r, f) === undefined)
    if (lacking.length) return { ok: false, message: `Bulk result lacks ${lacking.join(', ')}`, expected: 'method, bulkId, location, status', actual: show(r) }
    if (String(key(r, 'method')).toUpperCase() !== 'POST') return { ok: false, message: `Bulk result method is ${show(key(r, 'method'))}`, expected: 'POST', actual: show(key(r, 'method')) }
    const code = codeOf(r)
    if (code !== 201) return { ok: false, message: `Bulk result status is ${show(key(r, 'status'))}`, expected: '"201" (or {"code": "201"})', actual: show(key(r, 'status')) }
    return { ok: true, message: 'the result has method, bulkId, location and status 201' }
  }),

  bulk('bulk.bulkid-reference', 'bulkId references resolve to the new resource', 'MUST', '§3.7.2', 'Within one bulk request, a value "bulkId:<bulkId>" refers to the resource the operation with that bulkId creates; the service provider replaces it with that resource\'s id (RFC 7644 §3.7.2).', (x, ctx) => {
    const b = bulkExchange(x, ctx)
    if (isFinding(b)) return b
    const group = byBulkId(b, ctx.args.group)
    if (x === b) {
      // On the bulk step itself only a failed group operation is judged; the read back judges the rest.
      if (ok2xx(group)) return undefined
      return { ok: false, message: `bulkId reference not resolved: the group operation answered ${show(key(group, 'status'))}`, expected: '201', actual: show(group) }
    }
    return memberResolved(x, b, String(ctx.args.user), 'bulkId reference not resolved')
  }),

  bulk('bulk.order-independent', 'A reference to a bulkId defined later resolves', 'MUST', '§3.7.1', 'The service provider MUST try to resolve circular cross-references between resources in a single bulk job but MAY stop after a failed attempt and instead return HTTP status code 409 (Conflict).', (x, ctx) => {
    const b = bulkExchange(x, ctx)
    if (isFinding(b)) return b
    const group = byBulkId(b, ctx.args.group)
    if (x === b) {
      if (ok2xx(group)) return undefined
      if (codeOf(group) === 409) return { ok: 'info', message: 'a reference to a bulkId defined by a later operation answered 409', reason: 'recorded: the server stopped after one resolution attempt, which RFC 7644 §3.7.1 allows' }
      return { ok: false, message: `Reordered bulk failed: the group operation answered ${show(key(group, 'status'))}`, expected: '201', actual: show(group) }
    }
    return memberResolved(x, b, String(ctx.args.user), 'Reordered bulk failed')
  }),

  bulk('bulk.error-detail', 'A failed bulk operation carries a SCIM Error', 'MUST', '§3.7.3', 'response: The HTTP response body for the specified request operation. When indicating a response with an HTTP status other than a 200-series response, the response body MUST be included.', (x, ctx) => {
    const b = bulkExchange(x, ctx)
    if (isFinding(b)) return b
    const r = byBulkId(b, ctx.args.bulkId)
    if (!r) return { ok: false, message: `Failed bulk op has no result (bulkId ${ctx.args.bulkId})`, expected: 'a result with status 400 and a response', actual: show(results(b)) }
    const code = codeOf(r)
    if (code !== 400) return { ok: false, message: `a bulk POST of a user without userName answered ${show(key(r, 'status'))}`, expected: '400', actual: show(key(r, 'status')) }
    const resp = key(r, 'response')
    const schemas = isObject(resp) ? key(resp, 'schemas') : undefined
    return Array.isArray(schemas) && schemas.includes(ERROR) ? { ok: true, message: 'the failed operation carries a SCIM Error' } : { ok: false, message: 'Failed bulk op has no error response', expected: `response with schemas [${ERROR}]`, actual: show(resp) }
  }),

  bulk('bulk.continue', 'Without failOnErrors, a bulk job continues past an error', 'MUST', '§3.7', 'The service provider MUST continue performing as many changes as possible and disregard partial failures. The client MAY override this behavior by specifying a value for the "failOnErrors" attribute.', (x, ctx) => {
    const b = bulkExchange(x, ctx)
    if (isFinding(b)) return b
    const bad = byBulkId(b, ctx.args.bad)
    if (!bad || ok2xx(bad)) return cannot(`the operation meant to fail (bulkId ${ctx.args.bad}) ${bad ? 'succeeded' : 'has no result'}`)
    const good = byBulkId(b, ctx.args.good)
    return ok2xx(good) ? { ok: true, message: 'the operation after the failed one was executed' } : { ok: false, message: 'Bulk stopped at the first error without failOnErrors', expected: `bulkId ${ctx.args.good} executed (2xx)`, actual: show(good ?? '(no result)') }
  }),

  bulk('bulk.fail-on-errors', 'failOnErrors stops the bulk job', 'MUST', '§3.7', 'failOnErrors: An integer specifying the number of errors that the service provider will accept before the operation is terminated and an error response is returned.', (x, ctx) => {
    const b = bulkExchange(x, ctx)
    if (isFinding(b)) return b
    if (x !== b) {
      // The lookup after the job: the operation after the error must not have created its user.
      if (x.response?.status !== 200) return cannot(`the lookup answered ${x.response?.status ?? x.error?.message}`)
      const found = json(x)?.Resources
      return Array.isArray(found) && found.length > 0 ? { ok: false, message: 'failOnErrors ignored: the user of the operation after the error exists', expected: 'no such user', actual: `${found.length} found` } : { ok: true, message: 'the operation after the error created nothing' }
    }
    const bad = byBulkId(b, ctx.args.bad)
    if (!bad) return { ok: false, message: 'failOnErrors: the failed operation is not reported', expected: `a result for bulkId ${ctx.args.bad}`, actual: show(results(b)) }
    return ok2xx(byBulkId(b, ctx.args.good)) ? { ok: false, message: 'failOnErrors ignored: the operation after the error was executed', expected: `bulkId ${ctx.args.good} not executed`, actual: show(byBulkId(b, ctx.args.good)) } : { ok: true, message: 'the job stopped at the error and reported it' }
  }),

  bulk('bulk.methods', 'PUT, PATCH and DELETE operations inside a bulk request', 'MUST', '§3.7', 'method: The HTTP method of the current operation. Possible values are "POST", "PUT", "PATCH", or "DELETE"; each behaves as the corresponding single request (§3.5.1, §3.5.2, §3.6).', (x, ctx) => {
    const b = bulkExchange(x, ctx)
    if (isFinding(b)) return b
    const out: Finding[] = []
    const want: Record<string, number[]> = { PUT: [200], PATCH: [200, 204], DELETE: [204] }
    for (const r of results(b)) {
      const m = String(key(r, 'method')).toUpperCase()
      const code = codeOf(r)
      if (want[m] && !want[m].includes(code ?? 0)) out.push({ ok: false, message: `Bulk ${m} op wrong: answered ${show(key(r, 'status'))}`, expected: want[m].join(' or '), actual: show(key(r, 'status')) })
    }
    const a = ctx.args as Record<string, any>
    const put = json(stepExchange(ctx, String(a.put?.step)))
    if (!put || key(key(put, 'name'), 'givenName') !== a.put?.givenName) out.push({ ok: false, message: 'Bulk PUT op wrong: its value is not visible afterwards', expected: show(a.put?.givenName), actual: show(key(key(put, 'name'), 'givenName')) })
    if (a.patch?.step) {
      const patched = json(stepExchange(ctx, String(a.patch.step)))
      if (!patched || key(patched, 'nickName') !== a.patch.nickName) out.push({ ok: false, message: 'Bulk PATCH op wrong: its value is not visible afterwards', expected: show(a.patch.nickName), actual: show(key(patched, 'nickName')) })
    }
    const gone = stepExchange(ctx, String(a.delete?.step))
    if (gone?.response?.status !== 404) out.push({ ok: false, message: `Bulk DELETE op wrong: the resource still answers ${gone?.response?.status ?? 'nothing'}`, expected: '404', actual: String(gone?.response?.status) })
    return out.length ? out : { ok: true, message: 'PUT, PATCH and DELETE operations answered as single requests would, and took effect' }
  }),

  bulk('bulk.max-operations', 'A bulk request over maxOperations is refused with 413', 'MUST', '§3.7.4', 'If either limit is exceeded, the service provider MUST return HTTP response code 413 (Request Entity Too Large). The returned response MUST specify the limit exceeded in the body of the error response.', (x, ctx) => {
    const max = Number(ctx.discovery.spc?.bulk?.maxOperations)
    const ops = key(sentBody(x), 'Operations')
    const n = Array.isArray(ops) ? ops.length : 0
    if (!Number.isFinite(max)) return skip('ServiceProviderConfig advertises no bulk.maxOperations')
    if (n <= max) return skip(`this request has ${n} operation(s); the probe needs ${max + 1} (maxOperations + 1), which a scenario cannot size from the advertised limit`)
    return oversized(x, String(max), 'Oversized bulk')
  }),

  bulk('bulk.max-payload', 'A bulk request over maxPayloadSize is refused with 413', 'MUST', '§3.7.4', 'If either limit is exceeded, the service provider MUST return HTTP response code 413 (Request Entity Too Large). The returned response MUST specify the limit exceeded in the body of the error response.', (x, ctx) => {
    const max = Number(ctx.discovery.spc?.bulk?.maxPayloadSize)
    const size = Buffer.byteLength(x.request.body ?? '', 'utf8')
    if (!Number.isFinite(max)) return skip('ServiceProviderConfig advertises no bulk.maxPayloadSize')
    if (size <= max) return skip(`this request is ${size} bytes; the probe needs more than maxPayloadSize (${max}), which a scenario cannot size from the advertised limit`)
    return oversized(x, String(max), 'Oversized payload')
  }),

  bulk('bulk.post-failure-no-location', 'A failed POST operation has no location', 'SHOULD', '§3.7.3', 'location: The resource endpoint URL. REQUIRED in a response, except in the event of a POST failure.', (x, ctx) => {
    const b = bulkExchange(x, ctx)
    if (isFinding(b)) return b
    const r = byBulkId(b, ctx.args.bulkId)
    if (!r || ok2xx(r)) return cannot(`the POST meant to fail (bulkId ${ctx.args.bulkId}) ${r ? 'succeeded' : 'has no result'}`)
    return key(r, 'location') === undefined ? { ok: true, message: 'the failed POST carries no location' } : { ok: false, message: `Failed POST op carries a location (${show(key(r, 'location'))})`, expected: 'no location', actual: show(key(r, 'location')) }
  }),
]

function oversized(x: Exchange, limit: string, what: string): Finding {
  if (!x.response) return cannot(`${requestLine(x)} got no response`)
  const s = x.response.status
  if (s !== 413) return { ok: false, message: `${what} answered ${s}`, expected: '413', actual: String(s) }
  // The limit must be stated in words a reader sees: the Error detail (or the body, when it is not a SCIM Error).
  const detail = json(x)?.detail
  const text = typeof detail === 'string' ? detail : x.response.body
  return new RegExp(`(^|[^\\d.])${limit}([^\\d]|$)`).test(text) ? { ok: true, message: `answered 413 stating the limit ${limit}` } : { ok: false, message: `${what} answered 413 without stating the limit ${limit}`, expected: `a body naming ${limit}`, actual: x.response.body.slice(0, 120) }
}

