import { defineCheck, rfc, type CheckDef } from './define.js'
import { cannot, detailOf, json, requestLine, show } from './verify.js'

/** RFC 7644 §3.11: /Me, an alias for the resource of the authenticated subject, and what to answer without it. */

export const checks: CheckDef[] = [
  defineCheck({
    id: 'me.behaviour',
    title: '/Me answers 501, a 308 redirect, or the resource with its Location',
    area: 'me',
    level: 'SHOULD',
    source: rfc(7644, '§3.11'),
    requirement:
      'A service provider that does NOT support this feature SHOULD respond with HTTP status code 501 (Not Implemented) ... MAY choose to redirect the client using HTTP status code 308 (Permanent Redirect) ... MAY process the SCIM request directly. In any response, the HTTP "Location" header MUST be the permanent location of the aliased resource associated with the authenticated subject.',
    judge(x) {
      if (!x.response) return cannot(`${requestLine(x)} got no response (${x.error?.message ?? 'unknown error'})`)
      const s = x.response.status
      const location = x.response.headers['location']
      if (s === 501) return { ok: true, message: '/Me answered 501 Not Implemented' }
      if (s === 308 || (s >= 200 && s < 300)) {
        if (!location) return { ok: false, level: 'MUST', message: `/Me answered ${s} without Location`, expected: 'Location: the permanent URI of the aliased resource', actual: '(absent)' }
        const self = json(x)?.meta?.location
        if (s !== 308 && typeof self === 'string' && self !== location) return { ok: false, level: 'MUST', message: `/Me answered ${s} with Location ${location}, but the resource's meta.location is ${self}`, expected: self, actual: location }
        return { ok: true, message: `/Me answered ${s} with Location ${location}` }
      }
      // RFC 7644 says 501; many servers answer 404 (catalogue §4 #27).
      return { ok: false, message: `/Me answered ${s}${detailOf(x)}; a server without /Me SHOULD answer 501`, expected: '501, 308 with Location, or the resource with Location', actual: show(s) }
    },
  }),
]
