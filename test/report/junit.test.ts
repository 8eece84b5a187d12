import { describe, expect, it } from 'vitest'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { reporter, xmlAttr, xmlText } from '../../src/report/junit.js'
import type { RunReport } from '../../src/runner/report.js'
import { HOSTILE, hostileReport, sampleReport } from './helpers.js'

type Node = Record<string, any>

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
})

function parse(xml: string): Node {
  const valid = XMLValidator.validate(xml)
  expect(valid, JSON.stringify(valid)).toBe(true)
  return parser.parse(xml).testsuites
}

const cases = (doc: Node): Node[] => doc.testsuite.flatMap((s: Node) => s.testcase)
const count = (list: Node[], tag: string) => list.filter((c) => tag in c).length

/** Characters XML 1.0 does not allow anywhere in a document. */
const ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u

describe('junit reporter', () => {
  it('is well-formed and its counts match the results', () => {
    const report = sampleReport()
    const xml = reporter.render(report, { color: false })
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="scim-check"')).toBe(true)
    const doc = parse(xml)
    const all = cases(doc)
    // The results plus the run suite: "run warnings" and "cleanup" (passing, with system-out).
    expect(all.length).toBe(report.results.length + 2)
    expect(doc.tests).toBe(String(all.length))
    expect(doc.failures).toBe(String(report.summary.failed))
    expect(doc.errors).toBe(String(report.summary.errors))
    expect(doc.skipped).toBe(String(report.summary.skipped))
    expect(count(all, 'failure')).toBe(report.summary.failed)
    expect(count(all, 'error')).toBe(report.summary.errors)
    expect(count(all, 'skipped')).toBe(report.summary.skipped)
    for (const suite of doc.testsuite) {
      expect(suite.tests).toBe(String(suite.testcase.length))
      expect(suite.failures).toBe(String(count(suite.testcase, 'failure')))
      expect(suite.errors).toBe(String(count(suite.testcase, 'error')))
      expect(suite.skipped).toBe(String(count(suite.testcase, 'skipped')))
    }
  })

  it('has a testsuite per IdP/scenario and names testcases "<id> <title> [step]"', () => {
    const doc = parse(reporter.render(sampleReport(), { color: false }))
    expect(doc.testsuite.map((s: Node) => s.name)).toEqual([
      'okta/user-lifecycle', 'okta/group-push', 'entra/user-lifecycle', 'entra/group-push', 'scim-check/run',
    ])
    const failure = cases(doc).find((c) => 'failure' in c)!
    expect(failure.classname).toBe('scim-check.okta.user-lifecycle')
    expect(failure.name).toBe('users.deactivate-active-false Deactivated user reads back active=false [deactivate user]')
    expect(failure.failure.type).toBe('MUST')
    expect(failure.failure.message).toBe('PATCH replace active=false answered 200 but the returned user is still active')
    const text: string = failure.failure['#text']
    expect(text).toContain('requirement: RFC 7644 3.5.2 (MUST)')
    expect(text).toContain('requires: The scenario expects the response to PATCH /Users/{id} to contain {"active":false} (RFC 7644 §3.5.2)')
    expect(text).toContain('expected: active: false')
    expect(text).toContain('actual: active: true')
    expect(text).toContain('PATCH https://api.example.test/scim/v2/Users/')
    expect(text).toContain('reproduce: curl -sS -i -X PATCH')
    const skipped = cases(doc).find((c) => 'skipped' in c && c.name.startsWith('groups.patch-members'))!
    expect(skipped.skipped.message).toBe('ServiceProviderConfig says patch.supported is false')
    const error = cases(doc).find((c) => 'error' in c)!
    expect(error.error.message).toBe('no response headers within 10000 ms (UND_ERR_HEADERS_TIMEOUT)')
  })

  it('keeps timings in seconds', () => {
    const doc = parse(reporter.render(sampleReport(), { color: false }))
    expect(doc.time).toBe('12.345')
    const okta = doc.testsuite.find((s: Node) => s.name === 'okta/user-lifecycle')
    expect(okta.time).toBe('0.460') // create 120 ms + deactivate 340 ms
    const failure = okta.testcase.find((c: Node) => 'failure' in c)
    expect(failure.time).toBe('0.340')
  })

  it('a warning passes with system-out at --fail-on must and fails at --fail-on should', () => {
    const name = (c: Node) => String(c.name).startsWith('http.etag ')
    const atMust = cases(parse(reporter.render(sampleReport(), { color: false }))).find(name)!
    expect(atMust).not.toHaveProperty('failure')
    expect(atMust['system-out']).toContain('warning: ServiceProviderConfig advertises etag support')
    const report = sampleReport({ failOn: 'should' })
    const doc = parse(reporter.render(report, { color: false }))
    const atShould = cases(doc).find(name)!
    expect(atShould.failure.type).toBe('SHOULD')
    expect(doc.failures).toBe(String(report.summary.failed + report.summary.warned))
  })

  it('info passes with its reason in system-out', () => {
    const info = cases(parse(reporter.render(sampleReport(), { color: false }))).find((c) => String(c.name).startsWith('discovery.bulk '))!
    expect(Object.keys(info).filter((k) => !['classname', 'name', 'time', '#text'].includes(k))).toEqual(['system-out'])
    expect(info['system-out']).toContain('bulk.supported is false')
  })

  it('an incomplete run is an error, never green, and leftovers are listed with ids', () => {
    const report: RunReport = { ...sampleReport(), incomplete: 'interrupted by SIGINT after 3 of 5 scenarios' }
    const doc = parse(reporter.render(report, { color: false }))
    const run = doc.testsuite.find((s: Node) => s.name === 'scim-check/run')
    expect(run.testcase.map((c: Node) => c.name)).toEqual(['run complete', 'run warnings', 'cleanup'])
    expect(run.testcase[0].error.message).toBe('run incomplete: interrupted by SIGINT after 3 of 5 scenarios')
    expect(doc.errors).toBe(String(report.summary.errors + 1))
    expect(run.testcase[2]['system-out']).toContain('User 2819c223-7f76-453a-919d-413861904646 scim-check-7f3a-alice@example.test: deactivated')
  })

  it('a clean run has no run suite', () => {
    const doc = parse(reporter.render(sampleReport({ warnings: [], leftovers: [] }), { color: false }))
    expect(doc.testsuite.map((s: Node) => s.name)).not.toContain('scim-check/run')
  })

  it('escapes hostile strings and strips characters XML 1.0 forbids', () => {
    const report = hostileReport()
    const xml = reporter.render(report, { color: false })
    expect(xml).not.toMatch(ILLEGAL)
    expect(xml).not.toContain('<script>')
    expect(xml).not.toContain(']]>')
    const doc = parse(xml)
    const all = cases(doc)
    expect(all.length).toBe(report.results.length + 3)
    expect(doc.failures).toBe(String(report.summary.failed))
    expect(doc.skipped).toBe(String(report.summary.skipped))
    const stripped = HOSTILE.replace(new RegExp(ILLEGAL.source, 'gu'), '')
    expect(stripped).toContain('\ud83d\ude00')
    const bad = all.find((c) => String(c.name).startsWith('users.hostile<script>'))!
    expect(bad.classname).toBe('scim-check.okta.user-lifecycle')
    // fast-xml-parser decodes the standard entities; the character references keep whitespace exact.
    const decode = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    expect(decode(bad.failure.message)).toBe(`Message ${stripped}`)
    expect(decode(bad.failure['#text'])).toContain(`expected: expected ${stripped}`)
    const skip = all.find((c) => c.name.startsWith('users.hostile-skip'))!
    expect(decode(skip.skipped.message)).toBe(`reason ${stripped}`)
  })

  it('xmlText and xmlAttr escape markup and keep whitespace in attributes', () => {
    expect(xmlText('a < b && c > d ]]>')).toBe('a &lt; b &amp;&amp; c &gt; d ]]&gt;')
    expect(xmlAttr(`"x"\n'y'\t`)).toBe('&quot;x&quot;&#10;&apos;y&apos;&#9;')
    expect(xmlText('bell\u0007 esc\u001b nul\u0000 lone\udc00 ok\u{1f600}')).toBe('bell esc nul lone ok\u{1f600}')
  })

  it('matches the sample in fixtures/reports', async () => {
    await expect(reporter.render(sampleReport(), { color: false })).toMatchFileSnapshot('../../fixtures/reports/sample.junit.xml')
  })
})
