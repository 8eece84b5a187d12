/**
 * The token never leaves scim-check: every output stream and every file of real CLI runs (bin → dist, so
 * `npm run build` first; `npm test` does) is searched for it, against a server that echoes the Authorization
 * header back in a response header and in its bodies (fault echo-authorization), and that has a defect, so
 * failures print their evidence too.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, DEFAULT_TOKEN, type RunningServer } from '../../src/server/index.js'
import { cli, type CliResult } from '../helpers/cli.js'

const TOKEN = 'sk_live_7Qm2vX9pL4rT8wZ1nB6cY3dF'
const SCENARIO = fileURLToPath(new URL('../replay/lifecycle.yaml', import.meta.url))
const REPORTERS = ['json', 'junit', 'markdown', 'html']

let server: RunningServer
const dirs: string[] = []

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scim-check-secrets-'))
  dirs.push(dir)
  return dir
}

/** Every file under dir, with its text. */
function files(dir: string): [string, string][] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : [[p, readFileSync(p, 'latin1')] as [string, string]]
  })
}

function outputs(dir: string, r: CliResult): [string, string][] {
  return [['stdout', r.stdout], ['stderr', r.stderr], ...files(dir)]
}

function expectNowhere(secret: string, where: [string, string][]): void {
  for (const [name, text] of where) expect(text.includes(secret), `${secret} found in ${name}`).toBe(false)
}

/** Each reporter to a file, pretty on stdout, progress on stderr, and the HAR transcript. */
function runArgs(dir: string): string[] {
  return [...REPORTERS.flatMap((r) => ['--reporter', `${r}=${join(dir, `report.${r}`)}`]), '--reporter', 'pretty', '--transcript', join(dir, 'transcript.har'), '--progress', '--verbose', '--scenario', SCENARIO, '--idp', 'all']
}

beforeAll(async () => {
  server = await startServer({ port: 0, token: TOKEN, faults: ['echo-authorization', 'no-409'], quiet: true })
})

afterAll(async () => {
  await server?.close()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('no output of a real run holds the token, even when the server echoes it', () => {
  let dir: string
  let r: CliResult

  beforeAll(async () => {
    dir = workdir()
    r = await cli(['run', '--url', server.url, ...runArgs(dir)], { env: { SCIM_TOKEN: TOKEN }, timeoutMs: 60_000 })
  }, 90_000)

  it('ran, failed on the defect, and wrote every output', () => {
    expect(r.stderr).toMatch(/\[\d+\/\d+\]/)
    expect(r.code).toBe(1)
    const names = files(dir).map(([p]) => p.slice(dir.length + 1)).sort()
    expect(names).toEqual(['report.html', 'report.json', 'report.junit', 'report.markdown', 'transcript.har'])
  })

  it('the server really echoed the credentials (redacted on capture)', () => {
    const har = JSON.parse(readFileSync(join(dir, 'transcript.har'), 'utf8'))
    const echoed = har.log.entries.filter((e: { response: { headers: { name: string; value: string }[] } }) => e.response.headers.some((h) => h.name === 'x-echo'))
    expect(echoed.length).toBeGreaterThan(20)
    expect(echoed[0].response.headers.find((h: { name: string }) => h.name === 'x-echo').value).toBe('Bearer [REDACTED]')
    expect(readFileSync(join(dir, 'transcript.har'), 'utf8')).toContain('request had Authorization: Bearer [REDACTED]')
    // The failure's evidence shows the echoing body, so reporters had the echo in hand.
    expect(r.stdout).toContain('"echo": "request had Authorization: Bearer [REDACTED]"')
  })

  it('finds the token nowhere: not on stdout, stderr, nor in any file', () => {
    expectNowhere(TOKEN, outputs(dir, r))
    // Nor any bearer value but placeholders, the challenge, the SPC's scheme name, and the deliberately wrong
    // token of the auth probes (made up by scim-check, and echoed back by this server).
    const allowed = /^Bearer (\[REDACTED\]|\$SCIM_TOKEN|realm=|Token\b|scimcheck-invalid-)/
    for (const [name, text] of outputs(dir, r)) expect((text.match(/Bearer \S+/g) ?? []).filter((m) => !allowed.test(m)), name).toEqual([])
  })

  it('a token given as a flag is no different', async () => {
    const d = workdir()
    const flag = await cli(['run', '--url', server.url, '--token', TOKEN, ...runArgs(d)], { timeoutMs: 60_000 })
    expect(flag.code).toBe(1)
    expectNowhere(TOKEN, outputs(d, flag))
  }, 90_000)

  it('replay, its transcript and its JSON hold no token either', async () => {
    const d = workdir()
    const text = await cli(['replay', join(dir, 'transcript.har'), '--url', server.url, '--verbose', '--progress', '--transcript', join(d, 'replayed.har')], { env: { SCIM_TOKEN: TOKEN }, timeoutMs: 60_000 })
    expect(text.stdout).toMatch(/same, \d+ differ/)
    const json = await cli(['replay', join(dir, 'transcript.har'), '--url', server.url, '--json'], { env: { SCIM_TOKEN: TOKEN }, timeoutMs: 60_000 })
    expect(JSON.parse(json.stdout).summary.total).toBeGreaterThan(20)
    expectNowhere(TOKEN, [...outputs(d, text), ['replay --json stdout', json.stdout], ['replay --json stderr', json.stderr]])
  }, 90_000)

  it('send, real and dry, holds no token', async () => {
    const env = { SCIM_TOKEN: TOKEN, SCIM_URL: server.url }
    const created = await cli(['send', 'createUser', '--idp', 'okta', '--with', 'userName=secret-test@example.com'], { env })
    expect(created.code).toBe(0)
    expect(created.stdout).toContain('request had Authorization: Bearer [REDACTED]')
    const id = /"id": "([^"]+)"/.exec(created.stdout)?.[1]
    expect(id).toBeDefined()
    const runs = [
      created,
      await cli(['send', 'deactivateUser', '--idp', 'entra', '--id', id!], { env }),
      await cli(['send', 'deleteUser', '--id', id!, '--json'], { env }),
      await cli(['send', 'deactivateUser', '--idp', 'okta', '--id', id!, '--dry-run'], { env }),
    ]
    for (const [i, x] of runs.entries()) expectNowhere(TOKEN, [[`send #${i} stdout`, x.stdout], [`send #${i} stderr`, x.stderr]])
  }, 60_000)
})

describe('--builtin runs keep the reference server token out too', () => {
  it('finds the built-in token nowhere', async () => {
    const dir = workdir()
    const r = await cli(['run', '--builtin', '--fault', 'echo-authorization', '--fault', 'no-409', ...runArgs(dir)], { timeoutMs: 60_000 })
    expect(r.code).toBe(1)
    expect(readFileSync(join(dir, 'transcript.har'), 'utf8')).toContain('request had Authorization: Bearer [REDACTED]')
    expectNowhere(DEFAULT_TOKEN, outputs(dir, r))
  }, 90_000)
})
