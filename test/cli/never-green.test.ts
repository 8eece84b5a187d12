import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { cli } from '../helpers/cli.js'

/**
 * Never green on nothing, with the real CLI: a run that could not judge anything exits 2 with one line, and a run
 * that was not really testing the target (no token, a base URL without /scim/v2) says so in its first line.
 */
const dir = mkdtempSync(join(tmpdir(), 'scim-check-never-green-'))

function scenarioFile(name: string, text: string): string {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

function expectOneLine(r: { code: number | null; stderr: string; stdout: string }, text: RegExp) {
  expect(r.code).toBe(2)
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
  expect(r.stderr).toMatch(text)
  expect(r.stdout).toBe('')
}

describe('exit 2 when nothing would be judged', () => {
  it('an idps: entry that names no profile is a load error with file:line and the valid names, in validate and run', async () => {
    const file = scenarioFile('azure.yaml', 'name: azure-only\ntitle: For a profile that does not exist\nidps: [azure]\nsteps:\n  - name: create\n    action: createUser\n')
    const expected = /azure\.yaml:3:8: idps\[0\]: unknown profile "azure"; valid: generic, okta, entra, onelogin, jumpcloud, ping, all/
    expectOneLine(await cli(['validate', file]), expected)
    expectOneLine(await cli(['run', '--builtin', '--scenario', file]), expected)
  })

  it('a chosen scenario that applies to none of the selected profiles', async () => {
    const file = scenarioFile('okta-only.yaml', 'name: okta-only\ntitle: Okta only\nidps: [okta]\nsteps:\n  - name: create\n    action: createUser\n    with: { userName: "{{ unique.userName }}" }\n    expect: { status: 201 }\n')
    expectOneLine(await cli(['run', '--builtin', '--idp', 'entra', '--scenario', file]), /scenario "okta-only" runs only under okta, none of the selected profiles \(entra\)/)
    const rfc = await cli(['run', '--builtin', '--idp', 'okta', '--scenario', 'rfc-errors'])
    expectOneLine(rfc, /scenario "rfc-errors" runs only under generic/)
  })

  it('a selected profile that judged nothing, even when another one did', async () => {
    // Entra never lists users: the only step is skipped with that reason, so nothing is judged for entra.
    const file = scenarioFile('list.yaml', 'name: list-only\ntitle: List only\nsteps:\n  - name: list\n    action: listUsers\n    expect: { status: 200 }\n')
    const json = join(dir, 'nothing.json')
    const alone = await cli(['run', '--builtin', '--idp', 'entra', '--scenario', file, '--reporter', `json=${json}`])
    expectOneLine(alone, /nothing was judged for the run: no check passed, failed or warned \(most often: Entra does not list users/)
    // The report file is still written, for whoever looks.
    expect(JSON.parse(readFileSync(json, 'utf8')).summary.passed).toBe(0)
    const mixed = await cli(['run', '--builtin', '--idp', 'okta,entra', '--scenario', file])
    expectOneLine(mixed, /nothing was judged for profile entra:/)
    // Under --idp all no profile was named on its own: profiles that never list users are not an error there.
    const all = await cli(['run', '--builtin', '--idp', 'all', '--scenario', file])
    expect([all.code, all.stderr]).toEqual([0, ''])
  })
})

describe('a run that is not really testing the target says so first', () => {
  let server: RunningServer
  let notFound: Server
  let notFoundUrl: string
  beforeAll(async () => {
    server = await startServer({ token: 'never-green-token-123' })
    notFound = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' })
      res.end('<h1>Not Found</h1>')
    })
    await new Promise<void>((resolve) => notFound.listen(0, '127.0.0.1', resolve))
    notFoundUrl = `http://127.0.0.1:${(notFound.address() as AddressInfo).port}/`
  })
  afterAll(async () => {
    await server.close()
    await new Promise((resolve) => notFound.close(resolve))
  })

  it('no token: the first line of output says every request went without Authorization', async () => {
    const r = await cli(['run', '--url', server.url, '--idp', 'generic', '--scenario', 'create'])
    expect(r.code).toBe(1)
    expect(r.stdout.split('\n')[0]).toBe('! no token: every request is sent without Authorization; pass --token or SCIM_TOKEN')
    const md = await cli(['run', '--url', server.url, '--idp', 'generic', '--scenario', 'create', '--reporter', 'markdown'])
    expect(md.stdout.split('\n')[0]).toContain('no token: every request is sent without Authorization')
  }, 30_000)

  it('with a token, no such line', async () => {
    const r = await cli(['run', '--url', server.url, '--idp', 'generic', '--scenario', 'create'], { env: { SCIM_TOKEN: 'never-green-token-123' } })
    expect(r.code).toBe(0)
    expect(r.stdout).not.toContain('no token')
    expect(r.stdout).not.toContain('base URL')
  }, 30_000)

  it('discovery and /Users all answering 404: the first line asks whether the base URL is right', async () => {
    const json = join(dir, 'wrong-base.json')
    const r = await cli(['run', '--url', notFoundUrl, '--idp', 'generic', '--scenario', 'create', '--reporter', 'pretty', '--reporter', `json=${json}`], { env: { SCIM_TOKEN: 'some-token' } })
    expect(r.code).toBe(1)
    expect(r.stdout.split('\n')[0]).toMatch(/^! is the base URL right\? it usually ends in \/scim\/v2/)
    expect(JSON.parse(readFileSync(json, 'utf8')).warnings[0]).toMatch(/^is the base URL right\?/)
  }, 30_000)
})
