import { describe, expect, it } from 'vitest'
import { MAX_DETAILED, codeBlock, mdText, reporter } from '../../src/report/markdown.js'
import { summarize, buildMatrix, buildCompliance } from '../../src/result/summary.js'
import type { Result } from '../../src/result/types.js'
import type { RunReport } from '../../src/runner/report.js'
import { hostileReport, sampleReport, singleIdpReport } from './helpers.js'

const md = (report: RunReport) => reporter.render(report, { color: false })

function withResults(base: RunReport, results: Result[]): RunReport {
  return { ...base, results, summary: summarize(results), matrix: buildMatrix(results, base.matrix.scenarios, base.idps), compliance: buildCompliance(results, base.idps) }
}

describe('markdown reporter', () => {
  it('matches the golden sample', async () => {
    await expect(md(sampleReport())).toMatchFileSnapshot('../../fixtures/reports/sample.md')
  })

  it('says the verdict first, after run warnings, with the counts that decide it', () => {
    const lines = md({ ...sampleReport(), incomplete: 'interrupted by SIGINT' }).split('\n')
    expect(lines[0]).toBe('> **Warning:** 7 of 9 requests to /Groups were answered 403 Forbidden: the token may lack group scope, so group results may be vacuous')
    expect(lines[2]).toBe('> **Run incomplete:** interrupted by SIGINT. This report is partial.')
    expect(lines[4]).toBe('## scim-check: ❌ failed at --fail-on must (partial run) — 1 failure, 1 error, 1 warning')
  })

  it('reads green when nothing breaks the run at --fail-on', () => {
    const base = sampleReport({ warnings: [] })
    const green = withResults(base, base.results.filter((r) => r.status === 'pass'))
    const out = md(green)
    expect(out.split('\n')[0]).toBe('## scim-check: ✅ passed at --fail-on must')
    expect(out).not.toContain('### Failures')
    expect(md({ ...sampleReport(), failOn: 'never' })).toContain('✅ passed at --fail-on never — 1 failure, 1 error, 1 warning')
  })

  it('lists failures, then errors, then warnings, each with evidence once per exchange', () => {
    const out = md(sampleReport())
    const fail = out.indexOf('#### ❌ `users.deactivate-active-false`')
    const error = out.indexOf('#### ❓ `users.get-after-create`')
    const warn = out.indexOf('#### ⚠️ `http.etag`')
    expect(fail).toBeGreaterThan(0)
    expect(error).toBeGreaterThan(fail)
    expect(warn).toBeGreaterThan(error)
    expect(out).toContain('okta · user-lifecycle · deactivate user · RFC 7644 3.5.2 · MUST')
    expect(out.match(/<details><summary>Request and response<\/summary>/g)).toHaveLength(2)
    expect(out).toContain('Request, response and reproduction: as for `users.deactivate-active-false` above.')
    expect(out).toContain('```sh\ncurl -sS -i -X PATCH')
    // Passing, skipped and informational results are counted, not listed.
    expect(out).not.toContain('users.create-status')
    expect(out).not.toContain('groups.patch-members')
  })

  it('shows a root cause once, with its requirement and the checks it blocked, which are not failures', () => {
    const out = md(sampleReport())
    expect(out).toContain('- **requirement:** The scenario expects the response to PATCH /Users/{id} to contain {"active":false} (RFC 7644 §3.5.2)')
    expect(out).toContain('- **root cause:** 2 checks blocked: users.read-inactive \\[read inactive\\], users.find-inactive \\[find inactive\\]')
    expect(out).toContain('1 root cause, 2 checks blocked (skipped, never counted as failures)')
    expect(out).not.toContain('#### ⏭️')
  })

  it('shows the matrix only when more than one IdP ran, and leftovers with their ids', () => {
    expect(md(sampleReport())).toContain('| user-lifecycle | ❌ fail | ❓ error |')
    expect(md(singleIdpReport())).not.toContain('Compatibility matrix')
    expect(md(sampleReport())).toContain('- User `2819c223-7f76-453a-919d-413861904646` scim-check-7f3a-alice@example.test: deactivated')
  })

  it('keeps a flood of failures short: evidence for the first MAX_DETAILED, one line for the rest', () => {
    const base = sampleReport()
    const template = base.results.find((r) => r.status === 'fail')!
    const many = Array.from({ length: MAX_DETAILED + 30 }, (_, i) => ({ ...template, id: `flood.n${i}`, exchange: undefined, evidence: { request: `GET /Users/${i}`, response: 'HTTP 500' } }))
    const out = md(withResults(base, many))
    expect(out.match(/^#### /gm)).toHaveLength(MAX_DETAILED)
    expect(out).toContain('30 more failing checks, one line each (their evidence is in the JSON or HTML report):')
    expect(out).toContain('- ❌ `flood.n79` Deactivated user reads back active=false — okta · user-lifecycle · deactivate user')
    expect(Buffer.byteLength(out)).toBeLessThan(64 * 1024)
  })

  it('fits a pull-request comment however large the run: one block per failing check, then a count naming the full report', () => {
    const base = sampleReport()
    const template = base.results.find((r) => r.status === 'fail')!
    // 600 distinct checks with big bodies, and one check failing 40 times.
    const big = 'x'.repeat(2000)
    const many = Array.from({ length: 600 }, (_, i) => ({ ...template, id: `flood.n${i}`, message: `${big} ${i}`, exchange: undefined, evidence: { request: `GET /Users/${i}`, response: `HTTP 500\n\n${big}` } }))
    const same = Array.from({ length: 40 }, (_, i) => ({ ...template, id: 'flood.same', scenario: `scenario-${i}`, exchange: undefined }))
    const out = md(withResults(base, [...same, ...many]))
    expect(out.length).toBeLessThan(60_000)
    expect(out).toMatch(/Also failed 39 more times: okta · scenario-1 · deactivate user; /)
    expect(out).toMatch(/… and \d+ more failing checks not shown: this summary stops at 60,000 characters\. The JSON or HTML report/)
  })

  it('neutralises hostile text: no raw markup, links, control characters or escapes', () => {
    const out = md(hostileReport())
    // Inside code blocks and code spans markup is literal text; everywhere else only the report's own tags appear.
    const prose = out.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/`[^`\n]*`/g, '')
    expect(prose.match(/<[^>]*>/g)?.every((tag) => /^<\/?(details|summary)>$/.test(tag))).toBe(true)
    expect(prose).toContain('&lt;script&gt;')
    expect(out).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/)
    // A code block's content cannot close its fence.
    const block = codeBlock('a ``` b ```` c')
    expect(block.startsWith('`````\n')).toBe(true)
    expect(block.endsWith('\n`````')).toBe(true)
  })

  it('escapes what Markdown would turn into structure', () => {
    expect(mdText('[click](https://evil.example)')).toBe('\\[click\\](https://evil.example)')
    expect(mdText('![x](data:,)')).toBe('!\\[x\\](data:,)')
    expect(mdText('a | b')).toBe('a \\| b')
    expect(mdText('# not a heading')).toBe('\\# not a heading')
    expect(mdText('1. not a list')).toBe('1\\. not a list')
    expect(mdText('*bold* _em_ `code`')).toBe('\\*bold\\* \\_em\\_ \\`code\\`')
    expect(mdText('two\nlines')).toBe('two\\\\nlines')
  })

  it('says so when nothing was judged', () => {
    expect(md(withResults(sampleReport(), []))).toContain('No results: nothing was judged.')
  })
})
