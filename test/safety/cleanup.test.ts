import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPORTER_NAMES } from '../../src/report/index.js'
import { expectBounded, runCli, SPAWNS } from '../hostile/cli.js'
import { startHostile } from '../hostile/server.js'

/**
 * When cleanup cannot delete (DELETE unsupported), it deactivates the users, and every reporter lists what was
 * left behind with its id, so someone can remove it by hand.
 */
const LIFECYCLE = 'test/hostile/scenarios/lifecycle.yaml'
const tmp = mkdtempSync(join(tmpdir(), 'scim-check-cleanup-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('cleanup when DELETE is not supported', SPAWNS, () => {
  it('deactivates users, and every reporter lists the leftovers with their ids', async () => {
    const server = await startHostile('delete-unsupported')
    try {
      const files = Object.fromEntries(REPORTER_NAMES.filter((n) => n !== 'pretty').map((n) => [n, join(tmp, `report.${n}`)]))
      const reporters = Object.entries(files).flatMap(([name, file]) => ['--reporter', `${name}=${file}`])
      const r = await runCli(['run', '--url', server.url, '--token', 'cleanup-test-token', '--scenario', LIFECYCLE, '--scenario', 'create', '--reporter', 'pretty', ...reporters, '--timeout', '3000'])
      expectBounded(r, 15_000, [1])

      const users = [...server.scim.users.values()]
      const groups = [...server.scim.groups.values()]
      expect(users.length).toBeGreaterThan(0)
      // Nothing was deleted, so every user the run made is still there, deactivated.
      for (const u of users) expect(u.active, u.id).toBe(false)

      const json = JSON.parse(readFileSync(files.json, 'utf8'))
      const left = json.leftovers as { type: string; id: string; state: string; reason: string }[]
      expect(left.map((l) => l.id).sort()).toEqual([...users, ...groups].map((x) => x.id).sort())
      for (const l of left) {
        expect(l.state).toBe(l.type === 'User' ? 'deactivated' : 'left')
        expect(l.reason).toMatch(/DELETE answered 405/)
      }
      const outputs: Record<string, string> = { pretty: r.stdout, ...Object.fromEntries(Object.entries(files).map(([n, f]) => [n, readFileSync(f, 'utf8')])) }
      for (const [name, text] of Object.entries(outputs)) {
        for (const l of left) expect(text, `${name} reporter lists ${l.type} ${l.id}`).toContain(l.id)
      }
    } finally {
      await server.close()
    }
  })
})
