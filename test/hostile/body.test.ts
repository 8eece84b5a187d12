import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { ROOT, broken, expectBounded, report, runArgs, runCli, SPAWNS, type JsonReport } from './cli.js'
import { HUGE_BYTES, startHostile, type HostileServer, type Mode } from './server.js'

/**
 * Bodies no SCIM client should have to survive: the run reads them within its caps, reports the broken rule
 * (exit 1, a result names it), and no check, profile or cleanup step crashes on them.
 */
let server: HostileServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})
const tmp = mkdtempSync(join(tmpdir(), 'scim-check-hostile-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

async function against(mode: Mode, extra: string[] = [], timeoutMs = 2000) {
  server = await startHostile(mode)
  return runCli(runArgs(server.url, extra, timeoutMs))
}

/** Some broken result names the cause, in its message or its actual value. */
function mentions(rep: JsonReport, cause: RegExp): boolean {
  return broken(rep).some((x) => cause.test(x.message) || cause.test(x.actual ?? ''))
}

/** Every profile and every built-in scenario: no check or profile may throw on what these servers send. */
const EVERYTHING = ['--idp', 'all']

describe('bodies that are not SCIM JSON', SPAWNS, () => {
  it('200 with an HTML page: media.json-object names it', async () => {
    const r = await against('html-200', EVERYTHING)
    expectBounded(r, 15_000, [1])
    const rep = report(r)
    expect(broken(rep).some((x) => x.id === 'media.json-object' && /text\/html/.test(x.message))).toBe(true)
  })

  it('invalid JSON: media.json-object says where parsing failed', async () => {
    const r = await against('invalid-json', EVERYTHING)
    expectBounded(r, 15_000, [1])
    expect(broken(report(r)).some((x) => x.id === 'media.json-object')).toBe(true)
    expect(mentions(report(r), /invalid JSON/)).toBe(true)
  })

  it('JSON that is not an object (null, [], 42, "text", true)', async () => {
    const r = await against('json-not-object', EVERYTHING)
    expectBounded(r, 15_000, [1])
    expect(broken(report(r)).some((x) => x.id === 'media.json-object')).toBe(true)
  })

  it('invalid UTF-8: reported as such, never decoded silently', async () => {
    const r = await against('invalid-utf8', EVERYTHING)
    expectBounded(r, 15_000, [1])
    expect(broken(report(r)).some((x) => x.id === 'media.json-object')).toBe(true)
    expect(mentions(report(r), /not valid UTF-8/)).toBe(true)
  })

  it('JSON nested 100,000 levels deep: refused before parsing, past --max-json-depth', async () => {
    const r = await against('deep-json', ['--scenario', 'connection', '--scenario', 'create'])
    expectBounded(r, 15_000, [1])
    expect(broken(report(r)).some((x) => x.id === 'media.json-object')).toBe(true)
    expect(mentions(report(r), /nested deeper than 64 levels \(cap: --max-json-depth\)/)).toBe(true)
  })

  it(`a body of ${HUGE_BYTES / 1024 / 1024} MB: read up to --max-body-bytes and no further, memory bounded`, async () => {
    const rss = join(tmp, 'huge.rss')
    server = await startHostile('huge-body')
    const r = await runCli(runArgs(server.url, ['--scenario', 'connection', '--scenario', 'create', '--max-body-bytes', String(4 * 1024 * 1024)], 5000), {
      env: { NODE_OPTIONS: `--import ${join(ROOT, 'test/bench/rss-hook.mjs')}`, SCIM_CHECK_RSS_FILE: rss },
    })
    expectBounded(r, 20_000, [1])
    expect(mentions(report(r), /larger than 4194304 bytes \(cap: --max-body-bytes\)/)).toBe(true)
    // Every response was 40 MB; a run that read them whole would pass this many times over.
    const peakMiB = Number(readFileSync(rss, 'utf8')) / 1024
    expect(peakMiB).toBeLessThan(200)
  })
})

describe('JSON of the wrong shape everywhere', SPAWNS, () => {
  // Null where arrays belong; strings for numbers and booleans; Resources (and every array) as an object, ids as
  // objects; arrays whose items are null, numbers, strings and arrays.
  for (const mode of ['wrong-shape-nulls', 'wrong-shape-strings', 'wrong-shape-objects', 'wrong-shape-items'] as const) {
    it(`${mode}: every profile and scenario ends with results, no check or profile crashes`, async () => {
      const r = await against(mode, EVERYTHING)
      expectBounded(r, 20_000, [0, 1])
      const rep = report(r)
      expect(rep.results.length).toBeGreaterThan(0)
      // A check or profile that throws becomes an error result carrying the exception's words; none may.
      const crashed = rep.results.filter((x) => x.reason === 'check error' || /Cannot read properties|is not a function|is not iterable|Cannot convert/.test(x.message))
      expect(crashed.map((x) => `${x.id}: ${x.message}`)).toEqual([])
    })
  }
})
