import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../helpers/cli.js'

/** The "done when", through the built CLI: record against the reference server, replay green, replay against a fault. */
const SCENARIO = fileURLToPath(new URL('./lifecycle.yaml', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'scim-check-replay-cli-'))
const har = join(dir, 'recorded.har')

beforeAll(async () => {
  const r = await cli(['run', '--builtin', '--idp', 'generic,okta,entra', '--scenario', SCENARIO, '--transcript', har, '--reporter', 'json'], { timeoutMs: 60_000 })
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
}, 90_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('scim-check replay', () => {
  it('replays green against a fresh reference server (exit 0)', async () => {
    const r = await cli(['replay', har, '--builtin'])
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^Replayed \d+ requests recorded against http:\/\/127\.0\.0\.1:\d+\/scim\/v2 to http:\/\/127\.0\.0\.1:\d+\/scim\/v2\n\n\d+ same, 0 differ, 0 skipped\.\nNo differences from the recording\.\n$/)
    expect(r.code).toBe(0)
  })

  it('shows the difference against a server with a --fault (exit 1)', async () => {
    const r = await cli(['replay', har, '--builtin', '--fault', 'no-409'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/✗ #\d+ POST \/Users {2}409 → 201 {2}\[generic · replay-lifecycle · duplicate\]\n {4}status: recorded 409, replayed 201\n/)
    expect(r.stdout).toMatch(/\d+ same, \d+ differ, 0 skipped\.\n$/)
  })

  it('writes JSON and its own transcript when asked', async () => {
    const own = join(dir, 'replayed.har')
    const r = await cli(['replay', har, '--builtin', '--fault', 'wrong-content-type', '--json', '--transcript', own])
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout)
    expect(report.summary.differs).toBeGreaterThan(0)
    expect(report.entries[0]).toMatchObject({ entry: 0, method: 'GET', outcome: 'differs', differences: [{ what: 'header', path: 'content-type' }] })
    expect(JSON.parse(readFileSync(own, 'utf8')).log.entries.length).toBe(report.summary.total - report.summary.skipped)
  })

  it('refuses bad input in one line (exit 2)', async () => {
    for (const args of [['replay', join(dir, 'nope.har'), '--builtin'], ['replay', har], ['replay', SCENARIO, '--builtin']]) {
      const r = await cli(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/^scim-check: (cannot read transcript|no target given|.*lifecycle\.yaml is not JSON)/)
    }
  })
})
