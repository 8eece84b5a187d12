import { readFileSync } from 'node:fs'
import { checkSchema, closest, compileSchema, displayPath, LocatedError, YamlSource } from '../yaml/index.js'
import type { JsonPath, Located, SchemaValidator } from '../yaml/index.js'
import { PROFILE_NAMES } from '../idp/registry.js'
import schema from './scenario.schema.json' with { type: 'json' }
import { TemplateError, templateExpressions } from './template.js'
import type { CheckRef, Scenario, Step } from './types.js'

/** A scenario file that cannot be used; `message` is one line: `file:line:column: field: what is wrong`. */
export class ScenarioError extends LocatedError {
  override name = 'ScenarioError'
  constructor(where: Located) {
    super(where)
  }
}

export interface LoadOptions {
  /** Registered check ids; when given, `checks:` and `check:` must name one of them. */
  knownChecks?: ReadonlySet<string>
  /** Declared `with:` arguments by check id; when a check has an entry, its `with:` keys must be among them. */
  checkArgs?: ReadonlyMap<string, readonly string[]>
  /** Profile names `idps:` may name; by default the registered profiles (and `all`). */
  knownIdps?: ReadonlySet<string>
}

/** Template roots every step may use, besides the names earlier steps `save`. */
export const BUILTIN_ROOTS = ['unique', 'run', 'features', 'idp', 'custom'] as const

export const scenarioSchema = schema
// Compiled on first use, so commands that never read a file do not pay for it.
let validator: SchemaValidator | undefined
const schemaValidator = () => (validator ??= compileSchema(schema, 'field'))

export function loadScenario(file: string, options: LoadOptions = {}): Scenario {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    throw new ScenarioError({ file, line: 0, column: 0, field: '', problem: `cannot read the scenario file: ${reason}`, excerpt: '' })
  }
  return loadScenarioText(text, file, options)
}

export function loadScenarioText(text: string, file: string, options: LoadOptions = {}): Scenario {
  const source = YamlSource.parse(text, file, ScenarioError)
  checkSchema(source, schemaValidator())
  const raw = source.value as Omit<Scenario, 'file' | 'steps'> & { steps: RawStep[] }
  checkIdps(source, raw.idps, options.knownIdps ?? new Set([...PROFILE_NAMES, 'all']))
  const steps = checkSteps(source, raw.steps, options)
  return { ...raw, steps, file }
}

/** Loads every file; scenario names must be unique across them. */
export function loadScenarios(files: readonly string[], options: LoadOptions = {}): Scenario[] {
  const byName = new Map<string, Scenario>()
  const scenarios: Scenario[] = []
  for (const file of files) {
    const scenario = loadScenario(file, options)
    const earlier = byName.get(scenario.name)
    if (earlier) {
      const source = YamlSource.parse(readFileSync(file, 'utf8'), file, ScenarioError)
      throw source.error(['name'], `duplicate scenario name "${scenario.name}" (also in ${displayPath(earlier.file)}); rename one`)
    }
    byName.set(scenario.name, scenario)
    scenarios.push(scenario)
  }
  return scenarios
}

type RawStep = Omit<Step, 'checks' | 'line'> & { checks?: (string | CheckRef)[] }

function checkSteps(source: YamlSource, rawSteps: RawStep[], options: LoadOptions): Step[] {
  const firstByName = new Map<string, number>()
  const saved = new Map<string, number>()
  const steps: Step[] = []
  rawSteps.forEach((raw, index) => {
    const at: JsonPath = ['steps', index]
    const earlier = firstByName.get(raw.name)
    if (earlier !== undefined) {
      throw source.error([...at, 'name'], `duplicate step name "${raw.name}" (also steps[${earlier}], line ${source.line(['steps', earlier])}); step names must be unique in a file`)
    }
    firstByName.set(raw.name, index)

    if (raw.action !== undefined && raw.request !== undefined) {
      throw source.error([...at, 'request'], 'a step has either `action` or `request`, not both; split it into two steps')
    }
    if (raw.action === undefined && raw.request === undefined) {
      throw source.error(at, 'a step needs `action` (an IdP action such as `createUser`) or `request` (a raw HTTP request)')
    }
    if (raw.save && ([...BUILTIN_ROOTS, 'repeat'] as readonly string[]).includes(raw.save)) {
      throw source.error([...at, 'save'], `\`${raw.save}\` is a built-in template variable; save under another name`)
    }

    const checks = raw.checks?.map((ref) => (typeof ref === 'string' ? { id: ref } : ref))
    if (options.knownChecks) {
      checks?.forEach((ref, i) => {
        const path = typeof raw.checks?.[i] === 'string' ? [...at, 'checks', i] : [...at, 'checks', i, 'id']
        checkCheckId(source, path, ref.id, options.knownChecks!)
      })
      const expectations = raw.expect === undefined ? [] : Array.isArray(raw.expect) ? raw.expect : [raw.expect]
      expectations.forEach((expectation, i) => {
        if (expectation.check === undefined) return
        const path = Array.isArray(raw.expect) ? [...at, 'expect', i, 'check'] : [...at, 'expect', 'check']
        checkCheckId(source, path, expectation.check, options.knownChecks!)
      })
    }

    checks?.forEach((ref, i) => {
      if (typeof raw.checks?.[i] !== 'string') checkArgNames(source, [...at, 'checks', i], ref, options.checkArgs)
    })

    // What a template may name: built-ins and what earlier steps saved; expectations and checks are judged after
    // the step, so they may also use what this step saves.
    const outside = new Set<string>([...BUILTIN_ROOTS, ...saved.keys()])
    checkTemplates(source, [...at, 'repeat'], raw.repeat, outside, (name) => (name === 'repeat' ? 'it exists only inside a repeated step, not in the `repeat:` that sets it' : undefined))
    // Inside a repeated step `repeat` names the current repetition; elsewhere it is unknown (and explained).
    const before = raw.repeat === undefined ? outside : new Set([...outside, 'repeat'])
    const after = new Set([...before, ...(raw.save ? [raw.save] : [])])
    const savedWhere = (name: string): string | undefined => {
      if (name === 'repeat' && raw.repeat === undefined) return 'it names the current repetition, and only a step with `repeat:` has one'
      if (name === raw.save) return 'this step saves it, so only its `expect` and `checks` can use it'
      const later = rawSteps.findIndex((step, i) => i > index && step.save === name)
      return later >= 0 ? `it is saved only later, by steps[${later}] (line ${source.line(['steps', later])})` : undefined
    }
    for (const key of ['request', 'with', 'when'] as const) checkTemplates(source, [...at, key], raw[key], before, savedWhere)
    checkTemplates(source, [...at, 'expect'], raw.expect, after, savedWhere)
    checkTemplates(source, [...at, 'checks'], raw.checks, after, savedWhere)
    if (raw.save) saved.set(raw.save, index)

    const step: Step = { ...raw, line: source.line(at) } as Step
    if (checks) step.checks = checks
    else delete step.checks
    steps.push(step)
  })
  return steps
}

function checkArgNames(source: YamlSource, path: JsonPath, ref: CheckRef, declared: ReadonlyMap<string, readonly string[]> | undefined): void {
  const takes = declared?.get(ref.id)
  if (!takes || !ref.with) return
  for (const key of Object.keys(ref.with)) {
    if (takes.includes(key)) continue
    const suggestion = closest(key, new Set(takes))
    throw source.error([...path, 'with', key], `check ${ref.id} takes no argument \`${key}\`${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}; it takes: ${takes.join(', ')}`, { where: 'key' })
  }
}

function checkCheckId(source: YamlSource, path: JsonPath, id: string, known: ReadonlySet<string>): void {
  if (known.has(id)) return
  const suggestion = closest(id, known)
  const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '; `scim-check list checks` shows them all'
  throw source.error(path, `unknown check "${id}"${hint}`)
}

/** A scenario whose `idps:` names no profile would never run, and a run of it would read green on nothing. */
function checkIdps(source: YamlSource, idps: string[] | undefined, known: ReadonlySet<string>): void {
  if (!idps) return
  idps.forEach((idp, i) => {
    if (known.has(idp)) return
    const suggestion = closest(idp, known)
    throw source.error(['idps', i], `unknown profile "${idp}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; valid: ${[...known].join(', ')}`)
  })
}

/** Walks a step's values and rejects `{{ }}` that cannot resolve whatever the run does: bad syntax, unknown roots. */
function checkTemplates(source: YamlSource, path: JsonPath, value: unknown, roots: ReadonlySet<string>, savedWhere: (name: string) => string | undefined): void {
  if (typeof value === 'string') {
    let expressions
    try {
      expressions = templateExpressions(value)
    } catch (error) {
      if (error instanceof TemplateError) throw source.error(path, error.message, { needle: error.expression })
      throw error
    }
    for (const expression of expressions) {
      if (roots.has(expression.root)) continue
      const saved = savedWhere(expression.root)
      let hint: string
      if (saved) hint = `: ${saved}`
      else {
        const suggestion = closest(expression.root, roots)
        hint = suggestion ? ` (did you mean \`${suggestion}\`?)` : ` (known here: ${[...roots].join(', ')})`
      }
      throw source.error(path, `unknown template variable \`${expression.root}\` in "${expression.raw}"${hint}`, { needle: expression.raw })
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkTemplates(source, [...path, i], item, roots, savedWhere))
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) checkTemplates(source, [...path, key], item, roots, savedWhere)
  }
}
