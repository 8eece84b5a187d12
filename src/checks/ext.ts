import { defineCheck, rfc, type CheckDef, type Finding } from './define.js'
import { applied, at, cannot, detailOf, isObject, json, key, refersTo, requestLine, same, show, skipped as skip, type Json } from './verify.js'
import { describe, modelOf } from '../target/model.js'

/** RFC 7643 §3.3 and §4.3: the enterprise User extension, and what a server does with extensions in general. */

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'
const ENTERPRISE_ATTRS = ['employeeNumber', 'costCenter', 'organization', 'division', 'department']

const ext = (id: string, title: string, level: CheckDef['level'], section: string, requirement: string, judge: CheckDef['judge'], breaks?: string[]): CheckDef => {
  const m = /^(\d{4}) (.+)$/.exec(section)!
  return defineCheck({ id, title, area: 'ext', level, source: rfc(Number(m[1]), m[2]), requirement, judge, ...(breaks ? { breaks } : {}) })
}

const schemasOf = (r: Json) => (Array.isArray(r.schemas) ? r.schemas.map(String) : [])
const hasUrn = (list: string[], urn: string) => list.some((s) => s.toLowerCase() === urn.toLowerCase())

export const checks: CheckDef[] = [
  ext('ext.create', 'Enterprise attributes are stored under their URN', 'MUST', '7643 §3.3', 'Extension attributes are held in a JSON object keyed by the extension\'s schema URI, and the resource\'s "schemas" lists that URI (RFC 7643 §3, §3.3, §4.3).', applied((r, a) => {
    const sent = (a.values ?? {}) as Json
    const c = key(r, ENTERPRISE)
    const flattened = ENTERPRISE_ATTRS.filter((n) => key(r, n) !== undefined)
    if (flattened.length) return { ok: false, message: `Enterprise attributes flattened to the top level: ${flattened.join(', ')}`, expected: `under "${ENTERPRISE}"`, actual: show(flattened) }
    if (!isObject(c)) return { ok: false, message: 'Enterprise attributes missing: no object under the enterprise URN', expected: show(sent), actual: '(absent)' }
    const lost = Object.keys(sent).filter((n) => !same(key(c, n), sent[n]))
    if (lost.length) return { ok: false, message: `Enterprise attributes missing: ${lost.join(', ')} not returned as sent`, expected: show(sent), actual: show(c) }
    if (!hasUrn(schemasOf(r), ENTERPRISE)) return { ok: false, message: 'Enterprise attributes stored but schemas does not list the enterprise URI', expected: `schemas with ${ENTERPRISE}`, actual: show(r.schemas) }
    return undefined
  }), ['entra']),

  ext('ext.manager', 'manager holds the manager\'s id; displayName is the server\'s', 'MUST', '7643 §4.3', 'manager: The user\'s manager. A complex type that optionally allows service providers to represent organizational hierarchy by referencing the "id" attribute of another User. value: The "id" of the SCIM resource representing the user\'s manager. $ref: The URI of the SCIM resource representing the User\'s manager. displayName: The displayName of the user\'s manager. OPTIONAL and READ-ONLY.', applied((r, a) => {
    const m = at(r, `${ENTERPRISE}:manager`)
    if (!isObject(m)) return { ok: false, message: 'manager value wrong: no manager returned', expected: `{value: ${a.manager}}`, actual: show(m) }
    if (String(key(m, 'value')) !== String(a.manager)) return { ok: false, message: `manager value wrong: ${show(key(m, 'value'))}`, expected: String(a.manager), actual: show(key(m, 'value')) }
    const ref = key(m, '$ref')
    if (ref !== undefined && !refersTo(ref, 'Users', String(a.manager))) return { ok: false, message: `manager $ref wrong: ${show(ref)}`, expected: `…/Users/${a.manager}`, actual: show(ref) }
    if (a.sentDisplayName !== undefined && same(key(m, 'displayName'), a.sentDisplayName)) return { ok: false, message: 'manager displayName wrong: the client-sent (readOnly) displayName was stored', expected: "the manager's own displayName, or none", actual: show(key(m, 'displayName')) }
    return undefined
  }), ['entra']),

  ext('ext.required', 'A required extension is enforced', 'MUST', '7643 §6', 'schemaExtensions ... required: A Boolean value that specifies whether or not the schema extension is required for the resource type. If true, a resource of this type MUST include this schema extension and also include any attributes declared as required in this schema extension.', (x, ctx) => {
    const m = modelOf(ctx.discovery)
    const declared = m.extensions('User')
    if (!declared) return skip(`no User extensions are known: /ResourceTypes ${describe(m.documents.resourceTypes)}`)
    if (!m.resourceType('User')) return skip('no User resource type is advertised at /ResourceTypes')
    // The probe sends no extension at all, so any extension the server marks required must make it fail.
    const required = declared.value.filter((e) => e.required)
    if (!required.length) return skip('the User resource type marks no extension required')
    if (!x.response) return cannot(`${requestLine(x)} got no response`)
    const s = x.response.status
    return s === 400 ? { ok: true, message: `a user without the required extension ${required[0].schema} was refused with 400` } : { ok: false, message: `Required extension ${required.map((e) => e.schema).join(', ')} missing from a created user: POST without it answered ${s}`, expected: '400', actual: String(s) }
  }),

  ext('ext.patch-manager', 'manager can be replaced and removed with PATCH', 'MUST', '7644 §3.5.2', 'replace: If the target location is a single-value attribute, the attributes value is replaced; remove: the attribute and its associated value is removed, and the attribute SHALL be considered unassigned.', applied((r, a) => {
    const m = at(r, `${ENTERPRISE}:manager`)
    if (a.manager === null || a.manager === undefined || a.manager === '') {
      const v = isObject(m) ? key(m, 'value') : m
      return v === undefined || v === null ? undefined : { ok: false, message: `manager PATCH not applied: remove left ${show(m)}`, expected: '(absent)', actual: show(m) }
    }
    return isObject(m) && String(key(m, 'value')) === String(a.manager) ? undefined : { ok: false, message: `manager PATCH not applied: manager is ${show(m)}`, expected: `{value: ${a.manager}}`, actual: show(m) }
  }), ['entra']),

  ext('ext.attributes-param', 'attributes= selects one extension attribute by its URN', 'MUST', '7644 §3.10', 'attributes: A multi-valued list of strings indicating the names of the resource attributes to return in the response, overriding the set of attributes that would be returned by default. Attribute names MUST be in standard attribute notation (Section 3.10) form (RFC 7644 §3.4.2.5).', (x, ctx) => {
    if (x.response?.status !== 200) return { ok: false, message: `URN-qualified attribute selection answered ${x.response?.status ?? x.error?.message}${detailOf(x)}`, expected: '200', actual: String(x.response?.status ?? 'no response') }
    const r = json(x) ?? {}
    const c = key(r, ENTERPRISE)
    if (!isObject(c) || !same(key(c, 'employeeNumber'), ctx.args.employeeNumber)) return { ok: false, message: 'URN-qualified extension attribute selection wrong: employeeNumber missing', expected: show(ctx.args.employeeNumber), actual: show(c) }
    const always = alwaysReturned(ctx)
    const extraTop = Object.keys(r).filter((k) => !['id', 'schemas', 'meta', ENTERPRISE.toLowerCase()].includes(k.toLowerCase()) && !always.has(k.toLowerCase()))
    const extraExt = Object.keys(c).filter((k) => k.toLowerCase() !== 'employeenumber')
    if (extraTop.length || extraExt.length) return { ok: false, message: `URN-qualified extension attribute selection wrong: also returned ${[...extraTop, ...extraExt].join(', ')}`, expected: 'id and employeeNumber only (schemas, meta tolerated)', actual: show([...extraTop, ...extraExt]) }
    return { ok: true, message: 'only id and the selected extension attribute came back' }
  }),

  ext('ext.unknown-extension', 'A create carrying an undeclared extension', 'MAY', '7643 §3', '"schemas" ... Each String value must be a unique URI. All representations of SCIM schemas MUST include a non-empty array with value(s) of the URIs supported by that representation; what a server does with an undeclared extension in a request is not stated (catalogue §4 #20).', (x) => {
    if (!x.response) return cannot(`${requestLine(x)} got no response`)
    const s = x.response.status
    if (s >= 200 && s < 300) {
      const body = json(x) ?? {}
      const kept = Object.keys(body).filter((k) => k.toLowerCase().startsWith('urn:example:'))
      return kept.length ? { ok: 'info', message: `the undeclared extension was accepted and echoed (${s})`, reason: 'recorded: an undeclared extension is stored (schemas.covers-resources judges the representation)' } : { ok: true, message: `the undeclared extension was ignored (${s})` }
    }
    return { ok: 'info', message: `a create carrying an undeclared extension answered ${s}${detailOf(x)}`, reason: 'recorded: undeclared extensions are refused; Entra adds its own schema URI to group creates' } as Finding
  }, ['entra']),
]

function alwaysReturned(ctx: Parameters<NonNullable<CheckDef['judge']>>[1]): Set<string> {
  const s = ctx.discovery.schemas?.find((d) => d?.id === 'urn:ietf:params:scim:schemas:core:2.0:User')
  return new Set((Array.isArray(s?.attributes) ? s.attributes : []).filter((a: Json) => a?.returned === 'always').map((a: Json) => String(a.name).toLowerCase()))
}
