import { defineCheck, rfc, type CheckDef } from './define.js'
import type { Exchange } from '../http/exchange.js'

const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error'

const hasBody = (x: Exchange) => !!x.response && x.response.status !== 204 && x.response.status !== 304 && x.response.body.length > 0
const isError = (x: Exchange) => !!x.response && x.response.status >= 400
const errorBody = (x: Exchange) => (isError(x) && isObject(x.response!.json) ? (x.response!.json as Record<string, unknown>) : undefined)

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

/** The first set of ambient checks: judged on every response of every scenario and profile. */
export const checks: CheckDef[] = [
  defineCheck({
    id: 'media.json-object',
    title: 'Response bodies are JSON objects',
    area: 'media',
    level: 'MUST',
    source: rfc(7644, '§3.1'),
    requirement: 'SCIM responses carry JSON resources and messages; every body except on 204/304 parses as a JSON object.',
    breaks: ['okta', 'entra', 'onelogin', 'jumpcloud', 'ping'],
    ambient(x) {
      if (!hasBody(x)) return
      const r = x.response!
      if (r.parseError) return { ok: false, message: `${x.request.method} ${pathOf(x)} returned a body that is not JSON: ${r.parseError}`, actual: contentType(x) }
      if (!isObject(r.json)) return { ok: false, message: `${x.request.method} ${pathOf(x)} returned JSON that is not an object`, actual: typeName(r.json) }
      return { ok: true, message: 'body is a JSON object' }
    },
  }),
  defineCheck({
    id: 'media.response-type',
    title: 'Responses use Content-Type application/scim+json',
    area: 'media',
    level: 'SHOULD',
    source: rfc(7644, '§3.1, §8.1'),
    requirement: 'SCIM responses SHOULD use the media type application/scim+json (parameters such as charset are ignored).',
    breaks: ['entra'],
    ambient(x) {
      if (!hasBody(x)) return
      const ct = contentType(x)
      const media = ct.split(';')[0].trim().toLowerCase()
      if (media === 'application/scim+json') return { ok: true, message: 'application/scim+json' }
      return { ok: false, message: `${x.request.method} ${pathOf(x)} answered Content-Type "${ct || '(none)'}"; SCIM responses SHOULD use application/scim+json`, expected: 'application/scim+json', actual: ct || '(none)' }
    },
  }),
  defineCheck({
    id: 'errors.schema',
    title: 'Error responses carry a SCIM Error body',
    area: 'errors',
    level: 'MUST',
    source: rfc(7644, '§3.12'),
    requirement: 'Error responses are returned as JSON whose schemas contain urn:ietf:params:scim:api:messages:2.0:Error.',
    breaks: ['okta', 'entra'],
    ambient(x) {
      if (!isError(x)) return
      const b = errorBody(x)
      const schemas = b?.schemas
      if (Array.isArray(schemas) && schemas.includes(ERROR_URN)) return { ok: true, message: 'SCIM Error body' }
      return { ok: false, message: `${x.response!.status} response to ${x.request.method} ${pathOf(x)} has no SCIM Error body`, expected: `schemas containing ${ERROR_URN}`, actual: excerpt(x) }
    },
  }),
  defineCheck({
    id: 'errors.status-string',
    title: 'Error.status is the HTTP status as a JSON string',
    area: 'errors',
    level: 'MUST',
    source: rfc(7644, '§3.12'),
    requirement: 'status: The HTTP status code ... expressed as a JSON string. REQUIRED.',
    ambient(x) {
      const b = errorBody(x)
      if (!b || !Array.isArray(b.schemas) || !b.schemas.includes(ERROR_URN)) return
      if (typeof b.status === 'string') return { ok: true, message: 'status is a string' }
      return { ok: false, message: `Error.status is ${typeName(b.status)} ${JSON.stringify(b.status)}; it must be the HTTP status as a JSON string`, expected: `"${x.response!.status}"`, actual: JSON.stringify(b.status) }
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
      const b = errorBody(x)
      if (!b || b.status === undefined) return
      if (String(b.status) === String(x.response!.status)) return { ok: true, message: 'status matches' }
      return { ok: false, message: `Error.status "${b.status}" differs from HTTP ${x.response!.status}`, expected: String(x.response!.status), actual: String(b.status) }
    },
  }),
  defineCheck({
    id: 'errors.no-5xx',
    title: 'No request causes a server error',
    area: 'errors',
    level: 'SHOULD',
    source: rfc(7644, '§3.12'),
    requirement: 'Client errors are reported with 4xx statuses; a 5xx means the server failed on a request it should have handled.',
    breaks: ['okta', 'entra', 'onelogin', 'jumpcloud', 'ping'],
    ambient(x) {
      if (!x.response) return
      if (x.response.status >= 500) return { ok: false, message: `${x.request.method} ${pathOf(x)} caused ${x.response.status}`, actual: excerpt(x) }
      return { ok: true, message: 'no 5xx' }
    },
  }),
]

export function pathOf(x: Exchange): string {
  try {
    const u = new URL(x.request.url)
    return u.pathname + u.search
  } catch {
    return x.request.url
  }
}

function contentType(x: Exchange): string {
  return x.response?.headers['content-type'] ?? ''
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`
}

function excerpt(x: Exchange): string {
  const b = x.response?.body ?? ''
  return b.length > 200 ? `${b.slice(0, 200)}…` : b || '(empty body)'
}
