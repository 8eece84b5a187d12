import { describe, expect, it } from 'vitest'
import { REDACTED, Redactor } from '../../src/http/redact.js'

describe('Redactor.body', () => {
  const r = new Redactor()
  r.addSecret('s3cr3t-token/abc')

  it('keeps a body with nothing to redact byte for byte, spacing and key order included', () => {
    const sent = '{ "userName": "ada@example.com",  "active": true, "name": {"givenName": "Ada"} }'
    expect(r.body(sent)).toBe(sent)
  })

  it('redacts a secret key in any case, Unicode case folding included', () => {
    expect(JSON.parse(r.body('{"userName":"ada","Password":"hunter2"}'))).toEqual({ userName: 'ada', Password: REDACTED })
    // The Kelvin sign lower-cases to an ASCII k: "apiKey" spelled with it is still the api key.
    expect(JSON.parse(r.body('{"api\u212Aey":"k-123"}'))).toEqual({ 'api\u212Aey': REDACTED })
  })

  it('redacts what JSON escapes hide: a key spelled in \\u escapes, a secret with an escaped slash', () => {
    expect(JSON.parse(r.body('{"\\u0070assword":"hunter2"}'))).toEqual({ password: REDACTED })
    const out = r.body('{"note":"s3cr3t-token\\/abc"}')
    expect(out).not.toContain('s3cr3t-token')
    expect(JSON.parse(out)).toEqual({ note: REDACTED })
  })

  it('scrubs a known secret and secret keys from a body that is not JSON', () => {
    const out = r.body('token=s3cr3t-token/abc; "password": "hunter2", trailing')
    expect(out).not.toContain('s3cr3t-token/abc')
    expect(out).not.toContain('hunter2')
  })
})
