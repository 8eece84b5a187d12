import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ACTIONS } from '../../src/idp/types.js'
import { loadScenario, loadScenarios, loadScenarioText, ScenarioError, scenarioSchema } from '../../src/scenario/loader.js'
import { FEATURES } from '../../src/scenario/types.js'
import { renderLocatedError } from '../../src/yaml/index.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

function errorOf(fn: () => unknown): ScenarioError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError)
    return error as ScenarioError
  }
  throw new Error('expected a ScenarioError')
}

const scenario = (steps: string, head = 'name: s\ntitle: S\n') => `${head}steps:\n${steps}`

describe('loadScenarioText', () => {
  it('returns the typed scenario with step lines and check references normalised to {id}', () => {
    const s = loadScenarioText(
      scenario(`  - name: create
    action: createUser
    save: user
    checks: [get.by-id, { id: filter.not-ignored, with: { others: ["{{ user.id }}"] } }]

  - name: read
    request: { method: GET, path: "/Users/{{ user.id }}" }
`),
      'x.yaml',
    )
    expect(s).toEqual({
      name: 's',
      title: 'S',
      file: 'x.yaml',
      steps: [
        {
          name: 'create',
          line: 4,
          action: 'createUser',
          save: 'user',
          checks: [{ id: 'get.by-id' }, { id: 'filter.not-ignored', with: { others: ['{{ user.id }}'] } }],
        },
        { name: 'read', line: 9, request: { method: 'GET', path: '/Users/{{ user.id }}' } },
      ],
    })
  })

  it('accepts any well-formed check id when the caller passes no registry', () => {
    const s = loadScenarioText(scenario('  - name: a\n    action: createUser\n    checks: [made.up]\n'), 'x.yaml')
    expect(s.steps[0].checks).toEqual([{ id: 'made.up' }])
  })

  it('lets expectations and checks use what their own step saves, but not its request', () => {
    const ok = scenario(`  - name: create
    action: createUser
    save: user
    expect: { body: { id: "{{ user.id }}" } }
    checks: [{ id: get.by-id, with: { id: "{{ user.id }}" } }]
`)
    expect(() => loadScenarioText(ok, 'x.yaml')).not.toThrow()
    const bad = scenario(`  - name: read
    request: { method: GET, path: "/Users/{{ user.id }}" }
    save: user
`)
    expect(errorOf(() => loadScenarioText(bad, 'x.yaml')).message).toBe(
      'x.yaml:5:43: steps[0].request.path: unknown template variable `user` in "{{ user.id }}": this step saves it, so only its `expect` and `checks` can use it',
    )
  })

  it('accepts the built-in template roots anywhere', () => {
    const s = scenario(`  - name: a
    request: { method: GET, path: "/Users", query: { filter: 'userName sw "{{ run.prefix }}"' }, headers: { x-idp: "{{ idp.name }}" } }
    when: "{{ features.filter }}"
    with: { u: "{{ unique.userName }}" }
`)
    expect(() => loadScenarioText(s, 'x.yaml')).not.toThrow()
  })

  it('checks profile names against the registered profiles, or the ones the caller passes', () => {
    const s = 'name: s\ntitle: S\nidps: [generic, octa]\nsteps:\n  - name: a\n    action: createUser\n'
    expect(errorOf(() => loadScenarioText(s, 'x.yaml')).message).toBe(
      'x.yaml:3:17: idps[1]: unknown profile "octa" (did you mean "okta"?); valid: generic, okta, entra, onelogin, jumpcloud, ping, all',
    )
    expect(errorOf(() => loadScenarioText(s, 'x.yaml', { knownIdps: new Set(['generic', 'okta']) })).message).toBe(
      'x.yaml:3:17: idps[1]: unknown profile "octa" (did you mean "okta"?); valid: generic, okta',
    )
    expect(() => loadScenarioText(s.replace('octa', 'all'), 'x.yaml')).not.toThrow()
  })

  it('shows a typo before the errors it causes', () => {
    // `nme` is why `name` is missing; reporting the missing name first would send the author looking elsewhere.
    const error = errorOf(() => loadScenarioText(scenario('  - nme: a\n    acton: createUser\n'), 'x.yaml'))
    expect(error.message).toBe('x.yaml:4:5: steps[0].nme: unknown field `nme` (did you mean `name`?)')
  })

  it('reports the first problem in the file when several are equally serious', () => {
    const error = errorOf(() => loadScenarioText(scenario('  - name: a\n    action: createUser\n    expect: { status: x }\n', 'name: s\ntitle: 5\n'), 'x.yaml'))
    expect(error.field).toBe('title')
    expect(error.problem).toBe('`title` must be a string')
  })

  it('lists the allowed fields when an unknown one resembles none', () => {
    const error = errorOf(() => loadScenarioText(scenario('  - name: a\n    action: createUser\n', 'name: s\ntitle: S\nxyzzy: 1\n'), 'x.yaml'))
    expect(error.problem).toBe('unknown field `xyzzy` (allowed: name, title, description, idps, requires, source, level, optIn, writes, steps)')
  })

  it('points at the same place in files with Windows line endings', () => {
    const text = scenario('  - name: a\n    action: deactivteUser\n').replace(/\n/g, '\r\n')
    const error = errorOf(() => loadScenarioText(text, 'x.yaml'))
    expect(error.message).toBe('x.yaml:5:13: steps[0].action: unknown action "deactivteUser" (did you mean "deactivateUser"?)')
    expect(error.excerpt).toBe('    action: deactivteUser\n            ^^^^^^^^^^^^^')
  })

  it('renders a multi-line diagnostic with the line and a caret for terminals', () => {
    const error = errorOf(() => loadScenarioText(scenario('  - name: a\n    action: deactivteUser\n'), 'scenarios/x.yaml'))
    expect(renderLocatedError(error)).toBe(
      [
        'error: unknown action "deactivteUser" (did you mean "deactivateUser"?)',
        '  --> scenarios/x.yaml:5:13 (steps[0].action)',
        '  |',
        '5 |     action: deactivteUser',
        '  |             ^^^^^^^^^^^^^',
      ].join('\n'),
    )
  })
})

describe('loadScenario and loadScenarios', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'scim-check-loader-'))
  const write = (name: string, text: string) => {
    const file = path.join(dir, name)
    writeFileSync(file, text)
    return file
  }

  it('reads a file and keeps the path it was given', () => {
    const file = write('one.yaml', scenario('  - name: a\n    action: testConnection\n', 'name: one\ntitle: One\n'))
    expect(loadScenario(file).file).toBe(file)
  })

  it('says plainly when the file cannot be read', () => {
    const error = errorOf(() => loadScenario(path.join(dir, 'missing.yaml')))
    expect(error.problem).toBe('cannot read the scenario file: no such file')
    expect(error.line).toBe(0)
    expect(error.message).toMatch(/missing\.yaml: cannot read the scenario file: no such file$/)
  })

  it('requires scenario names to be unique across files, pointing at the second', () => {
    const a = write('a.yaml', scenario('  - name: a\n    action: testConnection\n', 'name: same\ntitle: A\n'))
    const b = write('b.yaml', scenario('  - name: b\n    action: testConnection\n', 'title: B\nname: same\n'))
    const error = errorOf(() => loadScenarios([a, b]))
    expect(error.file).toBe(b)
    expect(error.line).toBe(2)
    expect(error.problem).toMatch(/^duplicate scenario name "same" \(also in .*a\.yaml\); rename one$/)
    expect(loadScenarios([a]).map((s) => s.name)).toEqual(['same'])
  })

  it('shows files inside the working directory relative to it', () => {
    const file = path.join(root, 'fixtures/scenarios/invalid/unknown-action.yaml')
    const error = errorOf(() => loadScenario(file))
    expect(error.message.startsWith(`${path.relative(process.cwd(), file).split(path.sep).join('/')}:8:13: `)).toBe(true)
  })

  it('loads every built-in scenario', () => {
    const builtinDir = path.join(root, 'scenarios')
    const files = readdirSync(builtinDir).filter((f) => /\.ya?ml$/.test(f))
    for (const f of files) expect(loadScenario(path.join(builtinDir, f)).steps.length).toBeGreaterThan(0)
  })
})

describe('scenario.schema.json', () => {
  it('enumerates exactly the actions profiles implement and the features scenarios may require', () => {
    expect(scenarioSchema.definitions.step.properties.action.enum).toEqual([...ACTIONS])
    expect(scenarioSchema.definitions.features.items.enum).toEqual([...FEATURES])
  })

  it('is identified and documented for editors', () => {
    expect(scenarioSchema.$schema).toBe('http://json-schema.org/draft-07/schema#')
    expect(scenarioSchema.$id).toMatch(/scenario/)
    for (const [key, property] of Object.entries(scenarioSchema.properties)) expect(property.description, key).toBeTruthy()
  })
})
