import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { exportArtillery } from '../../src/load/artillery.js'
import { load } from '../../src/load/load.js'
import { startRecording, type RecordedRequest, type RecordingServer } from '../helpers/recording.js'
import { config } from '../helpers/run.js'

/**
 * The exported script is run by real Artillery, fetched on demand at a pinned version (never a dependency of
 * the project: it pulls about 90 packages), against the reference server behind a recorder; its requests must
 * have the shapes scim-check load sends for the same plan.
 */
const ARTILLERY = 'artillery@2.0.34'
const PLAN = { users: 20, groupSize: 10, memberBatch: 5, rate: 0, offboard: 0.2 }

const dirs: string[] = []
const servers: RecordingServer[] = []
afterAll(async () => {
  for (const s of servers) await s.close()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function artillery(dir: string, url: string, token: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['--yes', ARTILLERY, 'run', '--quiet', '--output', join(dir, 'report.json'), join(dir, 'scim-check-load.yml')], { cwd: dir, env: { ...process.env, SCIM_URL: url, SCIM_TOKEN: token, DO_NOT_TRACK: '1', ARTILLERY_DISABLE_TELEMETRY: 'true' }, timeout: 540_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` })
    })
  })
}

/** A request's shape: what an IdP puts on the wire, with the run's generated values (prefixes, numbers, ids, passwords) masked. */
function shape(r: RecordedRequest, dropUserAgent: boolean): string {
  const mask = (s: string) =>
    s
      .replace(/scimcheck-[0-9a-f]{8}-/g, 'P-')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID')
      .replace(/P-(u|x|gx|g)\d+/g, 'P-$1N')
      .replace(/User \d+/g, 'User N')
      .replace(/"password":"[^"]*"/g, '"password":"…"')
  const headers = Object.entries(r.headers)
    .filter(([k]) => ['accept', 'content-type', 'accept-charset', 'user-agent'].includes(k) && !(dropUserAgent && k === 'user-agent'))
    .sort()
    .map(([k, v]) => `${k}: ${v}`)
  return [r.method, mask(r.target), ...headers, mask(r.body)].join('\n')
}

const housekeeping = (r: RecordedRequest) => /^scim-check\/\S+ \((cleanup|diagnostic|discovery|ledger)\)$/.test(r.headers['user-agent'] ?? '')
// The import walk (Okta's paging GET /Users?startIndex=…) is one request for the whole tenant, not per department: not exported.
const importWalk = (r: RecordedRequest) => r.method === 'GET' && /[?&]startIndex=/.test(r.target) && !/[?&]filter=/.test(r.target)

describe('--export artillery', () => {
  for (const idp of ['entra', 'okta']) {
    // Side by side: most of each case is Artillery starting up.
    it.concurrent(`${idp}: real Artillery runs the exported script against the built-in server with the request shapes of scim-check load`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `scim-check-artillery-${idp}-`))
      dirs.push(dir)
      await exportArtillery(config({ idps: [idp] }), PLAN, dir)

      const viaArtillery = await startRecording()
      servers.push(viaArtillery)
      const run = await artillery(dir, viaArtillery.url, viaArtillery.token!)
      expect(run.code, `Artillery could not run:\n${run.output}`).toBe(0)
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { aggregate: { counters: Record<string, number> } }
      const counters = report.aggregate.counters
      expect(counters['vusers.failed'] ?? 0).toBe(0)
      expect(Object.keys(counters).filter((k) => /^http\.codes\.[45]/.test(k))).toEqual([])
      expect(counters['http.requests']).toBe(viaArtillery.requests.length)

      const viaLoad = await startRecording()
      servers.push(viaLoad)
      const rep = await load(config({ url: viaLoad.url, token: viaLoad.token, builtin: false, idps: [idp] }), { ...PLAN, groups: 2 })
      expect(rep.load.verdict.ok).toBe(true)

      // Entra sends no User-Agent; Artillery always sends its own, so only there is that header left out of the shape.
      const dropUa = idp === 'entra'
      const mine = new Set(viaLoad.requests.filter((r) => !housekeeping(r) && !importWalk(r)).map((r) => shape(r, dropUa)))
      const theirs = new Set(viaArtillery.requests.filter((r) => !housekeeping(r)).map((r) => shape(r, dropUa)))
      expect([...theirs].filter((s) => !mine.has(s))).toEqual([])
      expect([...mine].filter((s) => !theirs.has(s))).toEqual([])
      // Artillery's run ends with scim-check's labelled cleanup: nothing is left behind.
      expect(viaArtillery.requests.filter(housekeeping).every((r) => r.method === 'DELETE')).toBe(true)
      for (const type of ['Users', 'Groups']) {
        const left = await fetch(`${viaArtillery.url}/${type}`, { headers: { authorization: `Bearer ${viaArtillery.token}` } }).then((r) => r.json() as Promise<{ totalResults: number }>)
        expect(left.totalResults).toBe(0)
      }
    }, 600_000)
  }
})
