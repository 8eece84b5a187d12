import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { evidenceFor, evidenceOf, excerptRequest, excerptResponse, oneLine, printable, reproduce } from '../../src/report/excerpt.js'
import type { CapturedRequest } from '../../src/http/exchange.js'
import { TOKEN_LIKE, exchange, sampleReport } from './helpers.js'

/** Runs the reproduction line through bash with curl swapped for printf, to see the argv curl would get. */
function argvOf(line: string, env: Record<string, string> = {}): string[] {
  expect(line.startsWith('curl ')).toBe(true)
  const out = execFileSync('bash', ['-c', `printf '%s\\0' ${line.slice('curl '.length)}`], { env: { PATH: process.env.PATH ?? '', ...env } })
  return out.toString('utf8').split('\0').slice(0, -1)
}

const request = (partial: Partial<CapturedRequest>): CapturedRequest => ({
  method: 'POST',
  url: 'https://api.example.test/scim/v2/Users',
  headers: { authorization: `Bearer ${TOKEN_LIKE}`, 'content-type': 'application/scim+json' },
  ...partial,
})

describe('reproduce', () => {
  it('is one line whose token comes from $SCIM_TOKEN, and replays the request exactly', () => {
    const body = JSON.stringify({ userName: "o'brien@example.test", displayName: 'Line\nBreak $HOME `id` \\ "q"' }, null, 2)
    const line = reproduce(request({ body }))
    expect(line).not.toContain('\n')
    expect(line).not.toContain(TOKEN_LIKE)
    expect(line).toContain('-H "Authorization: Bearer $SCIM_TOKEN"')
    const argv = argvOf(line, { SCIM_TOKEN: 'from-env' })
    expect(argv).toEqual([
      '-sS', '-i', '-X', 'POST', 'https://api.example.test/scim/v2/Users',
      '-H', 'Authorization: Bearer from-env',
      '-H', 'Content-Type: application/scim+json',
      '--data-raw', JSON.stringify(JSON.parse(body)),
    ])
  })

  it('keeps a non-JSON body with control characters on one line and byte-exact', () => {
    const body = "a=1\r\nb='2'\ttab\u0001"
    const line = reproduce(request({ body, headers: { 'content-type': 'text/plain' } }))
    expect(line).not.toMatch(/[\r\n\u0001]/)
    expect(argvOf(line).at(-1)).toBe(body)
  })

  it('leaves out the token for unauthenticated probes and -X for GET', () => {
    const line = reproduce(request({ method: 'GET', headers: { accept: 'application/scim+json' } }))
    expect(line).toBe("curl -sS -i 'https://api.example.test/scim/v2/Users' -H 'Accept: application/scim+json'")
  })

  it('copies only a known auth scheme, never a value that could be the secret itself', () => {
    expect(reproduce(request({ headers: { Authorization: `SSWS ${TOKEN_LIKE}` } }))).toContain('-H "Authorization: SSWS $SCIM_TOKEN"')
    const raw = reproduce(request({ headers: { authorization: TOKEN_LIKE } }))
    expect(raw).toContain('-H "Authorization: $SCIM_TOKEN"')
    const spaced = reproduce(request({ headers: { authorization: `${TOKEN_LIKE} more` } }))
    expect(spaced).not.toContain(TOKEN_LIKE)
    expect(reproduce(request({}), { tokenVar: 'SCIM_PREVIOUS_TOKEN' })).toContain('"Authorization: Bearer $SCIM_PREVIOUS_TOKEN"')
  })

  it('replays allow-listed headers only', () => {
    const line = reproduce(
      request({ headers: { authorization: 'Bearer x', cookie: `sid=${TOKEN_LIKE}`, 'x-api-key': TOKEN_LIKE, 'if-match': 'W/"3"', 'user-agent': 'Okta SCIM Client 1.0.0' } }),
    )
    expect(line).not.toContain(TOKEN_LIKE)
    expect(line).toContain(`-H 'If-Match: W/"3"' -H 'User-Agent: Okta SCIM Client 1.0.0'`)
  })
})

describe('excerpts', () => {
  it('a request excerpt shows method, URL, allow-listed headers and the body, never the credentials', () => {
    const text = excerptRequest(request({ headers: { authorization: `Bearer ${TOKEN_LIKE}`, cookie: `a=${TOKEN_LIKE}`, 'content-type': 'application/scim+json' }, body: '{"userName":"a"}' }))
    expect(text).toBe('POST https://api.example.test/scim/v2/Users\nAuthorization: Bearer $SCIM_TOKEN\nContent-Type: application/scim+json\n\n{\n  "userName": "a"\n}')
  })

  it('a response excerpt shows status, allow-listed headers and the body, capped', () => {
    const list = { Resources: Array.from({ length: 40 }, (_, i) => ({ id: String(i) })) }
    const text = excerptResponse(
      { response: { status: 200, headers: { 'content-type': 'application/scim+json', etag: 'W/"1"', 'set-cookie': `s=${TOKEN_LIKE}` }, body: JSON.stringify(list), json: list, truncated: true } },
      { maxLines: 5 },
    )
    const lines = text.split('\n')
    expect(lines.slice(0, 3)).toEqual(['HTTP 200', 'Content-Type: application/scim+json', 'ETag: W/"1"'])
    expect(text).not.toContain(TOKEN_LIKE)
    expect(lines.at(-2)).toMatch(/^… \(\d+ more lines\)$/)
    expect(lines.at(-1)).toBe('… (body truncated at capture)')
  })

  it('caps a long single-line body by characters', () => {
    const text = excerptResponse({ response: { status: 500, headers: {}, body: 'x'.repeat(5000) } }, { maxChars: 100 })
    expect(text).toBe(`HTTP 500\n\n${'x'.repeat(100)}\n… (4900 more characters)`)
  })

  it('says what happened when there was no response', () => {
    expect(excerptResponse({ error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' } })).toBe(
      'no response: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9',
    )
  })

  it('evidenceFor prefers the result evidence and otherwise excerpts the exchange it points at', () => {
    const report = sampleReport()
    const failing = report.results.find((r) => r.status === 'fail')!
    expect(evidenceFor(failing, report.exchanges)).toBe(failing.evidence)
    const bare = { ...failing, evidence: undefined }
    expect(evidenceFor(bare, report.exchanges)).toEqual(evidenceOf(report.exchanges[failing.exchange!]))
    expect(evidenceFor({ ...bare, exchange: undefined }, report.exchanges)).toBeUndefined()
    const shifted = [exchange({ index: 7, scenario: 's', idp: 'okta' })]
    expect(evidenceFor({ ...bare, exchange: 7 }, shifted)?.request).toBe('GET https://api.example.test/scim/v2/Users\nAuthorization: Bearer $SCIM_TOKEN\nAccept: application/scim+json')
  })
})

describe('printable', () => {
  it('turns control characters and bidi overrides into visible escapes, keeping newlines and tabs', () => {
    expect(printable('a\x1b[31mb\u0007\r\n\tc\u202ed')).toBe('a\\u{1b}[31mb\\u{7}\\u{d}\n\tc\\u{202e}d')
    expect(oneLine('a\nb')).toBe('a\\nb')
  })
})
