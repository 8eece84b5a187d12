import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, findConfigFile, loadConfigFile, loadConfigText } from '../../src/config/file.js'
import { REPORTER_NAMES } from '../../src/report/index.js'

const known = { knownIdps: ['generic', 'okta', 'entra'], knownReporters: ['pretty', 'json', 'junit'], env: {} }

function configError(text: string, options = known): ConfigError {
  try {
    loadConfigText(text, 'scim-check.yaml', options)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'scim-check-config-'))

describe('loadConfigFile', () => {
  it('turns a complete file into RunConfig keys, with relative paths resolved against the file', () => {
    const dir = tempDir()
    mkdirSync(path.join(dir, 'ci'))
    const file = path.join(dir, 'ci', 'scim-check.yaml')
    writeFileSync(
      file,
      `# yaml-language-server: $schema=../node_modules/scim-check/dist/config/config.schema.json
url: https://app.example.com/scim/v2
tokenEnv: ACME_SCIM_TOKEN
idp: [okta, entra]
idpOptions: { okta: { groupPush: false } }
scenarios: [create, ./scenarios/custom.yaml]
reporters:
  - pretty
  - junit=reports/junit.xml
  - { name: json, file: /var/tmp/report.json }
failOn: should
timeout: 5000
rotateCommand: ./rotate.sh
insecure: false
ca: certs/ca.pem
mapping:
  '*': { user.title: title }
  okta: { user.mobilePhone: 'phoneNumbers[type eq "mobile"].value' }
customExtension:
  urn: urn:ietf:params:scim:schemas:extension:acme:2.0:User
  attributes: { approvalLimit: 5000, spendLimit: 250 }
redact: [ssn, badgeNumber]
readOnly: true
maxBodyBytes: 1048576
maxJsonDepth: 32
maxPages: 50
transcript: out/run.har
`,
    )
    const config = loadConfigFile(file, { ...known, env: { ACME_SCIM_TOKEN: 'secret-value' } })
    const ci = path.join(dir, 'ci')
    expect(config).toEqual({
      file,
      warnings: [],
      url: 'https://app.example.com/scim/v2',
      token: 'secret-value',
      idps: ['okta', 'entra'],
      idpOptions: { okta: { groupPush: false } },
      scenarios: ['create', path.join(ci, 'scenarios/custom.yaml')],
      reporters: [{ name: 'pretty' }, { name: 'junit', file: path.join(ci, 'reports/junit.xml') }, { name: 'json', file: '/var/tmp/report.json' }],
      failOn: 'should',
      timeoutMs: 5000,
      rotateCommand: './rotate.sh',
      insecure: false,
      caFile: path.join(ci, 'certs/ca.pem'),
      mapping: { '*': { 'user.title': 'title' }, okta: { 'user.mobilePhone': 'phoneNumbers[type eq "mobile"].value' } },
      customExtension: { urn: 'urn:ietf:params:scim:schemas:extension:acme:2.0:User', attributes: { approvalLimit: 5000, spendLimit: 250 } },
      redact: ['ssn', 'badgeNumber'],
      readOnly: true,
      maxBodyBytes: 1048576,
      maxJsonDepth: 32,
      maxPages: 50,
      transcript: path.join(ci, 'out/run.har'),
    })
  })

  it('sets nothing for an empty file', () => {
    expect(loadConfigText('# nothing yet\n', 'scim-check.yaml', known)).toEqual({ file: path.resolve('scim-check.yaml'), warnings: [] })
  })

  it('accepts one profile, a comma list or all as a string', () => {
    expect(loadConfigText('idp: okta\n', 'c.yaml', known).idps).toEqual(['okta'])
    expect(loadConfigText('idp: okta, entra\n', 'c.yaml', known).idps).toEqual(['okta', 'entra'])
    expect(loadConfigText('idp: all\n', 'c.yaml', known).idps).toEqual(['all'])
  })

  it('takes `name=-` to mean stdout', () => {
    expect(loadConfigText('reporters: [json=-]\n', 'c.yaml', known).reporters).toEqual([{ name: 'json' }])
  })

  it('takes a token written in the file, with a warning that never repeats the token', () => {
    const config = loadConfigText('token: s3cr3t-t0ken\n', 'scim-check.yaml', known)
    expect(config.token).toBe('s3cr3t-t0ken')
    expect(config.warnings).toHaveLength(1)
    expect(config.warnings[0]).toMatch(/tokenEnv/)
    expect(config.warnings[0]).not.toContain('s3cr3t-t0ken')
  })

  it('checks profiles and reporters against the registries by default', () => {
    const config = loadConfigText(`idp: generic\nreporters: [${REPORTER_NAMES.join(', ')}]\n`, 'c.yaml')
    expect(config.reporters?.map((r) => r.name)).toEqual(REPORTER_NAMES)
    expect(() => loadConfigText('reporters: [nope]\n', 'c.yaml')).toThrow(ConfigError)
  })

  it('says plainly when the file cannot be read', () => {
    const file = path.join(tempDir(), 'absent.yaml')
    expect(() => loadConfigFile(file)).toThrow(/absent\.yaml: cannot read the config file: no such file$/)
  })
})

describe('config errors name the file, line, column and key', () => {
  const cases: [string, string, string][] = [
    ['an unknown key, with a suggestion', 'url: https://a.example.com/scim/v2\ntokn: abc\n', 'scim-check.yaml:2:1: tokn: unknown key `tokn` (did you mean `token`?)'],
    [
      'an unknown reporter',
      'url: https://a.example.com/scim/v2\nreporters:\n  - pretty\n  - jsn=out.json\n',
      'scim-check.yaml:4:5: reporters[1]: unknown reporter "jsn" (did you mean "json"?)',
    ],
    [
      'an unknown reporter given as a mapping',
      'reporters:\n  - { name: junt, file: r.xml }\n',
      'scim-check.yaml:2:13: reporters[0].name: unknown reporter "junt" (did you mean "junit"?)',
    ],
    ['a reporter with an empty file', 'reporters: [json=]\n', 'scim-check.yaml:1:13: reporters[0]: no file after `=` in "json="; write `json=report-file`, or just `json` for stdout'],
    ['a bad failOn', 'failOn: warn\n', 'scim-check.yaml:1:9: failOn: unknown failOn level "warn" (expected one of: must, should, never)'],
    ['a timeout that is not a number', 'timeout: 10s\n', 'scim-check.yaml:1:10: timeout: `timeout` must be a whole number'],
    ['a timeout of zero', 'timeout: 0\n', 'scim-check.yaml:1:10: timeout: `timeout` must be at least 1'],
    ['a URL without a scheme', 'url: app.example.com/scim\n', 'scim-check.yaml:1:6: url: `url` must be an http(s) URL, e.g. https://app.example.com/scim/v2'],
    ['an unknown profile', 'idp: [okta, entar]\n', 'scim-check.yaml:1:13: idp[1]: unknown profile "entar" (did you mean "entra"?)'],
    ['an unknown profile in a string', 'idp: onelogin\n', 'scim-check.yaml:1:6: idp: unknown profile "onelogin" (available: generic, okta, entra, all)'],
    ['options for an unknown profile', 'idpOptions:\n  entr: { aadOptscim062020: true }\n', 'scim-check.yaml:2:3: idpOptions.entr: unknown profile "entr" (did you mean "entra"?)'],
    ['a mapping for an unknown profile', "mapping:\n  '*': {}\n  okt: { user.title: title }\n", 'scim-check.yaml:3:3: mapping.okt: unknown profile "okt" (did you mean "okta"?)'],
    ['a mapping value that is not a path', 'mapping:\n  okta: { user.title: 5 }\n', 'scim-check.yaml:2:23: mapping.okta["user.title"]: `user.title` must be a string'],
    [
      'a custom extension without attributes',
      'customExtension:\n  urn: urn:ietf:params:scim:schemas:extension:acme:2.0:User\n',
      'scim-check.yaml:1:1: customExtension: missing required key `attributes`',
    ],
    ['a custom extension with a bad urn', 'customExtension: { urn: acme, attributes: { a: 1 } }\n', 'scim-check.yaml:1:25: customExtension.urn: `urn` must be a schema URN, e.g. urn:ietf:params:scim:schemas:extension:acme:2.0:User'],
    ['a boolean written as text', 'insecure: sure\n', 'scim-check.yaml:1:11: insecure: `insecure` must be true or false'],
    ['redact given as a string', 'redact: ssn\n', 'scim-check.yaml:1:9: redact: `redact` must be a list'],
    ['token and tokenEnv together', 'token: abc\ntokenEnv: ACME_TOKEN\n', 'scim-check.yaml:2:1: tokenEnv: both `token` and `tokenEnv` are set; keep `tokenEnv` and remove `token`'],
    ['tokenEnv naming an unset variable', 'tokenEnv: ACME_TOKEN\n', 'scim-check.yaml:1:11: tokenEnv: environment variable ACME_TOKEN is not set (or is empty); set it, or remove `tokenEnv`'],
    ['a YAML syntax error', 'url: https://a.example.com\nreporters: [json\n', 'scim-check.yaml:3:1: YAML syntax error: flow sequence in block collection must be sufficiently indented and end with a ]; check the indentation'],
    ['a duplicate key', 'timeout: 100\ntimeout: 200\n', 'scim-check.yaml:2:1: timeout: duplicate key `timeout`: a key may appear once per mapping; remove or merge one'],
    ['a file that is not a mapping', '- url: https://a.example.com\n', 'scim-check.yaml:1:1: the file must be a mapping of settings, e.g. `url: https://app.example.com/scim/v2`'],
  ]

  it.each(cases)('%s', (_, text, message) => {
    const error = configError(text)
    expect(error.message).toBe(message)
    expect(error.name).toBe('ConfigError')
    expect(error.file).toBe('scim-check.yaml')
    expect(error.excerpt.split('\n')[0]).toBe(text.split('\n')[error.line - 1])
  })

  it('checks profile options against what the profile declares', () => {
    // The generic profile declares no options, so any option for it is a mistake worth reporting.
    const error = configError('idpOptions:\n  generic: { strict: true }\n', { ...known, knownIdps: ['generic'] })
    expect(error.message).toBe('scim-check.yaml:2:14: idpOptions.generic.strict: unknown option `strict` for generic (generic has no options)')
  })
})

describe('findConfigFile', () => {
  it('finds scim-check.yaml in the directory', () => {
    const dir = tempDir()
    expect(findConfigFile(dir)).toBeUndefined()
    writeFileSync(path.join(dir, 'scim-check.yml'), 'failOn: should\n')
    expect(findConfigFile(dir)).toBe(path.join(dir, 'scim-check.yml'))
    writeFileSync(path.join(dir, 'scim-check.yaml'), 'failOn: never\n')
    expect(findConfigFile(dir)).toBe(path.join(dir, 'scim-check.yaml'))
  })
})
