import { defineCheck, type CheckDef, type Finding } from './define.js'
import { pathnameOf, type Exchange } from '../http/exchange.js'
import { cannot, describeWrite, detailOf, isObject, json, requestLine, sentBody, show, skipped as skip, stepExchange, type Json } from './verify.js'

/**
 * Annex A of the requirements catalogue: what identity providers expect that the RFCs do not state. They feed the
 * per-IdP compatibility verdict only, so a broken expectation fails under the profiles of the IdPs it breaks and is
 * recorded as information under the others (the strict RFC client does not depend on it).
 */

const DOCS = {
  entraTutorial: 'https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups',
  entraHow: 'https://learn.microsoft.com/entra/identity/app-provisioning/how-provisioning-works',
  okta: 'https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20/',
  catalogue: 'https://www.rfc-editor.org/rfc/rfc7644#section-7',
} as const

type Judge = NonNullable<CheckDef['judge']>

const NAMES: Record<string, string> = { okta: 'Okta', entra: 'Entra ID', onelogin: 'OneLogin', jumpcloud: 'JumpCloud', ping: 'Ping' }

/** Under a profile the expectation does not concern, a broken expectation is information, not a failure. */
function forIdps(breaks: string[], judge: Judge): Judge {
  return (x, ctx) => {
    const out = judge(x, ctx)
    if (!breaks.length || breaks.includes(ctx.idp) || out === undefined) return out
    const who = breaks.map((b) => NAMES[b] ?? b).join(', ')
    return (Array.isArray(out) ? out : [out]).map((f): Finding => (f.ok === false ? { ...f, ok: 'info', reason: `would break ${who}; the ${ctx.idp} profile does not depend on it` } : f))
  }
}

const idp = (id: string, title: string, breaks: string[], source: { idp: string; behaviour: string; url: string }, requirement: string, judge: Judge): CheckDef =>
  defineCheck({ id, title, area: 'idp', level: 'IDP', source, requirement, breaks, judge: forIdps(breaks, judge) })

const answered = (x: Exchange): Finding | undefined => (x.response ? undefined : cannot(`${requestLine(x)} got no response (${x.error?.message ?? 'unknown error'})`))

/** Every string in a JSON value, with where it sits. */
function strings(v: unknown, at = '', out: [string, string][] = []): [string, string][] {
  if (typeof v === 'string') out.push([at, v])
  else if (Array.isArray(v)) v.forEach((e, i) => strings(e, `${at}[${i}]`, out))
  else if (isObject(v)) for (const [k, e] of Object.entries(v)) strings(e, at ? `${at}.${k}` : k, out)
  return out
}

/** The uniqueness the server's /Schemas declares for Group displayName, when it declares one. */
function groupDisplayNameUniqueness(schemas: Record<string, any>[] | undefined): string | undefined {
  const group = (schemas ?? []).find((d) => typeof d?.id === 'string' && d.id.toLowerCase() === 'urn:ietf:params:scim:schemas:core:2.0:group')
  const attr = (Array.isArray(group?.attributes) ? group!.attributes : []).find((a: Json) => typeof a?.name === 'string' && a.name.toLowerCase() === 'displayname')
  return typeof attr?.uniqueness === 'string' ? attr.uniqueness.toLowerCase() : undefined
}

const loose = (s: string) => s.toLowerCase().replace(/[\s()+.-]/g, '')

export const checks: CheckDef[] = [
  idp('idp.inactive-retrievable', 'A deactivated user stays readable and findable', ['entra', 'okta'], { idp: 'entra', behaviour: 'Disable is active=false (soft delete); the user must still be returned whether active or not', url: DOCS.entraTutorial }, 'After active is set to false, the user is still returned by GET on its id and by the userName eq lookup (not 404, not filtered out): IdPs that soft-delete look it up again to reactivate or re-assign it.', (x, ctx) => {
    const none = answered(x)
    if (none) return none
    const id = String(ctx.args.id ?? '')
    const s = x.response!.status
    const body = json(x)
    if (Array.isArray(body?.Resources) || ctx.args.lookup) {
      const found = (Array.isArray(body?.Resources) ? body!.Resources : []).some((r: Json) => String(r?.id) === id)
      return found ? { ok: true, message: 'the deactivated user is still found by its lookup filter' } : { ok: false, message: `Deactivated user disappears from ${requestLine(x)} (${s}): IdPs that soft-delete lose track of it`, expected: `a result with id ${id}`, actual: show(body?.totalResults ?? s) }
    }
    return s === 200 ? { ok: true, message: 'the deactivated user is still readable by id' } : { ok: false, message: `Deactivated user disappears: GET by id answered ${s}`, expected: '200', actual: String(s) }
  }),

  // RFC 7643/7644 say nothing of what deactivation does to memberships, so under other profiles a loss is information
  // only. Entra documents that it does not restore them on reactivation and that the application should keep them.
  {
    ...idp('idp.memberships-kept-inactive', 'A deactivated user keeps its group memberships', ['entra'], { idp: 'entra', behaviour: "When a user goes from soft-deleted to active, the provisioning service activates the user in the target app, but won't automatically restore the group memberships. The target application should maintain the group memberships for the user in inactive state", url: DOCS.entraHow }, 'After a user is deactivated and reactivated, User.groups still lists the groups it belonged to: Entra sends no membership adds on reactivation, so memberships the server dropped stay lost until an admin restarts provisioning.', (x, ctx) => {
      const none = answered(x)
      if (none) return none
      if (x.response!.status !== 200) return cannot(`reading the user back answered ${x.response!.status}`)
      const user = json(x)
      const group = String(ctx.args.group ?? '')
      const raw = isObject(user) ? Object.entries(user).find(([k]) => k.toLowerCase() === 'groups')?.[1] : undefined
      const ids = Array.isArray(raw) ? raw.map((g) => String((g as Json)?.value)) : undefined
      // Absent groups prove a loss only where this server has listed the membership on the user before.
      const shownBefore = ctx.history.some((h) => {
        const j = json(h)
        return isObject(j) && j.id === user?.id && Array.isArray(j.groups) && j.groups.some((g: Json) => String(g?.value) === group)
      })
      if (ids === undefined && !shownBefore) return skip('the server never returned User.groups for this user, so its memberships cannot be seen')
      if (ids?.includes(group)) return { ok: true, message: `after deactivation and reactivation User.groups still lists group ${group}` }
      return { ok: false, message: `User ${String(user?.id)} lost its membership in group ${group} across deactivation and reactivation; Entra does not re-add memberships when it reactivates a user`, expected: `groups containing ${group}`, actual: show(ids ?? []) }
    }),
    args: ['group'],
  },

  idp('idp.group-displayName-unique', 'Group displayName is unique', ['entra'], { idp: 'entra', behaviour: 'Group displayName is unique; Entra matches groups by displayName', url: DOCS.entraTutorial }, 'A second group with an existing displayName is refused with 409: Entra matches groups by displayName, and a duplicate makes its lookups ambiguous.', (x, ctx) => {
    const none = answered(x)
    if (none) return none
    if (x.request.method !== 'POST') return skip(`the profile did not POST a second group (it sent ${requestLine(x)})`)
    const s = x.response!.status
    if (s === 409) return { ok: true, message: 'a duplicate group displayName was refused with 409' }
    // RFC 7643 §2.1 lets a server declare the names non-unique; then a duplicate is its declared behaviour, not a defect.
    if (groupDisplayNameUniqueness(ctx.discovery.schemas) === 'none') {
      return { ok: 'info', message: `Duplicate group displayName accepted (${s}); the server declares Group displayName uniqueness "none", which RFC 7643 §2.1 allows ("none: The values are not intended to be unique in any way"), but Entra matches groups by displayName`, reason: 'the server declares displayName uniqueness none: allowed by RFC 7643, an Entra expectation only' }
    }
    return { ok: false, message: `Duplicate group displayName accepted (${s}): Entra matches groups by displayName`, expected: '409', actual: String(s) }
  }),

  idp('idp.stable-order', 'Unsorted paging returns a stable order', ['okta'], { idp: 'okta', behaviour: 'Imports page with startIndex/count=100 and need a consistent order across pages', url: DOCS.okta }, 'Two identical walks of the user list, without sortBy, return the resources in the same order, so a paged import neither skips nor repeats users.', (x, ctx) => {
    const a = (ctx.args.first as { ids?: unknown[] } | undefined)?.ids
    const b = (ctx.args.second as { ids?: unknown[] } | undefined)?.ids
    if (!Array.isArray(a) || !Array.isArray(b)) return skip('the profile\'s import did not report the ids it walked')
    if (a.length < 2) return skip(`the walk saw ${a.length} user(s); an order needs at least two`)
    const same = a.length === b.length && a.every((id, i) => id === b[i])
    if (same) return { ok: true, message: `two walks of ${a.length} users returned the same order` }
    const i = a.findIndex((id, k) => id !== b[k])
    return { ok: false, message: `Page order not stable: Okta import may skip or duplicate users (first difference at position ${i + 1})`, expected: show(a.slice(Math.max(0, i - 1), i + 2)), actual: show(b.slice(Math.max(0, i - 1), i + 2)) }
  }),

  idp('idp.no-transform', 'Values come back as sent', ['entra'], { idp: 'entra', behaviour: 'Values are stored and returned as sent (no reformatting)', url: DOCS.entraTutorial }, 'A phone number and a mixed-case email come back byte-identical: Entra compares what it sent with what it reads back and re-sends differences forever.', (x, ctx) => {
    const none = answered(x)
    if (none) return none
    if (x.response!.status !== 200) return cannot(`reading the user back answered ${x.response!.status}`)
    const create = stepExchange(ctx, String(ctx.args.after ?? ''))
    const sent = strings(create ? sentBody(create) : undefined).map(([, v]) => v)
    const got = strings(json(x)).map(([, v]) => v)
    const out: Finding[] = []
    for (const value of [ctx.args.phone, ctx.args.email].filter((v): v is string => typeof v === 'string')) {
      if (!sent.includes(value)) {
        out.push(skip(`this profile's create did not send ${show(value)}`))
        continue
      }
      if (got.includes(value)) out.push({ ok: true, message: `${show(value)} came back byte-identical` })
      else {
        const near = got.find((g) => loose(g) === loose(value))
        out.push({ ok: false, message: `${near ? `value transformed from ${show(value)} to ${show(near)}` : `${show(value)} did not come back`}`, expected: value, actual: near ?? '(absent)' })
      }
    }
    return out
  }),

  idp('idp.read-after-write', 'A new resource is readable and writable at once', ['entra'], { idp: 'entra', behaviour: "Microsoft's SCIM validator reads and patches resources immediately after creating them", url: DOCS.entraTutorial }, 'GET and PATCH (or PUT) sent with no delay after the 201 find the resource: no 404 and no 409 from a store that is not yet consistent.', (x) => {
    const none = answered(x)
    if (none) return none
    const s = x.response!.status
    if (s === 404 || s === 409) return { ok: false, message: `Freshly created resource not yet visible: ${describeWrite(x)} answered ${s}${detailOf(x)}`, expected: '2xx', actual: String(s) }
    if (s >= 400) return cannot(`${describeWrite(x)} answered ${s}, for a reason other than visibility`)
    return { ok: true, message: `${x.request.method} right after the create answered ${s}` }
  }),

  idp('idp.test-connection', "The IdP's connection test succeeds", ['okta', 'entra', 'jumpcloud'], { idp: 'okta', behaviour: 'Test API Credentials: GET /Users?count=2&startIndex=1 expects a ListResponse', url: DOCS.okta }, "The request an admin's \"Test connection\" sends succeeds: a user or group query answers 200 with a ListResponse (empty allowed).", (x) => {
    const none = answered(x)
    if (none) return none
    const s = x.response!.status
    if (s < 200 || s >= 300) return { ok: false, message: `the connection test would fail at ${requestLine(x)}: ${s}${detailOf(x)}`, expected: '200', actual: String(s) }
    const listing = /\/(Users|Groups)\/?$/i.test(pathnameOf(x))
    if (listing && !Array.isArray(json(x)?.schemas)) return { ok: false, message: `the connection test would fail at ${requestLine(x)}: the answer is not a ListResponse`, expected: 'ListResponse', actual: x.response!.body.slice(0, 120) || '(empty body)' }
    return { ok: true, message: `the connection test request answered ${s}` }
  }),

  idp('idp.token-rotation', 'A rotated-out token is refused', [], { idp: 'all', behaviour: 'After the operator rotates the token, the old one stops working and the new one works', url: DOCS.catalogue }, 'After rotation the previous bearer token answers 401 and the new one 2xx.', (x, ctx) => {
    const none = answered(x)
    if (none) return none
    const s = x.response!.status
    if (ctx.args.token === 'previous') return s === 401 ? { ok: true, message: 'the rotated-out token answers 401' } : { ok: false, message: `Rotated-out token still accepted (${s})`, expected: '401', actual: String(s) }
    return s >= 200 && s < 300 ? { ok: true, message: `the new token works (${s})` } : { ok: false, message: `the new token is refused (${s})`, expected: '2xx', actual: String(s) }
  }),
]
