/**
 * Publishing is one command away: `npm pack` gives a package that installs and runs with npx on its own,
 * from the compiled JavaScript (`npm run build` first; CI does, and `npm test` compiles).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'scim-check-pack-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npm pack', () => {
  it('gives a package that npx runs against the built-in server', () => {
    // --ignore-scripts: `prepare` would rebuild dist/ under the other tests' feet; the suite already built it.
    execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: ROOT, stdio: 'pipe' })
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'))
    expect(tgz).toMatch(/^scim-check-\d+\.\d+\.\d+\.tgz$/)
    const files = execFileSync('tar', ['tzf', join(dir, tgz!)], { encoding: 'utf8' }).split('\n')
    expect(files).toContain('package/LICENSE')
    expect(files).toContain('package/bin/scim-check')
    expect(files.some((f) => f.startsWith('package/test/') || f.startsWith('package/src/'))).toBe(false)
    const out = execFileSync('npx', ['--yes', `./${tgz}`, 'run', '--builtin', '--idp', 'generic', '--scenario', 'connection'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 240_000 })
    expect(out).toMatch(/Run passes at --fail-on must/)
  }, 300_000)
})
