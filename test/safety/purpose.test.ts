import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readTranscript, writeTranscript } from '../../src/report/transcript.js'
import { run } from '../../src/runner/run.js'
import { VERSION } from '../../src/version.js'
import { config } from '../helpers/run.js'
import { startHostile } from '../hostile/server.js'

/**
 * The harness's own housekeeping (cleanup's deletes and deactivations, the ledger's read-backs and lookups) is
 * marked as such: `User-Agent: scim-check/<version> (cleanup|ledger)` on the wire and `purpose` in the transcript,
 * so a server's logs and a recording tell it from the IdP's traffic.
 */
const dir = mkdtempSync(join(tmpdir(), 'scim-check-purpose-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("cleanup and ledger requests say they are scim-check's own", () => {
  it('Bulk read-backs are ledger requests, deletes cleanup requests, and the transcript labels them', async () => {
    const file = join(dir, 'bulk.har')
    const report = await run(config({ scenarios: ['scenarios/rfc/bulk.yaml'], transcript: file }))
    writeTranscript(file, report)
    const own = report.exchanges.filter((x) => x.step === 'cleanup')
    expect(own.some((x) => x.request.method === 'GET' && x.purpose === 'ledger')).toBe(true)
    expect(own.some((x) => x.request.method === 'DELETE' && x.purpose === 'cleanup')).toBe(true)
    for (const x of own) {
      expect(x.purpose, `${x.request.method} ${x.request.url}`).toMatch(/^(cleanup|ledger)$/)
      expect(x.request.headers['user-agent']).toBe(`scim-check/${VERSION} (${x.purpose})`)
    }
    const entries = readTranscript(file).log.entries.filter((e) => e._scimCheck.step === 'cleanup')
    expect(entries.length).toBe(own.length)
    for (const e of entries) expect(e._scimCheck.purpose).toMatch(/^(cleanup|ledger)$/)
  })

  it('the deactivation cleanup falls back to is a cleanup request too', async () => {
    const server = await startHostile('delete-unsupported')
    try {
      const report = await run(config({ url: server.url, token: 'cleanup-test-token', scenarios: ['test/hostile/scenarios/lifecycle.yaml'], timeoutMs: 3000 }))
      const off = report.exchanges.filter((x) => x.step === 'cleanup' && x.request.method === 'PATCH')
      expect(off.length).toBeGreaterThan(0)
      for (const x of off) expect(x.request.headers['user-agent']).toBe(`scim-check/${VERSION} (cleanup)`)
    } finally {
      await server.close()
    }
  })
})
