import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readTranscript, writeTranscript } from '../../src/report/transcript.js'
import { replay } from '../../src/replay/replay.js'
import { run } from '../../src/runner/run.js'
import { startServer } from '../../src/server/index.js'
import { config, problems } from '../helpers/run.js'

/**
 * A clean run, replayed against a fresh clean server, shows no difference: ids and timestamps the recorded server
 * chose (meta.created, meta.lastModified, in filters and bodies too) are mapped to the replay target's own.
 */
const dir = mkdtempSync(join(tmpdir(), 'scim-check-replay-clean-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('replay of a clean generic run', () => {
  it('against a fresh built-in server shows 0 differences', async () => {
    const file = join(dir, 'generic.har')
    const recording = await run(config({ idps: ['generic'], transcript: file }))
    expect(problems(recording)).toEqual([])
    writeTranscript(file, recording)
    const server = await startServer({ port: 0, quiet: true })
    try {
      const report = await replay(readTranscript(file), { url: server.url, token: server.token, timeoutMs: 5000, maxBodyBytes: 8 << 20, maxJsonDepth: 64 })
      const differing = report.entries.filter((e) => e.outcome === 'differs').map((e) => `${e.step} ${e.method} ${e.path}: ${JSON.stringify(e.differences).slice(0, 400)}`)
      expect(differing).toEqual([])
      expect(report.summary.same).toBeGreaterThan(500)
      expect(report.leftovers).toEqual([])
      expect(server.store.listUsers()).toEqual([])
    } finally {
      await server.close()
    }
  }, 120_000)
})
