import { defineCheck, rfc, type CheckContext, type CheckDef, type Finding } from './define.js'
import type { Exchange } from '../http/exchange.js'
import { detailOf, header, isListResponse, isObject, json, noResponse, requestLine, scimError, sentHeader } from './verify.js'
import { describe, modelOf } from '../target/model.js'

/** RFC 7644 §2 and §3.12, RFC 7235 §3.1, RFC 6750 §3: authentication (catalogue §2.2). */

/**
 * What the probe authenticated with. An absent Authorization header is visible in the exchange; a made-up token is
 * not (captured headers are redacted), so the step says so with `with: { credentials: invalid }` next to `auth: invalid`.
 */
function credentials(x: Exchange, ctx: CheckContext): 'none' | 'invalid' | 'valid' {
  if (!sentHeader(x, 'authorization')) return 'none'
  return ctx.args.credentials === 'invalid' ? 'invalid' : 'valid'
}

function needs(x: Exchange, ctx: CheckContext, want: 'none' | 'invalid' | 'unauthenticated'): Finding | undefined {
  const got = credentials(x, ctx)
  if (want === 'unauthenticated' ? got !== 'valid' : got === want) return undefined
  const what = want === 'none' ? 'no Authorization header' : want === 'invalid' ? 'a made-up bearer token' : 'no valid credentials'
  return { ok: 'skip', message: `the probe was not sent with ${what}`, reason: `this probe needs ${what}; the request carried ${got} credentials` }
}

/** RFC 7235 §2.1 challenges: `Bearer realm="x", error="invalid_token"` → schemes and the Bearer parameters. */
export function parseChallenges(value: string): { schemes: string[]; bearer?: Record<string, string> } {
  const schemes: string[] = []
  let bearer: Record<string, string> | undefined
  // A scheme is a token followed by whitespace or the end or a comma, not by '=' (which would make it a parameter).
  const re = /(?:^|,)\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?=\s|,|$)((?:\s*,?\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^,\s]*))*)/g
  for (const m of value.matchAll(re)) {
    schemes.push(m[1])
    if (m[1].toLowerCase() === 'bearer') {
      bearer = {}
      for (const p of (m[2] ?? '').matchAll(/([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)/g)) {
        bearer[p[1].toLowerCase()] = p[2].startsWith('"') ? p[2].slice(1, -1).replace(/\\(.)/g, '$1') : p[2]
      }
    }
  }
  return { schemes, bearer }
}

export const checks: CheckDef[] = [
  defineCheck({
    id: 'auth.missing-401',
    title: 'A request without credentials gets 401',
    area: 'auth',
    level: 'MUST',
    source: rfc(7644, '§2, §3.12 Table 8; RFC 7235 §3.1'),
    requirement: 'Service providers authenticate every request; a request without credentials is answered 401 Unauthorized.',
    judge(x, ctx) {
      const skip = needs(x, ctx, 'none')
      if (skip) return skip
      if (!x.response) return noResponse(x)
      const s = x.response.status
      if (s === 401) return { ok: true, message: 'request without credentials answered 401' }
      const open = s >= 200 && s < 300 ? ': endpoint readable without credentials' : ''
      return { ok: false, message: `Request without credentials answered ${s}${open}${detailOf(x)}`, expected: '401', actual: String(s) }
    },
  }),
  defineCheck({
    id: 'auth.invalid-401',
    title: 'An invalid bearer token gets 401',
    area: 'auth',
    level: 'MUST',
    source: rfc(7644, '§3.12 Table 8; RFC 6750 §3.1'),
    requirement: 'A request whose bearer token is invalid is answered 401 Unauthorized (RFC 6750 §3.1 invalid_token).',
    breaks: ['okta'],
    judge(x, ctx) {
      const skip = needs(x, ctx, 'invalid')
      if (skip) return skip
      if (!x.response) return noResponse(x)
      const s = x.response.status
      if (s === 401) return { ok: true, message: 'invalid bearer token answered 401' }
      const open = s >= 200 && s < 300 ? ': a made-up token was accepted' : ''
      return { ok: false, message: `Invalid bearer token answered ${s}${open}${detailOf(x)}`, expected: '401', actual: String(s) }
    },
  }),
  defineCheck({
    id: 'auth.www-authenticate',
    title: '401 responses carry a WWW-Authenticate challenge',
    area: 'auth',
    level: 'MUST',
    source: rfc(7644, '§2; RFC 7235 §3.1; RFC 6750 §3'),
    requirement: 'The server SHALL indicate the supported authentication schemes via the WWW-Authenticate header; a 401 MUST carry at least one challenge (RFC 7235 §3.1).',
    judge(x, ctx) {
      const skip = needs(x, ctx, 'unauthenticated')
      if (skip) return skip
      if (!x.response) return noResponse(x)
      if (x.response.status !== 401) return { ok: 'skip', message: `not a 401 (${x.response.status})`, reason: 'only a 401 must carry a challenge; auth.missing-401 / auth.invalid-401 judge the status' }
      const value = header(x, 'www-authenticate')
      if (!value?.trim()) return { ok: false, message: '401 without WWW-Authenticate challenge', expected: 'WWW-Authenticate: Bearer …', actual: '(absent)' }
      const { schemes, bearer } = parseChallenges(value)
      // scim-check authenticates with bearer tokens, so the challenge must offer Bearer.
      if (!bearer) return { ok: false, message: `401 WWW-Authenticate offers ${schemes.join(', ') || 'no scheme'} but not Bearer, the scheme the client used`, expected: 'a Bearer challenge', actual: value }
      const out: Finding[] = [{ ok: true, message: `WWW-Authenticate: ${value}` }]
      if (credentials(x, ctx) === 'invalid' && bearer.error !== 'invalid_token') {
        out.push({ ok: false, level: 'SHOULD', message: `401 for an invalid token has no error="invalid_token" in its Bearer challenge (RFC 6750 §3.1)`, expected: 'error="invalid_token"', actual: value })
      }
      return out
    },
  }),
  defineCheck({
    id: 'auth.error-body',
    title: '401 responses carry a SCIM Error body',
    area: 'auth',
    level: 'MUST',
    source: rfc(7644, '§3.12'),
    requirement: 'Errors are returned as a SCIM Error message whose status is the HTTP status as a string ("401").',
    breaks: ['okta'],
    judge(x, ctx) {
      const skip = needs(x, ctx, 'unauthenticated')
      if (skip) return skip
      if (!x.response) return noResponse(x)
      if (x.response.status !== 401) return { ok: 'skip', message: `not a 401 (${x.response.status})`, reason: 'auth.missing-401 / auth.invalid-401 judge the status' }
      const err = scimError(x)
      if (!err) return { ok: false, message: '401 body is not a SCIM Error', expected: 'schemas: [urn:ietf:params:scim:api:messages:2.0:Error], status: "401"', actual: x.response.body.slice(0, 200) || '(empty body)' }
      if (err.status !== '401') return { ok: false, message: `401 Error body has status ${JSON.stringify(err.status)}`, expected: '"401"', actual: JSON.stringify(err.status) }
      return { ok: true, message: '401 with a SCIM Error body' }
    },
  }),
  defineCheck({
    id: 'auth.write-rejected',
    title: 'Writes without credentials are rejected and change nothing',
    area: 'auth',
    level: 'MUST',
    source: rfc(7644, '§2, §3.12'),
    requirement: 'Every request is authenticated; an unauthenticated write is answered 401 and has no effect.',
    judge(x, ctx) {
      if (!x.response) return noResponse(x)
      const s = x.response.status
      const verify = ctx.args.verify
      // Follow-up lookups (authenticated) prove the rejected write had no effect.
      if (verify === 'exists') {
        if (s === 200) return { ok: true, message: 'the resource survived an unauthenticated DELETE' }
        return { ok: false, message: `Unauthenticated DELETE took effect: the resource now answers ${s}`, expected: '200', actual: String(s) }
      }
      if (verify === 'absent') {
        const b = json(x)
        if (s !== 200 || !isListResponse(b)) return { ok: 'error', message: `lookup after the unauthenticated POST answered ${s}`, reason: 'could not verify that nothing was created' }
        const n = Array.isArray(b.Resources) ? b.Resources.length : Number(b.totalResults ?? 0)
        if (n === 0) return { ok: true, message: 'nothing was created by the unauthenticated POST' }
        return { ok: false, message: 'Unauthenticated write accepted: the user posted without credentials exists', expected: 'no match', actual: `${n} match(es)` }
      }
      const skip = needs(x, ctx, 'unauthenticated')
      if (skip) return skip
      if (s === 401) return { ok: true, message: `unauthenticated ${x.request.method} answered 401` }
      if (s >= 200 && s < 300) return { ok: false, message: `Unauthenticated write accepted (${s}): ${requestLine(x)}`, expected: '401', actual: String(s) }
      return { ok: false, message: `Unauthenticated ${x.request.method} answered ${s}, expected 401${detailOf(x)}`, expected: '401', actual: String(s) }
    },
  }),
  defineCheck({
    id: 'auth.discovery-public',
    title: 'ServiceProviderConfig is readable without credentials',
    area: 'auth',
    level: 'SHOULD',
    source: rfc(7643, '§5'),
    requirement: "authenticationSchemes … it is RECOMMENDED that service providers make this information available without authentication (the SPC describes how to authenticate).",
    judge(x, ctx) {
      const skip = needs(x, ctx, 'none')
      if (skip) return skip
      if (!x.response) return noResponse(x)
      const b = json(x)
      if (x.response.status === 200 && isObject(b) && Array.isArray(b.authenticationSchemes)) return { ok: true, message: 'ServiceProviderConfig with authenticationSchemes served without credentials' }
      if (x.response.status === 200) return { ok: false, message: 'ServiceProviderConfig served without credentials lacks authenticationSchemes', expected: 'authenticationSchemes', actual: Object.keys(b ?? {}).join(', ') || '(empty)' }
      const s = x.response.status
      if (s === 401 || s === 403) return { ok: false, message: `ServiceProviderConfig requires authentication (${s}); authenticationSchemes SHOULD be public`, expected: '200', actual: String(s) }
      // Only a refusal for credentials says "requires authentication". A 404 is that only when the same document
      // is served with the token (hidden from anonymous callers); otherwise it is absent, which spc.get judges.
      const withToken = modelOf(ctx.discovery).documents.spc
      if (withToken.state === 'ok') return { ok: false, message: `ServiceProviderConfig answers ${s} without credentials but is served with the token; authenticationSchemes SHOULD be public`, expected: '200', actual: String(s) }
      const why = `ServiceProviderConfig answered ${s} without credentials and ${describe(withToken)} with them: it is not offered, which is not a requirement for authentication (judged by spc.get)`
      return { ok: 'skip', message: `skipped: ${why}`, reason: why }
    },
  }),
  defineCheck({
    id: 'auth.forbidden-403',
    title: 'An operation outside the token’s rights gets 403',
    area: 'auth',
    level: 'MUST',
    source: rfc(7644, '§3.12 Table 8'),
    requirement: '403 Forbidden: the operation is not permitted based on the supplied authorization; nothing changes.',
    judge() {
      return { ok: 'skip', message: 'needs a restricted token', reason: 'needs a second, restricted token and an operation it may not perform; scim-check has no configuration input for one yet' }
    },
  }),
]
