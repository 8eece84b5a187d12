import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import type { Exchange } from '../http/exchange.js'
import { CURSOR_SCIM_TYPES, SCIM_TYPES, URN } from '../rfc/urns.js'
import {
  contentType,
  detailOf,
  bodyExcerpt as excerpt,
  hasBody,
  header,
  isError,
  isScimRoute,
  mediaType,
  noResponse,
  pathOf,
  requestLine,
  routeLabel,
  scimError,
  scimTypeFinding,
  sentJson,
  typeName,
  isObject,
  json,
} from './verify.js'

/** RFC 7644 §3.12 and §8.1: SCIM Error responses, judged on every 4xx/5xx and provoked by probes (catalogue §2.3). */

/**
 * Which error responses the ambient Error-body checks judge. 401s are auth.error-body's (one root cause, one
 * finding); a 404 from a route RFC 7644 does not define is errors.unknown-endpoint-404's, where a framework page is WARN.
 */
function judgedError(x: Exchange, ctx: CheckContext): boolean {
  if (!isError(x)) return false
  if (x.response!.status === 401) return false
  return isScimRoute(x, ctx) || x.response!.status !== 404
}

/** 400 with a scimType: the status is the fail-level finding, the scimType a warn-level one (catalogue §1.1). */
function badRequest(x: Exchange, label: string, scimTypes: string[]): Finding[] {
  const r = x.response!
  if (r.status >= 200 && r.status < 300) return [{ ok: false, message: `${label} accepted (${r.status})`, expected: '400', actual: String(r.status) }]
  if (r.status !== 400) return [{ ok: false, message: `${label} answered ${r.status}, expected 400${detailOf(x)}`, expected: '400', actual: String(r.status) }]
  const t = scimTypeFinding(x, scimTypes, label)
  return t.ok === true ? [{ ok: true, message: `${label} answered 400` }] : [{ ok: true, message: `${label} answered 400` }, t]
}

/** JSON types of the core User attributes the wrong-type probes send (RFC 7643 §4.1). */
const CORE_TYPES: Record<string, 'string' | 'boolean'> = { username: 'string', active: 'boolean', displayname: 'string', nickname: 'string', title: 'string' }

/**
 * A type-violating value the server accepted. Table 9 names the keyword for refusing it, but no sentence requires a
 * refusal: a server that converts the value to the attribute's type and returns it so made a choice the RFC leaves
 * open (info). One that stores the value with the wrong type breaks the schema it serves (fail).
 */
function accepted(x: Exchange): Finding {
  const s = x.response!.status
  const sent = sentJson(x)
  const body = json(x)
  const wrong = isObject(sent) ? Object.entries(sent).filter(([k, v]) => CORE_TYPES[k.toLowerCase()] && typeof v !== CORE_TYPES[k.toLowerCase()]) : []
  if (!wrong.length) return { ok: false, message: `Type-violating value accepted (${s})`, expected: '400', actual: String(s) }
  const shown = wrong.map(([k, v]) => `"${k}": ${JSON.stringify(v)}`).join(', ')
  const returned = (k: string) => (body ? Object.entries(body).find(([b]) => b.toLowerCase() === k.toLowerCase())?.[1] : undefined)
  const stored = wrong.filter(([k]) => returned(k) !== undefined && typeof returned(k) !== CORE_TYPES[k.toLowerCase()])
  if (stored.length) {
    const [k] = stored[0]
    return { ok: false, message: `${shown} accepted (${s}) and returned as ${typeName(returned(k))} ${JSON.stringify(returned(k))}: the resource breaks its schema (RFC 7643 §2.3: ${k} is a ${CORE_TYPES[k.toLowerCase()]})`, expected: `400, or ${k} converted to a ${CORE_TYPES[k.toLowerCase()]}`, actual: excerpt(x) }
  }
  const seen = wrong.filter(([k]) => returned(k) !== undefined)
  const how = seen.length ? `returned as ${seen.map(([k]) => `${JSON.stringify(returned(k))}`).join(', ')}` : 'the response does not show the stored value'
  return { ok: 'info', message: `${shown} accepted (${s}) and converted: ${how}`, reason: 'coercion is a choice the RFC leaves open: Table 9 defines invalidValue for such a value but no sentence requires refusing one the server can convert' }
}

export const checks: CheckDef[] = [
  defineCheck({
    id: 'errors.schema',
    title: 'Error responses carry a SCIM Error body',
    area: 'errors',
    level: 'MUST',
    source: rfc(7644, '§3.12'),
    requirement: 'Error responses are returned as JSON whose schemas contain urn:ietf:params:scim:api:messages:2.0:Error.',
    breaks: ['okta', 'entra'],
    ambient(x, ctx) {
      if (!judgedError(x, ctx)) return
      if (scimError(x)) return { ok: true, message: 'SCIM Error body' }
      return { ok: false, message: `${x.response!.status} response to ${routeLabel(x, ctx)} has no SCIM Error body`, expected: `schemas containing ${URN.error}`, actual: excerpt(x) }
    },
  }),
  defineCheck({
    id: 'errors.status-string',
    title: 'Error.status is the HTTP status as a JSON string',
    area: 'errors',
    level: 'MUST',
    source: rfc(7644, '§3.12'),
    requirement: 'status: The HTTP status code … expressed as a JSON string. REQUIRED.',
    ambient(x) {
      const b = isError(x) ? scimError(x) : undefined
      if (!b) return
      if (typeof b.status === 'string') return { ok: true, message: 'status is a string' }
      return { ok: false, message: `Error.status is ${b.status === undefined ? 'missing' : `${typeName(b.status)} ${JSON.stringify(b.status)}`}; it must be the HTTP status as a JSON string`, expected: `"${x.response!.status}"`, actual: JSON.stringify(b.status) ?? '(absent)' }
    },
  }),
  defineCheck({
    id: 'errors.status-match',
    title: 'Error.status equals the HTTP status code',
    area: 'errors',
    level: 'MUST',
    source: rfc(7644, '§3.12'),
    requirement: 'The Error status is the HTTP status code of the response.',
    ambient(x) {
      const b = isError(x) ? scimError(x) : undefined
      if (!b || b.status === undefined) return
      if (String(b.status) === String(x.response!.status)) return { ok: true, message: 'status matches' }
      return { ok: false, message: `Error.status "${b.status}" differs from HTTP ${x.response!.status}`, expected: String(x.response!.status), actual: String(b.status) }
    },
  }),
  defineCheck({
    id: 'errors.scimtype-valid',
    title: 'Error.scimType is a defined keyword',
    area: 'errors',
    level: 'SHOULD',
    source: rfc(7644, '§3.12 Table 9'),
    requirement: 'scimType: A SCIM detail error keyword. See Table 9. OPTIONAL.',
    ambient(x, ctx) {
      const b = isError(x) ? scimError(x) : undefined
      if (!b || b.scimType === undefined) return
      const allowed: string[] = [...SCIM_TYPES]
      // RFC 9865 adds keywords for cursor pagination; accepted only where the server advertises it.
      if (ctx.discovery.spc?.pagination?.cursor === true) allowed.push(...CURSOR_SCIM_TYPES)
      if (typeof b.scimType === 'string' && allowed.includes(b.scimType)) return { ok: true, message: `scimType ${b.scimType}` }
      return { ok: false, message: `Unknown scimType ${JSON.stringify(b.scimType)}`, expected: allowed.join(', '), actual: JSON.stringify(b.scimType) }
    },
  }),
  defineCheck({
    id: 'errors.detail-type',
    title: 'Error.detail is a string',
    area: 'errors',
    level: 'MAY',
    source: rfc(7644, '§3.12'),
    requirement: 'detail: A detailed human-readable message. OPTIONAL.',
    ambient(x) {
      const b = isError(x) ? scimError(x) : undefined
      if (!b || b.detail === undefined) return
      if (typeof b.detail === 'string') return { ok: true, message: 'detail is a string' }
      return { ok: false, message: 'Error.detail is not a string', expected: 'a string', actual: typeName(b.detail) }
    },
  }),
  defineCheck({
    id: 'errors.content-type',
    title: 'Error responses use Content-Type application/scim+json',
    area: 'errors',
    level: 'SHOULD',
    source: rfc(7644, '§8.1'),
    requirement: 'SCIM responses, errors included, SHOULD use the media type application/scim+json.',
    breaks: ['entra'],
    ambient(x, ctx) {
      if (!judgedError(x, ctx) || !hasBody(x)) return
      if (mediaType(x) === 'application/scim+json') return { ok: true, message: 'application/scim+json' }
      return { ok: false, message: `Error response Content-Type "${contentType(x) || '(none)'}"`, expected: 'application/scim+json', actual: contentType(x) || '(none)' }
    },
  }),
  defineCheck({
    id: 'errors.no-5xx',
    title: 'No request causes a server error',
    area: 'errors',
    level: 'SHOULD',
    source: rfc(7644, '§3.12'),
    requirement: 'Client errors are reported with 4xx statuses (or 501 for an unsupported operation); any other 5xx means the server failed on a request it should have handled.',
    breaks: ['okta', 'entra', 'onelogin', 'jumpcloud', 'ping'],
    ambient(x) {
      if (!x.response) return
      // 501 is how RFC 7644 Table 8 says an unsupported operation is declined (spc.capability-consistency judges it).
      if (x.response.status >= 500 && x.response.status !== 501) return { ok: false, message: `${x.request.method} ${pathOf(x)} caused ${x.response.status}`, actual: excerpt(x) }
      return { ok: true, message: 'no 5xx' }
    },
  }),
  defineCheck({
    id: 'errors.unknown-id-404',
    title: 'An unknown id gets 404',
    area: 'errors',
    level: 'MUST',
    source: rfc(7644, '§3.4.1, §3.12 Table 8'),
    requirement: '404 Not Found: the specified resource does not exist. (The Error body is judged by errors.schema.)',
    breaks: ['okta', 'entra'],
    judge(x) {
      if (!x.response) return noResponse(x)
      const s = x.response.status
      if (s === 404) return { ok: true, message: `${requestLine(x)} answered 404` }
      return { ok: false, message: `Unknown id answered ${s}${detailOf(x)}`, expected: '404', actual: String(s) }
    },
  }),
  defineCheck({
    id: 'errors.unknown-endpoint-404',
    title: 'An unknown endpoint gets 404',
    area: 'errors',
    level: 'SHOULD',
    source: rfc(7644, '§3.12 Table 8'),
    requirement: '404 Not Found: the specified endpoint does not exist; a SCIM Error body is expected but a framework page is only a warning.',
    judge(x) {
      if (!x.response) return noResponse(x)
      const s = x.response.status
      if (s !== 404) return { ok: false, message: `Unknown endpoint answered ${s}${detailOf(x)}`, expected: '404', actual: String(s) }
      if (!scimError(x)) return { ok: false, message: 'Unknown endpoint answered 404 without a SCIM Error body', expected: `schemas containing ${URN.error}`, actual: excerpt(x) }
      return { ok: true, message: 'unknown endpoint answered 404 with a SCIM Error' }
    },
  }),
  defineCheck({
    id: 'errors.malformed-json',
    title: 'An unparsable body gets 400 invalidSyntax',
    area: 'errors',
    level: 'MUST',
    source: rfc(7644, '§3.12 Tables 8–9'),
    requirement: '400 Bad Request, scimType invalidSyntax: the request body message structure was invalid or did not conform to the request schema.',
    judge(x) {
      return noResponse(x) ?? badRequest(x, 'Unparsable body', ['invalidSyntax'])
    },
  }),
  defineCheck({
    id: 'errors.wrong-type',
    title: 'A value of the wrong type gets 400 invalidValue',
    area: 'errors',
    level: 'MUST',
    source: rfc(7644, '§3.12 Table 9; RFC 7643 §2.3'),
    requirement: 'invalidValue: A required value was missing, or the value specified was not compatible with the operation or attribute type (see Section 2.2 of [RFC7643]), or resource schema (see Section 4 of [RFC7643]).',
    judge(x) {
      const none = noResponse(x)
      if (none) return none
      const s = x.response!.status
      return s >= 200 && s < 300 ? accepted(x) : badRequest(x, 'Type-violating value', ['invalidValue', 'invalidSyntax'])
    },
  }),
  defineCheck({
    id: 'errors.method-not-allowed',
    title: 'Unsupported methods on read-only endpoints get 405 (or 501) (recorded)',
    area: 'errors',
    // No SCIM sentence names the status for DELETE /ServiceProviderConfig, and RFC 7231 §6.5.5 describes 405 without
    // requiring it, so another answer (404, 400) is recorded, never failed.
    level: 'MAY',
    source: rfc(7644, '§3.2 Table 2, §3.12 Table 8; RFC 7231 §6.5.5'),
    requirement: 'The 405 (Method Not Allowed) status code indicates that the method received in the request-line is known by the origin server but not supported by the target resource. The origin server MUST generate an Allow header field in a 405 response containing a list of the target resource\'s currently supported methods (RFC 7231 §6.5.5).',
    breaks: ['okta'],
    judge(x) {
      if (!x.response) return noResponse(x)
      const s = x.response.status
      if (s === 501) return { ok: true, message: `${x.request.method} answered 501` }
      if (s === 405) {
        if (header(x, 'allow')) return { ok: true, message: `405 with Allow: ${header(x, 'allow')}` }
        return { ok: false, level: 'MUST', message: `${requestLine(x)} answered 405 without an Allow header`, expected: 'Allow: GET', actual: '(absent)' }
      }
      return { ok: false, message: `${x.request.method} on a read-only endpoint answered ${s}${detailOf(x)}`, expected: '405 or 501', actual: String(s) }
    },
  }),
]
