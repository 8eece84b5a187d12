import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import schema from '../../src/report/report.schema.json' with { type: 'json' }
import { cli } from '../helpers/cli.js'

describe('scim-check load (CLI)', () => {
  it('prints the results, then the load section: throughput, percentiles, end state and the IdP simulations', async () => {
    const r = await cli(['load', '--builtin', '--idp', 'okta', '--users', '60', '--fault', 'rate-limit-5pct', '--quiet'], { timeoutMs: 60_000 })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Load: okta initial sync/)
    expect(r.stdout).toMatch(/requests\/s/)
    expect(r.stdout).toMatch(/operation\s+count\s+p50\s+p95\s+p99\s+max/)
    expect(r.stdout).toMatch(/End state: as sent/)
    expect(r.stdout).toMatch(/Okta would (need|finish)/)
    expect(r.stdout).toMatch(/Entra would/)
    expect(r.stdout).toMatch(/nothing left behind/)
  }, 70_000)

  it('puts the load section into the JSON report and exits 1 when members are lost', async () => {
    const r = await cli(['load', '--builtin', '--idp', 'entra', '--rate', '0', '--users', '60', '--group-size', '30', '--fault', 'members-lost-under-concurrency', '--reporter', 'json', '--quiet'], { timeoutMs: 60_000 })
    expect(r.code).toBe(1)
    const doc = JSON.parse(r.stdout)
    expect(doc.load.verdict.ok).toBe(false)
    expect(Object.keys(doc.load.latency)).toEqual(expect.arrayContaining(['lookup', 'create', 'group-patch']))
    expect(doc.results.find((x: { id: string }) => x.id === 'load.group-members').status).toBe('fail')
    const ajv = new Ajv({ allErrors: true, strict: true })
    addFormats.default(ajv)
    const validate = ajv.compile(schema)
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true)
  }, 70_000)

  it('refuses more than one IdP and bad numbers before sending anything', async () => {
    const r = await cli(['load', '--builtin', '--idp', 'okta,entra'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/one IdP at a time/)
    const bad = await cli(['load', '--builtin', '--idp', 'okta', '--users', '0'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--users must be a whole number of at least 1/)
  }, 30_000)
})
