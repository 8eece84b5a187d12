import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readTranscript, writeTranscript, type Har } from '../../src/report/transcript.js'
import { replay, type ReplayOptions, type ReplayReport } from '../../src/replay/replay.js'
import { renderReplay } from '../../src/replay/render.js'
import { run } from '../../src/runner/run.js'
import type { RunReport } from '../../src/runner/report.js'
import { loadScenario } from '../../src/scenario/loader.js'
import { PROFILE_NAMES } from '../../src/idp/registry.js'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { config } from '../helpers/run.js'

const SCENARIO = fileURLToPath(new URL('./lifecycle.yaml', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'scim-check-replay-'))
const file = join(dir, 'recorded.har')

let recording: RunReport
let har: Har

/** Replays the recorded transcript against a fresh reference server started with these faults and variants. */
async function replayAgainst(setup: { faults?: string[]; variants?: string[] } = {}, extra: Partial<ReplayOptions> = {}): Promise<{ report: ReplayReport; server: RunningServer }> {
  const server = await startServer({ port: 0, quiet: true, faults: setup.faults, variants: setup.variants })
  try {
    const report = await replay(har, { url: server.url, token: server.token, timeoutMs: 5000, maxBodyBytes: 8 << 20, maxJsonDepth: 64, ...extra })
    return { report, server }
  } finally {
    await server.close()
  }
}

function differing(report: ReplayReport) {
  return report.entries.filter((e) => e.outcome === 'differs').map((e) => ({ step: `${e.idp}/${e.step}`, method: e.method, differences: e.differences }))
}

beforeAll(async () => {
  const scenario = loadScenario(SCENARIO, { knownIdps: PROFILE_NAMES })
  recording = await run(config({ idps: ['all'], transcript: file }), { scenarios: [scenario] })
  writeTranscript(file, recording)
  har = readTranscript(file)
}, 60_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('replay of a recorded transcript', () => {
  it('records every exchange of the run, with its labels and no credential', () => {
    expect(har.log.entries).toHaveLength(recording.exchanges.length)
    expect(har.log._scimCheck?.target).toBe(recording.target.url)
    const text = readFileSync(file, 'utf8')
    expect(text).not.toContain(recording.exchanges.length ? 'scim-check-demo-token' : '')
    for (const e of har.log.entries) {
      for (const h of e.request.headers) if (h.name.toLowerCase() === 'authorization') expect(h.value).toBe('Bearer [REDACTED]')
    }
    expect(new Set(har.log.entries.map((e) => e._scimCheck.idp))).toEqual(new Set(recording.idps))
  })

  it('replays green against a fresh reference server, with the ids that server gave', async () => {
    const { report, server } = await replayAgainst()
    expect(differing(report)).toEqual([])
    expect(report.summary.same).toBe(report.summary.total)
    expect(report.summary.total).toBe(har.log.entries.filter((e) => !e._scimCheck.retry).length)
    expect(report.leftovers).toEqual([])
    // The recording deleted what it created; so did the replay.
    expect(server.store.count('User') + server.store.count('Group')).toBe(0)
    // Later requests used the ids created in this replay, never the recorded ones.
    const recordedIds = new Set(recording.exchanges.flatMap((x) => (x.request.method === 'POST' && typeof (x.response?.json as { id?: unknown })?.id === 'string' ? [(x.response!.json as { id: string }).id] : [])))
    expect(recordedIds.size).toBeGreaterThan(PROFILE_NAMES.length)
    const replayedPaths = report.entries.filter((e) => /^\/(Users|Groups)\/[^?]/.test(e.path)).map((e) => e.path)
    expect(replayedPaths.length).toBeGreaterThan(10)
    for (const p of replayedPaths) for (const id of recordedIds) expect(p).not.toContain(id)
  }, 60_000)

  it('replays green against a server that numbers its ids differently', async () => {
    const { report } = await replayAgainst({ variants: ['non-uuid-ids'] })
    expect(differing(report)).toEqual([])
  }, 60_000)

  it('shows the difference against a server that accepts duplicates (--fault no-409)', async () => {
    const { report, server } = await replayAgainst({ faults: ['no-409'] })
    const diffs = differing(report)
    // Only the strict RFC client sends the duplicate create: every IdP's lookup finds the user and links it instead.
    const duplicates = diffs.filter((d) => d.step.endsWith('/duplicate') && d.method === 'POST')
    expect(duplicates.map((d) => d.step)).toEqual(['generic/duplicate'])
    for (const d of duplicates) expect(d.differences).toEqual([{ what: 'status', recorded: '409', replayed: '201' }])
    // ...and its consequence: lookups by userName (find, and OneLogin's before an update) now find two users.
    for (const d of diffs.filter((x) => !duplicates.includes(x))) {
      expect(d.method).toBe('GET')
      expect(d.differences).toContainEqual({ what: 'body', path: 'totalResults', recorded: '1', replayed: '2' })
    }
    // The duplicates this replay created were not in the recording: cleanup removed them.
    expect(server.store.count('User')).toBe(0)
    const text = renderReplay(report, { color: false })
    expect(text).toContain('status: recorded 409, replayed 201')
    expect(text).toContain(`\n${report.summary.same} same, ${diffs.length} differ, 0 skipped.\n`)
  }, 60_000)

  it('shows header and body differences (--fault wrong-content-type, --fault no-meta)', async () => {
    const ct = differing((await replayAgainst({ faults: ['wrong-content-type'] })).report)
    expect(ct.length).toBeGreaterThan(10)
    expect(ct[0].differences).toContainEqual({ what: 'header', path: 'content-type', recorded: 'application/scim+json; charset=utf-8', replayed: 'application/json; charset=utf-8' })
    const meta = differing((await replayAgainst({ faults: ['no-meta'] })).report)
    expect(meta.flatMap((d) => d.differences.map((x) => x.path))).toContain('meta')
    expect(meta.every((d) => d.differences.every((x) => x.replayed === '(absent)'))).toBe(true)
  }, 60_000)

  it('leaves out differences the user names with --ignore', async () => {
    const { report } = await replayAgainst({ faults: ['no-meta'] }, { ignore: ['meta', 'Resources.meta'] })
    expect(differing(report)).toEqual([])
  }, 60_000)

  it('replays an auth probe with a wrong token, so the refusal is compared with the refusal', async () => {
    const { report } = await replayAgainst()
    const probes = report.entries.filter((e) => e.step === 'wrong-token')
    expect(probes).toHaveLength(recording.idps.length)
    for (const p of probes) expect([p.recordedStatus, p.replayedStatus, p.outcome]).toEqual([401, 401, 'same'])
    const accepted = differing((await replayAgainst({ faults: ['auth-200-on-bad-token'] })).report)
    expect(accepted.filter((d) => d.step.endsWith('/wrong-token')).map((d) => d.differences[0])).toEqual(recording.idps.map(() => ({ what: 'status', recorded: '401', replayed: '200' })))
  }, 60_000)

  it('skips what depends on a create that failed in this replay, instead of touching anything else', async () => {
    const { report, server } = await replayAgainst({ faults: ['500-on-write'] })
    const skipped = report.entries.filter((e) => e.outcome === 'skipped')
    expect(skipped.length).toBeGreaterThan(0)
    for (const s of skipped) {
      expect(['PATCH', 'PUT', 'DELETE', 'POST']).toContain(s.method)
      expect(s.reason).toMatch(/did not create|its create did not succeed in this replay/)
    }
    expect(server.store.count('User')).toBe(0)
  }, 60_000)
})

describe('replay safety', () => {
  it('never changes a resource the replay did not create', async () => {
    const server = await startServer({ port: 0, quiet: true })
    try {
      const victim = server.store.createUser({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'someone-real@example.com' })
      const url = `${server.url}/Users/${victim.id}`
      const entry = (method: string, status: number) => ({
        ...har.log.entries[0],
        request: { ...har.log.entries[0].request, method, url, headers: [{ name: 'authorization', value: 'Bearer [REDACTED]' }], postData: undefined },
        response: { ...har.log.entries[0].response, status, content: { size: 0, mimeType: '' } },
        _scimCheck: { index: 0, scenario: 'ticket', idp: 'okta' },
      })
      const forged: Har = { log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [entry('GET', 200), entry('DELETE', 204)] } }
      const report = await replay(forged, { url: server.url, token: server.token, timeoutMs: 5000, maxBodyBytes: 1 << 20, maxJsonDepth: 64 })
      expect(report.entries.map((e) => e.outcome)).toEqual(['differs', 'skipped'])
      expect(report.entries[1].reason).toMatch(/did not create/)
      expect(server.store.getUser(victim.id as string)).toBeDefined()
    } finally {
      await server.close()
    }
  })
})
