import { describe, expect, it } from 'vitest'
import { reporter } from '../../src/report/pretty.js'
import type { RunReport } from '../../src/runner/report.js'
import { hostileReport, sampleReport, singleIdpReport } from './helpers.js'

const plain = (report: RunReport, verbose = false) => reporter.render(report, { color: false, verbose })
/** The full listing: every check, scenario by scenario (what --verbose prints). */
const full = (report: RunReport) => plain(report, true)

describe('pretty reporter', () => {
  it('writes no ANSI code at all when colour is off', () => {
    expect(plain(sampleReport())).not.toContain('\x1b[')
    expect(plain(sampleReport(), true)).not.toContain('\x1b[')
  })

  it('colours status symbols when colour is on', () => {
    const out = reporter.render(sampleReport(), { color: true })
    expect(out).toContain('\x1b[31m✗\x1b[39m')
    expect(out).toContain('\x1b[32m✓\x1b[39m')
    expect(out).toContain('\x1b[33m!\x1b[39m')
    expect(out).toContain('\x1b[35m?\x1b[39m')
  })

  it('puts run warnings and an incomplete run before anything else', () => {
    const out = plain({ ...sampleReport(), incomplete: 'interrupted by SIGINT' })
    const lines = out.split('\n')
    expect(lines[0]).toBe('! 7 of 9 requests to /Groups were answered 403 Forbidden: the token may lack group scope, so group results may be vacuous')
    expect(lines[1]).toBe('! Run incomplete: interrupted by SIGINT. This report is partial.')
    expect(lines[3]).toMatch(/^scim-check 0\.1\.0 · https:\/\/api\.example\.test\/scim\/v2 · okta, entra · run sc-7f3a · 12\.3s$/)
  })

  it('groups by IdP then scenario, one line per result with symbol, id, title and step', () => {
    const out = full(sampleReport())
    const okta = out.indexOf('\nokta\n')
    const entra = out.indexOf('\nentra\n')
    expect(okta).toBeGreaterThan(0)
    expect(entra).toBeGreaterThan(okta)
    expect(out).toContain('  ✗ user-lifecycle\n    ✓ users.create-status  Create answers 201 Created  [create user]\n')
    expect(out).toContain('    - groups.patch-members  PATCH adds and removes members  [add members] — ServiceProviderConfig says patch.supported is false\n')
    expect(out).toContain('    i discovery.bulk  Bulk operations — ServiceProviderConfig bulk.supported is false')
  })

  it('explains a failure: message, source and level, expected vs actual, excerpts, reproduction', () => {
    const out = full(sampleReport())
    const start = out.indexOf('✗ users.deactivate-active-false')
    const block = out.slice(start, out.indexOf('\n        ↳', start))
    expect(block).toContain('\n        PATCH replace active=false answered 200 but the returned user is still active\n')
    expect(block).toContain('\n        RFC 7644 3.5.2 · MUST\n')
    expect(block).toContain('\n        requires: The scenario expects the response to PATCH /Users/{id} to contain {"active":false} (RFC 7644 §3.5.2)\n')
    expect(block).toContain('\n        expected: active: false\n        actual:   active: true\n')
    expect(block).toContain('\n        request:\n          PATCH https://api.example.test/scim/v2/Users/2819c223-7f76-453a-919d-413861904646\n          Authorization: Bearer $SCIM_TOKEN\n')
    expect(block).toContain('\n        response:\n          HTTP 200\n')
    expect(block).toMatch(/\n {8}reproduce: curl -sS -i -X PATCH '[^'\n]+' -H "Authorization: Bearer \$SCIM_TOKEN" [^\n]+$/)
  })

  it('shows a root cause once, with the checks it blocked beneath it instead of as lines of their own', () => {
    const out = plain(sampleReport())
    expect(out).toContain('      ↳ 2 checks blocked: users.read-inactive [read inactive], users.find-inactive [find inactive]\n')
    expect(out).not.toContain('- users.read-inactive')
    const verbose = full(sampleReport())
    expect(verbose).toContain('1 root cause, 2 checks blocked (skipped, never counted as failures)\n')
    expect(verbose).toContain('        ↳ 2 checks blocked:\n          - users.read-inactive  [read inactive]\n          - users.find-inactive  [find inactive]\n')
  })

  it('a blocked result whose root cause is not in the report is still shown, naming its cause', () => {
    const report = sampleReport()
    const out = full({ ...report, results: report.results.filter((r) => r.id !== 'users.deactivate-active-false') })
    expect(out).toContain('- users.read-inactive  Deactivated user: read inactive  [read inactive] — blocked by users.deactivate-active-false at deactivate user')
  })

  it('prints an exchange once: a second verdict on it points back', () => {
    const out = full(sampleReport())
    expect(out.match(/reproduce: curl -sS -i -X PATCH/g)).toHaveLength(1)
    expect(out).toContain('        request, response and reproduction: as for users.deactivate-active-false above\n')
  })

  it('explains an error with its reason and the transport failure', () => {
    const out = full(sampleReport())
    expect(out).toContain('    ? users.get-after-create  A created user can be read back by id  [get user]\n')
    expect(out).toContain('        reason:   no response headers within 10000 ms (UND_ERR_HEADERS_TIMEOUT)\n')
    expect(out).toContain('          no response: UND_ERR_HEADERS_TIMEOUT no response headers within 10000 ms\n')
  })

  it('lists every ambient check only when verbose', () => {
    const quiet = plain(sampleReport())
    expect(quiet).not.toContain('http.content-type')
    const verbose = plain(sampleReport(), true)
    expect(verbose.match(/✓ http\.content-type {2}Responses are application\/scim\+json/g)).toHaveLength(2)
    expect(verbose).toContain('✓ http.content-type  Responses are application/scim+json  [create user] — 1 response checked\n')
    expect(verbose).not.toContain('ambient checks passed')
  })

  it('by default: the matrix, then each finding once (root causes with what they blocked), then a recap', () => {
    const out = plain(sampleReport())
    expect(out).toContain('│ Scenario       │ okta │ entra │')
    expect(out).toContain('│ user-lifecycle │ ✗    │ ?     │')
    expect(out).toMatch(/\nFindings \(\d+\)\n/)
    expect(out).toContain('  ✗ users.deactivate-active-false')
    expect(out).toContain('      ↳ 2 checks blocked: users.read-inactive [read inactive], users.find-inactive [find inactive]\n')
    // Passes and blocked checks are not listed one by one.
    expect(out).not.toContain('✓ users.create-status')
    expect(out).not.toContain('- users.read-inactive')
    expect(out).toMatch(/\n\d+ failures?, 2 checks blocked, 1 warning, \d+ passed, \d+ info, \d+ skipped; compliant at MUST: no\nCompatible: okta no \(1\) · entra no \(1\)\nRun fails at --fail-on must\.\n/)
    expect(out.indexOf('Findings')).toBeGreaterThan(out.indexOf('│ Scenario'))
    expect(out.indexOf('Run fails')).toBeLessThan(out.indexOf('Leftovers'))
  })

  it('an ambient check that fails is shown with its details', () => {
    const report = sampleReport()
    const failing = { ...report.results[1], status: 'fail' as const, message: 'Content-Type was text/html', expected: 'application/scim+json', actual: 'text/html' }
    const out = full({ ...report, results: [failing, ...report.results.slice(2)] })
    expect(out).toContain('✗ http.content-type  Responses are application/scim+json  [create user]\n        Content-Type was text/html\n')
  })

  it('ends with the summary table, the matrix, the verdicts and leftovers', () => {
    const out = full(sampleReport())
    expect(out).toContain('│ Passed │ Failed │ Warnings │ Info │ Skipped │ Errors │ Total │')
    expect(out).toContain('│ 5      │ 1      │ 1        │ 1    │ 3       │ 1      │ 12    │')
    expect(out).toContain('│ Scenario       │ okta │ entra │')
    expect(out).toContain('│ user-lifecycle │ ✗    │ ?     │')
    expect(out).toContain('│ group-push     │ -    │ ✓     │')
    expect(out).toContain('\nCompliant at MUST level: no\nCompatible with okta: no (1 failure)\nCompatible with entra: no (1 failure)\nRun fails at --fail-on must.\n')
    expect(out).toContain('Leftovers: 1 resource the run could not delete (remove by id):\n  User 2819c223-7f76-453a-919d-413861904646 scim-check-7f3a-alice@example.test: deactivated — DELETE')
    expect(out.indexOf('Summary')).toBeLessThan(out.indexOf('Compliant at MUST level'))
    expect(out.indexOf('Compliant at MUST level')).toBeLessThan(out.indexOf('Leftovers'))
  })

  it('shows leftovers in red when colour is on', () => {
    const out = reporter.render(sampleReport(), { color: true })
    expect(out).toMatch(/\x1b\[31m {2}User 2819c223-7f76-453a-919d-413861904646 /)
  })

  it('shows no matrix for a single IdP', () => {
    const out = full(singleIdpReport())
    expect(out).not.toContain('Compatibility matrix')
    expect(out).toContain('Compatible with okta: no (1 failure)')
    expect(out).not.toContain('entra')
  })

  it('a passing run says so', () => {
    const report = singleIdpReport()
    const results = report.results.filter((r) => r.status === 'pass')
    const out = plain({
      ...report,
      results,
      summary: { total: 3, passed: 3, failed: 0, warned: 0, skipped: 0, info: 0, errors: 0, blocked: 0, rootCauses: 0 },
      compliance: { sections: [], mustCompliant: true, idps: { okta: { compatible: true, failures: 0 } } },
      leftovers: [],
      warnings: [],
    })
    expect(out.startsWith('scim-check 0.1.0')).toBe(true)
    expect(out).toContain('compliant at MUST: yes\nCompatible: okta yes\nRun passes at --fail-on must.\n')
    expect(out).not.toContain('Findings')
    expect(out).not.toContain('Leftovers')
  })

  it('a hostile target cannot write escape codes or break lines of one-line fields', () => {
    const report = hostileReport()
    const out = full(report)
    expect(out).not.toContain('\x1b')
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/)
    expect(out).toContain('\\u{1b}[31mred')
    expect(out).toContain('\u{1f600}')
    const line = out.split('\n').find((l) => l.includes('✗ users.hostile'))!
    expect(line).toContain('[step <script>')
    expect(line).toContain('new\\nline]')
    expect(out).toContain('! Run incomplete: interrupted <script>')
  })

  it('renders an empty run without throwing', () => {
    const report = sampleReport({ results: [], warnings: [], leftovers: [] })
    expect(plain(report)).toContain('No results: nothing was judged.')
  })

  it('matches the sample in fixtures/reports', async () => {
    await expect(plain(sampleReport())).toMatchFileSnapshot('../../fixtures/reports/sample.pretty.txt')
    await expect(plain(sampleReport(), true)).toMatchFileSnapshot('../../fixtures/reports/sample.pretty-verbose.txt')
  })
})
