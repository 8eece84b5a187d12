import { describe, expect, it } from 'vitest'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import schema from '../../src/report/report.schema.json' with { type: 'json' }
import { reporter } from '../../src/report/json.js'
import { hostileReport, sampleReport } from './helpers.js'

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: true })
  addFormats.default(ajv)
  return ajv.compile(schema)
}

describe('json reporter', () => {
  it('writes pretty-printed JSON that validates against report.schema.json', () => {
    const out = reporter.render(sampleReport(), { color: false })
    expect(out.endsWith('}\n')).toBe(true)
    expect(out).toContain('\n  "tool": {')
    const validate = validator()
    const doc = JSON.parse(out)
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true)
  })

  it('keeps the documented key order and leaves the transcript out', () => {
    const doc = JSON.parse(reporter.render(sampleReport(), { color: false }))
    expect(Object.keys(doc)).toEqual([
      'tool', 'target', 'idp', 'idps', 'runId', 'startedAt', 'durationMs', 'failOn',
      'summary', 'results', 'matrix', 'compliance', 'leftovers', 'warnings',
    ])
    expect(Object.keys(doc.summary)).toEqual(['passed', 'failed', 'skipped', 'warned', 'info', 'errors', 'total', 'blocked', 'rootCauses'])
    expect(doc).not.toHaveProperty('exchanges')
  })

  it('carries results, matrix, compliance and leftovers as the run computed them', () => {
    const report = sampleReport()
    const doc = JSON.parse(reporter.render(report, { color: false }))
    expect(doc.results).toEqual(report.results)
    expect(doc.matrix).toEqual(report.matrix)
    expect(doc.compliance).toEqual(report.compliance)
    expect(doc.leftovers).toEqual(report.leftovers)
    expect(doc.summary).toEqual({ passed: 5, failed: 1, skipped: 3, warned: 1, info: 1, errors: 1, total: 12, blocked: 2, rootCauses: 1 })
  })

  it('says when the run was incomplete, before the warnings, and hostile strings survive as valid JSON', () => {
    const report = hostileReport()
    const doc = JSON.parse(reporter.render(report, { color: false }))
    expect(Object.keys(doc).slice(-2)).toEqual(['incomplete', 'warnings'])
    expect(doc.incomplete).toBe(report.incomplete)
    expect(doc.results.at(-2).message).toBe(report.results.at(-2)!.message)
    const validate = validator()
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true)
  })

  it('the schema is not vacuous: it rejects a transcript, an unknown status and a skip without reason', () => {
    const validate = validator()
    const doc = JSON.parse(reporter.render(sampleReport(), { color: false }))
    expect(validate({ ...doc, exchanges: [] })).toBe(false)
    const badStatus = structuredClone(doc)
    badStatus.results[0].status = 'passed'
    expect(validate(badStatus)).toBe(false)
    const noReason = structuredClone(doc)
    const skip = noReason.results.find((r: { status: string }) => r.status === 'skip')
    delete skip.reason
    expect(validate(noReason)).toBe(false)
    const noRequirement = structuredClone(doc)
    delete noRequirement.results[0].requirement
    expect(validate(noRequirement)).toBe(false)
    const badCause = structuredClone(doc)
    badCause.results.find((r: { cause?: unknown }) => r.cause).cause = { step: 'deactivate user' }
    expect(validate(badCause)).toBe(false)
    const { summary, ...missing } = doc
    expect(summary).toBeDefined()
    expect(validate(missing)).toBe(false)
  })

  it('matches the sample in fixtures/reports', async () => {
    await expect(reporter.render(sampleReport(), { color: false })).toMatchFileSnapshot('../../fixtures/reports/sample.json')
  })
})
