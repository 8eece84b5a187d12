import { createRequire } from 'node:module'
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv'
import { closest } from './suggest.js'
import type { JsonPath, PathSegment, YamlSource } from './source.js'

/**
 * JSON Schema validation whose errors read like a person wrote them. The schemas stay the single source of truth
 * (editors use them too); this module only translates ajv's findings and picks the one most worth showing.
 * Schemas may carry `errorMessage` (a phrase after the field name, e.g. "must be a number or a list of numbers"),
 * which editors based on vscode-json-languageservice also show, and `title` on enumerations, used as the noun in
 * `unknown action "x"`.
 */
let instance: Ajv | undefined
// Created when a file is first checked: a run that reads no YAML never loads the compiler.
function ajv(): Ajv {
  if (!instance) {
    const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv')
    instance = new AjvClass({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true })
    instance.addKeyword({ keyword: 'errorMessage', schemaType: 'string' })
  }
  return instance
}

export interface SchemaValidator {
  validate: ValidateFunction
  root: SchemaNode
  /** What the format calls an object's entries in messages: scenario "field"s, config "key"s. */
  word: 'field' | 'key'
}

interface SchemaNode {
  $id?: string
  $ref?: string
  type?: string | string[]
  items?: SchemaNode
  properties?: Record<string, SchemaNode>
  enum?: unknown[]
  title?: string
  errorMessage?: string
  anyOf?: SchemaNode[]
  oneOf?: SchemaNode[]
  [key: string]: unknown
}

export function compileSchema(schema: object, word: 'field' | 'key'): SchemaValidator {
  const root = schema as SchemaNode
  const validate = (root.$id && ajv().getSchema(root.$id)) || ajv().compile(root)
  return { validate, root, word }
}

/** Throws the source's error class for the most useful schema violation, if there is one. */
export function checkSchema(source: YamlSource, validator: SchemaValidator): void {
  if (validator.validate(source.value)) return
  const problem = pickProblem(validator.validate.errors ?? [], source, validator)
  if (problem) throw source.error(problem.path, problem.text, { where: problem.where })
}

interface Problem {
  path: PathSegment[]
  text: string
  where: 'key' | 'value'
  /** 0 for unknown fields: a typo explains most other errors, so it is shown first. */
  tier: number
}

const COMPOSITE = new Set(['anyOf', 'oneOf'])

function pickProblem(errors: ErrorObject[], source: YamlSource, validator: SchemaValidator): Problem | undefined {
  const problems = relevant(errors).map((error) => translate(error, source.value, validator))
  const ranked = problems.map((problem) => ({ problem, at: source.position(problem.path, { where: problem.where }) }))
  ranked.sort((a, b) => a.problem.tier - b.problem.tier || a.at.line - b.at.line || a.at.column - b.at.column || b.problem.path.length - a.problem.path.length)
  return ranked[0]?.problem
}

/**
 * Drops the noise alternatives produce. When a value fails `anyOf` (a number, or a list of numbers), ajv reports
 * every branch: if some branch accepted the value's shape and failed deeper, that deeper error is the real one;
 * if every branch rejected the shape, the `anyOf` itself is ("must be a number or a list of numbers").
 */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject[]>()
  for (const error of errors) byPath.set(error.instancePath, [...(byPath.get(error.instancePath) ?? []), error])
  const deeper = (at: string) =>
    errors.some((e) => e.instancePath.startsWith(`${at}/`) || (e.instancePath === at && e.keyword === 'additionalProperties'))
  const kept: ErrorObject[] = []
  for (const [at, here] of byPath) {
    const composites = here.filter((e) => COMPOSITE.has(e.keyword))
    const types = here.filter((e) => e.keyword === 'type')
    const others = here.filter((e) => !COMPOSITE.has(e.keyword) && e.keyword !== 'type')
    if (composites.length > 0) {
      if (deeper(at) || others.length > 0) kept.push(...others)
      else kept.push(composites[composites.length - 1])
    } else if (types.length > 0) kept.push(types[0])
    else kept.push(...others)
  }
  return kept
}

function translate(error: ErrorObject, data: unknown, validator: SchemaValidator): Problem {
  const path = pointerToPath(error.instancePath, data)
  const parent = (error.parentSchema ?? {}) as SchemaNode
  const value = valueAt(data, path)
  const subject = subjectOf(path)
  const word = validator.word
  const problem = (text: string, extra: Partial<Problem> = {}): Problem => ({ path, text, where: 'value', tier: 1, ...extra })

  switch (error.keyword) {
    case 'required':
      return problem(`missing required ${word} \`${(error.params as { missingProperty: string }).missingProperty}\``)
    case 'additionalProperties': {
      const name = (error.params as { additionalProperty: string }).additionalProperty
      const allowed = Object.keys(parent.properties ?? {})
      const suggestion = closest(name, allowed)
      const hint = suggestion ? ` (did you mean \`${suggestion}\`?)` : allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ''
      return { path: [...path, name], text: `unknown ${word} \`${name}\`${hint}`, where: 'key', tier: 0 }
    }
    case 'uniqueItems': {
      const { i, j } = error.params as { i: number; j: number }
      const later = Math.max(i, j)
      return { path: [...path, later], text: `${subject} lists ${JSON.stringify(valueAt(data, [...path, later]))} twice; remove one`, where: 'value', tier: 1 }
    }
  }
  if (parent.errorMessage) return problem(`${subject} ${parent.errorMessage}`)

  switch (error.keyword) {
    case 'type':
      return problem(`${subject} must be ${describeTypes(typesOf(parent), false)}`)
    case 'anyOf':
    case 'oneOf': {
      const branches = ((error.schema as SchemaNode[]) ?? []).map((branch) => resolve(branch, validator.root))
      return problem(`${subject} must be ${joinOr(branches.map((branch) => describe(branch, false, validator.root)))}`)
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String)
      const suggestion = typeof value === 'string' ? closest(value, allowed) : undefined
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : ` (expected one of: ${allowed.join(', ')})`
      if (parent.title && typeof value === 'string') return problem(`unknown ${parent.title} "${value}"${hint}`)
      return problem(`${subject} must be one of: ${allowed.join(', ')}${suggestion ? `; did you mean "${suggestion}"?` : ''}`)
    }
    case 'pattern':
      return problem(`${subject} ${JSON.stringify(value)} does not match the pattern ${(error.params as { pattern: string }).pattern}`)
    case 'minimum':
      return problem(`${subject} must be at least ${(error.params as { limit: number }).limit}`)
    case 'maximum':
      return problem(`${subject} must be at most ${(error.params as { limit: number }).limit}`)
    case 'exclusiveMinimum':
      return problem(`${subject} must be greater than ${(error.params as { limit: number }).limit}`)
    case 'minItems': {
      const limit = (error.params as { limit: number }).limit
      return problem(limit === 1 ? `${subject} must not be empty` : `${subject} must have at least ${limit} items`)
    }
    case 'minLength': {
      const limit = (error.params as { limit: number }).limit
      return problem(limit === 1 ? `${subject} must not be empty` : `${subject} must be at least ${limit} characters long`)
    }
    case 'minProperties':
      return problem(`${subject} must not be empty`)
    default:
      return problem(`${subject} ${error.message ?? 'is not valid'}`)
  }
}

/** `/steps/0/expect` → ['steps', 0, 'expect']; a segment is a number only where the data holds an array. */
export function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (!pointer) return []
  const path: PathSegment[] = []
  let current = data
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    const key: PathSegment = Array.isArray(current) ? Number(segment) : segment
    path.push(key)
    current = current !== null && typeof current === 'object' ? (current as Record<PathSegment, unknown>)[key] : undefined
  }
  return path
}

export function valueAt(data: unknown, path: JsonPath): unknown {
  let current = data
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<PathSegment, unknown>)[segment]
  }
  return current
}

/** How a message names the field: `status`, `status[1]`, `steps[0]`; the whole file when the path is empty. */
function subjectOf(path: JsonPath): string {
  let start = path.length - 1
  while (start > 0 && typeof path[start] === 'number') start--
  if (start < 0) return 'the file'
  return `\`${path.slice(start).map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('')}\``
}

function resolve(schema: SchemaNode, root: SchemaNode): SchemaNode {
  let current = schema
  for (let hops = 0; current.$ref?.startsWith('#/') && hops < 10; hops++) {
    let target: unknown = root
    for (const part of current.$ref.slice(2).split('/')) target = (target as Record<string, unknown> | undefined)?.[part]
    current = (target ?? {}) as SchemaNode
  }
  return current
}

function typesOf(schema: SchemaNode): string[] {
  if (Array.isArray(schema.type)) return schema.type
  return schema.type ? [schema.type] : []
}

const NOUNS: Record<string, [string, string]> = {
  string: ['a string', 'strings'],
  integer: ['a whole number', 'whole numbers'],
  number: ['a number', 'numbers'],
  boolean: ['true or false', 'true/false values'],
  object: ['a mapping', 'mappings'],
  array: ['a list', 'lists'],
  null: ['null', 'nulls'],
}

function describeTypes(types: string[], plural: boolean): string {
  return joinOr(types.map((type) => NOUNS[type]?.[plural ? 1 : 0] ?? type))
}

function describe(schema: SchemaNode, plural: boolean, root: SchemaNode): string {
  const types = typesOf(schema)
  if (types.length === 1 && types[0] === 'array' && schema.items && !plural) return `a list of ${describe(resolve(schema.items, root), true, root)}`
  if (types.length > 0) return describeTypes(types, plural)
  return plural ? 'values' : 'a value'
}

function joinOr(parts: string[]): string {
  const unique = [...new Set(parts)]
  return unique.length <= 1 ? (unique[0] ?? 'valid') : `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`
}
