import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { harEntry, readTranscript, toHar, writeTranscript } from '../../src/report/transcript.js'
import { exchange as reportExchange, sampleReport, TOKEN_LIKE } from '../report/helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'scim-check-har-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('HAR transcript', () => {
  it('is HAR 1.2 with the run and each exchange labelled', () => {
    const report = sampleReport()
    const har = toHar(report)
    expect(har.log.version).toBe('1.2')
    expect(har.log.creator).toEqual({ name: 'scim-check', version: '0.1.0' })
    expect(har.log._scimCheck).toEqual({ runId: 'sc-7f3a', target: 'https://api.example.test/scim/v2', builtin: false })
    expect(har.log.entries).toHaveLength(report.exchanges.length)
    const create = har.log.entries[0]
    expect(create.request).toMatchObject({ method: 'POST', url: 'https://api.example.test/scim/v2/Users', httpVersion: 'HTTP/1.1', postData: { mimeType: 'application/scim+json; charset=utf-8' } })
    expect(create.response).toMatchObject({ status: 201, statusText: 'Created', redirectURL: 'https://api.example.test/scim/v2/Users/2819c223-7f76-453a-919d-413861904646', content: { mimeType: 'application/scim+json' } })
    expect(create._scimCheck).toEqual({ index: 0, scenario: 'user-lifecycle', step: 'create user', idp: 'okta', action: 'createUser' })
    // A request that got no answer: status 0 and why.
    const timeout = har.log.entries[2]
    expect(timeout.response.status).toBe(0)
    expect(timeout._scimCheck.error).toEqual({ code: 'UND_ERR_HEADERS_TIMEOUT', message: 'no response headers within 10000 ms' })
  })

  it('keeps credentials out even when the capture did not (a second, blunt guard)', () => {
    const x = reportExchange({
      scenario: 's',
      idp: 'okta',
      request: {
        method: 'POST',
        url: 'https://api.example.test/scim/v2/Users',
        headers: { Authorization: `SSWS ${TOKEN_LIKE}`, cookie: `sid=${TOKEN_LIKE}`, 'x-api-key': TOKEN_LIKE, 'user-agent': 'Okta SCIM Client 1.0.0' },
        body: JSON.stringify({ userName: 'ada', password: 'hunter2hunter2', nested: { client_secret: 'abc' }, ssn: '078-05-1120' }),
      },
      response: { status: 201, headers: { 'set-cookie': `sid=${TOKEN_LIKE}`, 'x-echo': `Bearer ${TOKEN_LIKE}` }, body: `{"echo":"Bearer ${TOKEN_LIKE}","token":"t0k3n-value"}` },
    })
    const text = JSON.stringify(harEntry(x, { redact: ['ssn'], secrets: [TOKEN_LIKE] }))
    expect(text).not.toContain(TOKEN_LIKE)
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('t0k3n-value')
    expect(text).not.toContain('078-05-1120')
    const entry = harEntry(x, { secrets: [TOKEN_LIKE] })
    expect(entry.request.headers).toEqual([
      { name: 'Authorization', value: 'SSWS [REDACTED]' },
      { name: 'cookie', value: '[REDACTED]' },
      { name: 'x-api-key', value: '[REDACTED]' },
      { name: 'user-agent', value: 'Okta SCIM Client 1.0.0' },
    ])
    expect(entry.response.headers).toContainEqual({ name: 'x-echo', value: 'Bearer [REDACTED]' })
    // Without the secret value, the header guard still holds; values elsewhere need the capture's redaction.
    expect(JSON.stringify(harEntry(x).request.headers)).not.toContain(TOKEN_LIKE)
  })

  it('keeps a body that is not JSON as sent, apart from secrets', () => {
    const x = reportExchange({ scenario: 's', idp: 'generic', request: { method: 'POST', url: 'https://api.example.test/scim/v2/Users', headers: {}, body: '{"userName": broken' } })
    expect(harEntry(x).request.postData?.text).toBe('{"userName": broken')
  })

  it('reads back what it wrote, and says what is wrong with anything else, in one line', () => {
    const file = join(dir, 'ok.har')
    writeTranscript(file, sampleReport())
    expect(readTranscript(file).log.entries).toHaveLength(4)
    const bad = (name: string, text: string) => {
      const p = join(dir, name)
      writeFileSync(p, text)
      return () => readTranscript(p)
    }
    expect(() => readTranscript(join(dir, 'missing.har'))).toThrow(/cannot read transcript .*missing\.har: no such file/)
    expect(bad('text.har', 'hello')).toThrow(/text\.har is not JSON .*expected a HAR file/)
    expect(bad('empty.har', '{}')).toThrow(/empty\.har is not a HAR file: it has no log\.entries list/)
    expect(bad('url.har', '{"log":{"entries":[{"request":{"method":"GET","url":"/Users"}}]}}')).toThrow(/url\.har: log\.entries\[0\]\.request\.url is not an absolute http\(s\) URL/)
    expect(bad('method.har', '{"log":{"entries":[{"request":{"method":"G T","url":"http://x/Users"}}]}}')).toThrow(/log\.entries\[0\]\.request\.method is not an HTTP method/)
    const err = (() => {
      try {
        bad('again.har', '[')()
      } catch (e) {
        return e as Error
      }
    })()
    expect(err?.name).toBe('UsageError')
    expect(err?.message).not.toContain('\n')
  })
})
