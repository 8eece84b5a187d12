import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UsageError } from '../errors.js'
import { PROFILE_NAMES, PROFILES } from '../idp/registry.js'
import { builtinScenarios, knownCheckIds, SUITES_DIR } from '../runner/scenarios.js'
import type { Scenario } from '../scenario/types.js'
import { checkSchema, closest, compileSchema, LocatedError, YamlSource, type JsonPath, type Located, type SchemaValidator } from '../yaml/index.js'
import schema from './suite.schema.json' with { type: 'json' }
import type { Selector, Suite, SuiteStep } from './types.js'

/** A suite file that cannot be used; `message` is one line: `file:line:column: field: what is wrong`. */
export class SuiteError extends LocatedError {
  override name = 'SuiteError'
  constructor(where: Located) {
    super(where)
  }
}

let validator: SchemaValidator | undefined
const schemaValidator = () => (validator ??= compileSchema(schema, 'field'))

/** The names of the built-in suites (scenarios/suites/*.yaml). */
export function suiteNames(dir = SUITES_DIR): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => f.replace(/\.ya?ml$/, '')).sort()
}

/** A built-in suite by name; an unknown name is one line naming the valid ones. */
export function loadSuite(name: string, dir = SUITES_DIR, scenarios: readonly Scenario[] = builtinScenarios()): Suite {
  const names = suiteNames(dir)
  if (!names.includes(name)) {
    const near = closest(name, new Set(names))
    throw new UsageError(`unknown --suite "${name}"${near ? ` (did you mean "${near}"?)` : ''}; valid: ${names.join(', ') || '(none)'}`)
  }
  const file = join(dir, `${name}.yaml`)
  return parseSuite(readFileSync(file, 'utf8'), file, scenarios)
}

/**
 * Parses and checks a suite against the scenarios it names, so a renamed step or check fails here (and in the test
 * that loads every suite), not as a quietly unjudged step in someone's report.
 */
export function parseSuite(text: string, file: string, scenarios: readonly Scenario[]): Suite {
  const source = YamlSource.parse(text, file, SuiteError)
  checkSchema(source, schemaValidator())
  const raw = source.value as Omit<Suite, 'file'>
  const profiles = new Set<string>(PROFILE_NAMES)
  if (!profiles.has(raw.profile)) throw source.error(['profile'], `unknown profile "${raw.profile}"; valid: ${[...profiles].join(', ')}`)
  const byName = new Map(scenarios.map((s) => [s.name, s]))
  // Catalogue checks and the profiles' own expectations (idp.<profile>.*) are the result ids a step can name.
  const checks = new Set([...knownCheckIds(), ...Object.values(PROFILES).flatMap((p) => (p.expectations ?? []).map((e) => e.id))])
  const ids = new Set<string>()
  raw.steps.forEach((step, i) => {
    const at: JsonPath = ['steps', i]
    if (ids.has(step.id)) throw source.error([...at, 'id'], `duplicate step id "${step.id}"`)
    ids.add(step.id)
    const kinds = (['evidence', 'anyOf', 'offline', 'load'] as const).filter((k) => step[k] !== undefined)
    if (kinds.length !== 1) throw source.error(at, `a step says how it is judged in exactly one way: evidence, anyOf, offline or load (found ${kinds.join(', ') || 'none'})`)
    if (step.auth && !step.evidence) throw source.error([...at, 'auth'], '`auth` narrows evidence; give the step `evidence` too')
    selectorsOf(step).forEach(({ selector, path }) => checkSelector(source, [...at, ...path], selector, profiles, byName, checks))
  })
  return { ...raw, file }
}

export function selectorsOf(step: SuiteStep): { selector: Selector; path: JsonPath }[] {
  if (step.evidence) return step.evidence.map((selector, i) => ({ selector, path: ['evidence', i] }))
  if (step.anyOf) return step.anyOf.flatMap((alt, a) => alt.map((selector, i) => ({ selector, path: ['anyOf', a, i] as JsonPath })))
  return []
}

function checkSelector(source: YamlSource, at: JsonPath, s: Selector, profiles: Set<string>, scenarios: Map<string, Scenario>, checks: Set<string>): void {
  if (!profiles.has(s.idp)) throw source.error([...at, 'idp'], `unknown profile "${s.idp}"; valid: ${[...profiles].join(', ')}`)
  const scenario = scenarios.get(s.scenario)
  if (!scenario) {
    // Traffic another branch is adding is named ahead of time; anything else is a typo.
    if (s.pending) return
    const near = closest(s.scenario, new Set(scenarios.keys()))
    throw source.error([...at, 'scenario'], `unknown scenario "${s.scenario}"${near ? ` (did you mean "${near}"?)` : ''}; mark traffic not built yet with pending: true`)
  }
  if (scenario.idps && !scenario.idps.includes(s.idp) && !scenario.idps.includes('all')) {
    throw source.error([...at, 'idp'], `scenario "${s.scenario}" runs only under ${scenario.idps.join(', ')}, not ${s.idp}`)
  }
  if (s.step !== undefined && !scenario.steps.some((st) => st.name === s.step)) {
    const near = closest(s.step, new Set(scenario.steps.map((st) => st.name)))
    throw source.error([...at, 'step'], `scenario "${s.scenario}" has no step "${s.step}"${near ? ` (did you mean "${near}"?)` : ''}`)
  }
  s.checks?.forEach((id, i) => {
    // A catalogue check, or one of the scenario's own expectations (<scenario>.<step>.status / .body).
    if (checks.has(id) || id.startsWith(`${s.scenario}.`)) return
    const near = closest(id, checks)
    throw source.error([...at, 'checks', i], `unknown check "${id}"${near ? ` (did you mean "${near}"?)` : ''}`)
  })
}
