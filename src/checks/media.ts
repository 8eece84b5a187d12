import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import type { Exchange } from '../http/exchange.js'
import {
  contentType,
  detailOf,
  hasBody,
  isError,
  isListResponse,
  isLoopback,
  isObject,
  json,
  mediaType,
  noResponse,
  requestLine,
  routeLabel,
  sentHeader,
  typeName,
} from './verify.js'

/** RFC 7644 §3.1, §3.8, §8.1 and §7.2: media types, content negotiation, character encoding and transport (catalogue §2.1). */

const SCIM_JSON = 'application/scim+json'

/** 2xx with a JSON object body: what every negotiation probe needs. */
function answeredJson(x: Exchange): boolean {
  return !!x.response && x.response.status >= 200 && x.response.status < 300 && isObject(x.response.json)
}

/** For probes whose point is a request header: judge only when the header went out as the probe intended. */
function sentAs(x: Exchange, name: string, want: (v: string | undefined) => boolean, what: string): Finding | undefined {
  if (want(sentHeader(x, name))) return undefined
  const why = `this probe needs ${what}, but the request carried ${name}: ${sentHeader(x, name) ?? '(none)'}`
  return { ok: 'skip', message: `not judged: ${why}`, reason: why }
}

/**
 * 406/415 are the media-type checks' own findings; a probe about something else that got one could not judge.
 * Exported for the other areas' probes.
 */
export function negotiationRefused(x: Exchange): Finding | undefined {
  const s = x.response?.status
  if (s !== 406 && s !== 415) return undefined
  const which = s === 406 ? 'media.accept-scim' : 'media.request-scim'
  return { ok: 'skip', message: `${requestLine(x)} answered ${s}`, reason: `the server refused the media type (${s}); judged by ${which}` }
}

/** Did a write with the same media type but no parameters also get 415 earlier in the run? */
function refusesBareType(x: Exchange, ctx: CheckContext): boolean {
  const bare = (sentHeader(x, 'content-type') ?? '').split(';')[0].trim().toLowerCase()
  return ctx.history.some((h) => h !== x && h.response?.status === 415 && sentHeader(h, 'content-type')?.trim().toLowerCase() === bare)
}

function writeAccepted(x: Exchange, label: string): Finding {
  const r = x.response!
  if (r.status === 406) return { ok: 'skip', message: `${requestLine(x)} answered 406`, reason: 'the server refused the Accept header (judged by media.accept-scim), not the request body' }
  if (r.status >= 200 && r.status < 300) return { ok: true, message: `${label} accepted (${r.status})` }
  return { ok: false, message: `POST with Content-Type ${label} refused (${r.status})${detailOf(x)}`, expected: '2xx', actual: String(r.status) }
}

/** The request's Accept names application/json and not application/scim+json. */
function asksJsonOnly(x: Exchange): boolean {
  const types = (sentHeader(x, 'accept') ?? '').split(',').map((t) => t.split(';')[0].trim().toLowerCase())
  return types.includes('application/json') && !types.includes(SCIM_JSON)
}

export const checks: CheckDef[] = [
  defineCheck({
    id: 'media.json-object',
    title: 'Response bodies are JSON objects',
    area: 'media',
    level: 'MUST',
    source: rfc(7644, '§3.1'),
    requirement: 'SCIM responses carry JSON resources and messages; every body except on 204/304 parses as a JSON object.',
    breaks: ['okta', 'entra', 'onelogin', 'jumpcloud', 'ping'],
    ambient(x, ctx) {
      if (!hasBody(x)) return
      const r = x.response!
      if (r.truncated) return { ok: 'skip', message: `${requestLine(x)}: body too large to judge`, reason: r.parseError ?? 'body truncated' }
      if (r.parseError) return { ok: false, message: `${routeLabel(x, ctx)} returned a non-JSON body (${contentType(x) || 'no Content-Type'})`, actual: `${r.body.length} bytes: ${r.parseError}` }
      if (!isObject(r.json)) return { ok: false, message: `${routeLabel(x, ctx)} returned JSON that is not an object`, actual: typeName(r.json) }
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
    ambient(x, ctx) {
      // Error responses are errors.content-type's: one root cause, one finding.
      if (!hasBody(x) || isError(x)) return
      if (mediaType(x) === SCIM_JSON) return { ok: true, message: SCIM_JSON }
      // A client that asked for application/json alone got what it asked for: OneLogin sends Accept: application/json
      // and documents that responses "must be" application/json (developers.onelogin.com/scim/implement-scim-api).
      if (mediaType(x) === 'application/json' && asksJsonOnly(x)) return { ok: true, message: 'application/json, as the request\'s Accept asked' }
      const ct = contentType(x)
      return { ok: false, message: `Responses answered Content-Type "${ct || '(none)'}"; SCIM responses SHOULD use application/scim+json`, expected: SCIM_JSON, actual: `${routeLabel(x, ctx)}: ${ct || '(none)'}` }
    },
  }),
  defineCheck({
    id: 'media.accept-scim',
    title: 'Accept: application/scim+json is served',
    area: 'media',
    level: 'MUST',
    source: rfc(7644, '§3.8'),
    requirement: 'Service providers MUST support the Accept header "Accept: application/scim+json".',
    breaks: ['okta'],
    judge(x) {
      const skip = sentAs(x, 'accept', (v) => !!v && v.toLowerCase().includes(SCIM_JSON), `Accept: ${SCIM_JSON}`)
      if (skip) return skip
      if (!x.response) return noResponse(x)
      if (answeredJson(x)) return { ok: true, message: `Accept: ${SCIM_JSON} answered ${x.response.status} with JSON` }
      return { ok: false, message: `Server rejected Accept: application/scim+json with ${x.response.status}${detailOf(x)}`, expected: '2xx with a JSON body', actual: `${x.response.status} ${contentType(x)}` }
    },
  }),
  defineCheck({
    id: 'media.accept-json',
    title: 'Accept: application/json is served',
    area: 'media',
    level: 'SHOULD',
    source: rfc(7644, '§3.8'),
    requirement: 'Service providers SHOULD support "Accept: application/json"; the format defaults to SCIM JSON.',
    judge(x) {
      const skip = sentAs(x, 'accept', (v) => v?.toLowerCase() === 'application/json', 'Accept: application/json')
      if (skip) return skip
      if (!x.response) return noResponse(x)
      if (answeredJson(x)) return { ok: true, message: `Accept: application/json answered ${x.response.status} with JSON` }
      return { ok: false, message: `Accept: application/json answered ${x.response.status}${detailOf(x)}`, expected: '2xx with a JSON body', actual: `${x.response.status} ${contentType(x)}` }
    },
  }),
  defineCheck({
    id: 'media.accept-absent',
    title: 'A request without Accept gets SCIM JSON',
    area: 'media',
    level: 'SHOULD',
    source: rfc(7644, '§3.8'),
    requirement: 'When the client sends no Accept header, the response format defaults to SCIM JSON (application/scim+json).',
    judge(x) {
      const skip = sentAs(x, 'accept', (v) => v === undefined, 'no Accept header')
      if (skip) return skip
      if (!x.response) return noResponse(x)
      if (answeredJson(x)) return { ok: true, message: `request without Accept answered ${x.response.status} with JSON` }
      return { ok: false, message: `Request without Accept answered ${x.response.status}/${contentType(x) || 'no Content-Type'}`, expected: '2xx with a JSON body', actual: `${x.response.status} ${contentType(x)}` }
    },
  }),
  defineCheck({
    id: 'media.request-scim',
    title: 'Requests with Content-Type application/scim+json are accepted',
    area: 'media',
    level: 'MUST',
    source: rfc(7644, '§3.1, §3.8'),
    requirement: 'SCIM requests carry application/scim+json bodies; a service provider that refuses its own media type cannot be provisioned.',
    breaks: ['okta'],
    judge(x) {
      const skip = sentAs(x, 'content-type', (v) => v?.toLowerCase() === SCIM_JSON, `Content-Type: ${SCIM_JSON}`)
      if (skip) return skip
      return noResponse(x) ?? writeAccepted(x, SCIM_JSON)
    },
  }),
  defineCheck({
    id: 'media.request-json',
    title: 'Requests with Content-Type application/json are accepted',
    area: 'media',
    level: 'SHOULD',
    source: rfc(7644, '§8.1'),
    requirement: 'Older clients send application/json; it is equivalent to application/scim+json for most clients and should be accepted like SCIM JSON.',
    judge(x) {
      const skip = sentAs(x, 'content-type', (v) => v?.toLowerCase() === 'application/json', 'Content-Type: application/json')
      if (skip) return skip
      return noResponse(x) ?? writeAccepted(x, 'application/json')
    },
  }),
  defineCheck({
    id: 'media.request-charset',
    title: 'A charset parameter on the request media type is accepted',
    area: 'media',
    level: 'SHOULD',
    source: rfc(7644, '§8.1'),
    requirement: 'application/scim+json with a charset parameter (Okta sends "; charset=utf-8") should be accepted.',
    breaks: ['okta'],
    judge(x, ctx) {
      const skip = sentAs(x, 'content-type', (v) => !!v && /;\s*charset=/i.test(v), 'a Content-Type with a charset parameter')
      if (skip) return skip
      if (!x.response) return noResponse(x)
      const r = x.response
      if (r.status === 406) return { ok: 'skip', message: `${requestLine(x)} answered 406`, reason: 'the server refused the Accept header (judged by media.accept-scim)' }
      if (r.status === 415 && refusesBareType(x, ctx)) return { ok: 'skip', message: `${requestLine(x)} answered 415`, reason: 'the server refuses this media type even without parameters (judged by media.request-scim)' }
      if (r.status >= 200 && r.status < 300) return { ok: true, message: `charset parameter accepted (${r.status})` }
      return { ok: false, message: `Media type with a charset parameter refused (${r.status})${detailOf(x)}`, expected: '2xx', actual: String(r.status) }
    },
  }),
  defineCheck({
    id: 'media.utf8',
    title: 'Non-ASCII values round-trip as UTF-8',
    area: 'media',
    level: 'MUST',
    source: rfc(7644, '§3.8'),
    requirement: 'SCIM uses JSON, which is UTF-8 encoded; values MUST come back with the same code points.',
    judge(x, ctx) {
      if (!x.response) return noResponse(x)
      const r = x.response
      const negotiation = negotiationRefused(x)
      if (negotiation) return negotiation
      if (r.status < 200 || r.status >= 300) return { ok: false, message: `${requestLine(x)} with non-ASCII values answered ${r.status}${detailOf(x)}`, expected: '2xx', actual: String(r.status) }
      const body = json(x)
      const name = isObject(body?.name) ? body!.name : undefined
      const sent: string[] = []
      const broken: string[] = []
      for (const key of ['givenName', 'familyName'] as const) {
        const want = ctx.args[key]
        if (typeof want !== 'string') continue
        const got = name?.[key]
        if (got === undefined && x.request.method === 'POST') continue // a create may answer without echoing; the read-back decides
        sent.push(want)
        if (got !== want) broken.push(`sent "${want}", got ${got === undefined ? '(absent)' : JSON.stringify(got)}`)
      }
      if (!sent.length) return { ok: 'skip', message: 'nothing to compare', reason: 'the response echoes none of the given names (the read-back decides)' }
      if (!broken.length) return { ok: true, message: `${sent.map((v) => `"${v}"`).join(', ')} preserved` }
      return { ok: false, message: `Non-ASCII value not preserved: ${broken.join('; ')}`, expected: sent.map(codePoints).join(' | '), actual: broken.join('; ') }
    },
  }),
  defineCheck({
    id: 'transport.tls',
    title: 'The endpoint is served over TLS 1.2',
    area: 'transport',
    level: 'MUST',
    source: rfc(7644, '§7.2'),
    requirement: 'The SCIM protocol is based on HTTP and MUST use TLS (TLS 1.2 at the time of writing).',
    breaks: ['entra'],
    judge(_x, ctx) {
      const base = new URL(ctx.baseUrl)
      if (base.protocol === 'http:') {
        if (isLoopback(base.hostname)) return { ok: 'info', message: `Base URL is plain http on loopback (${base.host})`, reason: 'a local test server; TLS is required for any real deployment' }
        return { ok: false, level: 'SHOULD', message: 'Base URL is plain http', expected: 'https', actual: base.protocol }
      }
      // A check never opens its own connections: the TLS 1.2-only handshake the catalogue describes is not made.
      return { ok: 'skip', message: 'TLS 1.2-only handshake not tested', reason: 'scim-check does not yet open a TLS 1.2-only connection; the run reached the https endpoint with the TLS version Node negotiated' }
    },
  }),
  defineCheck({
    id: 'transport.base-uri',
    title: 'The base URL has no query string',
    area: 'transport',
    level: 'MUST',
    source: rfc(7644, '§1.3'),
    requirement: 'Base URI: the SCIM HTTP protocol is described in terms of a path relative to a Base URI. The Base URI MUST NOT contain a query string.',
    judge(_x, ctx) {
      const base = new URL(ctx.baseUrl)
      if (base.search) return { ok: false, message: 'Base URL contains a query string', expected: 'no query string', actual: base.search }
      return { ok: true, message: 'base URL has no query string' }
    },
  }),
  defineCheck({
    id: 'query.unknown-param',
    title: 'Unrecognized query parameters are ignored',
    area: 'query',
    level: 'SHOULD',
    source: rfc(7644, '§3.4.2'),
    requirement: 'Unrecognized query parameters SHOULD be ignored by the service provider.',
    judge(x) {
      if (!x.response) return noResponse(x)
      const r = x.response
      const negotiation = negotiationRefused(x)
      if (negotiation) return negotiation
      if (r.status === 200 && isListResponse(r.json)) return { ok: true, message: 'unknown parameter ignored: 200 ListResponse' }
      if (r.status === 200) return { ok: false, message: 'Unrecognized query parameter changed the response: 200 without a ListResponse', expected: '200 ListResponse', actual: typeName(r.json) }
      return { ok: false, message: `Unrecognized query parameter rejected (${r.status}); it SHOULD be ignored${detailOf(x)}`, expected: '200 ListResponse', actual: String(r.status) }
    },
  }),
]

function codePoints(s: string): string {
  return [...s].map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ')
}
