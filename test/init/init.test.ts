import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadConfigText } from '../../src/config/file.js'
import { PROFILES, PROFILE_NAMES } from '../../src/idp/registry.js'
import { writeInitConfig } from '../../src/init/init.js'
import { PLACEHOLDER_URL, renderInitConfig } from '../../src/init/template.js'
import { startServer } from '../../src/server/index.js'
import { cli } from '../helpers/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'scim-check-init-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the scim-check.yaml that init writes', () => {
  it('loads cleanly as written, with the answers in it', () => {
    const text = renderInitConfig({ url: 'https://scim.acme.test/v2', idps: ['okta', 'entra'] })
    const config = loadConfigText(text, join(dir, 'scim-check.yaml'), { env: {} })
    expect(config).toMatchObject({ url: 'https://scim.acme.test/v2', idps: ['okta', 'entra'], failOn: 'must', warnings: [] })
    expect(config.token).toBeUndefined()
    // Without answers it still loads, pointing at a placeholder the user is told to replace.
    expect(loadConfigText(renderInitConfig(), join(dir, 'x.yaml'), { env: {} })).toMatchObject({ url: PLACEHOLDER_URL, idps: ['generic'] })
  })

  it('every commented example is valid as written: uncommented, the whole file loads', () => {
    const text = renderInitConfig({}, { allLive: true })
    expect(text).not.toMatch(/^# (url|tokenEnv|idp|idpOptions|scenarios|reporters|failOn|timeout|readOnly|redact|customExtension|mapping|transcript|ca|rotateCommand):/m)
    const config = loadConfigText(text, join(dir, 'scim-check.yaml'), { env: { ACME_SCIM_TOKEN: 'from-the-environment' } })
    expect(config.token).toBe('from-the-environment')
    expect(config.reporters?.map((r) => r.name)).toEqual(expect.arrayContaining(['pretty', 'junit', 'markdown', 'html']))
    expect(config).toMatchObject({ timeoutMs: 10_000, readOnly: true, redact: ['ssn', 'dateOfBirth'], customExtension: { urn: 'urn:ietf:params:scim:schemas:extension:acme:2.0:User' } })
    // Each profile option is offered with its default.
    for (const name of PROFILE_NAMES) for (const o of PROFILES[name].options) expect(config.idpOptions?.[name]?.[o.name], `${name}.${o.name}`).toEqual(o.default)
  })

  it('commented examples come back exactly by deleting "# " (what a user does)', () => {
    const commented = renderInitConfig({}).split('\n')
    const live = renderInitConfig({}, { allLive: true }).split('\n')
    expect(commented).toHaveLength(live.length)
    let examples = 0
    commented.forEach((line, i) => {
      if (line === live[i]) return
      expect(line).toBe(`# ${live[i]}`)
      examples++
    })
    expect(examples).toBeGreaterThan(20)
  })

  it('says how the token is given, and never holds one', () => {
    const text = renderInitConfig({ tokenEnv: 'ACME_TOKEN' })
    expect(text).toContain('SCIM_TOKEN environment variable')
    expect(text).toMatch(/^tokenEnv: ACME_TOKEN$/m)
    expect(text).not.toMatch(/^token:/m)
  })
})

describe('writeInitConfig', () => {
  it('writes the file, and refuses to overwrite one unless forced', () => {
    const file = join(dir, 'a.yaml')
    writeInitConfig({ url: 'https://scim.acme.test/v2' }, { file })
    expect(readFileSync(file, 'utf8')).toContain('url: https://scim.acme.test/v2')
    expect(() => writeInitConfig({}, { file })).toThrow(/already exists; pass --force/)
    writeInitConfig({ url: 'https://other.acme.test/v2' }, { file, force: true })
    expect(readFileSync(file, 'utf8')).toContain('url: https://other.acme.test/v2')
  })

  it('checks the answers first and writes nothing when one is wrong', () => {
    const file = join(dir, 'bad.yaml')
    expect(() => writeInitConfig({ url: 'ftp://x' }, { file })).toThrow('--url "ftp://x" is not an http(s) URL')
    expect(() => writeInitConfig({ idps: ['oktaa'] }, { file })).toThrow(/unknown --idp "oktaa"/)
    expect(() => writeInitConfig({ tokenEnv: 'MY-TOKEN' }, { file })).toThrow('is not an environment variable name')
    expect(existsSync(file)).toBe(false)
  })
})

describe('scim-check init, then run (the built CLI)', () => {
  it('writes a file the next run picks up', async () => {
    const server = await startServer({ port: 0, quiet: true })
    try {
      const cwd = mkdtempSync(join(dir, 'project-'))
      const init = await cli(['init', '--url', server.url, '--idp', 'okta,entra'], { cwd })
      expect(init.code).toBe(0)
      expect(init.stdout).toMatch(/^Wrote scim-check\.yaml\.\nNext:\n {2}1\. export SCIM_TOKEN=/)
      const again = await cli(['init'], { cwd })
      expect(again.code).toBe(2)
      expect(again.stderr.trim().split('\n')).toHaveLength(1)
      const run = await cli(['run', '--scenario', 'connection', '--reporter', 'json'], { cwd, env: { SCIM_TOKEN: server.token } })
      const report = JSON.parse(run.stdout)
      expect(report.target.url).toBe(server.url)
      expect(report.idps).toEqual(['okta', 'entra'])
      expect(run.code).toBe(0)
    } finally {
      await server.close()
    }
  }, 60_000)
})
