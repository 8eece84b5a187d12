import { describe, expect, it } from 'vitest'
import { loadReporter, REPORTER_NAMES } from '../../src/report/index.js'
import type { RunReport } from '../../src/runner/report.js'
import { TOKEN_LIKE, sampleReport } from './helpers.js'

/**
 * Reporters do not redact (the runner does), but they must not leak what only the raw exchanges hold:
 * the token-like value sits in captured headers (Authorization, Cookie, Set-Cookie, X-Api-Key), exactly
 * where the HTTP client's redaction would already have acted. No reporter may print it, whether a result
 * carries its own evidence or the reporter has to excerpt the exchange itself.
 */
function leakyReport(): RunReport {
  const report = sampleReport()
  const exchanges = report.exchanges.map((x) => ({
    ...x,
    request: { ...x.request, headers: { ...x.request.headers, cookie: `sid=${TOKEN_LIKE}`, 'x-api-key': TOKEN_LIKE } },
    response: x.response && { ...x.response, headers: { ...x.response.headers, 'set-cookie': `sid=${TOKEN_LIKE}; HttpOnly` } },
  }))
  // Half the results keep the runner's evidence; the rest make reporters build it from the exchange.
  const results = report.results.map((r, i) => (i % 2 === 0 ? { ...r, evidence: undefined } : r))
  return { ...report, exchanges, results }
}

describe('no reporter invents a secret', () => {
  for (const name of REPORTER_NAMES) {
    for (const opts of [{ color: false }, { color: true }, { color: false, verbose: true }]) {
      it(`${name} ${JSON.stringify(opts)} prints neither the token nor any credential header value`, async () => {
        const reporter = await loadReporter(name)
        const out = reporter.render(leakyReport(), opts)
        expect(out).not.toContain(TOKEN_LIKE)
        expect(out).not.toMatch(/cookie|x-api-key/i)
        const credentials = [...out.matchAll(/Authorization: ([^\n"'\\]*)/g)].map((m) => m[1])
        expect(credentials.length).toBeGreaterThan(0)
        for (const value of credentials) expect(value).toMatch(/^(Bearer )?\$SCIM_TOKEN$/)
        expect(out).not.toMatch(/Bearer (?!\$SCIM_TOKEN)/)
      })
    }
  }
})
