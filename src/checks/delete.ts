import { defineCheck, rfc, type CheckDef, type Finding } from './define.js'
import type { Exchange } from '../http/exchange.js'
import { cannot, describeStatus, detailOf, isFinding, json, readBack, refusal, requestLine, skipped as skip, stepExchange } from './verify.js'

/**
 * RFC 7644 §3.6, deleting resources. scenarios/rfc/delete.yaml deletes only users and groups it created, then
 * looks for them every way a client can: by id, by filter, in a list walk, and with every other operation.
 */

const del = (id: string, title: string, level: CheckDef['level'], section: string, requirement: string, judge: CheckDef['judge'], breaks?: string[]): CheckDef => {
  const m = /^(\d{4}) (.+)$/.exec(section)!
  return defineCheck({ id, title, area: 'delete', level, source: rfc(Number(m[1]), m[2]), requirement, judge, ...(breaks ? { breaks } : {}) })
}

const answered = (x: Exchange): Finding | undefined => (x.response ? undefined : cannot(`${requestLine(x)} got no response (${x.error?.message ?? 'unknown error'})`))

const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error'

export const checks: CheckDef[] = [
  del('delete.204', 'DELETE answers 204 No Content', 'MUST', '7644 §3.6', 'In response to a successful DELETE, the server SHALL return a successful HTTP status code 204 (No Content).', (x) => {
    const none = answered(x)
    if (none) return none
    const s = x.response!.status
    return s === 204 ? { ok: true, message: `${requestLine(x)} answered 204` } : { ok: false, message: `DELETE answered ${s}${detailOf(x)}`, expected: '204', actual: String(s) }
  }, ['entra', 'jumpcloud']),

  del('delete.no-body', 'A 204 to DELETE has no body', 'SHOULD', '7231 §6.3.5', 'A 204 response is terminated by the first empty line after the header fields because it cannot contain a message body (RFC 7231 §6.3.5).', (x) => {
    const none = answered(x)
    if (none) return none
    if (x.response!.status !== 204) return skip(`the DELETE answered ${x.response!.status}; delete.204 reports it`)
    return x.response!.body.trim() === '' ? { ok: true, message: '204 without a body' } : { ok: false, message: `204 carried a body (${x.response!.body.length} bytes)`, expected: 'no body', actual: x.response!.body.slice(0, 80) }
  }),

  del('delete.get-404', 'A deleted resource answers 404', 'MUST', '7644 §3.6', 'Service providers MAY choose not to permanently delete the resource but MUST return a 404 (Not Found) error code for all operations associated with the previously deleted resource.', (x, ctx) => {
    const none = answered(x)
    if (none) return none
    const gone = deleted(ctx)
    if (gone) return gone
    const s = x.response!.status
    if (s !== 404) return { ok: false, message: `Deleted resource still served (${s})`, expected: '404 with a SCIM Error', actual: String(s) }
    const schemas = json(x)?.schemas
    return Array.isArray(schemas) && schemas.includes(ERROR_URN) ? { ok: true, message: 'the deleted resource answers 404 with a SCIM Error' } : { ok: false, message: '404 for the deleted resource has no SCIM Error body', expected: `schemas containing ${ERROR_URN}`, actual: x.response!.body.slice(0, 120) || '(empty body)' }
  }, ['entra', 'jumpcloud']),

  del('delete.ops-404', 'Every operation on a deleted resource answers 404', 'MUST', '7644 §3.6', 'Service providers ... MUST return a 404 (Not Found) error code for all operations associated with the previously deleted resource.', (x, ctx) => {
    const none = answered(x)
    if (none) return none
    const gone = deleted(ctx)
    if (gone) return gone
    const s = x.response!.status
    return s === 404 ? { ok: true, message: `${x.request.method} on the deleted resource answered 404` } : { ok: false, message: `${x.request.method} on a deleted resource answered ${s}${detailOf(x)}`, expected: '404', actual: String(s) }
  }),

  del('delete.not-listed', 'A deleted resource is gone from query results', 'MUST', '7644 §3.6', 'Service providers MUST omit the resource from future query results.', (x, ctx) => {
    const none = answered(x)
    if (none) return none
    const gone = deleted(ctx)
    if (gone) return gone
    const id = String(ctx.args.id)
    // A list walk saves the ids it saw; a filtered query is judged on its own page.
    const walked = ctx.args.walk as { ids?: unknown[] } | undefined
    if (walked && Array.isArray(walked.ids)) {
      // An empty walk shows nothing (a broken list looks the same), so it cannot vouch for the delete.
      if (walked.ids.length === 0) return skip('the list walk returned no resources at all, so it cannot show the deleted one is gone')
      return walked.ids.map(String).includes(id) ? { ok: false, message: `Deleted resource still returned by a list walk (${id})`, expected: `no ${id}`, actual: `${id} listed` } : { ok: true, message: `a walk of ${walked.ids.length} resources does not list the deleted one` }
    }
    if (x.response!.status !== 200) return cannot(`the query answered ${x.response!.status}`)
    const resources = json(x)?.Resources
    if (resources !== undefined && !Array.isArray(resources)) return cannot('the query answered without a Resources list')
    const hit = (Array.isArray(resources) ? resources : []).some((r) => String((r as { id?: unknown })?.id) === id)
    return hit ? { ok: false, message: `Deleted resource still returned by queries (${requestLine(x)})`, expected: `no ${id}`, actual: `${id} returned` } : { ok: true, message: 'the query no longer returns the deleted resource' }
  }),

  del('delete.reuse-userName', 'The userName of a deleted user can be used again', 'SHOULD', '7644 §3.6', 'The service provider SHOULD NOT consider the deleted resource in conflict calculation. For example, if a User resource is deleted, a CREATE request for a User resource with the same userName as the previously deleted resource SHOULD NOT fail with a 409 error due to userName conflict.', (x, ctx) => {
    const none = answered(x)
    if (none) return none
    const gone = deleted(ctx)
    if (gone) return gone
    const s = x.response!.status
    if (s === 201) return { ok: true, message: 'a new user with the deleted userName was created' }
    if (s === 409) return { ok: false, message: `userName of a deleted user still conflicts (409)${detailOf(x)}`, expected: '201', actual: '409' }
    return { ok: false, message: `creating a user with the deleted userName answered ${s}${detailOf(x)}`, expected: '201', actual: String(s) }
  }),

  del('delete.unknown', 'DELETE of an unknown id answers 404', 'MUST', '7644 §3.6', '404 NOT FOUND: Specified resource (e.g., User) or endpoint does not exist (RFC 7644 §3.12 Table 8).', (x) => {
    const none = answered(x)
    if (none) return none
    return refusal(x, { status: [404] }, 'DELETE of an unknown id', 'DELETE of an unknown id succeeded')
  }),

  del('delete.group', 'DELETE of a group answers 204, then 404', 'MUST', '7644 §3.6', 'In response to a successful DELETE, the server SHALL return a successful HTTP status code 204 (No Content) ... and MUST return a 404 (Not Found) error code for all operations associated with the previously deleted resource.', (x, ctx) => {
    const rb = readBack(x, ctx)
    if (isFinding(rb)) return rb
    const s = rb.write.response!.status
    const g = x.response?.status
    if (s !== 204) return { ok: false, message: `Group delete answered ${s}${detailOf(rb.write)}`, expected: '204, then 404', actual: `${s}, then ${describeStatus(x)}`, exchange: rb.write }
    if (g !== 404) return { ok: false, message: `Group delete answered 204, but the group still answers ${describeStatus(x)}`, expected: '404', actual: describeStatus(x) }
    return { ok: true, message: 'the group delete answered 204, then 404' }
  }, ['okta', 'entra', 'jumpcloud']),
]

/**
 * The checks after a delete only mean something when the delete (the step named by `with: {deleted}`) succeeded;
 * otherwise delete.204 already says what went wrong.
 */
function deleted(ctx: Parameters<NonNullable<CheckDef['judge']>>[1]): Finding | undefined {
  const name = ctx.args.deleted
  if (name === undefined) return undefined
  const d = stepExchange(ctx, String(name))
  if (!d) return skip(`step "${String(name)}" sent no DELETE`)
  const s = d.response?.status
  if (s === undefined || s < 200 || s >= 300) return skip(`the DELETE answered ${describeStatus(d)}, so there is no deleted resource to probe (delete.204 reports it)`)
  return undefined
}

