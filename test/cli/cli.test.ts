import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Ajv from 'ajv'
import { XMLValidator } from 'fast-xml-parser'
import { startServer, type RunningServer } from '../../src/server/index.js'
import schema from '../../src/report/report.schema.json' with { type: 'json' }
import { cli } from '../helpers/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'scim-check-cli-'))

/** A usage error is one line on stderr and exit 2, never a stack trace. */
function expectUsageError(r: { code: number | null; stderr: string }, text: RegExp) {
  expect(r.code).toBe(2)
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
  expect(r.stderr).toMatch(text)
  expect(r.stderr).not.toMatch(/\n\s+at /)
}

describe('exit codes and one-line errors', () => {
  it('refuses to run without a target and shows how to give one', async () => {
    expectUsageError(await cli(['run']), /--url.*SCIM_URL.*--builtin/)
  })
  it('lists the valid profiles for an unknown --idp', async () => {
    expectUsageError(await cli(['run', '--builtin', '--idp', 'oktaa']), /unknown --idp "oktaa".*generic/)
  })
  it('lists the valid scenarios for an unknown --scenario', async () => {
    expectUsageError(await cli(['run', '--builtin', '--scenario', 'nope']), /unknown --scenario "nope".*create/)
  })
  it('lists the valid reporters for an unknown --reporter', async () => {
    expectUsageError(await cli(['run', '--builtin', '--reporter', 'xml']), /reporter "xml".*json/)
  })
  it('names file, line and column of a broken scenario file', async () => {
    const f = join(dir, 'broken.yaml')
    writeFileSync(f, 'name: broken\ntitle: Broken\nsteps:\n  - name: one\n    action: deactivteUser\n')
    const r = await cli(['run', '--builtin', '--scenario', f])
    expectUsageError(r, /broken\.yaml:5:\d+: .*deactivateUser/)
  })
  it('names file, line and key of a broken config file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'scim-check-cfg-'))
    writeFileSync(join(cwd, 'scim-check.yaml'), 'url: http://127.0.0.1:1/scim/v2\nfailOn: sometimes\n')
    const r = await cli(['run'], { cwd })
    expectUsageError(r, /scim-check\.yaml:2:\d+.*failOn/)
  })
  it('exits 2 with one line when the target is unreachable', async () => {
    expectUsageError(await cli(['run', '--url', 'http://127.0.0.1:9/scim/v2', '--token', 'x', '--scenario', 'create']), /refused/)
  })
  it('lists checks (catalogue and IdP expectations), idps with sources, and refuses an unknown list', async () => {
    const checks = await cli(['list', 'checks'])
    expect(checks.code).toBe(0)
    for (const id of ['filter.not-ignored', 'patch.op-case', 'idp.entra.capitalised-ops', 'transport.no-redirect']) expect(checks.stdout).toContain(id)
    const idps = await cli(['list', 'idps'])
    expect(idps.stdout).toContain('Okta SCIM Client 1.0.0')
    expect(idps.stdout).toContain('learn.microsoft.com')
    expectUsageError(await cli(['list', 'nope']), /unknown list "nope".*scenarios/)
  })
  it('prints its version', async () => {
    const r = await cli(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })
})

describe('against a separately started reference server', () => {
  let server: RunningServer
  let broken: RunningServer
  beforeAll(async () => {
    server = await startServer({ token: 'cli-test-token-123' })
    broken = await startServer({ token: 'cli-test-token-123', faults: ['no-409'] })
  })
  afterAll(async () => {
    await server.close()
    await broken.close()
  })

  it('writes a schema-valid JSON report and a well-formed JUnit report, and exits 0', async () => {
    const json = join(dir, 'r.json')
    const xml = join(dir, 'r.xml')
    const r = await cli(['run', '--url', server.url, '--reporter', `json=${json}`, '--reporter', `junit=${xml}`], { env: { SCIM_TOKEN: 'cli-test-token-123' } })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(json, 'utf8'))
    const ajv = new Ajv({ allErrors: true, strict: false })
    expect(ajv.validate(schema, report), ajv.errorsText()).toBe(true)
    expect(report.summary.failed).toBe(0)
    expect(report.summary.passed).toBeGreaterThan(0)
    expect(XMLValidator.validate(readFileSync(xml, 'utf8'))).toBe(true)
  }, 60_000)

  it('exits 1 and names the failing check when the server has a fault, and leaves nothing behind', async () => {
    const before = broken.store.listUsers().length
    const out = join(dir, 'fault.json')
    const r = await cli(['run', '--url', broken.url, '--token', 'cli-test-token-123', '--scenario', 'create', '--reporter', 'json', '--output', out])
    expect(r.code).toBe(1)
    const report = JSON.parse(readFileSync(out, 'utf8'))
    const failed = report.results.filter((x: { status: string }) => x.status === 'fail').map((x: { id: string }) => x.id)
    expect(failed.join(' ')).toMatch(/create\.duplicate/)
    expect(broken.store.listUsers().length).toBe(before)
  })
})
