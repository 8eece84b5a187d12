import { describe, expect, it } from 'vitest'
import { attr, esc, reporter } from '../../src/report/html/index.js'
import { buildCompliance, buildMatrix, summarize } from '../../src/result/summary.js'
import type { RunReport } from '../../src/runner/report.js'
import { HOSTILE, hostileReport, sampleReport, singleIdpReport } from './helpers.js'

const html = (report: RunReport) => reporter.render(report, { color: false })

/** The rows of one table, as arrays of cell texts (tags stripped). */
function tableRows(page: string, id: string): string[][] {
  const table = new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(page)?.[0] ?? ''
  return [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1].replace(/<[^>]+>/g, '').trim()))
}

describe('html reporter', () => {
  it('is one self-contained file that cannot load anything', () => {
    const page = html(sampleReport())
    expect(page.startsWith('<!doctype html>')).toBe(true)
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`)
    expect(page).not.toMatch(/<link\b|<img\b|<iframe\b|\bsrc=|@import|url\(/i)
    expect(page.match(/<script\b/g)).toHaveLength(1)
    expect(page.match(/<style\b/g)).toHaveLength(1)
    // The only absolute links are requirement sources a reader may follow; nothing is fetched on load.
    for (const m of page.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^(#|https:\/\/learn\.microsoft\.com\/|https:\/\/www\.rfc-editor\.org\/rfc\/rfc\d+(#section-[\d.]+)?$)/)
  })

  it('renders the same bytes for the same report (no clock, no randomness)', () => {
    expect(html(sampleReport())).toBe(html(sampleReport()))
  })

  it('shows the compliance matrix, scenario × IdP, linking each cell to its results', () => {
    const page = html(sampleReport())
    expect(tableRows(page, 'matrix')).toEqual([
      ['Scenario', 'okta', 'entra'],
      ['user-lifecycle', '✗ fail', '? error'],
      ['group-push', '- skip', '✓ pass'],
    ])
    const link = /<a href="#(cell\d+)" data-pick-idp="entra">\? error<\/a>/.exec(page)
    expect(link).not.toBeNull()
    expect(page).toMatch(new RegExp(`<section class="cell" id="${link![1]}" data-idp="entra">.*<h3>user-lifecycle</h3>`))
    // One IdP still gets its matrix: it is the page's overview.
    expect(tableRows(html(singleIdpReport()), 'matrix')[0]).toEqual(['Scenario', 'okta'])
  })

  it('summarises by RFC section, marking sections with failures', () => {
    const rows = tableRows(html(sampleReport()), 'sections')
    expect(rows[0]).toEqual(['Section', 'Level', 'Passed', 'Failed', 'Warnings', 'Skipped'])
    expect(rows).toContainEqual(['RFC 7644 3.5.2', 'MUST', '0', '1', '0', '2'])
    expect(rows).toContainEqual(['RFC 7644 3.14', 'SHOULD', '0', '0', '1', '0'])
    expect(html(sampleReport())).toContain('<tr class="failing"><td>RFC 7644 3.5.2</td>')
  })

  it('shows every failure, warning and error with its request, response and reproduction', () => {
    const report = sampleReport()
    const page = html(report)
    const detailed = report.results.filter((r) => r.status === 'fail' || r.status === 'warn' || r.status === 'error')
    for (const r of detailed) {
      const item = new RegExp(`<li class="result" id="r\\d+" data-status="${r.status}" data-idp="${r.idp}"><div class="line">.*?${r.id.replace(/\./g, '\\.')}[\\s\\S]*?</li>`).exec(page)?.[0]
      expect(item, r.id).toBeDefined()
      expect(item).toContain('<h4>Request</h4><pre>\n')
      expect(item).toContain('<h4>Response</h4><pre>\n')
      expect(item).toContain('<h4 class="muted">Reproduce <button type="button" class="copy" data-copy hidden>copy</button></h4><pre>\ncurl -sS -i')
    }
    expect(page).toContain('<pre>\nPATCH https://api.example.test/scim/v2/Users/2819c223-7f76-453a-919d-413861904646\nAuthorization: Bearer $SCIM_TOKEN\n')
    expect(page).toContain('<pre>\nno response: UND_ERR_HEADERS_TIMEOUT no response headers within 10000 ms\n</pre>')
    // Every result is on the page for the filters, passes included.
    expect(page.match(/<li class="result"/g)).toHaveLength(report.results.length)
  })

  it('shows the requirement and, under a root cause, the checks it blocked; those stay listed as skips naming it', () => {
    const page = html(sampleReport())
    expect(page).toContain('<dt>requirement</dt><dd>The scenario expects the response to PATCH /Users/{id} to contain {"active":false} (RFC 7644 §3.5.2)</dd>')
    expect(page).toContain('<dt>root cause of</dt><dd>2 checks blocked: users.read-inactive [read inactive], users.find-inactive [find inactive]</dd>')
    expect(page).toContain('<li>1 root cause, 2 checks blocked (skipped, never counted as failures)</li>')
    expect(page).toMatch(/data-status="skip"[^>]*><div class="line">.*users\.read-inactive.*blocked by users\.deactivate-active-false at deactivate user/)
  })

  it('offers filters for status and IdP, starting on the problems', () => {
    const page = html(sampleReport())
    const checked = [...page.matchAll(/<input type="checkbox" name="status" value="(\w+)"( checked)?>/g)].map((m) => `${m[1]}${m[2] ? '+' : ''}`)
    expect(checked).toEqual(['fail+', 'error+', 'warn+', 'info', 'skip', 'pass'])
    expect([...page.matchAll(/<option value="([^"]*)">/g)].map((m) => m[1])).toEqual(['', 'okta', 'entra'])
    // With nothing wrong, everything is shown from the start.
    const base = sampleReport()
    const passes = base.results.filter((r) => r.status === 'pass')
    const green = html({ ...base, results: passes, summary: summarize(passes), matrix: buildMatrix(passes, base.matrix.scenarios, base.idps), compliance: buildCompliance(passes, base.idps) })
    expect(green.match(/name="status" value="\w+" checked>/g)).toHaveLength(6)
    expect(green).toContain('<strong>Run passes at --fail-on must</strong>')
  })

  it('puts warnings and an incomplete run first, and lists leftovers with ids', () => {
    const page = html({ ...sampleReport(), incomplete: 'interrupted by SIGINT' })
    const banner = page.indexOf('<div class="banner" role="alert"><strong>Warning:</strong> 7 of 9 requests')
    const partial = page.indexOf('<strong>Run incomplete:</strong> interrupted by SIGINT. This report is partial.')
    expect(banner).toBeGreaterThan(0)
    expect(partial).toBeGreaterThan(banner)
    expect(partial).toBeLessThan(page.indexOf('id="verdict"'))
    expect(tableRows(page, 'leftovers')[1]).toEqual(['User', '2819c223-7f76-453a-919d-413861904646', 'scim-check-7f3a-alice@example.test', 'deactivated', 'DELETE /Users/2819c223-7f76-453a-919d-413861904646 answered 405 Method Not Allowed'])
  })

  it('renders hostile text as text: no markup, no control characters, attributes stay closed', () => {
    const page = html(hostileReport())
    expect(page.match(/<script\b/g)).toHaveLength(1)
    expect(page).not.toContain(']]> \u0000')
    expect(page).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/)
    expect(page).toContain('&lt;script&gt;&amp;amp;')
    expect(esc(HOSTILE)).not.toMatch(/[<>]/)
    expect(attr(`x" onmouseover="alert(1)`)).toBe('x&quot; onmouseover=&quot;alert(1)')
    const evil = sampleReport()
    evil.results[4] = { ...evil.results[4], source: { idp: 'okta', behaviour: 'b', url: 'javascript:alert(1)' } }
    expect(html(evil)).not.toContain('javascript:')
  })

  it('says so when nothing was judged', () => {
    const base = sampleReport()
    const empty = html({ ...base, results: [], summary: summarize([]), matrix: buildMatrix([], [], base.idps), compliance: buildCompliance([], base.idps) })
    expect(empty).toContain('No results: nothing was judged.')
    expect(empty).toContain('No scenario ran.')
  })

  it('keeps a whole long body one click away and a copy button beside each reproduction', () => {
    const report = sampleReport()
    const fail = report.results.find((r) => r.status === 'fail' && r.exchange !== undefined)!
    const x = report.exchanges.find((e) => e.index === fail.exchange)!
    const long = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u1', note: 'y'.repeat(20_000), tail: 'the-end-of-the-body' })
    const page = html({ ...report, results: report.results.map((r) => (r === fail ? { ...r, evidence: undefined } : r)), exchanges: report.exchanges.map((e) => (e === x ? { ...e, response: { ...e.response!, body: long, json: JSON.parse(long) } } : e)) })
    expect(page).toMatch(/<details class="full"><summary>Whole response body \(\d+ characters\)<\/summary>/)
    expect(page).toContain('the-end-of-the-body')
    expect(page).toContain('<button type="button" class="copy" data-copy hidden>copy</button>')
  })
})
