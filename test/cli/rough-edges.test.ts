/** What a first-timer hits in the first five minutes ends in one clear line, never a stack trace or "internal error". */
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { BIN, cli } from '../helpers/cli.js'

describe('first five minutes', () => {
  it('a misspelt reporter is a usage error naming the right one, before any request', async () => {
    const r = await cli(['run', '--builtin', '--reporter', 'jnuit'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/unknown reporter "jnuit" \(did you mean "junit"\?\)/)
    expect(r.stderr).not.toMatch(/internal error/)
  })

  it('a reader that closes the pipe early (| head -1) ends the output quietly', async () => {
    const r = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      const child = spawn('bash', ['-c', `"${process.execPath}" "${BIN}" list checks | head -1; exit \${PIPESTATUS[0]}`], { env: { ...process.env, NO_COLOR: '1' } })
      let stderr = ''
      let stdout = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stderr += d))
      child.on('close', (code) => resolve({ code, stderr, stdout }))
    })
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })
})

describe('list --json', () => {
  it('gives checks, idps and scenarios as data for tooling', async () => {
    const checks = JSON.parse((await cli(['list', 'checks', '--json'])).stdout) as { id: string; level: string; requirement: string }[]
    expect(checks.find((c) => c.id === 'idp.entra.capitalised-ops')?.level).toBe('IDP')
    expect(checks.every((c) => typeof c.requirement === 'string' && c.requirement.length > 0)).toBe(true)
    const idps = JSON.parse((await cli(['list', 'idps', '--json'])).stdout) as { name: string }[]
    expect(idps.map((p) => p.name)).toEqual(['generic', 'okta', 'entra', 'onelogin', 'jumpcloud', 'ping'])
    const scenarios = JSON.parse((await cli(['list', 'scenarios', '--json'])).stdout) as { name: string }[]
    expect(scenarios.map((s) => s.name)).toContain('deactivate')
  })
})

describe('bad input is caught before the first request', () => {
  it('a Ping filter expression without %s, and a mapping path scim-check cannot write, exit 2 with one line', async () => {
    // An unreachable URL: had a request been sent, the error would be "refused", not the input's.
    const target = ['--url', 'http://127.0.0.1:9/scim/v2', '--token', 'x']
    const ping = await cli(['run', ...target, '--idp', 'ping', '--idp-option', 'ping.filterExpression=userName eq "x"'])
    expect(ping.code).toBe(2)
    expect(ping.stderr).toMatch(/ping\.filterExpression .* has no %s/)
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const cwd = mkdtempSync(join(tmpdir(), 'scim-check-map-'))
    writeFileSync(join(cwd, 'scim-check.yaml'), 'mapping:\n  okta:\n    title: "name[[bad"\n')
    const mapping = await cli(['run', ...target, '--idp', 'okta'], { cwd })
    expect(mapping.code).toBe(2)
    expect(mapping.stderr.trim().split('\n')).toHaveLength(1)
    expect(mapping.stderr).toMatch(/mapping okta\.title: "name\[\[bad" is not a SCIM path/)
  })
})

describe('file reporters never silence the terminal', () => {
  it("the README's CI example without --reporter pretty still prints the terminal report and writes its files", async () => {
    const { mkdtempSync, existsSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const dir = mkdtempSync(join(tmpdir(), 'scim-check-files-'))
    const r = await cli(['run', '--builtin', '--scenario', 'connection', '--reporter', `junit=${join(dir, 'scim.xml')}`, '--reporter', `markdown=${join(dir, 'scim.md')}`])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Run passes at --fail-on must\./)
    expect(existsSync(join(dir, 'scim.xml')) && existsSync(join(dir, 'scim.md'))).toBe(true)
  })
})
