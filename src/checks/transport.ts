import { defineCheck, rfc, type CheckDef } from './define.js'
import { pathOf, pathnameOf } from '../http/exchange.js'

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/**
 * What the transport itself saw: redirects the client refused to follow, rate limiting it waited out or gave
 * up on, and list walks it had to cut short. Judged by the runner like any other check.
 */
export const checks: CheckDef[] = [
  defineCheck({
    id: 'transport.response',
    title: 'Every request gets a complete HTTP response',
    area: 'transport',
    level: 'MUST',
    source: rfc(7644, '§3.12'),
    requirement: 'Every request is answered with an HTTP response (a SCIM resource, message or error) within the deadline; a timeout, reset or refused request cannot be judged and is reported as error.',
    // Judged by the runner on exchanges that got no response (or that scim-check refused to send).
  }),
  defineCheck({
    id: 'transport.no-redirect',
    title: 'Requests are answered where they are sent, not redirected',
    area: 'transport',
    level: 'SHOULD',
    source: rfc(7644, '§3.12'),
    requirement:
      'RFC 7644 §3.12 lets a service provider answer 307/308 to send the client elsewhere. scim-check never follows a redirect, so the bearer token stays with the origin the user named; a redirected request cannot be judged.',
    ambient(x) {
      const r = x.response
      if (!r) return
      // /Me may legitimately answer 308 (RFC 7644 §3.11); its own check judges that.
      if (!REDIRECTS.has(r.status) || /\/Me\/?$/.test(pathnameOf(x))) return { ok: true, message: 'not redirected' }
      const to = r.headers.location
      const other = to !== undefined && isOtherOrigin(to, x.request.url)
      const where = to === undefined ? 'without a Location header' : `to ${to}${other ? ' (another origin: the token was not sent there)' : ''}`
      const message = `${x.request.method} ${pathOf(x)} was redirected (${r.status}) ${where}; scim-check does not follow redirects: point --url at the final address`
      return { ok: 'error', message, reason: message, expected: 'a direct answer', actual: `${r.status} ${to ?? ''}`.trim() }
    },
  }),
  defineCheck({
    id: 'transport.rate-limit',
    title: 'Rate limiting (429) is waited out within bounds',
    area: 'transport',
    level: 'SHOULD',
    source: rfc(6585, '§4'),
    requirement:
      'A 429 may carry Retry-After. IdPs retry rate-limited calls (Okta honours an integer Retry-After); scim-check waits up to a cap and a few times, then reports the request as not judged.',
    ambient(x) {
      const r = x.response
      if (!r) return
      if (r.status === 429) {
        const after = r.headers['retry-after']
        const why = x.retryStopped ?? 'not retried'
        const message = `${x.request.method} ${pathOf(x)} was rate-limited (429${after !== undefined ? `, Retry-After: ${after}` : ''}) and not retried further: ${why}; raise the test tenant's rate limit`
        return { ok: 'error', message, reason: message, actual: '429' }
      }
      if (x.retry) {
        return { ok: 'info', message: `${x.request.method} ${pathOf(x)} answered 429 first; scim-check waited ${x.retry.waitedMs} ms as Retry-After asked and retry ${x.retry.attempt} got ${r.status}`, reason: 'rate limited, then served after the wait the server asked for' }
      }
      return undefined
    },
  }),
  defineCheck({
    id: 'transport.page-cap',
    title: 'A list walk ends within --max-pages',
    area: 'transport',
    level: 'SHOULD',
    source: rfc(7644, '§3.4.2.4'),
    requirement:
      'An IdP import pages with startIndex and count until totalResults is reached. scim-check stops after --max-pages pages so that a totalResults that never runs out cannot hold the run; a walk cut short cannot be judged.',
  }),
]



function isOtherOrigin(location: string, from: string): boolean {
  try {
    return new URL(location, from).origin !== new URL(from).origin
  } catch {
    return true
  }
}
